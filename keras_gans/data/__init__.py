"""tf.data input pipelines."""

from keras_gans.data import degradations
from keras_gans.data.audio import AudioFolder
from keras_gans.data.audio import Recordings
from keras_gans.data.audio import audio_folder
from keras_gans.data.audio import load_audio_folder
from keras_gans.data.audio import load_recordings
from keras_gans.data.audio import read_audio
from keras_gans.data.audio import recording_segments
from keras_gans.data.audio import write_wav
from keras_gans.data.image_folder import ImageFolder
from keras_gans.data.image_folder import find_images
from keras_gans.data.image_folder import image_folder
from keras_gans.data.image_folder import list_images
from keras_gans.data.image_folder import load_folder
from keras_gans.data.image_folder import load_image_folder
from keras_gans.data.image_folder import parse_image_size
from keras_gans.data.images import center_square
from keras_gans.data.images import cycle_gan
from keras_gans.data.images import unpaired_images
from keras_gans.data.mel import LogMelSpectrogram
from keras_gans.data.mel import MelSettings
from keras_gans.data.mnist import DataNotFoundError
from keras_gans.data.mnist import load_arrays
from keras_gans.data.mnist import load_idx
from keras_gans.data.mnist import mnist
from keras_gans.data.mnist import read_idx
from keras_gans.data.paired import degraded_images
from keras_gans.data.paired import paired_images
from keras_gans.data.text import TextSet
from keras_gans.data.text import character_vocabulary
from keras_gans.data.text import decode_texts
from keras_gans.data.text import encode_texts
from keras_gans.data.text import format_poem
from keras_gans.data.text import load_poems
from keras_gans.data.text import load_text_folder
from keras_gans.data.text import poems
from keras_gans.data.text import text_dataset
from keras_gans.data.text import text_folder
from keras_gans.data.text import validation_split
from keras_gans.data.transforms import to_float
from keras_gans.data.transforms import to_model_range
from keras_gans.data.transforms import to_uint8
from keras_gans.data.video import VideoFolder
from keras_gans.data.video import load_video_folder
from keras_gans.data.video import moving_mnist
from keras_gans.data.video import video_folder
from keras_gans.data.video import write_gif
from keras_gans.data.video import write_mp4

__all__ = [
    "AudioFolder",
    "audio_folder",
    "load_audio_folder",
    "load_recordings",
    "Recordings",
    "recording_segments",
    "read_audio",
    "write_wav",
    "LogMelSpectrogram",
    "MelSettings",
    "DataNotFoundError",
    "degradations",
    "degraded_images",
    "paired_images",
    "ImageFolder",
    "find_images",
    "image_folder",
    "load_image_folder",
    "center_square",
    "cycle_gan",
    "list_images",
    "load_folder",
    "unpaired_images",
    "load_arrays",
    "load_idx",
    "moving_mnist",
    "VideoFolder",
    "load_video_folder",
    "video_folder",
    "write_gif",
    "write_mp4",
    "mnist",
    "read_idx",
    "TextSet",
    "character_vocabulary",
    "decode_texts",
    "encode_texts",
    "format_poem",
    "load_poems",
    "load_text_folder",
    "poems",
    "text_dataset",
    "text_folder",
    "validation_split",
    "parse_image_size",
    "to_float",
    "to_model_range",
    "to_uint8",
]
