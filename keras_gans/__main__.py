"""`python -m keras_gans`: the `keras-gans` command."""

from keras_gans.cli import run

if __name__ == "__main__":
    run()
