"""What a training step costs and where its time goes: FLOPs counted from
the traced step, the machine's matmul peak, an op-level profile and the
oneDNN kernels that ran. The parts of `benchmarks/roofline.py`.

FLOPs are counted from the graph TensorFlow actually runs for one
`train_step` (forward passes, the gradients the tapes ask for, and nothing
else), op by op, from each op's static shapes: a multiply-add is two FLOPs,
and only the ops that hold nearly all of a GAN's arithmetic are counted
(matrix products and convolutions, with their gradients). Elementwise work
(activations, normalization, the optimizer) is left out, so the count is a
slight undercount and a share of a matmul peak is an honest upper bound.
TensorFlow's own profiler counts no FLOPs for gradient or transposed
convolutions, which is why this walks the graph itself.
"""

import collections
import glob
import math
import os
import platform
import re
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from keras_gans.utils import precision

__all__ = [
    "cpu_features",
    "cpu_name",
    "graph_flops",
    "matmul_peak",
    "onednn_kernels",
    "op_profile",
    "timed_steps",
    "train_step_flops",
]

# Ops that call another function: their bodies are counted too (a While's
# body once: its trip count is not in the graph).
_FUNCTION_ATTRS = ("f", "then_branch", "else_branch", "body", "branches")


def _shape(tensor):
    shape = tensor.shape
    if shape.rank is None or not shape.is_fully_defined():
        return None
    return [int(d) for d in shape]


def _matmul(op):
    a, out = _shape(op.inputs[0]), _shape(op.outputs[0])
    if a is None or out is None:
        return None
    transposed = op.get_attr("transpose_a") if op.type == "MatMul" else op.get_attr("adj_x")
    inner = a[-2] if transposed else a[-1]
    return 2 * math.prod(out) * inner


def _conv_forward(op):
    # out[n, ..., c_out] = sum over the window and the filter's input channels.
    kernel, out = _shape(op.inputs[1]), _shape(op.outputs[0])
    if kernel is None or out is None:
        return None
    return 2 * math.prod(out) * math.prod(kernel[:-1])


def _static_sizes(tensor):
    # Gradient ops get a filter's or an input's sizes as a tensor: a constant,
    # or the `Shape` (`ShapeN`) of a tensor whose shape is static.
    value = tf.get_static_value(tensor)
    if value is None and tensor.op.type in ("Shape", "ShapeN"):
        return _shape(tensor.op.inputs[tensor.value_index])
    return None if value is None else [int(d) for d in value]


def _gradient_kernel(op):
    # A convolution's input gradient takes the filter itself; its filter
    # gradient takes the filter's sizes.
    if "Input" in op.type:
        return _shape(op.inputs[1])
    return _static_sizes(op.inputs[1])


def _conv_backprop(op):
    # Both gradients of a convolution cost its forward pass: the size of the
    # output gradient times the filter's window and input channels.
    kernel, out_grad = _gradient_kernel(op), _shape(op.inputs[2])
    if kernel is None or out_grad is None:
        return None
    return 2 * math.prod(out_grad) * math.prod(kernel[:-1])


def _depthwise(op):
    # A depthwise filter [h, w, c_in, multiplier]: one window per output value.
    if op.type == "DepthwiseConv2dNative":
        kernel, out = _shape(op.inputs[1]), _shape(op.outputs[0])
    else:
        kernel, out = _gradient_kernel(op), _shape(op.inputs[2])
    if kernel is None or out is None:
        return None
    return 2 * math.prod(out) * kernel[0] * kernel[1]


_COUNTERS = {
    "MatMul": _matmul,
    "BatchMatMul": _matmul,
    "BatchMatMulV2": _matmul,
    "BatchMatMulV3": _matmul,
    "Conv2D": _conv_forward,
    "Conv3D": _conv_forward,
    "Conv2DBackpropInput": _conv_backprop,
    "Conv2DBackpropFilter": _conv_backprop,
    "Conv3DBackpropInputV2": _conv_backprop,
    "Conv3DBackpropFilterV2": _conv_backprop,
    "DepthwiseConv2dNative": _depthwise,
    "DepthwiseConv2dNativeBackpropInput": _depthwise,
    "DepthwiseConv2dNativeBackpropFilter": _depthwise,
}


def _function_graphs(op):
    graph = op.graph
    for attr in _FUNCTION_ATTRS:
        try:
            value = op.get_attr(attr)
        except ValueError:
            continue
        for function in value if isinstance(value, list) else [value]:
            found = graph._get_function(function.name)  # noqa: SLF001 - the only way in
            if found is not None and getattr(found, "graph", None) is not None:
                yield found.graph


def _live_operations(graph):
    """The ops that TensorFlow runs: those the outputs or the side effects
    (variable updates) depend on. A gradient function emits the gradients of
    every input (a convolution's filter gradient in the generator's step,
    say); grappler prunes the ones nothing uses, and so does this."""
    sinks = [t.op for t in getattr(graph, "outputs", [])]
    sinks += list(getattr(graph, "control_outputs", []))
    if not sinks:
        return graph.get_operations()
    live, stack = set(), list(sinks)
    while stack:
        op = stack.pop()
        if op in live:
            continue
        live.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return [op for op in graph.get_operations() if op in live]


def graph_flops(graph):
    """FLOPs of the matrix products and convolutions in a traced graph.

    Args:
        graph: a `tf.Graph` (e.g. a concrete function's `.graph`), with
            static shapes.

    Returns:
        dict: op type -> FLOPs, plus `"uncounted"`: the number of such ops
        whose shapes were not static (their FLOPs are missing from the sums).
    """
    flops = collections.Counter()
    uncounted = 0
    for op in _live_operations(graph):
        counter = _COUNTERS.get(op.type)
        if counter is not None:
            count = counter(op)
            if count is None:
                uncounted += 1
            else:
                flops[op.type] += count
        for body in _function_graphs(op):
            inner = graph_flops(body)
            uncounted += inner.pop("uncounted")
            flops.update(inner)
    return {**flops, "uncounted": uncounted}


