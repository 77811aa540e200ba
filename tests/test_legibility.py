"""Pages a reader can read: figure text large enough, and nothing wider than the text column.

Every page is opened once per window width in the headless Chromium of the browser tests. The
figures are matplotlib SVGs whose text is drawn as glyph outlines: each glyph is placed with a
scale, 100 × scale being its font size in the SVG's own units, so the size on screen is that times
the width the image is displayed at over the width of its viewBox. Code blocks and tables must fit
their column (``scrollWidth`` no larger than ``clientWidth``).
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from tests.test_browser import Visit
from tests.test_site import LESSONS, site  # noqa: F401  (the built-site fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PAGES = [
    "index",
    *LESSONS,
]  # the reference page's code comes from the package's docstrings

# Smallest figure text, in CSS px, at each window width.
SMALLEST_TEXT = {1400: 10.0, 800: 8.0}
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")

Matrix = tuple[
    float, float, float, float
]  # the linear part (a, b, c, d) of an SVG transform


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d = m
    e, f, g, h = n
    return (a * e + c * f, b * e + d * f, a * g + c * h, b * g + d * h)


def linear_part(transform: str) -> Matrix:
    """The linear part of an SVG transform attribute (translations do not change sizes)."""
    result: Matrix = (1.0, 0.0, 0.0, 1.0)
    for kind, raw in TRANSFORM.findall(transform):
        args = [float(x) for x in re.split(r"[\s,]+", raw.strip()) if x]
        if kind == "matrix":
            step: Matrix = (args[0], args[1], args[2], args[3])
        elif kind == "scale":
            step = (args[0], 0.0, 0.0, args[1] if len(args) > 1 else args[0])
        elif kind == "rotate":
            r = math.radians(args[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r))
        elif kind == "skewX":
            step = (1.0, 0.0, math.tan(math.radians(args[0])), 1.0)
        elif kind == "skewY":
            step = (1.0, math.tan(math.radians(args[0])), 0.0, 1.0)
        else:  # translate
            step = (1.0, 0.0, 0.0, 1.0)
        result = _multiply(result, step)
    return result


class FigureText(NamedTuple):
    smallest: float  # font size of the smallest text, in units of the viewBox
    viewbox_width: float


def figure_text(svg: str | bytes) -> FigureText:
    """The smallest font size of a matplotlib SVG whose text is drawn as glyph outlines.

    matplotlib places each glyph (a ``<use>`` of a path whose id names the font, such as
    ``DejaVuSans-30``) with a scale of font size / 100. A text element (``<g id="text_N">``)
    counts at the size of its largest glyph, so superscripts and subscripts, set smaller on
    purpose, do not count on their own.
    """
    root = ET.fromstring(svg)
    viewbox = [float(x) for x in root.attrib["viewBox"].split()]
    runs: dict[int, float] = {}

    def walk(node: ET.Element, m: Matrix, run: int) -> None:
        m = _multiply(m, linear_part(node.attrib.get("transform", "")))
        if (node.attrib.get("id") or "").startswith("text_"):
            run = id(node)
        if node.tag == f"{SVG}use" and "-" in node.attrib.get(XLINK_HREF, ""):
            size = 100 * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
            key = run or id(node)
            runs[key] = max(runs.get(key, 0.0), size)
        for child in node:
            walk(child, m, run)

    walk(root, (1.0, 0.0, 0.0, 1.0), 0)
    assert runs, "no text found in the figure"
    return FigureText(min(runs.values()), viewbox[2])


@cache
def figure_text_of(path: Path) -> FigureText:
    return figure_text(path.read_bytes())


def _svg_of(fig: Any) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(
        {"savefig.bbox": "standard", "svg.fonttype": "path"}
    ):
        fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def test_figure_text_reads_the_font_sizes_matplotlib_was_given() -> None:
    """Sizes come back as set: plain, rotated, in mathtext with a superscript, and in a legend."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.set_xticks([0, 1], labels=["0", "1"], fontsize=13)
    ax.set_yticks([0, 1], labels=["$10^{-8}$", "$10^{0}$"], fontsize=12)
    ax.set_ylabel("rotated", fontsize=11)
    ax.plot([0, 1], [0, 1], label="legend")
    ax.legend(fontsize=14)
    assert figure_text(_svg_of(fig)).smallest == pytest.approx(11, rel=1e-3)
    ax.set_title("small", fontsize=6.5)
    text = figure_text(_svg_of(fig))
    assert text.smallest == pytest.approx(6.5, rel=1e-3)
    assert text.viewbox_width == pytest.approx(
        4 * 72
    )  # matplotlib writes SVG in points


