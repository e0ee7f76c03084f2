"""`python -m keras_gans.evaluation`: the evaluation CLI, `keras_gans.evaluation.cli`."""

from keras_gans.evaluation import cli

cli.run()
