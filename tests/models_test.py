import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg


def test_founding_mlp_shapes():
    g = kg.networks.mlp_generator()
    d = kg.networks.mlp_discriminator()
    assert g.input_shape == (None, 100) and g.output_shape == (None, 28, 28, 1)
    assert [layer.units for layer in g.layers if hasattr(layer, "units")] == [128, 256, 784]
    assert [layer.units for layer in d.layers if hasattr(layer, "units")] == [128, 64, 1]
    # (100*128+128) + (128*256+256) + (256*784+784); (784*128+128) + (128*64+64) + (64+1)
    assert g.count_params() == 247_440
    assert d.count_params() == 108_801


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 48, 3)])
def test_dcgan_shapes(shape):
    g = kg.networks.dcgan_generator(latent_dim=32, image_shape=shape)
    d = kg.networks.dcgan_discriminator(image_shape=shape)
    assert g.output_shape == (None,) + shape
    assert d.output_shape == (None, 1)


def test_dcgan_matches_the_peer_network():
    g = kg.networks.dcgan_generator()
    d = kg.networks.dcgan_discriminator()
    # Peer: Linear(100, 6272)+BN, ConvT(128->64, 4)+BN, ConvT(64->1, 4);
    # Conv(1->64, 4), Conv(64->128, 4), Linear(6272, 1). Our generator drops
    # the biases that batch norm cancels anyway.
    assert g.get_layer("project").kernel.shape == (100, 7 * 7 * 128)
    assert g.get_layer("up_0").kernel.shape == (4, 4, 64, 128)
    assert g.get_layer("images").kernel.shape == (4, 4, 1, 64)
    assert d.get_layer("down_0").kernel.shape == (4, 4, 1, 64)
    assert d.get_layer("down_1").kernel.shape == (4, 4, 64, 128)
    assert d.get_layer("score").kernel.shape == (7 * 7 * 128, 1)


@pytest.mark.parametrize(
    "build, kwargs, message",
    [
        (
            kg.networks.mlp_generator,
            {"latent_dim": 0},
            "latent_dim` must be a positive integer. Received: latent_dim=0",
        ),
        (kg.networks.mlp_generator, {"hidden_units": []}, "hidden_units"),
        (kg.networks.mlp_discriminator, {"image_shape": (28, 28)}, "image_shape` must be"),
        (kg.networks.mlp_discriminator, {"dropout": 1.5}, "dropout"),
        (
            kg.networks.dcgan_generator,
            {"image_shape": (30, 30, 1), "filters": (128, 64)},
            "divisible by 4",
        ),
        (
            kg.networks.dcgan_discriminator,
            {"image_shape": (28, 26, 1), "filters": (64, 128)},
            "divisible by 4",
        ),
        (kg.networks.dcgan_discriminator, {"image_shape": (27, 27, 1)}, "even height and width"),
        (kg.networks.dcgan_generator, {"filters": (64, -1)}, "filters"),
        (kg.networks.dcgan_discriminator, {"kernel_size": 0}, "kernel_size"),
    ],
)
def test_builders_validate_arguments(build, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build(**kwargs)


@pytest.mark.parametrize("shape", [(32, 32, 3), (64, 64, 3), (48, 80, 1)])
def test_resnet_builders_follow_the_image_size(shape):
    g = kg.networks.resnet_generator(16, shape, width=8)
    d = kg.networks.resnet_discriminator(shape, width=8)
    images = g(np.zeros((2, 16), "float32"))
    assert images.shape == (2, *shape) and d(images).shape == (2, 1)
    # Spectral norm on every discriminator convolution and the score.
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert (
        len(wrapped)
        == sum(isinstance(layer, keras.layers.Conv2D) for layer in [w.layer for w in wrapped]) + 1
    )
    cg = kg.networks.conditional_resnet_generator(16, 3, shape, width=8)
    cd = kg.networks.conditional_resnet_discriminator(3, shape, width=8)
    labels = tf.constant([0, 2], "int32")
    assert cd([cg([tf.zeros((2, 16)), labels]), labels]).shape == (2, 1)
    with pytest.raises(ValueError, match="even height and width"):
        kg.networks.resnet_generator(16, (20, 21, 3))
