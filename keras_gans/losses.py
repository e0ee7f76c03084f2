"""Adversarial losses, in (discriminator, generator) pairs.

Every loss here works on raw discriminator outputs (logits for the
cross-entropy losses; no sigmoid in the network), which is numerically safer
than `sigmoid` followed by `log`. Each method returns a **per-example** loss of
shape `(batch,)`: the discriminator output is averaged over any non-batch axes
(so a PatchGAN's `(batch, h, w, 1)` map counts once per image). `GAN` reduces
per-example losses to the global-batch mean, which keeps training on one or on
several replicas the same computation.
"""

import inspect

import keras
import tensorflow as tf

from keras_gans import distribute
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_fraction

__all__ = [
    "AdversarialLoss",
    "HingeLoss",
    "LeastSquaresLoss",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "RelativisticPairingLoss",
    "WassersteinLoss",
    "get",
    "gradient_penalty",
    "multi_resolution_stft_loss",
    "names",
    "r1_penalty",
]

# (FFT size, hop) of the multi-resolution STFT loss and distance.
STFT_RESOLUTIONS = ((512, 128), (1024, 256), (2048, 512))
STFT_MAGNITUDE_FLOOR = 1e-7
# Least denominator of the per-example spectral convergence. Segments of
# speech have norms of 120-250 at these sizes (medians, festival speech),
# but segments of near silence go under 1, where the ratio to them explodes.
# A first training run with this loss turned NaN at step 5,850; this floor and
# the one under the magnitudes' square root close the two ways I found.
STFT_NORM_FLOOR = 1.0


def _per_example(x):
    """Averages `x` over every axis but the first, in float32."""
    x = tf.cast(x, "float32")
    rank = x.shape.rank
    if rank is None or rank <= 1:
        return x
    return tf.reduce_mean(x, axis=list(range(1, rank)))


@register_serializable
class AdversarialLoss:
    """Base class: a discriminator loss and a generator loss that go together.

    Subclasses implement `discriminator_loss` and `generator_loss`; losses that
    need the discriminator's gradients (the WGAN-GP gradient penalty) also
    override `penalty`. All three return per-example losses of shape
    `(batch,)`.

    Attributes:
        scores_are_logits: bool. Whether the loss reads discriminator outputs
            as logits of the probability "real" (the cross-entropy losses).
            Models then report `sigmoid(output)` as `d_real` / `d_fake`.
        relativistic: bool. Whether the generator loss also needs the
            discriminator's outputs on real images: models then call
            `generator_loss(fake_output, real_output)`.

    Args:
        name: str. Name used in configs and logs.
    """

    name = "adversarial_loss"
    scores_are_logits = False
    relativistic = False

    def __init__(self, name=None):
        if name is not None:
            self.name = name

    def discriminator_loss(self, real_output, fake_output):
        raise NotImplementedError

    def generator_loss(self, fake_output):
        raise NotImplementedError

    def penalty(self, discriminator, real_images, fake_images, seed=None):
        """Extra per-example discriminator term that needs the network itself.

        `seed` is a `keras.random.SeedGenerator` (or int) for any randomness.
        Returns `None` when the loss has no such term.
        """
        return None

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


@register_serializable
class MinimaxLoss(AdversarialLoss):
    """The original minimax GAN loss (Goodfellow et al., 2014).

    Discriminator: `-log D(x) - log(1 - D(G(z)))`.
    Generator: `log(1 - D(G(z)))`, the *saturating* loss: its gradient vanishes
    when the discriminator confidently rejects generated samples, which is why
    `NonSaturatingLoss` is usually preferred. `D = sigmoid(logits)`.

    Args:
        label_smoothing: float. One-sided label smoothing (Salimans et al.,
            2016): the discriminator's target for real images is
            `1 - label_smoothing` instead of 1; generated images keep target
            0. Defaults to `0.0`.
    """

    name = "minimax"
    scores_are_logits = True

    def __init__(self, label_smoothing=0.0, name=None):
        super().__init__(name=name)
        self.label_smoothing = check_fraction("label_smoothing", label_smoothing)

    def discriminator_loss(self, real_output, fake_output):
        real = tf.cast(real_output, "float32")
        # Cross-entropy against target t: t * softplus(-l) + (1 - t) * softplus(l).
        real_loss = tf.nn.softplus(-real)
        if self.label_smoothing:
            real_loss = real_loss + self.label_smoothing * real
        return _per_example(real_loss + tf.nn.softplus(tf.cast(fake_output, "float32")))

    def get_config(self):
        config = super().get_config()
        config["label_smoothing"] = self.label_smoothing
        return config

    def generator_loss(self, fake_output):
        # log(1 - sigmoid(l)) == -softplus(l)
        return _per_example(-tf.nn.softplus(tf.cast(fake_output, "float32")))


