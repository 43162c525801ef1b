"""`ann-ref plot`: the training drawn as one standalone SVG (learn/figures.py)."""
import argparse
import os

from ..core.model import VARIANTS
from ..catalogue.layers import named
from ..errors import UsageError
from ..formats.atomic import check_target, replacing
from ..learn import figures, scenario
from .options import PROG, count


def add_parser(sub):
    p = sub.add_parser("plot", help="draw the training as an SVG picture",
                       description="Draw the training of the article's example, or of the "
                       "scenario of SCENARIO.json, as one standalone SVG file (no script): "
                       "the decision boundary W₀x₀ + W₁x₁ + b = 0 over the samples at a few "
                       "iterations and animated across them (for two features and one "
                       "output), W and b against the iteration, and the loss curve.")
    p.add_argument("scenario", metavar="SCENARIO.json", nargs="?",
                   help="a scenario, golden or trace file (default: the article's example)")
    p.add_argument("-o", "--output", metavar="OUT.svg", required=True,
                   help="the SVG file to write (a temporary file, renamed when complete)")
    p.add_argument("--at", type=iterations, metavar="K,K,...",
                   help="the iterations whose boundary is drawn, up to %d (default: 0, 1, "
                   "half-way to the last change, the last)" % figures.MAX_PANELS)
    p.add_argument("-n", "--iterations", type=count, metavar="N",
                   help="train for N iterations instead of the scenario's number")
    p.add_argument("--variant", choices=VARIANTS, help="train with this variant instead")
    p.set_defaults(handler=run_command)


def _svg_suffix(path):
    """A name ending in another format's suffix (x.png, x.pdf) asks for what plot does
    not write: refused. No suffix, or .svg, is fine."""
    suffix = os.path.splitext(os.path.basename(path))[1]
    if suffix and suffix.lower() != ".svg":
        raise UsageError("%s plot: -o %s: plot writes SVG, not %s; give a name ending in "
                         ".svg" % (PROG, path, suffix))


def iterations(text):
    try:
        ks = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not whole numbers separated by commas" % text)
    if not 1 <= len(ks) <= figures.MAX_PANELS or min(ks) < 0:
        raise argparse.ArgumentTypeError("%r: give 1 to %d iterations, none negative"
                                         % (text, figures.MAX_PANELS))
    return ks


def run_command(args, out):
    _svg_suffix(args.output)
    check_target(args.output)           # before any work, as every command's output
    s = scenario.article() if args.scenario is None else (named(args.scenario) or
                                                           scenario.read(args.scenario))
    if args.iterations is not None or args.variant is not None:
        s = dict(s, iterations=s["iterations"] if args.iterations is None else args.iterations,
                 variant=args.variant or s["variant"])
    if args.at and max(args.at) > s["iterations"]:
        raise UsageError("%s plot: --at %d, but the training has %d iterations"
                         % (PROG, max(args.at), s["iterations"]))
    if args.scenario is None:
        title = ("the article's example (AND)" if scenario.is_article(s)
                 else "the article's data (AND)")
    else:
        title = "scenario %s (%s)" % (s["name"], os.path.basename(args.scenario))
    text = figures.figure(s, title, sorted(set(args.at)) if args.at else None)
    with replacing(args.output) as f:
        f.write(text)
    out.write("wrote %s: %s\n" % (args.output, figures.contents(s)))
    return 0
