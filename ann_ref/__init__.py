"""ann_ref: the article's neural network in plain Python, exact to the bit."""
from .core.model import LOGISTIC, THRESHOLD
from .core.public import (dot, exp, exp32, from_hex, hex_bits, predict, sigmoid, states,
                          step, train, transpose)

__version__ = "1.1.0"
__all__ = ["train", "states", "step", "predict", "dot", "transpose", "sigmoid", "exp",
           "exp32", "from_hex", "hex_bits", "THRESHOLD", "LOGISTIC", "__version__"]
