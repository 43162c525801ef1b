"""ann_ref: the article's neural network in plain Python, exact to the bit."""
from .core.matrix import dot, transpose
from .core.model import LOGISTIC, THRESHOLD
from .core.public import exp, predict, sigmoid, states, step, train

__version__ = "1.1.0"
__all__ = ["train", "states", "step", "predict", "dot", "transpose", "sigmoid", "exp",
           "THRESHOLD", "LOGISTIC", "__version__"]
