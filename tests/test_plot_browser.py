"""The plots as a browser draws them: Chromium renders each SVG headless to PNG, and the
picture (decoded here with zlib alone) must show the samples in their target's colour at
their place, the wrong ones ringed, and each on the side of the boundary that the
network's prediction puts it."""
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

import pytest

from helpers import GOLDEN, cli

pytestmark = pytest.mark.slow
NS = {"svg": "http://www.w3.org/2000/svg"}
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# the colours of the picture, as #rrggbb
BLUE, ORANGE = (0x1F, 0x77, 0xB4), (0xD9, 0x5F, 0x02)        # target 0, target 1
SHADE_0, SHADE_1 = (0xD6, 0xE6, 0xF4), (0xFD, 0xE0, 0xC5)    # predicted 0, predicted 1
BLACK, WHITE = (0, 0, 0), (255, 255, 255)


def decode_png(data):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    rows, previous, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


def render(svg_path, tmp_path, window=None):
    """(root, pixels): the SVG as Chromium draws it in a window `window` pixels wide (by
    default the drawing's own width), as high as the scaled drawing."""
    if BROWSER is None:
        if os.environ.get("ANN_REF_ALL_RUNTIMES"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    root = ET.parse(svg_path).getroot()
    _, _, drawn_width, drawn_height = (int(v) for v in root.get("viewBox").split())
    width = window or drawn_width
    height = drawn_height * width // drawn_width
    png = tmp_path / "shot.png"
    command = [BROWSER, "--headless", "--disable-gpu", "--hide-scrollbars",
               "--force-device-scale-factor=1", "--window-size=%d,%d" % (width, height),
               "--screenshot=%s" % png, "file://%s" % os.path.abspath(svg_path)]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=120, check=True)
    w, h, pixels = decode_png(png.read_bytes())
    assert (w, h) == (width, height)
    return root, pixels


def near(colour, expected, tolerance=40):
    return all(abs(u - v) <= tolerance for u, v in zip(colour, expected))


def plot(tmp_path, *args):
    out = tmp_path / "plot.svg"
    status, _, err = cli("plot", *args, "-o", str(out))
    assert status == 0, err
    return str(out)


def panel_samples(root, k):
    group = root.find(".//svg:g[@id='iteration-%d']" % k, NS)
    found = []
    for g in group.findall("svg:g[@class='sample']", NS):
        dot = g.findall("svg:circle", NS)[-1]
        found.append((float(dot.get("cx")), float(dot.get("cy"))))
    return found


def not_blank(pixels):
    colours = {p for row in pixels[::4] for p in row[::4]}
    inked = sum(1 for row in pixels[::4] for p in row[::4] if p != WHITE)
    assert len(colours) > 20 and inked > 0.02 * len(pixels[0]) * len(pixels) / 16


@pytest.mark.parametrize("k, y, wrong, side", [
    # state 0 (W = [0.4, 0.2], b = 1) predicts 1 everywhere: samples 0, 1, 2 are wrong
    (0, [0, 0, 0, 1], [0, 1, 2], [1, 1, 1, 1]),
    # after 1000 iterations 0.05·x0 + 0.05·x1 − 0.075 ≥ 0 only at (1, 1): none wrong
    (1000, [0, 0, 0, 1], [], [0, 0, 0, 1]),
])
def test_the_articles_plot_as_chromium_draws_it(tmp_path, k, y, wrong, side):
    root, pixels = render(plot(tmp_path, "--at", "0,1000"), tmp_path)
    not_blank(pixels)
    centres = panel_samples(root, k)
    # the picture's axes: x0 grows to the right, x1 upwards
    assert centres[1][0] > centres[0][0] and centres[2][1] < centres[0][1]
    mid_x = (centres[0][0] + centres[1][0]) / 2
    mid_y = (centres[0][1] + centres[2][1]) / 2
    for j, (cx, cy) in enumerate(centres):
        px, py = int(round(cx)), int(round(cy))
        assert near(pixels[py][px], ORANGE if y[j] else BLUE), (k, j, pixels[py][px])
        ring = pixels[py][px + 11]
        assert near(ring, BLACK, 90) == (j in wrong), (k, j, ring)
        # outwards from the middle of the four samples, past the ring: the shading shows
        # which side of the boundary the sample is on
        dx = 16 if cx > mid_x else -16
        dy = 16 if cy > mid_y else -16
        shade = pixels[py + dy][px + dx]
        assert near(shade, SHADE_1 if side[j] else SHADE_0, 12), (k, j, shade)


@pytest.mark.parametrize("window", [900, 600])
def test_a_window_narrower_than_the_drawing_shows_all_of_it_scaled(tmp_path, window):
    """The drawing is 960 units wide; a 900 px window used to cut off the fourth panel.
    Every sample of every panel is where the scale puts it, in its target's colour."""
    root, pixels = render(plot(tmp_path, "--at", "0,1,12,1000"), tmp_path, window)
    scale = window / 960
    for k in (0, 1, 12, 1000):
        for j, (cx, cy) in enumerate(panel_samples(root, k)):
            px, py = int(round(cx * scale)), int(round(cy * scale))
            assert near(pixels[py][px], ORANGE if j == 3 else BLUE), (k, j, pixels[py][px])


def test_the_xor_plot_shows_a_layer_that_cannot_separate(tmp_path):
    root, pixels = render(plot(tmp_path, os.path.join(GOLDEN, "gate-xor.json"), "--at", "100"),
                          tmp_path)
    not_blank(pixels)
    y = [0, 1, 1, 0]
    centres = panel_samples(root, 100)
    colours = [pixels[int(round(cy))][int(round(cx))] for cx, cy in centres]
    assert [near(c, ORANGE) for c in colours] == [bool(t) for t in y]
    assert [near(c, BLUE) for c in colours] == [not t for t in y]
    rings = [near(pixels[int(round(cy))][int(round(cx)) + 11], BLACK, 90) for cx, cy in centres]
    assert any(rings)                  # one straight line cannot get all four right


def test_a_plot_without_a_boundary_still_draws_its_curves(tmp_path):
    root, pixels = render(plot(tmp_path, os.path.join(GOLDEN, "real-valued-logistic.json")),
                          tmp_path)
    not_blank(pixels)
    assert root.find(".//svg:g[@class='boundary-panel']", NS) is None
    orange = sum(1 for row in pixels for p in row if near(p, ORANGE, 30))
    assert orange > 100                # the loss curve


def test_the_committed_article_svg_renders(tmp_path):
    path = os.path.join(os.path.dirname(GOLDEN), "docs", "article.svg")
    root, pixels = render(path, tmp_path)
    not_blank(pixels)
