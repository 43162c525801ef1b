"""The diagnosis by experiment of networks of layers (ann_ref/oracle/experiment_layers.py)
and `ann-ref probe --layers`.

The designs are checked against tests/independent/layered.py, which shares no code with
ann_ref, and against the parts computed here from docs/SPEC.md §9 with plain floats:
each design must put exactly the part it is for into the state after one update. The
diagnosis is checked on tests/backends/layered_mistaken.py, a backend written from the
spec alone with the mistakes of backpropagation code planted, one option each: verify
must name the layer and the part where each departs, by experiment, in at most 20
backend processes."""
import json
import os
import random
import struct
import sys

import pytest

from ann_ref.oracle import experiment_layers as X
from helpers import GOLDEN, ROOT, cli

sys.path.insert(0, os.path.join(ROOT, "tests", "independent"))
import layered as independent  # noqa: E402
import reference  # noqa: E402

LAYERS = os.path.join(GOLDEN, "layers")
BACKEND = "%s %s" % (sys.executable, os.path.join(ROOT, "tests", "backends",
                                                   "layered_mistaken.py"))


def bits(v):
    return reference.bits_of(v)


def f(n):
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def sigmoid(z):
    return 1.0 / (1.0 + reference.exp(-z))


def running(terms):
    acc = terms[0]
    for t in terms[1:]:
        acc = acc + t
    return acc


def after(s):
    """The layers after one update of an experiment's scenario, by the independent
    implementation."""
    layers = [([list(r) for r in W], [list(r) for r in b]) for W, b in s["layers"]]
    return independent.iteration(s["x"], s["y"], layers, s["learning_rate"], s["variant"])


def forward(s):
    """The outputs of every layer (x first), from docs/SPEC.md §9 step 1."""
    outs = [s["x"]]
    S = len(s["x"][0])
    for W, b in s["layers"]:
        below = outs[-1]
        outs.append([[sigmoid(running([W[k][o] * below[k][j] for k in range(len(W))]) +
                              b[o][0]) for j in range(S)] for o in range(len(W[0]))])
    return outs


def errors(s):
    """The error of every layer (§9 steps 2 and 3): e_L = s_L − y, then carried down."""
    outs = forward(s)
    S, L = len(s["x"][0]), len(s["layers"])
    e = [[p - q for p, q in zip(rp, rq)] for rp, rq in zip(outs[-1], s["y"])]
    out = [None] * L
    out[L - 1] = e
    for l in range(L - 1, 0, -1):
        W = s["layers"][l][0]
        below = outs[l]
        g = [[running([W[k][o] * e[o][j] for o in range(len(W[0]))]) for j in range(S)]
             for k in range(len(W))]
        e = [[(g[k][j] * below[k][j]) * (1.0 - below[k][j]) for j in range(S)]
             for k in range(len(W))]
        out[l - 1] = e
    return outs, out


# --- the designs put exactly one part into the state ---------------------------------------

SHAPES = [([2, 2, 1], 4), ([2, 3, 3, 1], 4), ([3, 3, 2], 20), ([1, 16, 1], 1),
          ([2, 4, 1], 4), ([1, 1, 1], 2)]


