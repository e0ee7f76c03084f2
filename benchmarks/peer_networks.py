"""The networks of `../shared/bench/peer_torch_gan.py`, built with keras_gans.

The PyTorch peer trains the founding document's MLP pair (100-128-256-784 /
784-128-64-1, ReLU) and a small DCGAN (7x7x128 -> 64 -> 1 / 64 -> 128);
the throughput benchmarks build exactly those shapes to compare like with like.
"""

import keras_gans as kg


def peer_networks(arch, latent_dim=100):
    """`(generator, discriminator)` of the peer's `arch` ("mlp" or "dcgan")."""
    if arch == "mlp":
        return (
            kg.networks.mlp_generator(latent_dim, hidden_units=(128, 256), activation="relu"),
            kg.networks.mlp_discriminator(hidden_units=(128, 64), activation="relu"),
        )
    return (
        kg.networks.dcgan_generator(latent_dim, filters=(128, 64)),
        kg.networks.dcgan_discriminator(filters=(64, 128)),
    )
