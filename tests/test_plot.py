"""`ann-ref plot`: the SVG holds what it says — samples coloured by their target, rings
where the prediction is wrong, the boundary line where z = 0 — and is accessible."""
import os
import xml.etree.ElementTree as ET

import pytest

from ann_ref.learn.boundary import regions
from helpers import GOLDEN, assert_one_line_error, cli

NS = {"svg": "http://www.w3.org/2000/svg"}
ARTICLE_Y = [0, 0, 0, 1]
# the article's state after 1000 iterations (golden/article.json, bits 3fa9999999999993 …)
FINAL = (0.049999999999999954, 0.050000000000000024, -0.07499999999999982)


def plot(tmp_path, *args):
    out = tmp_path / "plot.svg"
    status, stdout, err = cli("plot", *args, "-o", str(out))
    assert status == 0, err
    return ET.parse(str(out)).getroot(), stdout


def panel(root, k):
    return root.find(".//svg:g[@id='iteration-%d']" % k, NS)


def samples(group):
    """(title, circle) of each sample of a panel."""
    found = []
    for g in group.findall("svg:g[@class='sample']", NS):
        circles = g.findall("svg:circle", NS)
        found.append((g.find("svg:title", NS).text, circles))
    return found


def test_the_articles_plot_is_accessible_and_says_what_it_shows(tmp_path):
    root, stdout = plot(tmp_path, "--at", "0,1000")
    assert stdout.startswith("wrote ") and "the decision boundary" in stdout
    assert root.get("role") == "img" and root.get("aria-labelledby") == "title desc"
    assert root.find("svg:title", NS).text == "Training of the article's example (AND)"
    desc = root.find("svg:desc", NS).text
    assert "1000 iterations" in desc and "0 of 4 predictions are wrong" in desc
    assert "stopped changing after update 25" in desc
    texts = [t.text for t in root.iter("{%s}text" % NS["svg"])]
    for label in ("x₀", "x₁", "iteration", "loss", "value"):
        assert label in texts


def test_samples_are_coloured_by_target_and_ringed_where_wrong(tmp_path):
    root, _ = plot(tmp_path, "--at", "0,1000")
    colours = {}
    for k, wrong in ((0, [0, 1, 2]), (1000, [])):    # state 0 predicts 1 for every sample
        found = samples(panel(root, k))
        assert len(found) == 4
        for j, (title, circles) in enumerate(found):
            assert title.startswith("sample %d:" % j) and "target %d" % ARTICLE_Y[j] in title
            dot = circles[-1]
            colours.setdefault(ARTICLE_Y[j], set()).add(dot.get("fill"))
            rings = [c for c in circles if c.get("fill") == "none"]
            assert len(rings) == (1 if j in wrong else 0), (k, j)
            assert ("(wrong)" in title) == (j in wrong)
    assert len(colours[0]) == len(colours[1]) == 1 and colours[0] != colours[1]


def test_the_boundary_line_lies_where_z_is_zero(tmp_path):
    root, _ = plot(tmp_path, "--at", "1000")
    group = panel(root, 1000)
    line = group.find("svg:line[@class='boundary']", NS)
    # map pixels back to data through the sample circles (0,0) and (1,1)
    (_, c00), _, _, (_, c11) = samples(group)
    x0, y0 = float(c00[-1].get("cx")), float(c00[-1].get("cy"))
    x1, y1 = float(c11[-1].get("cx")), float(c11[-1].get("cy"))
    for end in ("1", "2"):
        u = (float(line.get("x" + end)) - x0) / (x1 - x0)
        v = (float(line.get("y" + end)) - y0) / (y1 - y0)
        z = FINAL[0] * u + FINAL[1] * v + FINAL[2]
        assert abs(z) < 0.001, (u, v)