def train_step_flops(model, batch):
    """FLOPs of one `model.train_step(batch)`, traced but not run.

    Call after the model has trained a step (its optimizers' variables
    exist), with a batch of the size it trains on.

    Returns:
        dict: op type -> FLOPs and `"uncounted"`, as `graph_flops`.
    """
    specs = tf.nest.map_structure(lambda x: tf.TensorSpec(x.shape, x.dtype), batch)
    concrete = tf.function(model.train_step).get_concrete_function(specs)
    return graph_flops(concrete.graph)


def matmul_peak(dtype="float32", size=2048, seconds=2.0):
    """The best GFLOP/s of TensorFlow's square matmul on this machine.

    Args:
        dtype: `"float32"` or `"bfloat16"`.
        size: the matrices' side. Defaults to `2048`.
        seconds: roughly how long to measure. Defaults to `2.0`.

    Returns:
        float: GFLOP/s of the fastest of several timed rounds.
    """
    a = tf.random.normal((size, size), dtype="float32", seed=0)
    a = tf.cast(a, dtype)
    b = tf.cast(tf.random.normal((size, size), dtype="float32", seed=1), dtype)
    repeats = 4

    @tf.function
    def chain(a, b):
        x = a
        for _ in range(repeats):
            x = tf.matmul(x, b) * tf.constant(1.0 / size, dtype)
        return tf.reduce_sum(tf.cast(x[:1, :1], "float32"))

    chain(a, b).numpy()  # trace and warm oneDNN's kernels
    best = math.inf
    deadline = time.perf_counter() + seconds
    while True:
        began = time.perf_counter()
        chain(a, b).numpy()
        best = min(best, time.perf_counter() - began)
        if time.perf_counter() > deadline:
            break
    return 2 * size**3 * repeats / best / 1e9


def op_profile(run, top=None):
    """Kernel time by kernel type while `run()` executes, from TensorFlow's
    profiler (summed over threads, so it may exceed the wall time).

    Args:
        run: a function to profile, e.g. a few `fit` steps.
        top: keep this many kernels (the rest are summed as `"other"`).

    Returns:
        list of `(kernel type, seconds)`, the largest first.
    """
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        try:
            run()
        finally:
            tf.profiler.experimental.stop()
        paths = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
        space = xplane_pb2.XSpace()
        with open(paths[0], "rb") as f:
            space.ParseFromString(f.read())
    seconds = collections.Counter()
    for plane in space.planes:
        names = plane.event_metadata
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            for event in line.events:
                name = names[event.metadata_id].name
                # Kernels are "<node name>:<kernel type>"; the rest is the
                # executor's own bookkeeping around them.
                if ":" in name and "::" not in name:
                    seconds[name.rsplit(":", 1)[1]] += event.duration_ps * 1e-12
    ranked = seconds.most_common()
    if top is not None and len(ranked) > top:
        ranked = ranked[:top] + [("other", sum(s for _, s in ranked[top:]))]
    return ranked


# primitive, implementation, then (after the propagation kind) the memory
# descriptors, the first of which names the data type: "src:bf16::blocked:...".
_VERBOSE_EXEC = re.compile(
    r"^onednn_verbose,(?:v1,)?(?:primitive,)?exec,cpu,([^,]*),([^,]*),[^,]*,[a-z_]*:(\w*)"
)


def onednn_kernels(log):
    """Milliseconds per oneDNN primitive, implementation and data type, from
    the lines oneDNN prints with `ONEDNN_VERBOSE=1`.

    The data type is the first memory descriptor's (the source's): the
    implementation's name does not always say it (AMX kernels are named
    e.g. `brg_conv_fwd:avx10_1_512_amx` in both precisions).

    Args:
        log: the text the run printed (other lines are ignored).

    Returns:
        dict: `(primitive, implementation, data_type)` -> milliseconds, e.g.
        `("convolution", "brg_conv_fwd:avx512_core_bf16", "bf16")`.
    """
    times = collections.Counter()
    for line in log.splitlines():
        match = _VERBOSE_EXEC.match(line)
        if match:
            times[match.groups()] += float(line.rsplit(",", 1)[1])
    return dict(times)


def cpu_features():
    """The CPU's matrix-arithmetic features, from `/proc/cpuinfo`: a subset of
    `avx2`, `avx512f`, `avx512_bf16`, `amx_bf16` (empty where unreadable)."""
    present = precision.cpu_flags()
    return [name for name in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if name in present]


def cpu_name():
    """The CPU's model name from `/proc/cpuinfo`, or the platform's."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class _StepClock(keras.callbacks.Callback):
    """The time from the first batch's start to the last batch's end."""

    def on_train_batch_begin(self, batch, logs=None):
        if self.began is None:
            self.began = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.ended = time.perf_counter()

    def on_train_begin(self, logs=None):
        self.began = self.ended = None


def timed_steps(model, dataset, steps, rounds=3):
    """Median seconds per training step of `model.fit` on `dataset` (the
    model's own `steps_per_execution`), after one untimed warm-up round.

    Timed from the first step's start to the last step's end: `fit`'s own
    set-up and tear-down are left out (tearing down an iterator can wait
    seconds for tf.data's autotuning thread, see
    `keras_gans.data.pipeline.prefetch`).
    """
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    clock = _StepClock()
    times = []
    for _ in range(rounds):
        model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[clock])
        # The clock starts at the first execution's start: all of them timed.
        times.append((clock.ended - clock.began) / steps)
    return float(np.median(times))
