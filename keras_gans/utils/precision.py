"""Numeric precision and XLA settings, resolved the same way for the Python API and the recipes.

`mixed_precision="auto"` means bfloat16 where the CPU has bfloat16 units and
no GPU is present; `dtype_policy` builds networks under a policy without
changing the process-wide default for longer than the block.
"""

import contextlib

import keras
import tensorflow as tf

from keras_gans.utils.validation import check_choice

MIXED_PRECISION = ("auto", "float32", "mixed_bfloat16", "mixed_float16")
# CPU features with bfloat16 matrix units, as Linux names them.
BFLOAT16_UNITS = ("avx512_bf16", "amx_bf16")
JIT_COMPILE = ("true", "false", "auto")

__all__ = [
    "BFLOAT16_UNITS",
    "JIT_COMPILE",
    "MIXED_PRECISION",
    "cpu_flags",
    "dtype_policy",
    "native_bfloat16_cpu",
    "parse_jit_compile",
    "resolve_mixed_precision",
]


def parse_jit_compile(value):
    """Maps `"true"|"false"|"auto"` (or bools) to `compile(jit_compile=)`."""
    if isinstance(value, bool) or value == "auto":
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    if text == "auto":
        return "auto"
    check_choice("jit_compile", value, JIT_COMPILE)


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags as Linux names them (`/proc/cpuinfo`), or an
    empty set where they cannot be read (another OS)."""
    try:
        with open(cpuinfo) as f:
            return set(f.read().split())
    except OSError:
        return set()


def native_bfloat16_cpu(cpuinfo="/proc/cpuinfo", units=BFLOAT16_UNITS):
    """True when the CPU has bfloat16 matrix units (by default AVX512-BF16
    or AMX-BF16; `units` names the Linux CPU flags that count).

    Read from the Linux CPU flags; anywhere else the answer is `False`.
    """
    return bool(cpu_flags(cpuinfo) & set(units))


def resolve_mixed_precision(name, bfloat16_units=BFLOAT16_UNITS):
    """`"auto"` -> `"mixed_bfloat16"` on a CPU-only machine whose CPU has one
    of `bfloat16_units` (Linux CPU flags), else `"float32"`; any other name
    is returned as it is.

    A job whose bfloat16 step is no faster on some units passes the others
    alone (e.g. `("amx_bf16",)`), or none (`()`) where it loses on all.
    """
    check_choice("mixed_precision", name, MIXED_PRECISION)
    if name != "auto":
        return name
    if tf.config.list_physical_devices("GPU") or not native_bfloat16_cpu(units=bfloat16_units):
        return "float32"
    return "mixed_bfloat16"


@contextlib.contextmanager
def dtype_policy(name):
    """Builds networks under a Keras dtype policy, then restores the old one.

    Layers keep the policy they were built with, so training and export run
    in `name` while the rest of the process is unaffected.
    """
    name = resolve_mixed_precision(name)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
