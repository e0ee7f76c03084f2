"""The export contracts: one object per kind of export.

A contract says what an exported generator's `serving_default` takes and
gives, builds those endpoints from a generator, tells whether a generator
fits it (`accepts`) and whether a loaded signature follows it (`matches`).
Exporting (`keras_gans.export`), drawing (`keras-gans generate`), applying
(`keras-gans apply`), describing (`keras-gans info`) and scoring an export
(`keras_gans.evaluation`) all ask the registry here instead of guessing from
input and output names, so a new kind of export is one entry and its
serving function.

Example:

    >>> contract = keras_gans.contracts.for_generator(generator)  # "auto"
    >>> contract.name
    'super_resolution'
    >>> keras_gans.contracts.of_signature(serve).output_key(serve)
    'upscaled'
"""

import dataclasses
import json
from collections.abc import Callable
from typing import Optional

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.transforms import to_float
from keras_gans.data.transforms import to_uint8
from keras_gans.utils.validation import check_choice

__all__ = [
    "ANIMATE_SIGNATURE",
    "CONTRACTS",
    "PIXELS_SIGNATURE",
    "Contract",
    "NOISE",
    "TEXT",
    "animate",
    "draw",
    "draws_clips",
    "for_generator",
    "get",
    "is_conditional",
    "latent_dim",
    "num_classes",
    "of_signature",
    "transform",
    "write_text",
]

SERVING_SIGNATURE = "serving_default"
SAMPLE_SIGNATURE = "sample"
ANIMATE_SIGNATURE = "animate"
# An image generator's output before rounding to uint8: what gradients pass
# through (projecting a real image into the latent space, `keras_gans.latent`).
PIXELS_SIGNATURE = "pixels"
# A text export's: text at a temperature, and the ids alone (what LiteRT runs).
WRITE_SIGNATURE = "write"
IDS_SIGNATURE = "ids"
TEXT_PAD, TEXT_UNKNOWN = "", "[UNK]"  # ids 0 and 1 (keras_gans.data.text)
# A text export's characters by id, for what reads its ids (LiteRT).
VOCABULARY_ASSET = "vocabulary.json"
# Adam on the noise, from `z` and more starts, to draw a given first frame
# (`_animate_endpoint`).
ANIMATE_STEPS = 200
ANIMATE_LEARNING_RATE = 0.05
ANIMATE_STARTS = 8


@dataclasses.dataclass(frozen=True)
class Contract:
    """One kind of export: its signature and how to build and recognise it.

    Attributes:
        name: str. The contract's name, e.g. `"super_resolution"`.
        inputs: tuple of str. The inputs `serving_default` always takes.
        optional_inputs: tuple of str. Inputs some exports of it take too
            (a conditional generator's `label`).
        outputs: tuple of str. The outputs it may give; an export gives one.
        about: str. What it does, in a few words (errors, `keras-gans info`).
        takes_kind: str. What a user hands it: `"noise"` (drawn with
            `keras-gans generate`), `"image"` or `"mel"` (transformed with
            `keras-gans apply`).
        endpoints: `float32 generator -> {signature name: (function,
            input_signature)}`, `serving_default` first.
        fits: `generator -> bool`, the shape test behind `accepts`.
        litert_signature: str. The signature the LiteRT files hold (they
            keep its name): `serving_default`, or for text, whose strings
            LiteRT's built-in ops cannot make, `ids`.
        assets: `generator -> {file name: text}` the export's `assets/`
            always holds (a text export's `vocabulary.json`), or `None`.
    """

    name: str
    inputs: tuple
    optional_inputs: tuple
    outputs: tuple
    about: str
    endpoints: Callable
    fits: Callable
    takes_kind: str = "noise"
    litert_signature: str = SERVING_SIGNATURE
    assets: Optional[Callable] = None

    def accepts(self, generator):
        """True when `generator` (a `keras.Model`) can be exported under this
        contract."""
        return bool(self.fits(generator))

    def matches(self, serve):
        """True when a loaded `serving_default` (a concrete function) follows
        this contract."""
        given = set(_inputs(serve))
        allowed = set(self.inputs) | set(self.optional_inputs)
        outputs = set(serve.structured_outputs)
        return set(self.inputs) <= given <= allowed and len(outputs & set(self.outputs)) == 1

    def output_key(self, serve):
        """The output `serve` gives (one of `outputs`)."""
        return next(key for key in self.outputs if key in serve.structured_outputs)

    def output_of(self, outputs):
        """The one of `outputs` (a signature's result dict) this contract gives."""
        return next(outputs[key] for key in self.outputs if key in outputs)

    def takes(self, serve, name):
        """True when `serve` takes the (optional) input `name`."""
        return name in _inputs(serve)

    def input_spec(self, serve, name):
        """The `tf.TensorSpec` of `serve`'s input `name`."""
        return _inputs(serve)[name]

    @property
    def signature(self):
        """`"a, b -> c"`: the contract in one line."""
        inputs = list(self.inputs) + [f"[{name}]" for name in self.optional_inputs]
        return f"{', '.join(inputs)} -> {' | '.join(self.outputs)}"