@pytest.mark.parametrize("widths, S", SHAPES, ids=[str(w) for w, _ in SHAPES])
def test_the_carried_error_is_read_in_the_layer_below(widths, S):
    rng = random.Random(3)
    m = float(S)
    for l in range(1, len(widths) - 1):
        for zero in (False, True):
            ex = X.back_experiment(widths, S, l, rng, zero=zero)
            s = ex.scenario
            outs, e = errors(s)
            new = after(s)
            W_into = new[l - 1][0]
            into = l - 1
            # the input of layers[l − 1] is one-hot, so W − 1·dW is −e/m at one sample
            # for each input unit
            P = outs[into]
            for i in range(len(P)):
                ones = [j for j in range(S) if P[i][j] == 1.0]
                assert all(v in (0.0, 1.0) for v in P[i])
                if not ones:
                    continue
                assert len(ones) == 1
                for k in range(widths[l]):
                    total = running([P[i][j] * e[into][k][j] for j in range(S)])
                    assert bits(W_into[i][k]) == bits(-0.0 - total / m), (l, i, k)
                    if e[into][k][ones[0]] != 0.0:        # the sum is that one error
                        assert bits(W_into[i][k]) == bits(-(e[into][k][ones[0]] / m))
            # b − db over the samples
            for k in range(widths[l]):
                assert bits(new[l - 1][1][k][0]) == bits(
                    s["layers"][l - 1][1][k][0] - running(e[into][k]) / m)
            # the output is saturated, so its error is −y; the layer the error goes into
            # has an s that is neither 0, ½ nor 1, so that the roundings of (g·s)·(1 − s)
            # show, and it is not the s of the layer above
            assert all(v == 0.0 for row in outs[-1] for v in row)
            s_into = outs[l]
            assert all(0.0 < v < 1.0 and v != 0.5 for row in s_into for v in row)
            if l < len(widths) - 2:
                assert all(v not in (0.0, 0.5, 1.0) for row in outs[l + 1] for v in row)
            W_l = s["layers"][l][0]
            if zero:
                assert all(v == 0.0 for row in W_l for v in row)
            elif widths[l] == widths[l + 1] and widths[l] > 1:
                assert any(W_l[k][o] != W_l[o][k] for k in range(widths[l])
                           for o in range(widths[l]))
            # and W_l is one product per row: the g it carries is exact, in any order
            assert all(len([v for v in row if v != 0.0]) <= 1 for row in W_l)


@pytest.mark.parametrize("widths, S", [([2, 2, 1], 4), ([3, 3, 2], 20), ([8, 8, 8], 8),
                                       ([2, 3, 3, 1], 3)])
def test_the_sigmoid_is_read_through_the_output_layer(widths, S):
    rng = random.Random(4)
    arguments = [rng.uniform(-40, 40) for _ in range(20)] + [0.0, -700.0, 36.8, -1e-17]
    for ex in X.sigmoid_experiments(arguments, widths, S):
        Ws = [[[bits(v) for v in row] for row in W] for W, _ in after(ex.scenario)]
        ex.state = (Ws, None)
        for beta, value in X.read_sigmoid(ex):
            expected = sigmoid(beta)
            if value is None:
                # below about 2^−940 no learning rate lifts s above β without overflow
                assert expected < 2.0 ** -900 or S & (S - 1), beta
                continue
            assert bits(value) == bits(expected), beta


def test_dw_and_db_of_the_output_are_read_at_the_steps_own_inputs():
    rng = random.Random(5)
    for widths, S in (([2, 2, 1], 4), ([3, 3, 2], 20), ([2, 3, 3, 1], 4), ([1, 1, 1], 2)):
        x = [[rng.uniform(-2, 2) for _ in range(S)] for _ in range(widths[0])]
        before = [([[rng.uniform(-1, 1) for _ in range(widths[l + 1])]
                    for _ in range(widths[l])], [[rng.uniform(-1, 1)] for _ in
                                                 range(widths[l + 1])])
                  for l in range(len(widths) - 1)]
        e = [[rng.uniform(-1, 1) for _ in range(S)] for _ in range(widths[-1])]
        m = float(S)
        for ex in X.sums_experiments(x, before, widths, e):
            s = ex.scenario
            new = after(s)
            outs = forward(s)
            W0, b0 = s["layers"][-1]
            W1, b1 = new[-1]
            for l, field, part, _ in ex.reads:
                if field == "b":
                    for o in range(widths[-1]):
                        assert bits(b1[o][0]) == bits(-(running(e[o]) / m))
                    continue
                for k in range(widths[-2]):
                    if W0[k][0] != -0.0 or bits(W0[k][0]) != bits(-0.0):
                        continue                  # the unit held at 1 to saturate
                    # the hidden units but the one held at 1 are the step's own
                    if len(widths) > 2:
                        lower = forward(dict(s, layers=before[:-1]))[-1]
                        assert bits(outs[-2][k][0]) == bits(lower[k][0])
                    for o in range(widths[-1]):
                        total = running([outs[-2][k][j] * e[o][j] for j in range(S)])
                        assert bits(W1[k][o]) == bits(-(total / m)), (k, o)


