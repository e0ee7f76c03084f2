"""Argument checks shared by the model builders."""


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )


def check_units(name, values):
    values = tuple(values) if isinstance(values, (list, tuple)) else values
    if not isinstance(values, tuple) or not values:
        raise ValueError(
            f"`{name}` must be a non-empty list of positive integers. "
            f"Received: {name}={values!r}"
        )
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(
                f"`{name}` must be a non-empty list of positive integers. "
                f"Received: {name}={values!r}"
            )
    return values


def check_image_shape(image_shape, multiple_of=1):
    shape = tuple(image_shape) if isinstance(image_shape, (list, tuple)) else ()
    valid = len(shape) == 3 and all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape
    )
    if not valid:
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


def check_dropout(dropout):
    if not 0.0 <= dropout < 1.0:
        raise ValueError(
            f"`dropout` must be in [0, 1). Received: dropout={dropout!r}"
        )