# ------------------------------------------------------------ serving functions


def _noise_output(generator):
    """`(name, to_output)`: `images` uint8 `[b, H, W, C]` for image
    generators, `audio` float32 `[b, samples]` in [-1, 1] for generators of
    sounds, `video` uint8 `[b, frames, H, W, C]` for generators of clips."""
    if len(generator.output_shape) == 2:
        return "audio", lambda audio: tf.clip_by_value(tf.cast(audio, tf.float32), -1.0, 1.0)
    if len(generator.output_shape) == 5:
        return "video", to_uint8
    return "images", to_uint8


def num_classes(generator):
    """The classes a conditional Keras generator embeds its label into."""
    for layer in generator.layers:
        if isinstance(layer, keras.layers.Embedding):
            return layer.input_dim
        if isinstance(layer, keras.Model):  # e.g. a GAN's generator with its decoder
            try:
                return num_classes(layer)
            except ValueError:
                pass
    raise ValueError(
        f"Cannot tell the number of classes of {generator.name!r}: a "
        "conditional generator here embeds its label with `keras.layers.Embedding`."
    )


def _noise_endpoints(generator):
    """`serving_default(z[, label])` and `sample(num_samples | label, seed)`."""
    latent_dim = generator.inputs[0].shape[-1]
    output, to_output = _noise_output(generator)
    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")
    seed_spec = tf.TensorSpec([], tf.int32, name="seed")

    def noise(count, seed):
        return tf.random.stateless_normal(tf.stack([count, latent_dim]), seed=tf.stack([seed, 0]))

    if len(generator.inputs) == 1:

        def serve(z):
            return {output: to_output(generator(z, training=False))}

        def sample(num_samples, seed):
            return serve(noise(num_samples, seed))

        count_spec = tf.TensorSpec([], tf.int32, name="num_samples")
        endpoints = {
            SERVING_SIGNATURE: (serve, [z_spec]),
            SAMPLE_SIGNATURE: (sample, [count_spec, seed_spec]),
        }
        if output == "video":
            endpoints[ANIMATE_SIGNATURE] = _animate_endpoint(generator, z_spec)
        if output == "images":

            def pixels(z):
                return {"pixels": tf.cast(generator(z, training=False), tf.float32)}

            endpoints[PIXELS_SIGNATURE] = (pixels, [z_spec])
        return endpoints

    classes = num_classes(generator)
    message = f"label must be in [0, {classes})"

    def serve_conditional(z, label):
        checks = [
            tf.debugging.assert_non_negative(label, message=message),
            tf.debugging.assert_less(label, classes, message=message),
            tf.debugging.assert_equal(
                tf.shape(z)[0],
                tf.shape(label)[0],
                message="z and label must have the same batch size",
            ),
        ]
        with tf.control_dependencies(checks):
            generated = generator([z, tf.identity(label)], training=False)
        return {output: to_output(generated)}

    def sample_conditional(label, seed):
        return serve_conditional(noise(tf.shape(label)[0], seed), label)

    label_spec = tf.TensorSpec([None], tf.int32, name="label")
    endpoints = {
        SERVING_SIGNATURE: (serve_conditional, [z_spec, label_spec]),
        SAMPLE_SIGNATURE: (sample_conditional, [label_spec, seed_spec]),
    }
    if output == "images":

        def pixels_conditional(z, label):
            generated = generator([z, label], training=False)
            return {"pixels": tf.cast(generated, tf.float32)}

        endpoints[PIXELS_SIGNATURE] = (pixels_conditional, [z_spec, label_spec])
    return endpoints