@register_serializable
class NonSaturatingLoss(MinimaxLoss):
    """The non-saturating GAN loss (Goodfellow et al., 2014, section 3).

    Discriminator: `-log D(x) - log(1 - D(G(z)))` (binary cross-entropy).
    Generator: `-log D(G(z))`, i.e. binary cross-entropy of generated samples
    against the "real" label. This is what `BCELoss(D(G(z)), ones)` computes in
    the usual PyTorch loop.
    """

    name = "non_saturating"

    def generator_loss(self, fake_output):
        # -log(sigmoid(l)) == softplus(-l)
        return _per_example(tf.nn.softplus(-tf.cast(fake_output, "float32")))


@register_serializable
class LeastSquaresLoss(AdversarialLoss):
    """Least-squares GAN loss (LSGAN, Mao et al., 2017), with 0/1 targets.

    Discriminator: `0.5 * ((D(x) - 1)^2 + D(G(z))^2)`.
    Generator: `0.5 * (D(G(z)) - 1)^2`. `D` is the raw network output.
    """

    name = "least_squares"

    def discriminator_loss(self, real_output, fake_output):
        real = tf.cast(real_output, "float32")
        fake = tf.cast(fake_output, "float32")
        return _per_example(0.5 * (tf.square(real - 1.0) + tf.square(fake)))

    def generator_loss(self, fake_output):
        fake = tf.cast(fake_output, "float32")
        return _per_example(0.5 * tf.square(fake - 1.0))


@register_serializable
class WassersteinLoss(AdversarialLoss):
    """Wasserstein loss with gradient penalty (WGAN-GP, Gulrajani et al., 2017).

    Critic: `D(G(z)) - D(x) + lambda * (||grad D(x_hat)||_2 - 1)^2`, where
    `x_hat` is a random interpolation between a real and a generated image.
    Generator: `-D(G(z))`. Usually trained with `d_steps=5` and Adam with
    `beta_1=0.0` or `0.5`; the critic should not use batch normalization.

    Args:
        gradient_penalty_weight: float. `lambda` above; `0` disables the
            penalty (plain WGAN without clipping is not Lipschitz: only do
            this if the critic is constrained another way). Defaults to `10.0`.
    """

    name = "wasserstein"

    def __init__(self, gradient_penalty_weight=10.0, name=None):
        super().__init__(name=name)
        if gradient_penalty_weight < 0:
            raise ValueError(
                "`gradient_penalty_weight` must be >= 0. "
                f"Received: gradient_penalty_weight={gradient_penalty_weight}"
            )
        self.gradient_penalty_weight = float(gradient_penalty_weight)

    def discriminator_loss(self, real_output, fake_output):
        return _per_example(tf.cast(fake_output, "float32") - tf.cast(real_output, "float32"))

    def generator_loss(self, fake_output):
        return _per_example(-tf.cast(fake_output, "float32"))

    def penalty(self, discriminator, real_images, fake_images, seed=None):
        if self.gradient_penalty_weight == 0:
            return None
        return self.gradient_penalty_weight * gradient_penalty(
            discriminator, real_images, fake_images, seed=seed
        )

    def get_config(self):
        config = super().get_config()
        config["gradient_penalty_weight"] = self.gradient_penalty_weight
        return config


@register_serializable
class HingeLoss(AdversarialLoss):
    """Hinge loss (Lim & Ye, 2017; used by SAGAN and BigGAN).

    Discriminator: `relu(1 - D(x)) + relu(1 + D(G(z)))`.
    Generator: `-D(G(z))`.
    """

    name = "hinge"

    def discriminator_loss(self, real_output, fake_output):
        real = tf.cast(real_output, "float32")
        fake = tf.cast(fake_output, "float32")
        return _per_example(tf.nn.relu(1.0 - real) + tf.nn.relu(1.0 + fake))

    def generator_loss(self, fake_output):
        return _per_example(-tf.cast(fake_output, "float32"))


