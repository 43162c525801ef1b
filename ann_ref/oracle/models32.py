"""The models of a float32 backend's step, for the binary32 contract (docs/SPEC.md §10):
the contract itself in binary32, and what float32 code computes instead."""
from ..core.single import BINARY32
from .diagnose import Family
from .models import Model


def _value32(n):
    from ..core.binary32 import bits32_to_float
    return bits32_to_float(n)


SPEC = Model("spec", "", "the binary32 contract", arithmetic=BINARY32)
MODELS = []
FAMILY = Family(SPEC, MODELS, (), _value32)