def test_half_planes_by_hand():
    # x0 ≥ 0.5 predicts 1 in the unit square: the right half, and the line x0 = 0.5
    ones, zeros, segment = regions(1.0, 0.0, -0.5, (0.0, 1.0, 0.0, 1.0))
    assert sorted(ones) == [(0.5, 0.0), (0.5, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert sorted(zeros) == [(0.0, 0.0), (0.0, 1.0), (0.5, 0.0), (0.5, 1.0)]
    assert sorted(segment) == [(0.5, 0.0), (0.5, 1.0)]
    # W = 0: no line; b > 0 predicts 1 everywhere
    ones, zeros, segment = regions(0.0, 0.0, 1.0, (0.0, 1.0, 0.0, 1.0))
    assert len(ones) == 4 and zeros == [] and segment is None


def test_the_animation_is_smil_without_script(tmp_path):
    root, _ = plot(tmp_path)
    assert root.find(".//svg:script", NS) is None
    frames = root.findall(".//svg:g[@class='frame']", NS)
    assert len(frames) >= 2
    for frame in frames:
        animate = frame.find("svg:animate", NS)
        assert animate.get("attributeName") == "visibility"
        assert animate.get("repeatCount") == "indefinite"
    # the frames run from the first iteration to the last, the last one where it settled
    captions = [f.find("svg:text", NS).text for f in frames]
    assert captions[0] == "animated: iteration 0, 3 wrong"
    assert captions[-1] == "animated: iteration 1000, 0 wrong"


def test_a_scenario_without_two_features_gets_the_other_plots_and_a_reason(tmp_path):
    root, stdout = plot(tmp_path, os.path.join(GOLDEN, "real-valued-logistic.json"))
    assert "the decision boundary is left out" in stdout and "has 9" in stdout
    assert root.find(".//svg:g[@class='boundary-panel']", NS) is None
    assert root.find(".//svg:text[@class='no-boundary']", NS) is not None
    assert len(root.findall(".//svg:g[@class='chart']", NS)) == 2


def test_the_committed_article_svg_is_current(tmp_path):
    root, _ = plot(tmp_path)
    with open(os.path.join(os.path.dirname(GOLDEN), "docs", "article.svg"), "rb") as f:
        committed = f.read()
    assert (tmp_path / "plot.svg").read_bytes() == committed, \
        "docs/article.svg is stale: run python3 -m ann_ref plot -o docs/article.svg"


@pytest.mark.parametrize("args, needle", [
    (["plot"], "required: -o"),
    (["plot", "-o", "/no/such/folder/x.svg"], "ann-ref: /no/such/folder/x.svg: cannot be "
     "written: the folder /no/such/folder does not exist"),
    (["plot", "--at", "1,2000", "-o", "OUT"], "--at 2000"),
    (["plot", "--at", "a", "-o", "OUT"], "not whole numbers"),
    (["plot", "--at", "1,2,3,4,5", "-o", "OUT"], "1 to 4 iterations"),
    (["plot", "missing.json", "-o", "OUT"], "missing.json"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, needle):
    out = tmp_path / "out.svg"
    args = [str(out) if a == "OUT" else a for a in args]
    status, _, err = cli(*args)
    assert_one_line_error(status, err, needle)
    assert list(tmp_path.iterdir()) == []


def test_values_that_are_not_finite_are_left_out_and_said_to_be(tmp_path):
    # golden/non-finite.json starts from W = [inf, nan]: no boundary, no W curves, no loss
    root, _ = plot(tmp_path, os.path.join(GOLDEN, "non-finite.json"), "--at", "0")
    texts = [t.text for t in root.iter("{%s}text" % NS["svg"])]
    assert "W or b not finite: no boundary" in texts
    notes = [t for t in texts if t.startswith("not finite at some iterations")]
    assert notes == ["not finite at some iterations, left out there: W[0][0], W[1][0]",
                     "not finite at some iterations, left out there: loss"]
    assert panel(root, 0).find("svg:line[@class='boundary']", NS) is None


def test_ticks_are_round_numbers_inside_the_range():
    from ann_ref.learn.chart import nice_ticks
    assert nice_ticks(0, 1000) == [0, 200, 400, 600, 800, 1000]
    assert [round(t, 9) for t in nice_ticks(-0.25, 1.25)] == [0, 0.5, 1.0]
    # a range of 0.27 in at most 5 steps: 0.054 a step, rounded up to 0.1 (1, 2 or 5 × 10ⁿ)
    assert [round(t, 9) for t in nice_ticks(-0.11, 0.16)] == [-0.1, 0, 0.1]
    assert nice_ticks(3.0, 3.0) == [3.0]