def test_the_update_is_read_at_the_steps_own_w_a_and_sums():
    rng = random.Random(6)
    for widths, S in (([2, 2, 1], 4), ([3, 3, 2], 5), ([2, 3, 3, 1], 4)):
        O, n = widths[-1], widths[-2]
        W = [[rng.uniform(-3, 3) for _ in range(O)] for _ in range(n)]
        totals = [[rng.uniform(-30, 30) for _ in range(O)] for _ in range(n)]
        a = 0.1
        s = X.update_experiment(widths, S, W, a, totals).scenario
        got = after(s)[-1][0]
        rows = min(widths[:-1] + [S])
        for k in range(rows):
            for o in range(O):
                assert bits(got[k][o]) == bits(W[k][o] - a * (totals[k][o] / S))


@pytest.mark.parametrize("widths, S", [([2, 2, 1], 8), ([3, 3, 2], 8), ([2, 3, 3, 1], 6),
                                       ([3, 1], 8)])
def test_the_probes_designed_sums_reach_the_first_layer_unchanged(widths, S):
    for ex in X.gradient_experiments(widths, S, random.Random(7)):
        s = ex.scenario
        outs, e = errors(s)
        new = after(s)
        m = float(S)
        # the error reaching layers[0] is exactly 0 − y of the output row it comes from
        if len(widths) > 2:
            y_rows = [[0.0 - v for v in row] for row in s["y"]]
            for k, row in enumerate(e[0]):
                assert [bits(v) for v in row] in [[bits(v) for v in r] for r in y_rows]
        fields = [field for _, field, _, _ in ex.reads]
        for f_ in range(widths[0] if "W" in fields else 0):
            for k in range(widths[1]):
                total = running([s["x"][f_][j] * e[0][k][j] for j in range(S)])
                assert bits(new[0][0][f_][k]) == bits(-0.0 - total / m)
        for k in range(widths[1] if "b" in fields else 0):
            assert bits(new[0][1][k][0]) == bits(-0.0 - running(e[0][k]) / m)


# --- verify --backend finds the layer and the part -----------------------------------------

def verify_json(name, backend, *extra):
    status, out, err = cli("verify", os.path.join(LAYERS, name + ".json"), "--backend",
                           backend, "--json", *extra)
    assert status == 1, err
    return json.loads(out)


# each planted mistake of backpropagation, on a file that catches it: the cause, its
# detail, the part and the layers where the backend departs (in layers[l] of the file)
PLANTED = [
    ("update-before-back", "xor", "update-before-back", None, "back", [1]),
    ("bias-units", "xor-wide", "bias-axis", "units", "db", [0]),
    ("derivative-above", "xor", "derivative", "layer-above", "back", [1]),
    ("derivative-input", "xor", "derivative", "input", "back", [1]),
    ("derivative-recomputed", "xor", "derivative", "recomputed", "back", [1]),
    ("transposed-W", "xor-deep", "transposed-W", None, "back", [1]),
    ("bias-all", "xor", "bias-axis", "all", "db", [0]),
    ("update-before-back", "xor-deep", "update-before-back", None, "back", [1, 2]),
    ("derivative-above", "xor-deep", "derivative", "layer-above", "back", [1, 2]),
    ("derivative-recomputed", "sum-order-probe", "derivative", "recomputed", "back", [1]),
    ("bias-all", "xor-deep", "bias-axis", "all", "db", [0, 1]),
]


@pytest.mark.parametrize("planted, name, cause, detail, part, layers", [
    p if i < 1 else pytest.param(*p, marks=pytest.mark.slow) for i, p in enumerate(PLANTED)],
    ids=["%s-%s" % (p[0], p[1]) for p in PLANTED])