@register_serializable
class RelativisticPairingLoss(AdversarialLoss):
    """Relativistic pairing loss with R1 and R2 penalties (RpGAN; R3GAN).

    Huang et al., 2024, "The GAN is dead; long live the GAN! A Modern
    Baseline GAN": each real image is paired with a generated one and the
    discriminator judges which of the two is real, so it cannot push all
    fakes to one side of a fixed boundary; with zero-centred gradient
    penalties on both real (R1) and generated (R2) images the pair converges
    locally, and the paper reports better mode coverage than the
    non-saturating loss.

    Discriminator: `softplus(-(D(x) - D(G(z))))` + `gamma / 2 * (R1 + R2)`.
    Generator: `softplus(-(D(G(z)) - D(x)))`.

    Args:
        gamma: float. Weight of the penalties, `gamma / 2 * (||grad D(x)||^2
            + ||grad D(G(z))||^2)`; `0` turns them off. Defaults to `1.0`.
        name: str. Defaults to `"relativistic"`.
    """

    name = "relativistic"
    relativistic = True

    def __init__(self, gamma=1.0, name=None):
        super().__init__(name)
        if gamma < 0:
            raise ValueError(f"`gamma` must be >= 0. Received: gamma={gamma}")
        self.gamma = float(gamma)

    def discriminator_loss(self, real_output, fake_output):
        real = _per_example(real_output)
        fake = _per_example(fake_output)
        return tf.nn.softplus(-(real - fake))

    def generator_loss(self, fake_output, real_output=None):
        if real_output is None:
            raise ValueError(
                "The relativistic loss compares each fake with a real image: "
                "`generator_loss` needs `real_output` too."
            )
        return tf.nn.softplus(-(_per_example(fake_output) - _per_example(real_output)))

    def penalty(self, discriminator, real_images, fake_images, seed=None):
        if not self.gamma:
            return None
        both = r1_penalty(discriminator, real_images) + r1_penalty(discriminator, fake_images)
        return 0.5 * self.gamma * both

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}


def gradient_penalty(discriminator, real_images, fake_images, seed=None):
    """Per-example WGAN-GP penalty `(||grad_x D(x_hat)||_2 - 1)^2`.

    `x_hat = eps * real + (1 - eps) * fake` with one `eps ~ U[0, 1]` per
    example. Must be called inside the discriminator's gradient tape so that
    the penalty's own gradient reaches the discriminator weights.

    Args:
        discriminator: callable. The discriminator (or critic).
        real_images: tensor `(batch, ...)`.
        fake_images: tensor of the same shape.
        seed: `keras.random.SeedGenerator`, int or `None`. Seed for `eps`.

    Returns:
        A float32 tensor of shape `(batch,)`.
    """
    real_images = tf.cast(real_images, "float32")
    fake_images = tf.cast(fake_images, "float32")
    batch = tf.shape(real_images)[0]
    ones = (1,) * (real_images.shape.rank - 1)
    eps = distribute.replica_slice(
        lambda n: keras.random.uniform((n,) + ones, dtype="float32", seed=seed), batch
    )
    interpolated = eps * real_images + (1.0 - eps) * fake_images
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        output = discriminator(interpolated, training=True)
        output = tf.reduce_sum(tf.cast(output, "float32"))
    grads = tape.gradient(output, interpolated)
    norms = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(grads, [batch, -1])), axis=1) + 1e-12)
    return tf.square(norms - 1.0)


def r1_penalty(discriminator, real_images):
    """Per-example R1 penalty `||grad_x D(x)||^2` on real images.

    Mescheder et al., 2018, "Which Training Methods for GANs do actually
    Converge?": penalizing the discriminator's gradient on the data keeps it
    from growing steep around real images. Multiply by `gamma / 2`. Must be
    called inside the discriminator's gradient tape. On generated images
    the same term is R2.

    Args:
        discriminator: callable. The discriminator.
        real_images: tensor `(batch, ...)`.

    Returns:
        A float32 tensor of shape `(batch,)`.
    """
    real_images = tf.cast(real_images, "float32")
    with tf.GradientTape() as tape:
        tape.watch(real_images)
        output = tf.reduce_sum(tf.cast(discriminator(real_images, training=True), "float32"))
    grads = tape.gradient(output, real_images)
    batch = tf.shape(real_images)[0]
    return tf.reduce_sum(tf.square(tf.reshape(grads, [batch, -1])), axis=1)


