"""Axes and curves in SVG: a rectangle of the picture mapped to a range of values, with
round tick values, and curves against the iteration."""
import math

from .show import integral
from .svg import fmt, points


def nice_ticks(lo, hi, count=5):
    """Round tick values (1, 2 or 5 times a power of ten) covering lo..hi."""
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        ticks.append(k * step)
        k += 1
    return ticks


def _label(v):
    text = "%g" % v
    return "0" if text in ("-0", "0") else text



class Frame:
    """A rectangle of the picture mapped to a data range."""

    def __init__(self, left, top, width, height, xlo, xhi, ylo, yhi):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.xlo, self.xhi, self.ylo, self.yhi = xlo, xhi, ylo, yhi

    def px(self, v):
        return self.left + (v - self.xlo) / (self.xhi - self.xlo) * self.width

    def py(self, v):
        return self.top + self.height - (v - self.ylo) / (self.yhi - self.ylo) * self.height

    def axes(self, svg, xlabel, ylabel, xticks=None, yticks=None):
        l, t, w, h = self.left, self.top, self.width, self.height
        svg.element("rect", x=float(l), y=float(t), width=float(w), height=float(h),
                    fill="none", stroke="#444444")
        for v in xticks or nice_ticks(self.xlo, self.xhi):
            if self.xlo <= v <= self.xhi:
                svg.element("line", x1=self.px(v), y1=float(t + h), x2=self.px(v),
                            y2=float(t + h + 4), stroke="#444444")
                svg.text(self.px(v), t + h + 17, _label(v), text_anchor="middle",
                         font_size="11")
        for v in yticks or nice_ticks(self.ylo, self.yhi):
            if self.ylo <= v <= self.yhi:
                svg.element("line", x1=float(l - 4), y1=self.py(v), x2=float(l),
                            y2=self.py(v), stroke="#444444")
                svg.text(l - 7, self.py(v) + 4, _label(v), text_anchor="end", font_size="11")
        svg.text(l + w / 2, t + h + 34, xlabel, text_anchor="middle")
        svg.text(l - 42, t + h / 2, ylabel, text_anchor="middle",
                 transform="rotate(-90 %s %s)" % (fmt(l - 42), fmt(t + h / 2)))


def finite(v):
    """Neither infinite nor NaN: a value that has a place on an axis."""
    return v == v and abs(v) != float("inf")


def chart(svg, left, top, width, height, series, xlabel, ylabel, title, xmax):
    """Curves against the iteration; a value that is not finite breaks its curve."""
    values = [v for _, _, pts, _ in series for _, v in pts if finite(v)] or [0.0]
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * 0.05
    frame = Frame(left, top + 24, width, height, 0, max(xmax, 1), lo - pad, hi + pad)
    svg.open("g", class_="chart")
    svg.title(title)
    svg.text(left + width / 2, top + 12, title, text_anchor="middle", font_weight="bold")
    frame.axes(svg, xlabel, ylabel)
    missing = [name or ylabel for name, _, pts, _ in series if not all(finite(v) for _, v in pts)]
    if missing:
        svg.text(left + 8, top + 24 + height - 8, "not finite at some iterations, left out "
                 "there: %s" % ", ".join(missing), font_size="12", class_="not-finite")
    for i, (name, colour, pts, dashed) in enumerate(series):
        runs, current = [], []
        for k, v in pts:
            if finite(v):
                current.append((frame.px(k), frame.py(v)))
            elif current:
                runs.append(current)
                current = []
        if current:
            runs.append(current)
        for r in runs:
            if len(r) == 1:
                svg.element("circle", cx=r[0][0], cy=r[0][1], r="2", fill=colour)
            else:
                svg.element("polyline", points=points(r), fill="none", stroke=colour,
                            stroke_width="2", stroke_dasharray="6 3" if dashed else None)
        if name is None:                  # a single curve: the title names it
            continue
        lx = left + width + 12
        ly = top + 32 + 18 * i
        svg.element("line", x1=float(lx), y1=float(ly - 4), x2=float(lx + 18),
                    y2=float(ly - 4), stroke=colour, stroke_width="2",
                    stroke_dasharray="6 3" if dashed else None)
        svg.text(lx + 24, ly, name)
    svg.close("g")


# --- the samples, in every figure that shows the input plane -------------------------------

WIDTH = 960
TARGET = ("#1f77b4", "#d95f02")          # the sample colours: target 0, target 1
SHADE = ("#d6e6f4", "#fde0c5")           # where the network predicts 0, predicts 1


def data_box(x):
    """The plotted range of each feature: the samples' range, with a margin."""
    box = []
    for row in x:
        values = [v for v in row if finite(v)] or [0.0]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.25 if hi > lo else 1.0
        box += [lo - pad, hi + pad]
    return tuple(box)


def draw_samples(svg, frame, x, y, y_pred=None):
    for j in range(len(x[0])):
        x0, x1, target = x[0][j], x[1][j], y[0][j]
        if not (finite(x0) and finite(x1)):
            continue
        cls = 1 if target >= 0.5 else 0
        wrong = y_pred is not None and y_pred[0][j] != target
        svg.open("g", class_="sample")
        svg.title("sample %d: x = (%s, %s), target %s%s" % (
            j, integral(x0), integral(x1), integral(target),
            "" if y_pred is None else ", predicted %d%s" % (y_pred[0][j],
                                                            " (wrong)" if wrong else "")))
        if wrong:
            svg.element("circle", cx=frame.px(x0), cy=frame.py(x1), r="11", fill="none",
                        stroke="#000000", stroke_width="2.5", class_="wrong")
        svg.element("circle", cx=frame.px(x0), cy=frame.py(x1), r="7", fill=TARGET[cls],
                    stroke="#ffffff", stroke_width="1")
        svg.close("g")