def test_the_layer_and_part_that_depart_are_found_by_experiment(planted, name, cause, detail,
                                                                part, layers):
    report = verify_json(name, "%s --%s" % (BACKEND, planted))
    first = report["causes"][0]
    assert report["diagnosed_by"] == "experiment"
    assert (first["by"], first["id"], first["detail"], first["part"], first["layers"]) == \
        ("experiment", cause, detail, part, layers), report["causes"]
    assert first["evidence"] and first["fix"]
    assert 0 < report["backend_runs"] <= 20
    assert all(e["ran"] for e in report["experiments"])
    # the experiment that isolates the part is among those run, and departs
    isolating = [e for e in report["experiments"] if e["part"] == "back"]
    assert isolating and not all(e["agrees"] for e in isolating)


@pytest.mark.slow
def test_the_report_says_where_and_what_in_words():
    status, out, _ = cli("verify", os.path.join(LAYERS, "xor.json"), "--backend",
                         "%s --update-before-back" % BACKEND, "--max-lines", "12")
    assert status == 1
    assert "found by experiment: the error carried back from layers[1] into layers[0] " \
           "departs — update-before-back (update-before-back in layers[1]): the layer " \
           "above is updated before its error is carried down" in out
    assert "  the error carried into layers[0], e[0][0], is " in out
    assert "hint: by experiment: the first part of the step to depart on identical inputs " \
           "is the error carried back from layers[1] into layers[0]; before it, exp and " \
           "the sigmoid, dW of layers[1] and db of layers[1] agree" in out


@pytest.mark.slow
def test_a_mistake_no_model_knows_is_said_with_the_values():
    # the derivative's roundings in another order, (g·(1 − s))·s: no model of the
    # diagnosis is this; the one nearest is run again where it departs, and fails
    report = verify_json("xor", "%s --derivative-order" % BACKEND)
    first = report["causes"][0]
    assert (first["by"], first["id"], first["part"], first["layers"]) == \
        ("experiment", "carried-error", "back", [1]), report["causes"]
    line = first["evidence"][0]
    assert line.startswith("the error carried into layers[0], e[")
    got, contract = [f(int(h, 16)) for h in
                     (line.split("is ")[1].split("(")[1][:16],
                      line.split("contract gives ")[1].split("(")[1][:16])]
    assert got != contract and abs(got - contract) <= 4 * abs(contract) * 2.0 ** -52
    assert first["fix"].startswith("g[k][j] = Σ_o W[k][o]·e[o][j]")
    assert report["backend_runs"] <= 20


@pytest.mark.slow
def test_a_backend_of_one_architecture_is_probed_in_its_own_widths():
    # it refuses the wider network the sigmoid's experiment asks for first, and every
    # other experiment keeps the file's widths and samples
    report = verify_json("xor", "%s --derivative-above --widths 2,2,1 --samples 4" % BACKEND)
    first = report["causes"][0]
    assert (first["by"], first["id"], first["detail"], first["layers"]) == \
        ("experiment", "derivative", "layer-above", [1])
    refused = [e for e in report["experiments"] if not e["ran"]]
    assert len(refused) == 1 and refused[0]["part"] == "s"
    assert "takes only widths [2, 2, 1]" in refused[0]["refused"]
    assert report["backend_runs"] <= 20


@pytest.mark.slow
@pytest.mark.parametrize("planted, name, cause, part", [
    ("fma-dW", "sum-order-probe", "fma", "dW"),
    ("b-first", "sum-order-probe", "bias-first", "z"),
    ("libm-exp", "sigmoid-probe", "exp", "t")])
def test_a_mistake_of_arithmetic_in_every_layer(planted, name, cause, part):
    report = verify_json(name, "%s --%s" % (BACKEND, planted))
    first = report["causes"][0]
    if planted == "libm-exp" and report["agree"]:
        pytest.skip("this machine's exp is correctly rounded at the probe's arguments")
    assert (first["by"], first["id"], first["part"], first["layers"]) == \
        ("experiment", cause, part, "every"), report["causes"]
    assert report["backend_runs"] <= 20