def stft_magnitudes(audio, fft_length, hop_length):
    """`|STFT|` of float `(..., samples)` waveforms (Hann window, frames
    padded at the end), floored at `STFT_MAGNITUDE_FLOOR` for the logarithm."""
    stft = tf.signal.stft(
        tf.cast(audio, "float32"), fft_length, hop_length, fft_length, pad_end=True
    )
    # The floor goes under the square root: the gradient of `abs` at an
    # exactly zero bin is NaN, even where a `maximum` after it passes none.
    power = tf.square(tf.math.real(stft)) + tf.square(tf.math.imag(stft))
    return tf.sqrt(tf.maximum(power, STFT_MAGNITUDE_FLOOR**2))


def multi_resolution_stft_loss(real, fake, resolutions=STFT_RESOLUTIONS):
    """Per-example multi-resolution STFT loss between waveforms.

    Yamamoto et al., 2020 (Parallel WaveGAN's auxiliary loss): at each
    `(fft_length, hop_length)`, the spectral convergence
    `||S - S_hat||_F / ||S||_F` plus the mean absolute difference of the log
    magnitudes, averaged over the resolutions. Unlike a mel loss it sees the
    harmonics above a few hundred hertz, which mel bands average away.

    Args:
        real: float tensor `(batch, samples)`.
        fake: float tensor of the same shape.
        resolutions: tuple of `(fft_length, hop_length)`. Defaults to
            `STFT_RESOLUTIONS` (512, 1,024 and 2,048 with quarter hops).

    Returns:
        A float32 tensor of shape `(batch,)`.
    """
    total = 0.0
    for fft_length, hop_length in resolutions:
        s_real = stft_magnitudes(real, fft_length, hop_length)
        s_fake = stft_magnitudes(fake, fft_length, hop_length)
        reference = tf.maximum(tf.norm(s_real, axis=(-2, -1)), STFT_NORM_FLOOR)
        convergence = tf.norm(s_real - s_fake, axis=(-2, -1)) / reference
        log_distance = _per_example(tf.abs(tf.math.log(s_real) - tf.math.log(s_fake)))
        total += convergence + log_distance
    return total / len(resolutions)


_LOSSES = {
    "minimax": MinimaxLoss,
    "non_saturating": NonSaturatingLoss,
    "least_squares": LeastSquaresLoss,
    "wasserstein": WassersteinLoss,
    "hinge": HingeLoss,
    "relativistic": RelativisticPairingLoss,
}
_ALIASES = {
    "bce": "non_saturating",
    "nonsaturating": "non_saturating",
    "lsgan": "least_squares",
    "wgan_gp": "wasserstein",
    "wgan-gp": "wasserstein",
    "rpgan": "relativistic",
    "r3gan": "relativistic",
}


def _options_for(key, options):
    """`options` if the loss `key` takes all of them, else a clear error."""
    for option in options:
        takers = sorted(
            name
            for name, cls in _LOSSES.items()
            if option in inspect.signature(cls.__init__).parameters
        )
        if key not in takers:
            raise ValueError(
                f"The {key!r} loss takes no `{option}`: it applies to {', '.join(takers)}."
            )
    return options


def names():
    """Returns the names accepted by `get`."""
    return sorted(_LOSSES)


def get(identifier, **options):
    """Returns an `AdversarialLoss` from a name, a config or a loss object.

    Args:
        identifier: str, dict or `AdversarialLoss`. One of `"minimax"`,
            `"non_saturating"`, `"least_squares"`, `"wasserstein"`, `"hinge"`
            (or the aliases `"bce"`, `"lsgan"`, `"wgan_gp"`); a serialized
            loss; or an `AdversarialLoss` instance, returned as is.
        **options: constructor arguments for a loss given by name, e.g.
            `label_smoothing=0.1`. A loss that does not take one is a
            `ValueError` naming the losses that do.

    Example:

        >>> keras_gans.losses.get("hinge")
        HingeLoss(name='hinge')
        >>> keras_gans.losses.get("non_saturating", label_smoothing=0.1)
        NonSaturatingLoss(name='non_saturating', label_smoothing=0.1)
    """
    if options and not isinstance(identifier, str):
        raise ValueError(
            f"Options {sorted(options)} apply to a loss given by name. Received: "
            f"loss={identifier!r}; set them on the loss object instead."
        )
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        key = _ALIASES.get(key, key)
        if key in _LOSSES:
            return _LOSSES[key](**_options_for(key, options))
        raise ValueError(
            f"Unknown GAN loss {identifier!r}. Expected one of "
            f"{', '.join(names())} (or an `AdversarialLoss` instance)."
        )
    raise TypeError(
        "`loss` must be a loss name or an `keras_gans.losses.AdversarialLoss`"
        f" instance. Received: loss={identifier!r} of type "
        f"{type(identifier).__name__}"
    )
