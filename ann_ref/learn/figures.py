"""The training drawn: the decision boundary over the samples at chosen iterations (and
animated across them), W and b against the iteration, and the loss curve — one
standalone SVG, no script, readable by a screen reader (title, desc, labelled groups).
"""
from .boundary import regions
from .run import Run as Training
from .chart import SHADE, WIDTH, Frame, chart, data_box, draw_samples, finite
from .svg import Svg, points

LINES = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
         "#b2df8a", "#fb9a99", "#cab2d6")
MAX_POINTS = 1000                        # points of a curve; longer runs are sampled
MAX_FRAMES = 40                          # frames of the animation
MAX_PANELS = 4


class Run(Training):
    """A scenario trained, with what the figure shows: every state, the iteration
    after which the state no longer changed, and the loss at sampled iterations."""

    def __init__(self, s):
        Training.__init__(self, s)
        stride = max(1, -(-self.n // MAX_POINTS))
        self.sampled = list(range(0, self.n + 1, stride))
        if self.sampled[-1] != self.n:
            self.sampled.append(self.n)

    def default_panels(self):
        chosen = {0, 1, self.settled // 2, self.n}
        return sorted(k for k in chosen if 0 <= k <= self.n)[:MAX_PANELS]

    def frames(self):
        """Iterations for the animation: up to the last change, at most MAX_FRAMES, and
        the last iteration."""
        end = self.settled
        count = min(end + 1, MAX_FRAMES)
        ks = sorted({round(i * end / max(count - 1, 1)) for i in range(count)} | {self.n})
        return ks


def boundary_problem(s):
    """Why the boundary cannot be drawn for this scenario, or None when it can."""
    if "layers" in s:
        from .network_figure import problem
        return problem(s)
    features, outputs = len(s["x"]), len(s["y"])
    if features != 2:
        return ("the decision boundary is left out: it is the line W₀x₀ + W₁x₁ + b = 0 "
                "over two features, and this scenario has %d" % features)
    if outputs != 1:
        return ("the decision boundary is left out: it is drawn for one output, and this "
                "scenario has %d" % outputs)
    return None


def contents(s):
    """What the figure of s shows, in words."""
    if "layers" in s:
        from .network_figure import contents as network_contents
        return network_contents(s)
    reason = boundary_problem(s)
    return ("W and b, and the loss; " + reason if reason
            else "the decision boundary, W and b, and the loss")


def draw_regions(svg, frame, W, b):
    """Shading where the network predicts 1 and 0, and the boundary line."""
    box = (frame.xlo, frame.xhi, frame.ylo, frame.yhi)
    ones, zeros, segment = regions(W[0][0], W[1][0], b, box)
    for polygon, colour, name in ((zeros, SHADE[0], "predicted 0"),
                                  (ones, SHADE[1], "predicted 1")):
        if len(polygon) >= 3:
            svg.element("polygon", points=points([(frame.px(p), frame.py(q))
                                                  for p, q in polygon]),
                        fill=colour, class_=name.replace(" ", "-"))
    if segment:
        (p0, q0), (p1, q1) = segment
        svg.element("line", x1=frame.px(p0), y1=frame.py(q0), x2=frame.px(p1),
                    y2=frame.py(q1), stroke="#222222", stroke_width="2", class_="boundary")


def boundary_panel(svg, run, k, left, top, size):
    s = run.s
    W, b = run.state(k)
    y_pred, wrong, _ = run.assess(k)
    box = data_box(s["x"])
    frame = Frame(left, top + 24, size, size, *box)
    svg.open("g", class_="boundary-panel", id="iteration-%d" % k)
    svg.title("Decision boundary at iteration %d: W = [%s, %s], b = %s; %d of %d samples "
              "predicted wrong" % (k, repr(W[0][0]), repr(W[1][0]), repr(b), wrong,
                                   len(s["x"][0])))
    svg.text(left + size / 2, top + 12, "iteration %d: %d of %d wrong"
             % (k, wrong, len(s["x"][0])), text_anchor="middle", font_weight="bold")
    draw_regions(svg, frame, W, b)
    if not all(finite(v) for v in (W[0][0], W[1][0], b)):
        svg.text(left + size / 2, top + 24 + size / 2, "W or b not finite: no boundary",
                 text_anchor="middle", font_size="12")
    frame.axes(svg, "x₀", "x₁")
    draw_samples(svg, frame, s["x"], s["y"], y_pred)
    svg.close("g")


def animation_panel(svg, run, left, top, size):
    s = run.s
    ks = run.frames()
    frame = Frame(left, top + 24, size, size, *data_box(s["x"]))
    seconds = 0.25 * len(ks) + 1.5       # a pause on the last frame
    svg.open("g", class_="animation")
    svg.title("Animation: the decision boundary at iterations %s, repeated"
              % ", ".join("%d" % k for k in ks))
    for i, k in enumerate(ks):
        W, b = run.state(k)
        y_pred, wrong, _ = run.assess(k)
        start, end = 0.25 * i / seconds, 0.25 * (i + 1) / seconds
        last = i == len(ks) - 1
        svg.open("g", class_="frame", visibility="visible" if i == 0 else "hidden")
        if i == 0:
            svg.element("animate", attributeName="visibility", values="visible;hidden",
                        keyTimes="0;%.4f" % end, dur="%.2fs" % seconds, calcMode="discrete",
                        repeatCount="indefinite")
        else:
            svg.element("animate", attributeName="visibility",
                        values="hidden;visible" + ("" if last else ";hidden"),
                        keyTimes="0;%.4f" % start + ("" if last else ";%.4f" % end),
                        dur="%.2fs" % seconds, calcMode="discrete", repeatCount="indefinite")
        draw_regions(svg, frame, W, b)
        svg.text(left + size / 2, top + 12, "animated: iteration %d, %d wrong" % (k, wrong),
                 text_anchor="middle", font_weight="bold")
        for j in range(len(s["x"][0])):
            if y_pred[0][j] != s["y"][0][j] and finite(s["x"][0][j]) and finite(s["x"][1][j]):
                svg.element("circle", cx=frame.px(s["x"][0][j]), cy=frame.py(s["x"][1][j]),
                            r="11", fill="none", stroke="#000000", stroke_width="2.5")
        svg.close("g")
    frame.axes(svg, "x₀", "x₁")
    draw_samples(svg, frame, s["x"], s["y"])
    svg.close("g")


def figure(s, title, panels=None):
    """The SVG text of the whole figure for the checked scenario s (a network of layers:
    network_figure.py's)."""
    if "layers" in s:
        from .network_figure import figure as network_figure
        return network_figure(s, title, panels)
    run = Run(s)
    n = run.n
    W, b = run.state(n)
    _, wrong, loss = run.assess(n)
    samples = len(s["y"]) * len(s["y"][0])
    reason = boundary_problem(s)
    panels = run.default_panels() if panels is None else panels
    settled = ("the state still changed at the last update" if run.settled == n and n > 0
               else "the state stopped changing after update %d" % run.settled)
    summary = ("%s trained for %d iterations (%s variant, learning rate %r). After the last, "
               "W = %s and b = %r; %d of %d predictions are wrong; the mean cross-entropy "
               "is %s; %s." % (title, n, s["variant"], s["learning_rate"], W, b, wrong,
                               samples, "%.6f" % loss if finite(loss) else repr(loss),
                               settled))
    # rows: header 60; boundary panels and their legend 290 (or the reason, 40); the
    # animation beside W and b 300; the loss 290
    height = 60 + (340 if reason else 590) + 290
    svg = Svg(WIDTH, height, "Training of %s" % title, summary)
    svg.text(WIDTH / 2, 26, "Training of %s" % title, text_anchor="middle", font_size="18",
             font_weight="bold")
    svg.text(WIDTH / 2, 46, "%s variant, learning rate %r, %d iterations; %d of %d wrong at "
             "the end" % (s["variant"], s["learning_rate"], n, wrong, samples),
             text_anchor="middle")
    top = 60
    if reason:
        svg.text(70, top + 18, reason, class_="no-boundary")
        top += 40
        chart_left, chart_width = 90, 700
    else:
        for i, k in enumerate(panels):
            boundary_panel(svg, run, k, 70 + i * 225, top, 170)
        svg.text(70, top + 262, "colour = target (blue 0, orange 1); black ring = "
                 "predicted wrong; shading = what the network predicts; line: "
                 "W₀x₀ + W₁x₁ + b = 0", font_size="12")
        top += 290
        animation_panel(svg, run, 70, top, 220)
        chart_left, chart_width = 400, 400
    names = ["W[%d][%d]" % (i, o) for i in range(len(W)) for o in range(len(W[0]))]
    series = [(name, LINES[i % len(LINES)],
               [(k, run.state(k)[0][i // len(W[0])][i % len(W[0])]) for k in run.sampled],
               False) for i, name in enumerate(names)]
    series.append(("b", "#000000", [(k, run.state(k)[1]) for k in run.sampled], True))
    chart(svg, chart_left, top, chart_width, 220, series, "iteration", "value",
          "W and b against the iteration", n)
    top += 300
    loss = [(None, "#d95f02", [(k, run.assess(k)[2]) for k in run.sampled], False)]
    chart(svg, 90, top, 700, 200, loss, "iteration", "loss",
          "Loss: the mean cross-entropy of s against y", n)
    return svg.render()
