"""A network of layers trained, drawn (docs/SPEC.md §9): what the whole network predicts
over the plane of its two inputs at chosen iterations — a region no straight line
bounds — with the line each hidden unit of the first layer draws; each of those units
on its own; what the output layer sees, the samples moved to the outputs of the last
hidden layer, where a line separates them; and the loss. One standalone SVG, no script.

The regions are drawn from the network's own forward pass (core.model.forward) on a
grid of points of the plane; their outline is found between the grid's points by
linear interpolation (marching squares). That is drawing, not the arithmetic contract.
"""
from ..core.datasets import GATES, X_GATES
from .boundary import regions
from .chart import SHADE, WIDTH, Frame, chart, data_box, draw_samples, finite
from .network import NetworkRun, role, shape, widths
from .svg import Svg, fmt, points

GRID = 40                                  # cells along each axis of a prediction panel
MAX_PANELS = 4
UNIT_COLOURS = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


def problem(s):
    """Why the plane of the inputs cannot be drawn for this network, or None."""
    if len(s["x"]) != 2:
        return ("the pictures of the input plane are left out: they need two inputs, and "
                "this network has %d" % len(s["x"]))
    if len(s["y"]) != 1:
        return ("the pictures of the input plane are left out: they are drawn for one "
                "output unit, and this network has %d" % len(s["y"]))
    return None