class Measured(NamedTuple):
    figures: list[tuple[str, float]]  # image source, displayed width in CSS px
    too_wide: list[str]  # code blocks and tables wider than their column
    height: float


MEASURE = """() => {
  const article = document.querySelector('article.bd-article');
  const figures = [...article.querySelectorAll('img')]
    .filter(i => i.src.endsWith('.svg') && i.getBoundingClientRect().width > 0)
    .map(i => [new URL(i.src).pathname, i.getBoundingClientRect().width]);
  const tooWide = [];
  const longest = el => el.innerText.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '');
  for (const pre of article.querySelectorAll('pre')) {
    if (pre.clientWidth > 0 && pre.scrollWidth > pre.clientWidth + 1) {
      tooWide.push(`code ${pre.scrollWidth} px in ${pre.clientWidth} px: ${longest(pre)}`);
    }
  }
  for (const table of article.querySelectorAll('table')) {
    const box = table.closest('.pst-scrollable-table-container') || table.parentElement;
    const width = table.getBoundingClientRect().width;
    const room = box.clientWidth + 1;
    if (box.clientWidth > 0 && (width > room || box.scrollWidth > room)) {
      const first = longest(table.rows[0]);
      tooWide.push(`table ${Math.round(width)} px in ${box.clientWidth} px: ${first}`);
    }
  }
  return {figures, tooWide, height: document.documentElement.scrollHeight};
}"""


def measure(browser: Browser, server: str, name: str) -> dict[int, Measured]:  # noqa: F811
    """A page at each window width, with every folded block opened and every formula typeset."""
    v = Visit(browser, f"{server}/{name}.html")
    measured = {}
    try:
        page = v.page
        page.evaluate(
            "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
        )
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        )
        page.evaluate("() => MathJax.startup.promise")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        for width in SMALLEST_TEXT:
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(MEASURE)
            figures = [(source, float(shown)) for source, shown in found["figures"]]
            measured[width] = Measured(figures, found["tooWide"], found["height"])
        return measured
    finally:
        v.context.close()


@pytest.fixture(scope="module")
def pages_at(
    browser: Browser, server: str
) -> Iterator[dict[tuple[int, str], Measured]]:  # noqa: F811
    """Every page measured once at each window width; the tests below read the results."""
    yield {
        (w, name): m
        for name in PAGES
        for w, m in measure(browser, server, name).items()
    }


@pytest.mark.parametrize("width", list(SMALLEST_TEXT))
@pytest.mark.parametrize("name", PAGES)
def test_figure_text_is_large_enough_to_read(
    pages_at: dict[tuple[int, str], Measured],
    site: Path,  # noqa: F811
    name: str,
    width: int,
) -> None:
    small = []
    for source, shown in pages_at[width, name].figures:
        text = figure_text_of(site / source.lstrip("/"))
        px = text.smallest * shown / text.viewbox_width
        if px < SMALLEST_TEXT[width] - 0.05:
            small.append(
                f"{Path(source).name[:12]}: {px:.1f} px (shown {shown:.0f} px wide)"
            )
    limit = SMALLEST_TEXT[width]
    assert small == [], (
        f"{name} at {width} px: figure text under {limit} px: {small}"
    )


def test_every_lesson_figure_is_measured(
    pages_at: dict[tuple[int, str], Measured],
) -> None:
    """The measurement sees the figures: every lesson shows at least one, at both widths."""
    for (width, name), measured in pages_at.items():
        if name not in ("index", "api"):
            assert measured.figures, f"{name} at {width} px: no figure found"


@pytest.mark.parametrize("name", PAGES)
def test_code_and_tables_fit_the_column(
    pages_at: dict[tuple[int, str], Measured], name: str
) -> None:
    too_wide = pages_at[1400, name].too_wide
    assert too_wide == [], (
        f"{name}: wider than the column at 1400 px:\n" + "\n".join(too_wide)
    )
