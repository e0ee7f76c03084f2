"""`python -m keras_gans.evaluate`: the evaluation CLI, `keras_gans.evaluation.cli`."""

if __name__ == "__main__":
    from keras_gans.evaluation import cli

    cli.run()
