"""ann_ref: the article's neural network in plain Python, exact to the bit."""
from .core.exponential import exp
from .core.matrix import dot, transpose
from .core.model import LOGISTIC, THRESHOLD, sigmoid, step
from .core.training import states, train

__version__ = "1.0.0"
__all__ = ["train", "states", "step", "dot", "transpose", "sigmoid", "exp",
           "THRESHOLD", "LOGISTIC", "__version__"]