def _animate_endpoint(generator, z_spec):
    """`animate(image, z)`: a clip that starts from a still. The noise is
    inverted so that the clip's first frame is as close to `image` (uint8
    `[b, H, W, C]`, the frames' size) as the generator can draw it:
    `ANIMATE_STEPS` Adam steps on the mean squared error of that frame
    (a few steps from the prior: no other anchor is needed), from `z` and
    from `ANIMATE_STARTS - 1` more draws of the prior (the same for every
    call), keeping the noise whose frame ends nearest. Several starts,
    because a drawn object only learns to move toward ink it already
    touches: from one start, an object far from the still's digit stays
    away. The motion is then the one the found noise gives. Not converted
    to LiteRT (a loop of gradients).
    """
    frame_shape = tuple(generator.output_shape[2:])
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-8

    def animate(image, z):
        checks = [
            tf.debugging.assert_equal(
                tf.shape(image)[1:],
                tf.constant(frame_shape),
                message=f"image must be uint8 [batch, {', '.join(map(str, frame_shape))}]",
            ),
            tf.debugging.assert_equal(
                tf.shape(image)[0],
                tf.shape(z)[0],
                message="image and z must have the same batch size",
            ),
        ]
        with tf.control_dependencies(checks):
            # Start k of still i in row k * batch + i.
            target = tf.tile(to_float(image), [ANIMATE_STARTS, 1, 1, 1])
        batch = tf.shape(z)[0]
        # The same draws for every still of every call: a still's clip does
        # not depend on the batch it came in.
        others = tf.random.stateless_normal(
            [ANIMATE_STARTS - 1, 1, z.shape[-1]], seed=[ANIMATE_STARTS, 0]
        )
        others = tf.tile(others, tf.stack([1, batch, 1]))
        starts = tf.reshape(tf.concat([z[None], others], axis=0), [-1, z.shape[-1]])

        def errors(z):
            first = generator(z, training=False)[:, 0]
            return tf.reduce_mean(tf.square(first - target), axis=[1, 2, 3])

        def step(i, z, m, v):
            with tf.GradientTape() as tape:
                tape.watch(z)
                loss = tf.reduce_sum(errors(z))  # each row's gradient is its own
            grad = tape.gradient(loss, z)
            m = beta_1 * m + (1 - beta_1) * grad
            v = beta_2 * v + (1 - beta_2) * tf.square(grad)
            t = tf.cast(i + 1, tf.float32)
            update = (m / (1 - beta_1**t)) / (tf.sqrt(v / (1 - beta_2**t)) + epsilon)
            return i + 1, z - ANIMATE_LEARNING_RATE * update, m, v

        start = (tf.constant(0), starts, tf.zeros_like(starts), tf.zeros_like(starts))
        _, found, _, _ = tf.while_loop(lambda i, *_: i < ANIMATE_STEPS, step, start)
        best = tf.argmin(tf.reshape(errors(found), [ANIMATE_STARTS, batch]), axis=0)
        found = tf.gather(found, tf.cast(best, tf.int32) * batch + tf.range(batch))
        return {"video": to_uint8(generator(found, training=False)), "z": found}

    # Any shape in the signature, so a wrong one meets the check's message.
    image_spec = tf.TensorSpec([None, None, None, None], tf.uint8, name="image")
    return animate, [image_spec, z_spec]


def _text_endpoints(generator):
    """`serving_default(z) -> text, ids`, `write(z, temperature)`,
    `sample(num_samples, seed)` and `ids(z) -> ids` (LiteRT's)."""
    decoder = generator.get_layer("decoder")
    latent_dim = generator.inputs[0].shape[-1]
    # id -> character: what `StringLookup(invert=True)` does, as a constant
    # (no lookup table to track, and LiteRT-free of it).
    characters = tf.constant([TEXT_PAD, TEXT_UNKNOWN, *decoder.vocabulary])
    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")

    def ids_of(z, temperature=None):
        ids = tf.argmax(decoder(z, training=False, temperature=temperature), axis=-1)
        ids = tf.cast(ids, tf.int32)
        # A text ends at its first 0: what follows it is padding too.
        ended = tf.cumsum(tf.cast(tf.equal(ids, 0), tf.int32), axis=1)
        return ids * tf.cast(tf.equal(ended, 0), tf.int32)

    def texts(ids):
        return {"text": tf.strings.reduce_join(tf.gather(characters, ids), axis=-1), "ids": ids}

    def serve(z):
        return texts(ids_of(z))

    def write(z, temperature):
        check = tf.debugging.assert_positive(temperature, message="temperature must be above 0")
        with tf.control_dependencies([check]):
            return texts(ids_of(z, tf.identity(temperature)))

    def sample(num_samples, seed):
        noise = tf.random.stateless_normal(
            tf.stack([num_samples, latent_dim]), seed=tf.stack([seed, 0])
        )
        return serve(noise)

    def ids_only(z):
        return {"ids": ids_of(z)}

    return {
        SERVING_SIGNATURE: (serve, [z_spec]),
        WRITE_SIGNATURE: (write, [z_spec, tf.TensorSpec([], tf.float32, name="temperature")]),
        SAMPLE_SIGNATURE: (
            sample,
            [
                tf.TensorSpec([], tf.int32, name="num_samples"),
                tf.TensorSpec([], tf.int32, name="seed"),
            ],
        ),
        IDS_SIGNATURE: (ids_only, [z_spec]),
    }


