"""ann_ref: the article's neural network in plain Python, exact to the bit."""
from .exponential import exp
from .matrix import dot, transpose
from .model import LOGISTIC, THRESHOLD, sigmoid, step
from .training import states, train

__version__ = "1.0.0"
__all__ = ["train", "states", "step", "dot", "transpose", "sigmoid", "exp",
           "THRESHOLD", "LOGISTIC", "__version__"]