def default_panels(n):
    return sorted({0, n // 4, n // 2, n})[:MAX_PANELS]


def grid_points(box, cells=GRID):
    """The (cells + 1)² corners of the grid over the box, as the rows of an input x:
    x₀ running fastest."""
    lo0, hi0, lo1, hi1 = box
    xs = [lo0 + (hi0 - lo0) * i / cells for i in range(cells + 1)]
    ys = [lo1 + (hi1 - lo1) * i / cells for i in range(cells + 1)]
    return xs, ys, [[u for _ in ys for u in xs], [v for v in ys for _ in xs]]


def shade(svg, frame, xs, ys, above):
    """Cells whose centre's value is ≥ 0 (above[r][c] the value at corner (c, r))
    orange, the others blue, each row in runs of one colour."""
    for r in range(len(ys) - 1):
        c = 0
        while c < len(xs) - 1:
            mid = (above[r][c] + above[r][c + 1] + above[r + 1][c] + above[r + 1][c + 1]) / 4
            ones = mid >= 0 if finite(mid) else False
            start = c
            while c < len(xs) - 1:
                m = (above[r][c] + above[r][c + 1] + above[r + 1][c] + above[r + 1][c + 1]) / 4
                if (m >= 0 if finite(m) else False) != ones:
                    break
                c += 1
            x0, x1 = frame.px(xs[start]), frame.px(xs[c])
            y0, y1 = frame.py(ys[r + 1]), frame.py(ys[r])
            svg.element("rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0,
                        fill=SHADE[1 if ones else 0], class_="predicted-%d" % ones)


def outline(xs, ys, f):
    """The segments where f (f[r][c] at corner (xs[c], ys[r])) crosses 0, by marching
    squares with linear interpolation along the cells' edges."""
    def cross(p, q, fp, fq):
        t = fp / (fp - fq)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
    segments = []
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            corners = [((xs[c], ys[r]), f[r][c]), ((xs[c + 1], ys[r]), f[r][c + 1]),
                       ((xs[c + 1], ys[r + 1]), f[r + 1][c + 1]),
                       ((xs[c], ys[r + 1]), f[r + 1][c])]
            if not all(finite(v) for _, v in corners):
                continue
            found = []
            for i in range(4):
                (p, fp), (q, fq) = corners[i], corners[(i + 1) % 4]
                if (fp >= 0) != (fq >= 0):
                    found.append(cross(p, q, fp, fq))
            if len(found) == 2:
                segments.append(tuple(found))
            elif len(found) == 4:                  # a saddle: pair the crossings by the centre
                # added in one order on every Python (sum() is compensated since 3.12)
                centre = (((corners[0][1] + corners[1][1]) + corners[2][1]) +
                          corners[3][1]) / 4
                if (centre >= 0) == (corners[0][1] >= 0):
                    segments += [(found[0], found[1]), (found[2], found[3])]
                else:
                    segments += [(found[3], found[0]), (found[1], found[2])]
    return segments


def draw_outline(svg, frame, segments):
    if segments:
        d = " ".join("M%s %sL%s %s" % (fmt(frame.px(p[0])), fmt(frame.py(p[1])),
                                       fmt(frame.px(q[0])), fmt(frame.py(q[1])))
                     for p, q in segments)
        svg.element("path", d=d, fill="none", stroke="#222222", stroke_width="2",
                    class_="network-boundary")


def unit_line(svg, frame, w0, w1, b, colour, dashed=True):
    """A hidden unit's line W₀x₀ + W₁x₁ + b = 0 across the frame."""
    _, _, segment = regions(w0, w1, b, (frame.xlo, frame.xhi, frame.ylo, frame.yhi))
    if segment:
        (p0, q0), (p1, q1) = segment
        svg.element("line", x1=frame.px(p0), y1=frame.py(q0), x2=frame.px(p1),
                    y2=frame.py(q1), stroke=colour, stroke_width="2",
                    stroke_dasharray="6 3" if dashed else None, class_="unit-line")


def prediction_panel(svg, run, k, left, top, size):
    s = run.s
    layers = run.state(k)
    y_pred, wrong, _ = run.assess(k)
    box = data_box(s["x"])
    frame = Frame(left, top + 24, size, size, *box)
    xs, ys, grid = grid_points(box)
    out = run.outputs(k, grid)[-1][0]
    f = [[out[r * len(xs) + c] - 0.5 for c in range(len(xs))] for r in range(len(ys))]
    svg.open("g", class_="prediction-panel", id="iteration-%d" % k)
    svg.title("What the network predicts at iteration %d: orange where its output s ≥ 0.5; "
              "%d of %d samples wrong" % (k, wrong, len(s["x"][0])))
    svg.text(left + size / 2, top + 12, "iteration %d: %d of %d wrong"
             % (k, wrong, len(s["x"][0])), text_anchor="middle", font_weight="bold")
    shade(svg, frame, xs, ys, f)
    W, b = layers[0]
    if len(layers) > 1:
        for o in range(len(W[0])):
            unit_line(svg, frame, W[0][o], W[1][o], b[o][0], UNIT_COLOURS[o % len(UNIT_COLOURS)])
    draw_outline(svg, frame, outline(xs, ys, f))
    frame.axes(svg, "x₀", "x₁")
    draw_samples(svg, frame, s["x"], s["y"], y_pred)
    svg.close("g")


def gate_of(values):
    """The logic gate a unit computes on the four inputs of the gates, if it is one."""
    for name in ("and", "or", "nand", "nor", "xor"):
        if [1 if v >= 0.5 else 0 for v in values] == GATES[name][0]:
            return name.upper()
    return None


def unit_panel(svg, run, l, o, left, top, size):
    """Unit o of layers[0] at the last iteration: its half-plane and its line."""
    s = run.s
    W, b = run.state(run.n)[0]
    w0, w1, c = W[0][o], W[1][o], b[o][0]
    values = run.outputs(run.n)[0][o]
    box = data_box(s["x"])
    frame = Frame(left, top + 24, size, size, *box)
    colour = UNIT_COLOURS[o % len(UNIT_COLOURS)]
    gate = gate_of(values) if s["x"] == X_GATES else None
    svg.open("g", class_="unit-panel", id="unit-%d" % o)
    svg.title("Hidden unit %d of layers[0] at iteration %d: s ≥ 0.5 where %r·x₀ + %r·x₁ + "
              "%r ≥ 0 (orange); its s at the samples: %s%s" % (
                  o, run.n, w0, w1, c, ", ".join("%.3f" % v for v in values),
                  "; it computes %s" % gate if gate else ""))
    svg.text(left + size / 2, top + 12, "hidden unit %d%s" % (o, " ≈ %s" % gate if gate else ""),
             text_anchor="middle", font_weight="bold", fill=colour)
    ones, zeros, _ = regions(w0, w1, c, box)
    for polygon, shade_, name in ((zeros, SHADE[0], "predicted-0"),
                                  (ones, SHADE[1], "predicted-1")):
        if len(polygon) >= 3:
            svg.element("polygon", points=points([(frame.px(p), frame.py(q)) for p, q in polygon]),
                        fill=shade_, class_=name)
    unit_line(svg, frame, w0, w1, c, colour, dashed=False)
    frame.axes(svg, "x₀", "x₁")
    draw_samples(svg, frame, s["x"], s["y"])
    svg.close("g")


def hidden_space_panel(svg, run, left, top, size):
    """The samples at the outputs (s₀, s₁) of the last hidden layer, and the output
    unit's line W₀s₀ + W₁s₁ + b = 0 there: what the output layer separates."""
    s = run.s
    layers = run.state(run.n)
    hidden = run.outputs(run.n)[-2]
    W, b = layers[-1]
    y_pred, _, _ = run.assess(run.n)
    frame = Frame(left, top + 24, size, size, -0.1, 1.1, -0.1, 1.1)
    svg.open("g", class_="hidden-space")
    svg.title("What the output layer sees at iteration %d: each sample at the outputs of "
              "the last hidden layer, and the output unit's line %r·s₀ + %r·s₁ + %r = 0"
              % (run.n, W[0][0], W[1][0], b[0][0]))
    svg.text(left + size / 2, top + 12, "what the output layer sees", text_anchor="middle",
             font_weight="bold")
    ones, zeros, segment = regions(W[0][0], W[1][0], b[0][0], (-0.1, 1.1, -0.1, 1.1))
    for polygon, shade_, name in ((zeros, SHADE[0], "predicted-0"),
                                  (ones, SHADE[1], "predicted-1")):
        if len(polygon) >= 3:
            svg.element("polygon", points=points([(frame.px(p), frame.py(q)) for p, q in polygon]),
                        fill=shade_, class_=name)
    if segment:
        (p0, q0), (p1, q1) = segment
        svg.element("line", x1=frame.px(p0), y1=frame.py(q0), x2=frame.px(p1), y2=frame.py(q1),
                    stroke="#222222", stroke_width="2", class_="boundary")
    frame.axes(svg, "s₀ (hidden unit 0)", "s₁ (hidden unit 1)", [0, 0.5, 1], [0, 0.5, 1])
    draw_samples(svg, frame, hidden, s["y"], y_pred)
    svg.close("g")


def caption(svg, left, top, lines):
    for i, line in enumerate(l for l in lines if l):
        svg.text(left, top + 15 * i, line, font_size="12")


def contents(s):
    """What the figure of s shows, in words."""
    reason = problem(s)
    if reason:
        return "the loss; " + reason
    return ("what the network predicts over the input plane, the line of each hidden "
            "unit, and the loss")


def figure(s, title, panels=None):
    """The SVG text of the figure of a layered scenario s."""
    run = NetworkRun(s)
    n = run.n
    _, wrong, loss = run.assess(n)
    samples = len(s["y"]) * len(s["y"][0])
    reason = problem(s)
    sizes = widths(s)
    panels = default_panels(n) if panels is None else panels
    first = sizes[1] if len(sizes) > 2 else 0
    shown_units = min(first, MAX_PANELS)
    hidden_space = len(sizes) > 2 and sizes[-2] == 2 and not reason
    summary = ("%s: a %s network (%s) trained for %d iterations (%s variant, learning rate "
               "%r). After the last, %d of %d predictions are wrong; the mean cross-entropy "
               "is %s." % (title, shape(s), ", ".join(
                   "layers[%d] %s" % (l, role(l, len(sizes) - 1)) for l in range(len(sizes) - 1)),
                   n, s["variant"], s["learning_rate"], wrong, samples,
                   "%.6f" % loss if finite(loss) else repr(loss)))
    rows = 0 if reason else 2
    height = 60 + (40 if reason else 0) + rows * 290 + 300
    svg = Svg(WIDTH, height, "Training of %s" % title, summary)
    svg.text(WIDTH / 2, 26, "Training of %s, a %s network" % (title, shape(s)),
             text_anchor="middle", font_size="18", font_weight="bold")
    svg.text(WIDTH / 2, 46, "%s variant, learning rate %r, %d iterations; %d of %d wrong at "
             "the end" % (s["variant"], s["learning_rate"], n, wrong, samples),
             text_anchor="middle")
    top = 60
    if reason:
        svg.text(70, top + 18, reason, class_="no-boundary")
        top += 40
    else:
        for i, k in enumerate(panels):
            prediction_panel(svg, run, k, 70 + i * 225, top, 170)
        caption(svg, 70, top + 262, ["shading: what the network predicts (orange 1, blue "
                                     "0); black: where its output is 0.5; dashed: the line "
                                     "of each hidden unit of layers[0];",
                                     "dots: the samples, coloured by target (blue 0, orange "
                                     "1); black ring: predicted wrong"])
        top += 290
        for o in range(shown_units):
            unit_panel(svg, run, 0, o, 70 + o * 225, top, 170)
        if hidden_space and shown_units < MAX_PANELS:
            hidden_space_panel(svg, run, 70 + shown_units * 225, top, 170)
        caption(svg, 70, top + 262, ["at iteration %d: each hidden unit of layers[0] draws "
                                     "one line (its s ≥ 0.5 on the orange side)%s" % (
                                         n, ";" if hidden_space else ""),
                                     "the output layer sees each sample at the outputs of the "
                                     "hidden units, where one line separates them"
                                     if hidden_space else ""])
        top += 290
    stride = max(1, -(-n // 1000))
    ks = list(range(0, n + 1, stride))
    if ks[-1] != n:
        ks.append(n)
    series = [(None, "#d95f02", [(k, run.assess(k)[2]) for k in ks], False)]
    chart(svg, 90, top, 700, 200, series, "iteration", "loss",
          "Loss: the mean cross-entropy of the output s against y", n)
    return svg.render()
