"""`ImageToImageModel`: what the models whose generator maps images to images share."""

from keras_gans.models.adversarial_model import AdversarialModel


class ImageToImageModel(AdversarialModel):
    """Base of `StyleTransferGAN`, `Pix2Pix` and `CycleGAN`.

    Its `call` and `translate` run the generator on float images in [-1, 1];
    `pair_of_images` checks that a batch is the two-element tuple such models
    train on.
    """

    def call(self, inputs, training=False):
        """Runs the generator on `inputs` (float images in [-1, 1])."""
        return self.generator(inputs, training=training)

    def translate(self, inputs, batch_size=8):
        """Runs the generator on a NumPy batch of float images in [-1, 1];
        returns float32.

        Uses `sampling_generator` (the weight average with EMA).
        """
        return self._run_generator(self.sampling_generator, inputs, batch_size)

    def pair_of_images(self, data, expected):
        """Returns `data` if it is a pair; else a `ValueError` saying what
        `expected` batches look like."""
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                f"{type(self).__name__} trains on {expected}. Received a batch of type "
                f"{type(data).__name__}."
            )
        return data