def _stylize_endpoints(generator, multiple=4):
    """`content` uint8 -> `stylized` uint8, any size."""

    def serve(content):
        batch, height, width = tf.shape(content)[0], tf.shape(content)[1], tf.shape(content)[2]
        pad_h, pad_w = (-height) % multiple, (-width) % multiple
        # The encoder halves the size twice: pad to a multiple of 4 with
        # mirrored edges, run, and crop back to the input's size.
        images = tf.pad(
            to_float(content), [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="SYMMETRIC"
        )
        # A Pad with computed paddings loses even the channel count, and the
        # LiteRT converter cannot lower a convolution of unknown channels;
        # this reshape (a no-op) restores it (`set_shape` does not survive
        # the conversion, `ensure_shape` is not a LiteRT op).
        images = tf.reshape(images, tf.stack([batch, height + pad_h, width + pad_w, 3]))
        stylized = generator(images, training=False)[:, :height, :width, :]
        return {"stylized": to_uint8(stylized)}

    spec = tf.TensorSpec([None, None, None, 3], tf.uint8, name="content")
    return {SERVING_SIGNATURE: (serve, [spec])}


def _upscale_endpoints(generator):
    """`image` uint8 -> `upscaled` uint8 (any size)."""

    def serve(image):
        return {"upscaled": to_uint8(generator(to_float(image), training=False))}

    spec = tf.TensorSpec([None, None, None, 3], tf.uint8, name="image")
    return {SERVING_SIGNATURE: (serve, [spec])}


def _inpaint_endpoints(generator):
    """`image`, `mask` uint8 -> `inpainted` uint8 (any size)."""

    def serve(image, mask):
        check = tf.debugging.assert_equal(
            tf.shape(mask)[:3],
            tf.shape(image)[:3],
            message="mask must be uint8 [batch, height, width, 1], the image's size (255 = hole)",
        )
        with tf.control_dependencies([check]):
            # Compared as floats: LiteRT has no uint8 comparison.
            holes = tf.cast(tf.cast(mask, tf.float32) >= 128.0, tf.float32)
        inpainted = generator(tf.concat([to_float(image), holes], axis=-1), training=False)
        return {"inpainted": to_uint8(inpainted)}

    specs = [
        tf.TensorSpec([None, None, None, 3], tf.uint8, name="image"),
        tf.TensorSpec([None, None, None, 1], tf.uint8, name="mask"),
    ]
    return {SERVING_SIGNATURE: (serve, specs)}


def _vocode_endpoints(generator):
    """`mel` float32 `[b, frames, bins]` -> `audio` float32 `[b, (frames - 1) * hop]`."""

    def serve(mel):
        return {"audio": tf.cast(generator(mel, training=False), tf.float32)}

    spec = tf.TensorSpec([None, None, generator.input_shape[-1]], tf.float32, name="mel")
    return {SERVING_SIGNATURE: (serve, [spec])}


# ------------------------------------------------------------ shape tests


def _is_noise_generator(generator):
    """Noise `(b, latent)` (and an integer label) to images, sounds or clips."""
    shapes = [tuple(x.shape) for x in generator.inputs]
    if not shapes or len(shapes[0]) != 2 or len(shapes) > 2:
        return False
    if len(shapes) == 2 and len(shapes[1]) not in (1, 2):
        return False
    return len(generator.output_shape) in (2, 4, 5)


def _image_scale(generator):
    """`(input channels, output channels, scale)` of a generator of one
    image input, the scale from the static shapes or, where they are
    unknown, from one small probe; `None` for other generators."""
    if len(generator.inputs) != 1 or len(generator.input_shape) != 4:
        return None
    if len(generator.output_shape) != 4:
        return None
    _, height, width, channels = generator.input_shape
    out_height = generator.output_shape[1]
    if height is not None and out_height is not None:
        return channels, generator.output_shape[-1], out_height / height
    probe = keras.ops.zeros((1, height or 16, width or 16, channels))
    produced = generator(probe, training=False)
    return channels, produced.shape[-1], produced.shape[1] / (height or 16)


def _fits_style(generator):
    found = _image_scale(generator)
    return found is not None and found[:2] == (3, 3) and found[2] == 1


def _fits_super_resolution(generator):
    found = _image_scale(generator)
    return found is not None and found[:2] == (3, 3) and found[2] > 1


def _fits_inpainting(generator):
    found = _image_scale(generator)
    return found is not None and found[:2] == (4, 3) and found[2] == 1


def _text_assets(generator):
    """`vocabulary.json`: the character of each id, the end ("") and
    unknown ("[UNK]") first, so that `vocabulary[id]` reads LiteRT's ids."""
    vocabulary = generator.get_layer("decoder").vocabulary
    by_id = [TEXT_PAD, TEXT_UNKNOWN, *vocabulary]
    return {VOCABULARY_ASSET: json.dumps(by_id, ensure_ascii=False)}


def _fits_text(generator):
    """Noise `(b, latent)` to characters `(b, length, ids)`, from a
    `CharacterDecoder` that knows its vocabulary."""
    if len(generator.inputs) != 1 or len(generator.input_shape) != 2:
        return False
    if len(generator.output_shape) != 3:
        return False
    try:
        decoder = generator.get_layer("decoder")
    except ValueError:
        return False
    return getattr(decoder, "vocabulary", None) is not None


def _fits_vocoder(generator):
    return (
        len(generator.inputs) == 1
        and len(generator.input_shape) == 3
        and len(generator.output_shape) == 2
    )


# ------------------------------------------------------------ the registry

CONTRACTS = {
    contract.name: contract
    for contract in (
        Contract(
            "noise",
            inputs=("z",),
            optional_inputs=("label",),
            outputs=("images", "audio", "video"),
            about="noise (and a class label) to images, sounds or clips",
            endpoints=_noise_endpoints,
            fits=_is_noise_generator,
        ),
        Contract(
            "style",
            inputs=("content",),
            optional_inputs=(),
            outputs=("stylized",),
            about="a photo to the same photo in a style",
            endpoints=_stylize_endpoints,
            fits=_fits_style,
            takes_kind="image",
        ),
        Contract(
            "super_resolution",
            inputs=("image",),
            optional_inputs=(),
            outputs=("upscaled",),
            about="an image to a larger one",
            endpoints=_upscale_endpoints,
            fits=_fits_super_resolution,
            takes_kind="image",
        ),
        Contract(
            "inpainting",
            inputs=("image", "mask"),
            optional_inputs=(),
            outputs=("inpainted",),
            about="an image with holes (a mask) to the image filled in",
            endpoints=_inpaint_endpoints,
            fits=_fits_inpainting,
            takes_kind="image",
        ),
        Contract(
            "vocoder",
            inputs=("mel",),
            optional_inputs=(),
            outputs=("audio",),
            about="log-mel spectrograms to sound",
            endpoints=_vocode_endpoints,
            fits=_fits_vocoder,
            takes_kind="mel",
        ),
        Contract(
            "text",
            inputs=("z",),
            optional_inputs=(),
            outputs=("text",),
            about="noise to text (strings, and their character ids)",
            endpoints=_text_endpoints,
            fits=_fits_text,
            litert_signature=IDS_SIGNATURE,
            assets=_text_assets,
        ),
    )
}


NOISE = CONTRACTS["noise"]
TEXT = CONTRACTS["text"]


def latent_dim(serve):
    """The noise size of a noise export's `serving_default`."""
    return NOISE.input_spec(serve, "z").shape[-1]


def is_conditional(serve):
    """True when a noise export's `serving_default` takes class labels."""
    return NOISE.takes(serve, "label")


def draw(serve, z, labels=None):
    """A noise export's output (uint8 images or float32 clips) for noise `z`
    (and int `labels` for a conditional one), as a NumPy array."""
    feeds = {"z": tf.constant(z, tf.float32)}
    if labels is not None:
        feeds["label"] = tf.constant(labels, tf.int32)
    return NOISE.output_of(serve(**feeds)).numpy()


def animate(signature, images, z):
    """A clip export's `animate` signature on uint8 stills `[b, H, W, C]`
    (the frames' size) from noise `z`: `(clips uint8 [b, frames, H, W,
    C], the noise found)` as NumPy arrays."""
    images, z = np.asarray(images), np.asarray(z)
    if images.ndim != 4 or len(images) != len(z):
        raise ValueError(
            f"Expected stills uint8 [batch, height, width, channels] and as many rows of "
            f"noise. Received shapes {images.shape} and {z.shape}."
        )
    found = signature(image=tf.constant(images, tf.uint8), z=tf.constant(z, tf.float32))
    return found["video"].numpy(), found["z"].numpy()


def write_text(serve, z, temperature=None, signatures=None):
    """A text export's texts (list of str) and character ids (int32
    `[n, length]`) for noise `z`: its `serving_default`, or at
    `temperature` its `write` signature (from `signatures`, the loaded
    SavedModel's)."""
    z = tf.constant(z, tf.float32)
    if temperature is None:
        found = serve(z=z)
    else:
        found = signatures[WRITE_SIGNATURE](z=z, temperature=tf.constant(temperature, tf.float32))
    texts = [text.decode("utf-8") for text in found["text"].numpy()]
    return texts, found["ids"].numpy()


def draws_clips(serve):
    """True when `serve`, a loaded `serving_default`, is a noise export of
    clips (its output is `[b, frames, H, W, C]`)."""
    return NOISE.matches(serve) and NOISE.output_key(serve) == "video"


def transform(serve, contract, x, mask=None):
    """An image-to-image or vocoder export's output for one batch, as a
    NumPy array: `x` is uint8 images `[b, h, w, 3]` (and an inpainting
    `mask` uint8 `[b, h, w, 1]`) or float32 mel spectrograms."""
    contract = get(contract)
    feeds = {contract.inputs[0]: tf.constant(x)}
    if mask is not None:
        feeds[contract.inputs[1]] = tf.constant(mask)
    return contract.output_of(serve(**feeds)).numpy()


def get(contract):
    """The `Contract` named `contract` (a `Contract` is returned as is).

    Raises:
        ValueError: an unknown name, with the known ones.
    """
    if isinstance(contract, Contract):
        return contract
    check_choice("contract", contract, tuple(CONTRACTS))
    return CONTRACTS[contract]


def for_generator(generator, contract="auto"):
    """The contract to export `generator` under: `contract` checked against
    the generator, or for `"auto"` the one contract that accepts it.

    Raises:
        ValueError: `"auto"` and no contract, or several, accept the
            generator (the message names them); or the named contract does
            not accept it.
    """
    if contract != "auto":
        chosen = get(contract)
        if not chosen.accepts(generator):
            raise ValueError(
                f"Generator {generator.name!r} (inputs {_shapes(generator.inputs)}, output "
                f"{tuple(generator.output_shape)}) does not fit the {chosen.name!r} contract "
                f"({chosen.signature}: {chosen.about})."
            )
        return chosen
    fitting = [c for c in CONTRACTS.values() if c.accepts(generator)]
    if len(fitting) == 1:
        return fitting[0]
    known = ", ".join(f"{c.name} ({c.about})" for c in CONTRACTS.values())
    found = ", ".join(c.name for c in fitting) or "none"
    raise ValueError(
        f"Cannot tell which contract generator {generator.name!r} (inputs "
        f"{_shapes(generator.inputs)}, output {tuple(generator.output_shape)}) follows: "
        f"{found} fit. Pass contract= one of: {known}."
    )


def of_signature(serve):
    """The contract a loaded `serving_default` follows, or `None`."""
    if serve is None:
        return None
    return next((c for c in CONTRACTS.values() if c.matches(serve)), None)


def _inputs(serve):
    """A signature's inputs by name: a loaded signature's keyword inputs, or
    an in-memory function's positional specs (named in the contract)."""
    args, kwargs = serve.structured_input_signature
    return dict(kwargs) if kwargs else {spec.name: spec for spec in args}


def _shapes(tensors):
    return ", ".join(str(tuple(t.shape)) for t in tensors)
