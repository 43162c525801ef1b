"""Where a one-output, two-feature network predicts 1: the half-plane
W₀x₀ + W₁x₁ + b ≥ 0 (z ≥ 0, so s ≥ 0.5), cut to the plotted box.

Plain geometry for drawing, not part of the arithmetic contract."""


def clip(polygon, w0, w1, b):
    """The part of a convex polygon [(x0, x1), ...] where w0·x0 + w1·x1 + b ≥ 0
    (Sutherland–Hodgman, one edge)."""
    z = [w0 * p[0] + w1 * p[1] + b for p in polygon]
    out = []
    for i in range(len(polygon)):
        p, q = polygon[i], polygon[(i + 1) % len(polygon)]
        zp, zq = z[i], z[(i + 1) % len(polygon)]
        if zp >= 0:
            out.append(p)
        if (zp >= 0) != (zq >= 0):          # the edge crosses the boundary: where z = 0
            t = zp / (zp - zq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def regions(w0, w1, b, box):
    """(predicted 1, predicted 0, boundary) in the box (x0 low, x0 high, x1 low, x1 high):
    two polygons (possibly empty) and the segment of the line z = 0 inside the box, or
    None when the line misses it (or W is 0 or not finite)."""
    lo0, hi0, lo1, hi1 = box
    corners = [(lo0, lo1), (hi0, lo1), (hi0, hi1), (lo0, hi1)]
    if not all(v == v and abs(v) != float("inf") for v in (w0, w1, b)):
        return [], [], None
    ones = clip(corners, w0, w1, b)
    zeros = clip(corners, -w0, -w1, -b)
    on_line = [p for p in ones if p in zeros]
    segment = None
    if (w0, w1) != (0.0, 0.0) and len(on_line) >= 2:
        segment = (on_line[0], on_line[-1])
        if segment[0] == segment[1]:
            segment = None
    return ones, zeros, segment
