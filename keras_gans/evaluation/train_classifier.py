r"""Trains an evaluation classifier and saves it with its accuracy and hash.

    python -m keras_gans.evaluation.train_classifier                      # MNIST
    python -m keras_gans.evaluation.train_classifier --dataset=fashion_mnist \
        --data_dir=/usr/share/datasets/fashion-mnist
    python -m keras_gans.evaluation.train_classifier --data_dir=my_classes/ \
        --output_dir=my_classifier                     # any folder of class subfolders

Writes `<output_dir>/classifier.weights.h5` and `<output_dir>/metadata.json`
(default output_dir for MNIST-style data: `saved_models/<dataset>_classifier`
under the current directory; the evaluator reads it with `--classifier_dir` or
`$KERAS_GANS_CLASSIFIER_DIR`, else the classifier packaged in
`keras_gans/assets/`).
MNIST and Fashion-MNIST come from the same `keras_gans.data.mnist` pipeline as
the GANs; a folder is read with `keras_gans.data.load_image_folder`, a tenth
of each class held out to measure the accuracy.
"""

if __name__ == "__main__":
    # The command lives in keras_gans.cli; this module name stays a way to run it.
    import sys

    from keras_gans.cli import main

    sys.exit(main(["train-classifier", *sys.argv[1:]]))
