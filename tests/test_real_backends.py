"""The real backends of tests/backends/real/ (NumPy, PyTorch, JAX, Numba, C with gcc
and glibc, Node.js) against the catalogue: a conforming one agrees with every golden
file, a deviating one is caught by at least one, and with every switch of it turned
off it agrees with every file (so each of its deviations has a switch, which the
ablation of benchmarks/diagnosis_real.py relies on). The ablation itself is checked on
small cases. The diagnosis's score is the benchmark's business, not asserted here.
A backend whose library or compiler is missing is skipped, and says why."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import pytest

from helpers import GOLDEN, ROOT, golden_names

pytestmark = pytest.mark.slow            # minutes: every backend over the catalogue

_spec = importlib.util.spec_from_file_location(
    "diagnosis_real", os.path.join(ROOT, "benchmarks", "diagnosis_real.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

NAMES = golden_names()
BY_NAME = {b.name: b for b in bench.BACKENDS}
# a backend that may fail on a file instead of giving a trace: Numba's fastmath=True
# raises ZeroDivisionError on non-finite.json
MAY_FAIL = {("numba-fastmath", "non-finite.json")}


@pytest.fixture(scope="module")
def goldens():
    return {n: bench.load_golden(n) for n in NAMES}


@pytest.fixture(scope="module")
def build_dir():
    with tempfile.TemporaryDirectory(prefix="real-backends.") as d:
        yield d


def usable(name):
    backend = BY_NAME[name]
    why = backend.missing()
    if why:
        pytest.skip("%s: %s" % (name, why))
    return backend


def firsts(argv, goldens, names=NAMES):
    traces = bench.run_batch(argv, [goldens[n][0] for n in names])
    return {n: bench.first_divergence(t, goldens[n][1]) for n, t in zip(names, traces)}


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_verify_gives_each_backend_the_verdict_of_its_bits(name, goldens, build_dir):
    """verify's verdict on every file (one process, --batch) is the bits' own verdict;
    a conforming backend agrees with all, a deviating one differs somewhere."""
    backend = usable(name)
    argv = backend.command((), build_dir)
    mine = firsts(argv, goldens)
    out = subprocess.run([sys.executable, "-m", "ann_ref", "verify", GOLDEN, "--backend",
                          " ".join(argv + ["--batch"]), "--batch", "--json", "--timeout", "600"],
                         cwd=ROOT, capture_output=True, text=True)
    status = {os.path.basename(r.get("golden") or r["file"]): r["status"]
              for r in json.loads(out.stdout)["files"]}
    assert sorted(status) == NAMES, out.stdout[:500]
    for n in NAMES:
        if (name, n) in MAY_FAIL and mine[n] == -1:
            assert status[n] == 3, (n, status[n])
            continue
        assert mine[n] != -1, "%s failed on %s" % (name, n)
        assert status[n] == (0 if mine[n] is None else 1), (n, status[n], mine[n])
    if backend.conforming:
        assert all(mine[n] is None for n in NAMES), {n: k for n, k in mine.items() if k}
    else:
        assert any(mine[n] is not None and mine[n] >= 0 for n in NAMES), \
            "%s deviates from the spec but no golden file catches it" % name


@pytest.mark.parametrize("name", sorted(b.name for b in bench.BACKENDS if b.knobs))
def test_with_every_deviation_switched_off_a_backend_agrees_with_every_file(
        name, goldens, build_dir):
    backend = usable(name)
    whats = [k for k in backend.knobs if k.role == "what"]
    mine = firsts(backend.command(whats, build_dir), goldens)
    assert all(k is None for k in mine.values()), \
        "%s with %s still differs: %s" % (name, " ".join(k.name for k in whats),
                                          {n: k for n, k in mine.items() if k is not None})


def test_the_exact_exp_of_c_is_never_near_a_midpoint_on_the_catalogue(goldens, build_dir):
    backend = usable("c-spec-port")
    del bench.UNCERTAIN[:]
    assert all(k is None for k in firsts(backend.command((), build_dir), goldens).values())
    assert bench.UNCERTAIN == []


def test_the_ablation_names_glibc_exp_on_the_sigmoid_probe(goldens, build_dir):
    backend = usable("c-O2")
    n = "sigmoid-probe.json"
    k0 = firsts(backend.command((), build_dir), goldens, [n])[n]
    assert k0 == 1
    truth, how = bench.true_causes(
        backend, k0, lambda ks: firsts(backend.command(ks, build_dir), goldens, [n])[n])
    assert (truth, how) == (["exp"], ["-DEXACT_EXP"])


def test_the_ablation_finds_two_causes_together_and_narrows_by_place(goldens, build_dir):
    """The article's NumPy code on the sum-order probe needs np.dot and np.sum switched
    off together; gcc -march=native's contraction matters in the update only."""
    numpy_article = usable("numpy-article")
    n = "sum-order-probe.json"
    k0 = firsts(numpy_article.command((), build_dir), goldens, [n])[n]
    truth, how = bench.true_causes(numpy_article, k0, lambda ks: firsts(
        numpy_article.command(ks, build_dir), goldens, [n])[n])
    # the two loops stand for what they turn off: the library's order, and its sums'
    # start from 0.0
    assert truth == ["blas-dot", "sum-from-zero", "sum-order"] and \
        how == ["--loop-dW+--loop-db"]

    native = usable("c-march-native")
    n = "article.json"
    k0 = firsts(native.command((), build_dir), goldens, [n])[n]
    truth, how = bench.true_causes(native, k0, lambda ks: firsts(
        native.command(ks, build_dir), goldens, [n])[n])
    assert truth == ["fused-update"], how
    assert "-ffp-contract=off" in how and "at -DKEEP_UPDATE" in how


def test_true_causes_on_made_up_effects():
    """The rule itself: what a switch turns off, narrowed to where it matters."""
    what = bench.Knob("w", ["fma", "fused-update"])
    other = bench.Knob("v", ["exp"])
    z = bench.Knob("z", ["fma", "sum-order"], role="where")
    update = bench.Knob("u", ["fused-update"], role="where")
    backend = bench.Backend("made-up", "c", [what, other, z, update])
    moves = {("u",): 9, ("w",): None}
    truth, how = bench.true_causes(backend, 5, lambda ks: moves.get(
        tuple(sorted(k.name for k in ks)), 5))
    assert (truth, how) == (["fused-update"], ["w", "at u"])
    moves = {("v", "w"): 7}                   # only both together
    truth, how = bench.true_causes(backend, 5, lambda ks: moves.get(
        tuple(sorted(k.name for k in ks)), 5))
    assert truth == ["exp", "fma", "fused-update"] and how == ["w+v"]
    moves = {("u",): None, ("v",): 6}         # exp's switch helps, but the place is u
    truth, how = bench.true_causes(backend, 5, lambda ks: moves.get(
        tuple(sorted(k.name for k in ks)), 5))
    assert (truth, how) == (["exp"], ["v", "at u"])       # nothing of u: not narrowed
    third = bench.Knob("t", ["float32"])
    backend3 = bench.Backend("made-up", "c", [what, other, third])
    truth, how = bench.true_causes(backend3, 5, lambda ks: None if len(ks) == 3 else 5)
    assert truth == ["exp", "float32", "fma", "fused-update"] and how == ["w+v+t"]
    truth, how = bench.true_causes(backend, 5, lambda ks: 5)
    assert truth == []
