"""Argument checks shared by the whole package.

Each check raises a `ValueError` in the keras-hub form
"`name` must be ... Received: name=value" and returns the value it accepted
(normalized where that helps the caller, e.g. a list of widths as a tuple).
"""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_positive_int(name, value):
    """`value` if it is an int >= 1."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return value


def check_int_at_least(name, value, minimum):
    """`value` if it is an int >= `minimum`."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}")
    return value


def check_non_negative(name, value):
    """`value` as a float if it is a number >= 0."""
    if not _is_number(value) or value < 0:
        raise ValueError(f"`{name}` must be a number >= 0. Received: {name}={value!r}")
    return float(value)


def check_fraction(name, value):
    """`value` as a float if it is a number in [0, 1)."""
    if not _is_number(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value!r}")
    return float(value)


def check_choice(name, value, choices):
    """`value` if it is one of `choices`."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {tuple(choices)}. Received: {name}={value!r}")
    return value


def check_units(name, values):
    """A non-empty list of positive ints, returned as a tuple."""
    values = tuple(values) if isinstance(values, (list, tuple)) else values
    if (
        not isinstance(values, tuple)
        or not values
        or not all(_is_int(v) and v >= 1 for v in values)
    ):
        raise ValueError(
            f"`{name}` must be a non-empty list of positive integers. Received: {name}={values!r}"
        )
    return values


def check_image_shape(image_shape, multiple_of=1):
    """`(height, width, channels)` of positive ints, height and width
    divisible by `multiple_of`; returned as a tuple."""
    shape = tuple(image_shape) if isinstance(image_shape, (list, tuple)) else ()
    if len(shape) != 3 or not all(_is_int(d) and d > 0 for d in shape):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with positive "
            f"integers, e.g. (28, 28, 1). Received: image_shape={image_shape!r}"
        )
    height, width, _ = shape
    if height % multiple_of or width % multiple_of:
        raise ValueError(
            f"`image_shape` height and width must be divisible by "
            f"{multiple_of} (the network up/downsamples by that factor). "
            f"Received: image_shape={image_shape!r}"
        )
    return shape
