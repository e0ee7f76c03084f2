"""`Vocoder`: a GAN that turns log-mel spectrograms back into waveforms (HiFi-GAN)."""

import tensorflow as tf

from keras_gans import losses
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings
from keras_gans.models.adversarial_model import DISCRIMINATOR_METRICS
from keras_gans.models.adversarial_model import AdversarialBatch
from keras_gans.models.adversarial_model import AdversarialModel
from keras_gans.models.adversarial_model import per_example_mean
from keras_gans.utils.saving import register_serializable
from keras_gans.utils.validation import check_non_negative


def check_loss(loss):
    """Raises a clear error for an adversarial loss the vocoder cannot use:
    one with a real/fake pairing or a gradient penalty, which its many
    discriminator outputs do not support."""
    loss = losses.get(loss)
    if loss.relativistic or loss.name == "wasserstein":
        raise ValueError(
            f"The vocoder's discriminators take no {loss.name!r} loss (it needs a pairing or a "
            "gradient penalty over their many outputs). Use 'least_squares' (HiFi-GAN's), "
            "'hinge', 'non_saturating' or 'minimax'."
        )


@register_serializable
class Vocoder(AdversarialModel):
    """Mel spectrogram -> waveform, trained as HiFi-GAN is (Kong et al., 2020).

    Batches are waveforms `(batch, samples)` float32 in [-1, 1] (or
    `(waveforms, labels)`, labels ignored), of the discriminator's length.
    The model computes their log-mel spectrograms (`mel_settings`), the
    generator turns them back into waveforms, and each generator step
    minimizes

        adv_loss + feature_weight * feature_loss + mel_weight * mel_loss
            + stft_weight * stft_loss

    where `adv_loss` sums the adversarial loss (least squares by default,
    unhalved as in the paper) over every sub-discriminator, `feature_loss`
    is the L1 distance between the discriminators' features of the real and generated waveforms, and
    `mel_loss` the L1 distance between their log-mel spectrograms, and
    `stft_loss` (with `stft_weight` > 0) the multi-resolution STFT loss of
    Parallel WaveGAN (`keras_gans.losses.multi_resolution_stft_loss`). The
    discriminator loss sums over the sub-discriminators too.

    With `adversarial=False` the generator learns from `mel_loss` (and
    `stft_loss`) alone and the discriminator is never trained: the same
    generator without its discriminators, the baseline that says what the
    adversarial terms buy.

    Tracked metrics: `d_loss`, `g_loss` (the total), `adv_loss`,
    `feature_loss`, `mel_loss`, `d_real`, `d_fake` (mean raw scores); and
    `stft_loss` with `stft_weight` > 0.

    Args:
        generator: `keras.Model` from `(batch, frames, num_mel_bins)` to
            `(batch, (frames - 1) * hop_length)` (e.g.
            `keras_gans.networks.hifigan_generator`).
        discriminator: `keras.Model` from `(batch, samples)` to a dict of
            `"scores"` (a list of raw score maps) and `"features"` (a list of
            activations), e.g. `keras_gans.networks.hifigan_discriminator`.
        mel_settings: `keras_gans.data.MelSettings` or its dict. Defaults to
            `MelSettings()`.
        mel_weight: float. Defaults to `45.0` (the paper's).
        feature_weight: float. Defaults to `2.0` (the paper's).
        stft_weight: float. Weight of the multi-resolution STFT loss; `0`
            leaves it out (HiFi-GAN's and Vocos's recipes). Defaults to `0.0`.
        adversarial: bool. Train with the discriminators. Defaults to `True`.
        seed: int or `None`. Seed of the model's random draws.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    settings = kg.data.MelSettings(sample_rate=16000)
    vocoder = kg.Vocoder(
        kg.networks.hifigan_generator(num_mel_bins=80, hop_length=256),
        kg.networks.hifigan_discriminator(clip_samples=8192),
        mel_settings=settings,
    )
    vocoder.compile(g_optimizer=keras.optimizers.AdamW(2e-4, beta_1=0.8, beta_2=0.99),
                    d_optimizer=keras.optimizers.AdamW(2e-4, beta_1=0.8, beta_2=0.99))
    vocoder.fit(kg.data.recording_segments(recordings, 8192, batch_size=16), epochs=1)
    audio = vocoder.vocode(mel)  # mel: float32 (batch, frames, 80)
    ```
    """

    default_loss = "least_squares"
    reuses_generator_pass = True

    def __init__(
        self,
        generator,
        discriminator,
        mel_settings=None,
        mel_weight=45.0,
        feature_weight=2.0,
        adversarial=True,
        seed=None,
        stft_weight=0.0,
        **kwargs,
    ):
        self.mel_weight = check_non_negative("mel_weight", mel_weight)
        self.feature_weight = check_non_negative("feature_weight", feature_weight)
        self.stft_weight = check_non_negative("stft_weight", stft_weight)
        self.adversarial = bool(adversarial)
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        if isinstance(mel_settings, dict):
            mel_settings = MelSettings.from_dict(mel_settings)
        self.mel_settings = mel_settings or MelSettings()
        self.mel = LogMelSpectrogram(self.mel_settings, name="log_mel")
        bins, hop = self.mel_settings.num_mel_bins, self.mel_settings.hop_length
        if generator.input_shape[-1] != bins:
            raise ValueError(
                f"The generator takes {generator.input_shape[-1]} mel bins but the mel "
                f"settings make {bins}: build it with `hifigan_generator(num_mel_bins={bins})`."
            )
        self.segment_samples = discriminator.input_shape[-1]
        if self.segment_samples is None or self.segment_samples % hop:
            raise ValueError(
                f"The discriminator takes segments of {self.segment_samples} samples; a vocoder "
                f"trains on whole mel frames: use a multiple of hop_length={hop}."
            )
        frames = self.mel_settings.frames(self.segment_samples)
        made = generator.compute_output_shape((None, frames, bins))[-1]
        if made != self.segment_samples:
            raise ValueError(
                f"The generator makes {made} samples of {frames} mel frames, but the mel settings' "
                f"hop is {hop} samples per frame ({self.segment_samples} expected): build it with "
                f"`hifigan_generator(hop_length={hop})`."
            )
        self._mark_built()

    def tracked_metrics(self):
        adversarial = ("adv_loss", "feature_loss") if self.adversarial else ()
        return (*adversarial, "mel_loss", *(("stft_loss",) if self.stft_weight else ()))

    @property
    def metrics(self):
        # Without discriminators there is no d_loss, D(real) or D(fake) to
        # report: the progress bar and the logs show only what trains.
        return [
            m for m in super().metrics if self.adversarial or m.name not in DISCRIMINATOR_METRICS
        ]

    def discriminator_networks(self):
        return (self.discriminator,) if self.adversarial else ()

    # ------------------------------------------------------------- training

    def compile(self, *args, loss=None, augment=None, r1_weight=0.0, **kwargs):
        """`AdversarialModel.compile`, for the losses a vocoder can use: one
        without a penalty network call or a real/fake pairing (least squares,
        hinge, non-saturating, minimax), no augmentation and no R1."""
        check_loss(self.default_loss if loss is None else loss)
        super().compile(*args, loss=loss, augment=augment, r1_weight=r1_weight, **kwargs)
        if self.augment is not None or self.r1_weight:
            raise ValueError(
                "The vocoder takes no `augment` or `r1_weight`: its discriminators judge the "
                "waveform itself, and the mel and feature losses keep them in check."
            )

    def unpack_batch(self, data):
        if isinstance(data, (tuple, list)):
            data = data[0]  # (waveforms, labels) from a folder of class folders
        audio = data if hasattr(data, "dtype") else tf.convert_to_tensor(data)
        if tf.as_dtype(audio.dtype).is_integer:
            raise ValueError(
                "Vocoder batches must be float waveforms in [-1, 1]; received dtype "
                f"{tf.as_dtype(audio.dtype).name}."
            )
        shape = tf.TensorShape(audio.shape)
        if shape.rank is not None and (
            shape.rank != 2 or shape[1] not in (None, self.segment_samples)
        ):
            raise ValueError(
                f"Vocoder batches are waveforms (batch, {self.segment_samples}) (the "
                f"discriminator's length); received shape {tuple(shape)}. Cut recordings into "
                "segments with `keras_gans.data.recording_segments`."
            )
        if isinstance(audio, tf.TensorSpec):
            return AdversarialBatch(real=audio, conditions=None, source=None)
        audio = tf.cast(audio, "float32")
        return AdversarialBatch(real=audio, conditions=None, source=self.mel(audio))

    def make_fake(self, batch, training):
        return tf.cast(self.generator(batch.source, training=training), "float32")

    def train_step(self, data):
        if self.adversarial:
            return super().train_step(data)
        batch = self.unpack_batch(data)
        with tf.GradientTape() as tape:
            terms = self.generator_terms(batch, training=True)
            scaled_loss = self.g_optimizer.scale_loss(terms["g_loss"])
        self._apply(self.g_optimizer, tape, scaled_loss, self.generator_networks())
        self._update_trackers(None, terms, None, None)
        return self._metric_results()

    def test_step(self, data):
        batch = self.unpack_batch(data)
        fake = self.make_fake(batch, training=False)
        if self.adversarial:
            d_loss, real_output, fake_output = self._discriminator_terms(
                batch.real, fake, training=False
            )
            d_loss = self.global_mean(d_loss)
        else:
            d_loss = real_output = fake_output = None
        terms = self.generator_terms(batch, training=False, fake=fake)
        self._update_trackers(d_loss, terms, real_output, fake_output)
        return self._metric_results()

    def _judge(self, real, fake, training=True):
        """The discriminators on real and fake waveforms in one call:
        `(real_scores, fake_scores, real_features, fake_features)`, lists."""
        outputs = self.discriminator(tf.concat([real, fake], 0), training=training)
        split = [tf.split(tf.cast(x, "float32"), 2, axis=0) for x in outputs["scores"]]
        features = [tf.split(x, 2, axis=0) for x in outputs["features"]]
        return (
            [r for r, _ in split],
            [f for _, f in split],
            [r for r, _ in features],
            [f for _, f in features],
        )

    def _discriminator_terms(self, real, fake, conditions=None, discriminator=None, training=True):
        real_scores, fake_scores, _, _ = self._judge(real, tf.cast(fake, real.dtype), training)
        per_example = self._adversarial_scale() * tf.add_n(
            [
                self.adversarial_loss.discriminator_loss(r, f)
                for r, f in zip(real_scores, fake_scores)
            ]
        )
        return per_example, tf.concat(real_scores, 1), tf.concat(fake_scores, 1)

    def generator_terms(self, batch, training, fake=None):
        """Every generator loss term, as global-batch means (replica shares),
        for `fake` (the generator's waveforms of `batch.source`, computed
        here when not given)."""
        if fake is None:
            fake = self.make_fake(batch, training)
        mel_loss = self.global_mean(per_example_mean(tf.abs(self.mel(fake) - batch.source)))
        terms = {"mel_loss": mel_loss}
        reconstruction = self.mel_weight * mel_loss
        if self.stft_weight:
            terms["stft_loss"] = self.global_mean(
                losses.multi_resolution_stft_loss(batch.real, fake)
            )
            reconstruction += self.stft_weight * terms["stft_loss"]
        if not self.adversarial:
            return {**terms, "g_loss": reconstruction}
        _, fake_scores, real_features, fake_features = self._judge(batch.real, fake, training)
        adv_loss = self.global_mean(
            self._adversarial_scale()
            * tf.add_n([self.adversarial_loss.generator_loss(f) for f in fake_scores])
        )
        feature_loss = self.global_mean(
            tf.add_n(
                [
                    per_example_mean(tf.abs(tf.cast(tf.stop_gradient(r), f.dtype) - f))
                    for r, f in zip(real_features, fake_features)
                ]
            )
        )
        return {
            **terms,
            "adv_loss": adv_loss,
            "feature_loss": feature_loss,
            "g_loss": adv_loss + self.feature_weight * feature_loss + reconstruction,
        }

    def _adversarial_scale(self):
        # `keras_gans.losses.LeastSquaresLoss` halves the squares; HiFi-GAN's
        # weights (45 and 2) are set against the unhalved ones.
        return 2.0 if self.adversarial_loss.name == "least_squares" else 1.0

    # ------------------------------------------------------------- inference

    def call(self, mel, training=False):
        """Runs the generator on log-mel spectrograms `(batch, frames, bins)`."""
        return self.generator(mel, training=training)

    def vocode(self, mel, batch_size=8):
        """Waveforms float32 `(batch, (frames - 1) * hop_length)` of NumPy
        log-mel spectrograms (`sampling_generator`: the weight average with
        EMA)."""
        return self._run_generator(self.sampling_generator, mel, batch_size)

    # -------------------------------------------------------- serialization

    def get_config(self):
        return {
            **super().get_config(),
            "mel_settings": self.mel_settings.to_dict(),
            "mel_weight": self.mel_weight,
            "feature_weight": self.feature_weight,
            "adversarial": self.adversarial,
            "stft_weight": self.stft_weight,
        }
