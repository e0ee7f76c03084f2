"""The contract registry: `"auto"` picks the one contract each built-in
generator fits (or refuses, naming the candidates), the serving function
gives the shapes the contract promises, and a signature is read back as the
contract it was made under."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans import contracts

N = kg.networks
BUILT_IN = {
    "dcgan": (lambda: N.dcgan_generator(8, (16, 16, 1), width=8), "noise"),
    "conditional_dcgan": (
        lambda: N.conditional_dcgan_generator(8, 3, (16, 16, 3), width=8),
        "noise",
    ),
    "mlp": (lambda: N.mlp_generator(8, (8, 8, 1), hidden_units=(16,)), "noise"),
    "resnet": (lambda: N.resnet_generator(8, (16, 16, 3), width=8), "noise"),
    "fastgan": (lambda: N.fastgan_generator(8, (32, 32, 3), width=8), "noise"),
    "wavegan": (lambda: N.wavegan_generator(8, clip_samples=1024, width=2), "noise"),
    "conditional_wavegan": (
        lambda: N.conditional_wavegan_generator(8, 2, clip_samples=1024, width=2),
        "noise",
    ),
    "style": (lambda: N.style_generator(filters=8), "style"),
    "unet": (lambda: N.unet_generator(filters=8, depth=3, max_filters=16), "style"),
    # The trap: one 4-D image input like a style network, but x4 output.
    "super_resolution": (
        lambda: N.super_resolution_generator(filters=8, residual_blocks=1),
        "super_resolution",
    ),
    "inpainting": (
        lambda: N.inpainting_generator(filters=8, depth=3, max_filters=16),
        "inpainting",
    ),
    "vocos": (lambda: N.vocos_generator(16, 256, 64, dim=16, blocks=1), "vocoder"),
    "hifigan": (
        lambda: N.hifigan_generator(
            16, 64, channels=8, upsample_rates=(8, 8), upsample_kernel_sizes=(16, 16)
        ),
        "vocoder",
    ),
}


def example_inputs(contract, generator):
    """Inputs for `contract`'s serving function, and the expected output shape."""
    if contract == "noise":
        z = np.zeros((2, generator.inputs[0].shape[-1]), "float32")
        inputs = {"z": z}
        if len(generator.inputs) == 2:
            inputs["label"] = np.array([0, 1], "int32")
        return inputs, (2, *generator.output_shape[1:])
    if contract == "vocoder":
        mel = np.zeros((1, 5, generator.input_shape[-1]), "float32")
        return {"mel": mel}, None
    image = np.zeros((1, 20, 28, 3), "uint8")
    if contract == "super_resolution":
        return {"image": image}, (1, 80, 112, 3)
    if contract == "inpainting":
        return {"image": image, "mask": np.zeros((1, 20, 28, 1), "uint8")}, (1, 20, 28, 3)
    return {"content": image}, (1, 20, 28, 3)


@pytest.mark.parametrize("network", sorted(BUILT_IN))
def test_auto_picks_the_contract_each_built_in_generator_fits(network):
    build, expected = BUILT_IN[network]
    generator = build()
    contract = contracts.for_generator(generator)
    assert contract.name == expected
    serve = kg.export.serving_function(generator)  # "auto"
    inputs, shape = example_inputs(expected, generator)
    concrete = serve.get_concrete_function()
    assert contracts.of_signature(concrete) is contract
    outputs = serve(**{k: tf.constant(v) for k, v in inputs.items()})
    (key,) = outputs
    assert key == contract.output_key(concrete)
    if shape is not None:
        assert tuple(outputs[key].shape) == shape, network


def test_auto_refuses_a_generator_no_contract_fits_and_names_them():
    odd = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.Conv2D(5, 1)], name="odd")
    with pytest.raises(ValueError, match="Cannot tell which contract.*none fit.*super_resolution"):
        contracts.for_generator(odd)
    with pytest.raises(ValueError, match="does not fit the 'vocoder' contract"):
        kg.export.export_generator(
            N.dcgan_generator(8, (16, 16, 1), width=8), "x", "y", contract="vocoder"
        )


def test_a_named_contract_is_checked_and_unknown_names_are_listed():
    generator = N.super_resolution_generator(filters=8, residual_blocks=1)
    with pytest.raises(ValueError, match="does not fit the 'style' contract"):
        contracts.for_generator(generator, "style")
    with pytest.raises(ValueError, match="super_resolution"):
        contracts.get("superres")
