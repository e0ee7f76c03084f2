"""Choosing a `tf.distribute` strategy, and randomness that works under one.

Keras runs `fit` under whatever strategy the model was built in:

```python
strategy = keras_gans.distribute.get_strategy("mirrored")
with strategy.scope():
    gan = keras_gans.GAN(generator, discriminator, seed=0)
    gan.compile(...)
gan.fit(dataset_batched_with_the_global_batch_size)
```

`GAN` reduces per-example losses to the global-batch mean and draws its noise
for the *global* batch from one seed, each replica keeping its own slice. So a
step on N replicas is the same computation as a step on one device with the
same global batch (up to float summation order), and no two replicas generate
from the same noise. Batch normalization is the exception: each replica
normalizes with its own batch's statistics (Keras's default,
`synchronized=False`); its moving averages are averaged across replicas.
"""

import json
import os

import tensorflow as tf

from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int

__all__ = [
    "STRATEGIES",
    "configure_cpu_replicas",
    "cpu_replicas",
    "get_strategy",
    "is_chief",
    "is_multi_worker",
    "num_workers",
    "replica_position",
    "replica_slice",
]

STRATEGIES = ("auto", "one_device", "mirrored", "multi_worker")
_MIRRORED = {}


def configure_cpu_replicas(num_replicas):
    """Splits the CPU into `num_replicas` logical devices (for testing).

    Must run before TensorFlow initializes its devices, i.e. before the
    first op or model is created in the process.
    """
    check_positive_int("num_cpu_replicas", num_replicas)
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(num_replicas)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == num_replicas:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError as e:
        raise RuntimeError(
            f"Cannot split the CPU into {num_replicas} devices: TensorFlow has already "
            "initialized its devices in this process. Call "
            "`keras_gans.distribute.configure_cpu_replicas` (or pass "
            "`num_cpu_replicas`) before creating any model or tensor."
        ) from e


def _num_workers_in_tf_config():
    try:
        cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    except json.JSONDecodeError as e:
        raise ValueError(f"TF_CONFIG is not valid JSON: {e}") from e
    return len(cluster.get("worker", [])) + len(cluster.get("chief", []))


def get_strategy(name="auto", num_cpu_replicas=None):
    """Returns a `tf.distribute.Strategy` by name.

    Args:
        name: str. `"auto"`: `MultiWorkerMirroredStrategy` when `TF_CONFIG`
            names several workers, `MirroredStrategy` over all GPUs when there
            are several (or over `num_cpu_replicas` CPU devices), else the
            default (no-op) strategy. `"one_device"`: the first GPU, or the
            CPU. `"mirrored"`: `MirroredStrategy` over all GPUs, or over
            `num_cpu_replicas` logical CPU devices when there is no GPU.
            `"multi_worker"`: `MultiWorkerMirroredStrategy` configured from
            the `TF_CONFIG` environment variable.
        num_cpu_replicas: int. Split the CPU into this many logical devices
            (must come before TensorFlow initializes; for tests and demos).

    Returns:
        A `tf.distribute.Strategy`.
    """
    check_choice("strategy", name, STRATEGIES)
    if num_cpu_replicas:
        configure_cpu_replicas(num_cpu_replicas)
    if name == "auto":
        if _num_workers_in_tf_config() > 1:
            name = "multi_worker"
        elif len(tf.config.list_physical_devices("GPU")) > 1 or (num_cpu_replicas or 1) > 1:
            name = "mirrored"
        else:
            return tf.distribute.get_strategy()
    if name == "one_device":
        device = "/gpu:0" if tf.config.list_physical_devices("GPU") else "/cpu:0"
        return tf.distribute.OneDeviceStrategy(device)
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = tuple(d.name for d in (gpus or tf.config.list_logical_devices("CPU")))
        # One strategy per device set and process: two MirroredStrategy
        # objects over the same devices reuse collective instance keys, and
        # the second one's all-reduces then fail with "Shape mismatch in the
        # collective instance".
        if devices not in _MIRRORED:
            _MIRRORED[devices] = tf.distribute.MirroredStrategy(list(devices))
        return _MIRRORED[devices]
    if _num_workers_in_tf_config() < 1:
        raise ValueError(
            "strategy='multi_worker' needs the TF_CONFIG environment variable naming the "
            'cluster, e.g. {"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
            '"task": {"type": "worker", "index": 0}}.'
        )
    return tf.distribute.MultiWorkerMirroredStrategy()


def is_chief(strategy=None):
    """True on the worker that should write checkpoints and exports."""
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def num_workers(strategy=None):
    """Number of worker processes in `strategy`'s cluster (1 without one)."""
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None:
        return 1
    cluster = resolver.cluster_spec().as_dict()
    return max(1, len(cluster.get("worker", [])) + len(cluster.get("chief", [])))


def is_multi_worker(strategy=None):
    """True under a `MultiWorkerMirroredStrategy` with several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and (
        num_workers(strategy) > 1
    )


def cpu_replicas(strategy):
    """True when `strategy` runs several replicas and they are CPUs.

    XLA cannot compile such a step: it has no collectives for CPU devices
    ("Collectives are not yet implemented for CPU devices when compiling
    with XLA", multi-worker), and it compiles every logical CPU device's
    replica for CPU:0, which cannot read variables placed on CPU:1 (one host).
    """
    if strategy.num_replicas_in_sync == 1:
        return False
    devices = getattr(strategy.extended, "worker_devices", ())
    return all("CPU" in d.upper() for d in devices)


def replica_position():
    """`(num_replicas_in_sync, replica_id)` of the current replica context."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 1, 0
    return context.num_replicas_in_sync, context.replica_id_in_sync_group


def replica_slice(draw, local_batch):
    """Draws a random global batch and returns this replica's rows.

    `draw(global_batch)` must produce a tensor whose first axis is the
    global batch (`local_batch * num_replicas`), from a seed shared by all
    replicas. Replica `r` keeps rows `[r * local_batch, (r + 1) * local_batch)`,
    which are exactly the rows `experimental_distribute_dataset` gives it
    from a global data batch.
    """
    replicas, replica_id = replica_position()
    if replicas == 1:
        return draw(local_batch)
    full = draw(local_batch * replicas)
    return full[replica_id * local_batch : (replica_id + 1) * local_batch]