def test_a_layered_trace_alone_is_diagnosed_by_inference(tmp_path):
    import subprocess
    scenario = os.path.join(tmp_path, "scenario.json")
    trace = tmp_path / "trace.jsonl"
    with open(os.path.join(LAYERS, "xor.json")) as g:
        text = g.read()
    with open(scenario, "w") as out:
        out.write(text)
    with open(scenario) as given:
        trace.write_text(subprocess.run(BACKEND.split() + ["--bias-all"], stdin=given,
                                        capture_output=True, text=True, check=True).stdout)
    status, out, _ = cli("verify", os.path.join(LAYERS, "xor.json"), str(trace), "--json")
    report = json.loads(out)
    assert status == 1 and report["diagnosed_by"] == "inference"
    assert report["experiments"] == [] and report["backend_runs"] == 0
    first = report["causes"][0]
    assert (first["by"], first["id"], first["detail"], first["layers"]) == \
        ("inference", "bias-axis", "all", [0])


@pytest.mark.slow
def test_a_folder_with_the_batch_protocol_is_diagnosed_by_experiment():
    status, out, _ = cli("verify", LAYERS, "--backend", "%s --transposed-W --batch" % BACKEND,
                         "--batch", "--json")
    reports = {os.path.basename(r["file"]): r for r in json.loads(out)["files"]}
    deep = reports["xor-deep.json"]
    assert deep["diagnosed_by"] == "experiment"
    first = deep["causes"][0]
    assert (first["id"], first["part"], first["layers"]) == ("transposed-W", "back", [1])
    assert deep["backend_runs"] <= 1          # one process serves the file and its experiments


# --- ann-ref probe --layers -------------------------------------------------------------------

def test_probe_finds_a_conforming_layered_backend_conforming():
    status, out, _ = cli("probe", "--backend", BACKEND, "--layers", "2,2,1")
    assert status == 0, out
    lines = out.splitlines()
    assert [line.split("  ")[0] for line in lines[:-1]] == [
        "reading the scenario", "exp and the sigmoid",
        "the error carried into layers[0], and its db", "dW, the weight gradient",
        "db, the bias gradient", "the update and the division by m", "z, the weighted sum"]
    assert all(line.rstrip().endswith("conforms") for line in lines[:-1])
    assert lines[-1].startswith("7 parts: 7 conform, 0 depart, 0 not run")


@pytest.mark.slow
@pytest.mark.parametrize("widths", ["2,3,3,1", "3,1", "1,16,1"])
def test_probe_of_other_widths_finds_the_conforming_backend_conforming(widths):
    status, out, _ = cli("probe", "--backend", BACKEND, "--layers", widths, "--json")
    report = json.loads(out)
    assert status == 0 and report["conforms"], out
    assert report["backend_runs"] <= 20


@pytest.mark.slow
@pytest.mark.parametrize("planted, widths, row, cause", [
    ("derivative-above", "2,2,1", "the error carried into layers[0], and its db",
     "derivative"),
    ("transposed-W", "2,3,3,1", "the error carried into layers[0], and its db",
     "transposed-W"),
    ("bias-all", "2,2,1", "the error carried into layers[0], and its db", "bias-axis"),
    ("fused-update", "2,2,1", "the update and the division by m", "fused-update"),
    ("b-first", "2,2,1", "z, the weighted sum", "bias-first"),
    ("fma-dW", "2,2,1", "dW, the weight gradient", "fma")])
def test_probe_names_the_part_of_a_layered_backend(planted, widths, row, cause):
    status, out, _ = cli("probe", "--backend", "%s --%s" % (BACKEND, planted), "--layers",
                         widths, "--json")
    report = json.loads(out)
    assert status == 1 and not report["conforms"]
    rows = {r["row"]: r for r in report["parts"]}
    assert rows[row]["verdict"] == "departs" and rows[row]["id"] == cause, rows[row]
    if planted == "derivative-above":
        # dW and db of layers[0] are read through the error carried into it
        assert rows["dW, the weight gradient"]["verdict"] == "not isolated"


def test_probe_refuses_bad_widths_in_one_line():
    for args in (["--layers", "2,x,1"], ["--layers", "3"], ["--layers", "2,0,1"],
                 ["--samples", "4"], ["--layers", "2,2,1", "--samples", "0"]):
        status, out, err = cli("probe", "--backend", BACKEND, *args)
        assert status == 2 and len(err.strip().splitlines()) == 1, (args, err)
