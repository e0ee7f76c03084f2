"""The registry of network pairs: each job's `--arch` choices come from it,
every pair builds from one `PairSettings`, and a pair without conditional
networks refuses labels by name."""

import pytest

import keras_gans as kg
from keras_gans.jobs import audio
from keras_gans.jobs import images
from keras_gans.networks import pairs


def test_the_jobs_arch_choices_and_recipes_come_from_the_registry():
    assert kg.jobs.plumbing.settings.choices_of(images.ImagesConfig, "arch") == (
        "auto",
        *pairs.names("images"),
    )
    assert set(pairs.names("images")) >= {"dcgan", "resnet", "fastgan", "projected"}
    assert audio.ARCHS == pairs.names("sounds") == ("specgan", "wavegan")
    assert audio.ARCH_SETTINGS["wavegan"]["d_steps"] == 5
    assert pairs.get("fastgan").defaults == {"loss": "hinge", "width": 16}


@pytest.mark.parametrize(
    "name,shape",
    [
        ("dcgan", (16, 16, 3)),
        ("mlp", (8, 8, 1)),
        ("resnet", (16, 16, 3)),
        ("fastgan", (32, 32, 3)),
        ("specgan", (1024,)),
        ("wavegan", (1024,)),
    ],
)
def test_every_pair_builds_matching_networks_from_one_settings(name, shape):
    settings = pairs.PairSettings(latent_dim=8, shape=shape, width=4)
    generator, discriminator = pairs.get(name).build(settings)
    assert generator.input_shape == (None, 8)
    drawn = generator.output_shape[1:]
    if name == "specgan":  # spectrogram images of the clips
        assert drawn == kg.networks.specgan.spectrogram_shape(1024)
    else:
        assert drawn == shape
    assert discriminator.input_shape[1:] == drawn
    if pairs.get(name).conditional:
        conditional, _ = pairs.get(name).build(settings, num_classes=3)
        assert len(conditional.inputs) == 2


def test_a_pair_without_labels_refuses_them_by_name_and_unknown_names_are_listed():
    settings = pairs.PairSettings(latent_dim=8, shape=(32, 32, 3), width=4)
    refusal = "arch=fastgan has no conditional networks.*arch=dcgan or arch=resnet"
    with pytest.raises(ValueError, match=refusal):
        pairs.get("fastgan").build(settings, num_classes=3)
    with pytest.raises(ValueError, match="wavegan"):
        pairs.get("wavgan")
