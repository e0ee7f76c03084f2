"""`StyleFigure`: "content | style | generated" pictures every few epochs."""

from keras_gans.callbacks.comparison_figure import ComparisonFigure
from keras_gans.data.transforms import to_float


class StyleFigure(ComparisonFigure):
    """Writes a "content | style | generated" figure every few epochs.

    Args:
        content: uint8 array `(n, h, w, 3)`. Fixed photos to stylize.
        style: uint8 array `(n, h, w, 3)`. Style examples shown beside them.
        output_dir: str. Directory of the `epoch_NNN.png` files.
        every_n_epochs: int. Defaults to `1`.

    Attributes:
        paths: list of str. Files written so far.
    """

    def __init__(self, content, style, output_dir, every_n_epochs=1):
        self.content = content
        self.style = style

        def columns(model):
            generated = model.stylize(to_float(self.content).numpy())
            return [("content", self.content), ("style", self.style), ("generated", generated)]

        super().__init__(columns, output_dir, every_n_epochs)
