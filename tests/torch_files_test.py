"""PyTorch weight files are read without running anything they name: every
one of the legacy format's pickles goes through an unpickler that resolves
only tensor rebuilds, `OrderedDict` and storage types."""

import collections
import os
import pickle
import sys
import types

import numpy as np
import pytest

from keras_gans.utils import torch_files

from conftest import imagenet_weights_or_skip


class _RunsCommand:
    """Pickles as a call of `os.system(command)`, run by a plain `pickle.load`."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class _Evaluates:
    """Pickles as a call of `eval(source)`."""

    def __init__(self, source):
        self.source = source

    def __reduce__(self):
        return eval, (self.source,)


def _write_legacy(path, state=None, storage_keys=(), data=b"", **replace):
    """Writes the legacy format's five pickles then `data`; `replace` swaps
    one pickle (`magic`, `protocol`, `system`, `state`, `keys`) for another object."""
    pickles = {
        "magic": torch_files.MAGIC_NUMBER,
        "protocol": torch_files.PROTOCOL_VERSION,
        "system": {"protocol_version": 1001, "little_endian": True},
        "state": {} if state is None else state,
        "keys": list(storage_keys),
    }
    pickles.update(replace)
    with open(path, "wb") as f:
        for name in ("magic", "protocol", "system"):
            pickle.dump(pickles[name], f, protocol=2)
        if isinstance(pickles["state"], bytes):  # a pickle written by hand
            f.write(pickles["state"])
        else:
            _pickle_state(f, pickles["state"])
        pickle.dump(pickles["keys"], f, protocol=2)
        f.write(data)
    return str(path)


def _pickle_state(f, state):
    # Tensors and storages are written as torch.save writes them: a call of
    # torch._utils._rebuild_tensor_v2 on a persistent id ("storage", ...),
    # under stand-in torch modules so that pickle names the real globals.
    saved = sys.modules.get("torch"), sys.modules.get("torch._utils")
    torch, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
    for module, name in ((utils, "_rebuild_tensor_v2"), (utils, "_rebuild_parameter")):
        function = types.FunctionType((lambda *args: None).__code__, {}, name)
        function.__module__, function.__qualname__ = module.__name__, name
        setattr(module, name, function)
    storage_types = {}
    for name in torch_files.STORAGE_DTYPES:
        storage_types[name] = type(name, (), {"__module__": "torch"})
        setattr(torch, name, storage_types[name])

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _FakeStorage):
                return ("storage", storage_types[obj.type_name], obj.key, "cpu", obj.numel)
            return None

        def reducer_override(self, obj):
            if isinstance(obj, _FakeTensor):
                args = (obj.storage, obj.offset, obj.size, obj.stride, False)
                args = (*args, collections.OrderedDict())
                # A `state` (not None) is applied by pickle's BUILD to the rebuilt tensor.
                return utils._rebuild_tensor_v2, args, obj.state
            if isinstance(obj, _FakeParameter):
                args = (obj.tensor, True, collections.OrderedDict())
                return utils._rebuild_parameter, args
            return NotImplemented

    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
    try:
        Pickler(f, protocol=2).dump(state)
    finally:
        for name, module in zip(("torch", "torch._utils"), saved):
            if module is None:
                sys.modules.pop(name)
            else:
                sys.modules[name] = module


class _FakeStorage:
    def __init__(self, key, type_name, numel):
        self.key, self.type_name, self.numel = key, type_name, numel


class _FakeTensor:
    def __init__(self, storage, offset, size, stride, state=None):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
        self.state = state


class _FakeParameter:
    def __init__(self, tensor):
        self.tensor = tensor


def _storage_bytes(values):
    values = np.ascontiguousarray(values)
    return (
        values.size.to_bytes(8, "little") + values.astype(values.dtype.newbyteorder("<")).tobytes()
    )


@pytest.mark.parametrize("position", ["magic", "protocol", "system", "state", "keys"])
def test_a_pickle_that_would_run_a_command_is_refused_before_it_runs(tmp_path, position):
    marker = tmp_path / "the command ran"
    path = _write_legacy(tmp_path / "hostile.pth", **{position: _RunsCommand(f"touch '{marker}'")})
    with pytest.raises(
        ValueError, match=r"refusing to load (os|posix)\.system from .*hostile\.pth"
    ):
        torch_files.read_state_dict(path)
    assert not marker.exists()
    # Also a pickle error, as the reader's refusals have always been.
    with pytest.raises(pickle.UnpicklingError, match="a weights file needs only tensors"):
        torch_files.read_state_dict(path)
    assert not marker.exists()


def test_a_reduce_of_eval_is_refused_before_it_runs(tmp_path):
    marker = tmp_path / "eval ran"
    path = _write_legacy(
        tmp_path / "hostile.pth",
        state={"weight": _Evaluates(f"open({str(marker)!r}, 'w').close()")},
    )
    # Protocol 2 (torch's) names the module as Python 2 did.
    refusal = r"refusing to load (__builtin__|builtins)\.eval from .*hostile\.pth"
    with pytest.raises(ValueError, match=refusal):
        torch_files.read_state_dict(path)
    assert not marker.exists()


def _stack_global(command):
    # Protocol 4's STACK_GLOBAL takes module and name from the stack.
    strings = [b"\x8c" + bytes([len(s)]) + s for s in (b"os", b"system", command)]
    return b"\x80\x04" + strings[0] + strings[1] + b"\x93" + strings[2] + b"\x85R."


@pytest.mark.parametrize(
    "opcodes",
    [
        lambda command: b"cos\nsystem\n(S'" + command + b"'\ntR.",  # GLOBAL, REDUCE
        lambda command: b"(S'" + command + b"'\nios\nsystem\n.",  # INST: find, then call
        _stack_global,
    ],
    ids=["global", "inst", "stack_global"],
)
def test_every_opcode_that_names_a_callable_is_refused(tmp_path, opcodes):
    marker = tmp_path / "ran"
    state = opcodes(b"touch " + bytes(marker))
    assert b"system" in state
    path = _write_legacy(tmp_path / "hostile.pth", state=state)
    with pytest.raises(ValueError, match=r"refusing to load os\.system"):
        torch_files.read_state_dict(path)
    assert not marker.exists()


def test_a_persistent_id_that_is_not_a_storage_is_refused(tmp_path):
    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("module", "os") if obj is os else None

    with open(tmp_path / "state.pkl", "wb") as f:
        Pickler(f, protocol=2).dump({"weight": os})
    path = _write_legacy(tmp_path / "odd.pth", state=(tmp_path / "state.pkl").read_bytes())
    with pytest.raises(ValueError, match="refusing to load the persistent id"):
        torch_files.read_state_dict(path)


def test_tensors_and_parameters_read_back_from_a_written_file(tmp_path):
    floats = np.arange(12, dtype=np.float32)
    longs = np.array([7, -3], dtype=np.int64)
    a, b = _FakeStorage("0", "FloatStorage", 12), _FakeStorage("1", "LongStorage", 2)
    state = collections.OrderedDict(
        weight=_FakeTensor(a, 0, (3, 4), (4, 1)),
        transposed=_FakeParameter(_FakeTensor(a, 1, (2, 2), (1, 4))),
        steps=_FakeTensor(b, 0, (2,), (1,)),
    )
    path = _write_legacy(
        tmp_path / "ok.pth",
        state=state,
        storage_keys=["0", "1"],
        data=_storage_bytes(floats) + _storage_bytes(longs),
    )
    result = torch_files.read_state_dict(path)
    assert list(result) == ["weight", "transposed", "steps"]
    np.testing.assert_array_equal(result["weight"], floats.reshape(3, 4))
    np.testing.assert_array_equal(result["transposed"], [[1, 5], [2, 6]])
    np.testing.assert_array_equal(result["steps"], longs)
    assert result["steps"].dtype == np.int64


def test_a_view_past_the_end_of_its_storage_is_refused(tmp_path):
    # as_strided would read memory that is not the file's.
    storage = _FakeStorage("0", "FloatStorage", 4)
    path = _write_legacy(
        tmp_path / "overreach.pth",
        state={"weight": _FakeTensor(storage, 2, (1000,), (1000,))},
        storage_keys=["0"],
        data=_storage_bytes(np.zeros(4, np.float32)),
    )
    with pytest.raises(ValueError, match="reaches element"):
        torch_files.read_state_dict(path)


def test_a_view_changed_after_the_tensor_is_rebuilt_is_refused(tmp_path):
    storage = _FakeStorage("0", "FloatStorage", 4)
    path = _write_legacy(
        tmp_path / "rebuilt.pth",
        state={"weight": _FakeTensor(storage, 0, (4,), (1,), state={"stride": [10**6]})},
        storage_keys=["0"],
        data=_storage_bytes(np.zeros(4, np.float32)),
    )
    with pytest.raises(ValueError, match="given extra state"):
        torch_files.read_state_dict(path)


def test_a_storage_longer_than_the_file_is_refused(tmp_path):
    storage = _FakeStorage("0", "FloatStorage", 4)
    path = _write_legacy(
        tmp_path / "short.pth",
        state={"weight": _FakeTensor(storage, 0, (4,), (1,))},
        storage_keys=["0"],
        data=(2**60).to_bytes(8, "little"),
    )
    with pytest.raises(ValueError, match="truncated"):
        torch_files.read_state_dict(path)


def test_the_real_imagenet_weights_still_read():
    state = torch_files.read_state_dict(imagenet_weights_or_skip())
    assert len(state) == 296 and sum(v.size for v in state.values()) == 4_694_073
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.weight"].dtype == np.float32
    assert all(np.isfinite(v).all() for v in state.values())
