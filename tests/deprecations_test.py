"""Names that moved in 0.2 keep working, with a warning that names the new one."""

import pytest

import keras_gans as kg


@pytest.mark.parametrize("name", kg.networks.__all__)
def test_builders_under_their_old_name_warn_and_are_the_same_function(name):
    with pytest.warns(DeprecationWarning, match=f"keras_gans.networks.{name}"):
        builder = getattr(kg.models, name)
    assert builder is getattr(kg.networks, name)


def test_unknown_names_are_still_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'dcgan'"):
        kg.models.dcgan  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'common'"):
        kg.jobs.common  # noqa: B018


def test_recipes_config_is_the_settings_module():
    with pytest.warns(DeprecationWarning, match="keras_gans.jobs.plumbing.settings"):
        from keras_gans.recipes import config
    assert config is kg.jobs.settings
    assert config.markdown_table is kg.jobs.settings.markdown_table


def test_recipes_is_the_old_name_of_jobs_and_imports_the_same_modules():
    from keras_gans.recipes.engines import editing
    from keras_gans.recipes.plumbing import settings

    assert editing is kg.jobs.engines.editing and settings is kg.jobs.settings
    with pytest.warns(DeprecationWarning, match="keras_gans.jobs.mnist"):
        mnist = kg.recipes.mnist
    assert mnist is kg.jobs.mnist
    with pytest.raises(AttributeError, match="no attribute 'common'"):
        kg.recipes.common  # noqa: B018


def test_style_saved_model_writes_the_style_contract(tmp_path):
    generator = kg.networks.style_generator(filters=2, residual_blocks=0)
    with pytest.warns(DeprecationWarning, match="export_generator"):
        path = kg.export.style_saved_model(generator, str(tmp_path), "style")
    assert path == str(tmp_path / "style" / "1")
    _, serve = kg.export.load_serving(path)
    assert list(serve.structured_input_signature[1]) == ["content"]
    assert list(serve.structured_outputs) == ["stylized"]
    assert not list(tmp_path.glob("*.tflite"))


def test_model_classes_are_one_object_under_both_names():
    for name in kg.models.__all__:
        if name in kg.__all__:
            assert getattr(kg, name) is getattr(kg.models, name)
    assert issubclass(kg.CycleGAN, kg.AdversarialModel)
