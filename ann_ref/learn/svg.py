"""A small SVG writer, by hand: elements as text, numbers with two decimals, every text
escaped. What the figures need and no more."""


def escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _attributes(attributes):
    # Python names to SVG names: class_ → class, stroke_width → stroke-width
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(' %s="%s"' % (name, escape(fmt(value) if isinstance(value, float)
                                                else value)))
    return "".join(parts)


def fmt(v):
    """A coordinate: two decimals, no -0.00."""
    text = "%.2f" % v
    return "0.00" if text == "-0.00" else text


def points(ps):
    return " ".join("%s,%s" % (fmt(x), fmt(y)) for x, y in ps)


class Svg:
    """Lines of SVG text; open and close groups with group() and end()."""

    def __init__(self, width, height, title, desc):
        # drawn on a width × height grid, shown at most width pixels wide and scaled
        # down to fit a narrower window or column (the viewBox keeps the proportions)
        self.lines = ['<svg xmlns="http://www.w3.org/2000/svg" width="100%%" '
                      'viewBox="0 0 %d %d" style="max-width: %dpx" role="img" '
                      'aria-labelledby="title desc" '
                      'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
                      % (width, height, width),
                      '<title id="title">%s</title>' % escape(title),
                      '<desc id="desc">%s</desc>' % escape(desc),
                      '<rect width="%d" height="%d" fill="#ffffff"/>' % (width, height)]
        self.depth = 0

    def element(self, name, content=None, **attributes):
        indent = "  " * self.depth
        if content is None:
            self.lines.append("%s<%s%s/>" % (indent, name, _attributes(attributes)))
        else:
            self.lines.append("%s<%s%s>%s</%s>" % (indent, name, _attributes(attributes),
                                                   escape(content), name))

    def open(self, name, **attributes):
        self.lines.append("%s<%s%s>" % ("  " * self.depth, name, _attributes(attributes)))
        self.depth += 1

    def close(self, name):
        self.depth -= 1
        self.lines.append("%s</%s>" % ("  " * self.depth, name))

    def text(self, x, y, content, **attributes):
        self.element("text", content, x=float(x), y=float(y), **attributes)

    def title(self, content):
        """The accessible name of the enclosing group or shape."""
        self.element("title", content)

    def render(self):
        return "\n".join(self.lines + ["</svg>"]) + "\n"
