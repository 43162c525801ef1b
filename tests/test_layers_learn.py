"""The learner commands on a network of layers (docs/SPEC.md §9): `explain` shows every
number of an iteration, forward and backward, bit-identical to the trace; `plot` draws
what the network predicts over the input plane, the line of each hidden unit, and what
the output layer sees; `train` says in one line that it takes the article's network."""
import json
import os
import struct
import xml.etree.ElementTree as ET

import pytest

from ann_ref.core.arithmetic import BINARY64
from ann_ref.learn.network import NetworkRun, NetworkStep
from ann_ref.catalogue.layers import named as read
from helpers import GOLDEN, ROOT, assert_one_line_error, cli

LAYERS = os.path.join(GOLDEN, "layers")
NS = {"svg": "http://www.w3.org/2000/svg"}


def f64(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def golden(name):
    with open(os.path.join(LAYERS, name + ".json")) as f:
        return json.load(f)


def rows_of(out, heading):
    """The table rows after a heading line, up to the next blank line."""
    lines = out.splitlines()
    start = lines.index(heading) + 1
    found = []
    for line in lines[start:]:
        if not line.strip():
            if found:
                break
            continue
        found.append(line.split())
    return found[1:]                                # without the header


@pytest.mark.parametrize("name, k", [("xor", 1), ("xor", 1000), ("xor-deep", 7),
                                     ("sum-order-probe", 4), ("negative-zero", 2)])
def test_explain_ends_in_the_golden_traces_state(name, k):
    status, out, err = cli("explain", os.path.join(LAYERS, name + ".json"), "--iteration",
                           str(k), "--bits")
    assert status == 0, err
    update = "update (W = W - a * dW, b = b - a * db), every layer from its old W, state %d:" % k
    after = {row[0]: row[3] for row in rows_of(out, update)}
    entry = golden(name)["trace"][k]["bits"]["layers"]
    expected = {"layers[%d].%s[%d][%d]" % (l, key, i, o): h
                for l, layer in enumerate(entry) for key in ("W", "b")
                for i, r in enumerate(layer[key]) for o, h in enumerate(r)}
    assert after == expected
    before = {row[0]: row[1] for row in rows_of(out, update)}
    previous = golden(name)["trace"][k - 1]["bits"]["layers"]
    assert before == {"layers[%d].%s[%d][%d]" % (l, key, i, o): h
                      for l, layer in enumerate(previous) for key in ("W", "b")
                      for i, r in enumerate(layer[key]) for o, h in enumerate(r)}


def test_explain_takes_a_golden_scenarios_name():
    by_name = cli("explain", "xor", "--iteration", "3")
    by_path = cli("explain", "golden/layers/xor.json", "--iteration", "3")
    assert by_name[0] == by_path[0] == 0
    assert by_name[1].splitlines()[0] == ("iteration 3 of scenario xor (the layered "
                                          "catalogue), a 2-2-1 network, logistic variant: "
                                          "from state 2 to state 3")
    assert by_path[1].splitlines()[0].startswith("iteration 3 of scenario xor of "
                                                 "golden/layers/xor.json")
    assert by_name[1].splitlines()[1:] == by_path[1].splitlines()[1:]
    assert read("gate-and")["name"] == "gate-and" and "W" in read("gate-and")


def test_the_first_step_of_xor_by_hand():
    # iteration 1: every hidden z is ±(x₀ + x₁)/2, the output's z is 0 for every sample
    # (s = 0.5), so its error is ±0.5 and db of the output is exactly 0
    _, out, _ = cli("explain", "xor", "--iteration", "1")
    output = rows_of(out, "layers[1] (output): W = [[1.0], [1.0]]   b = [[-1.0]]")
    assert [r[2] for r in output] == ["0.0"] * 4 and [r[4] for r in output] == ["0.5"] * 4
    assert [r[6] for r in output] == ["0.5", "-0.5", "-0.5", "0.5"]
    assert "layers[1].db[0][0]  0.0" in out
    carried = rows_of(out, "carried back from layers[1] into layers[0]: g = np.dot( W, e ), "
                           "then (g * s) * (1 - s)")
    assert [r[4] for r in carried[:2]] == ["0.125", "0.125"]    # (0.5·0.5)·0.5


def test_the_error_carried_back_is_the_shown_g_times_the_derivative():
    s = read("xor-deep")
    run = NetworkRun(s)
    for k in (1, 50, 400):
        st = run.step(k)
        for l in range(len(st.layers) - 1):
            again = [[(g * v) * (1.0 - v) for g, v in zip(rg, rs)]
                     for rg, rs in zip(st.g[l], st.s[l])]
            assert again == st.e[l]
        assert st.g[-1] is None


def test_a_step_is_the_trace_step():
    s = read("xor")
    trace = golden("xor")["trace"]
    layers = [([[f64(h) for h in r] for r in l["W"]], [[f64(h) for h in r] for r in l["b"]])
              for l in trace[10]["bits"]["layers"]]
    new = NetworkStep(s, layers, BINARY64).new
    assert [["%016x" % struct.unpack(">Q", struct.pack(">d", v))[0] for v in r]
            for W, b in new for M in (W, b) for r in M] == \
        [r for l in trace[11]["bits"]["layers"] for M in (l["W"], l["b"]) for r in M]


def test_train_says_in_one_line_that_it_takes_the_articles_network():
    status, _, err = cli("train", "golden/layers/xor.json")
    assert_one_line_error(status, err, "golden/layers/xor.json is a network of layers",
                          "ann-ref run", "explain")


def test_explain_past_the_last_iteration_is_one_line():
    status, _, err = cli("explain", "xor", "--iteration", "1001")
    assert_one_line_error(status, err, "--iteration 1001", "runs 1000 iterations")


# --- plot --------------------------------------------------------------------------------

def plot(tmp_path, *args):
    out = tmp_path / "plot.svg"
    status, stdout, err = cli("plot", *args, "-o", str(out))
    assert status == 0, err
    return ET.parse(str(out)).getroot(), stdout


def test_the_plot_of_xor_shows_the_network_the_hidden_units_and_what_the_output_sees(tmp_path):
    root, stdout = plot(tmp_path, "xor")
    assert "what the network predicts over the input plane" in stdout
    panels = root.findall(".//svg:g[@class='prediction-panel']", NS)
    assert [p.get("id") for p in panels] == ["iteration-0", "iteration-250", "iteration-500",
                                            "iteration-1000"]
    last = panels[-1]
    assert last.find("svg:path[@class='network-boundary']", NS) is not None
    assert len(last.findall("svg:line[@class='unit-line']", NS)) == 2
    titles = [g.find("svg:title", NS).text for g in last.findall("svg:g[@class='sample']", NS)]
    assert all("wrong" not in t for t in titles) and len(titles) == 4
    wrong_at_0 = [g.find("svg:title", NS).text for g in
                  panels[0].findall("svg:g[@class='sample']", NS)]
    assert sum("(wrong)" in t for t in wrong_at_0) == 2     # every s is 0.5: all predicted 1
    units = root.findall(".//svg:g[@class='unit-panel']", NS)
    assert [u.find("svg:text", NS).text for u in units] == ["hidden unit 0 ≈ OR",
                                                           "hidden unit 1 ≈ NAND"]
    seen = root.find(".//svg:g[@class='hidden-space']", NS)
    assert seen is not None and seen.find("svg:line[@class='boundary']", NS) is not None
    assert "0 of 4 predictions are wrong" in root.find("svg:desc", NS).text


def test_the_shading_is_what_the_network_predicts(tmp_path):
    # the cells of the last panel: (0, 0) and (1, 1) lie in blue cells, (1, 0) in orange
    root, _ = plot(tmp_path, "xor", "--at", "1000")
    panel = root.find(".//svg:g[@id='iteration-1000']", NS)
    circles = [g.findall("svg:circle", NS)[-1] for g in panel.findall("svg:g[@class='sample']", NS)]
    rects = panel.findall("svg:rect", NS)

    def colour_at(cx, cy):
        for r in rects:
            x, y = float(r.get("x")), float(r.get("y"))
            if r.get("fill") != "none" and x <= cx <= x + float(r.get("width")) and \
                    y <= cy <= y + float(r.get("height")):
                return r.get("class")
    got = [colour_at(float(c.get("cx")), float(c.get("cy"))) for c in circles]
    assert got == ["predicted-0", "predicted-1", "predicted-1", "predicted-0"]


def test_a_network_of_three_inputs_gets_the_loss_and_a_reason(tmp_path):
    root, stdout = plot(tmp_path, os.path.join(LAYERS, "sum-order-probe.json"))
    assert "left out" in stdout and "this network has 3" in stdout
    assert root.find(".//svg:g[@class='prediction-panel']", NS) is None
    assert len(root.findall(".//svg:g[@class='chart']", NS)) == 1


def test_the_committed_xor_svg_is_current(tmp_path):
    plot(tmp_path, "xor")
    with open(os.path.join(ROOT, "docs", "xor.svg"), "rb") as f:
        assert (tmp_path / "plot.svg").read_bytes() == f.read(), \
            "docs/xor.svg is stale: run python3 -m ann_ref plot xor -o docs/xor.svg"


def test_the_outline_follows_the_sign_changes():
    from ann_ref.learn.network_figure import outline
    xs = ys = [0.0, 1.0, 2.0]
    f = [[u + v - 1.5 for u in xs] for v in ys]         # the line x₀ + x₁ = 1.5
    for p, q in outline(xs, ys, f):
        assert abs(p[0] + p[1] - 1.5) < 1e-12 and abs(q[0] + q[1] - 1.5) < 1e-12
    assert len(outline(xs, ys, f)) == 3
