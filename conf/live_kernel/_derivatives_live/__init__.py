"""The live mode's kernel: runs a lesson's cells in the browser as the build's Jupyter kernel did.

One namespace per page. A cell's last expression is shown as IPython shows it (its plain text
from IPython's own pretty printer, and LaTeX, Markdown, HTML or an image where the object offers
one; Markdown also as HTML, rendered by markdown-it-py as the build's MyST renders it); printed
text is kept in order; a matplotlib figure, made with pyplot or displayed, is shown as SVG (a
figure glued for the page goes, by its name, where the page shows it: see ``myst_nb.glue``); an
error is shown with its traceback, the kernel's own frames left out.
"""

from __future__ import annotations

import ast
import base64
import builtins
import html
import io
import json
import linecache
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from IPython.lib import pretty

# The build's matplotlib settings (fixed SVG hash salt, no dates), read when a cell imports it.
os.environ["MATPLOTLIBRC"] = str(Path(__file__).with_name("matplotlibrc"))

namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
outputs: list[dict[str, Any]] = []
RICH = (
    ("_repr_html_", "text/html"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_latex_", "text/latex"),
)


def mime_bundle(obj: Any) -> dict[str, str]:
    """The representations of obj, as IPython's display formatter gives them."""
    bundle = {"text/plain": pretty.pretty(obj, max_width=79)}
    if _is_figure(obj):
        buffer = io.StringIO()
        obj.savefig(buffer, format="svg")
        bundle["image/svg+xml"] = buffer.getvalue()
        return bundle
    for method, mime in RICH:
        try:
            value = (
                getattr(obj, method)()
                if callable(getattr(obj, method, None))
                else None
            )
        except Exception:  # a broken repr hides that representation, as in IPython
            value = None
        if isinstance(value, tuple):
            value = value[0]
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode()
        if isinstance(value, str):
            bundle[mime] = value
    if "text/markdown" in bundle and "text/html" not in bundle:
        bundle["text/html"] = markdown_html(bundle["text/markdown"])
    return bundle


def markdown_html(text: str) -> str:
    """Markdown as HTML: tables, and $math$ left to the page's MathJax, as MyST renders it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    parser = MarkdownIt("commonmark").enable("table")
    return parser.use(dollarmath_plugin, renderer=_tex).render(text)


def _tex(content: str, options: dict[str, Any]) -> str:
    tex = html.escape(content, quote=False)
    return f"\\[{tex}\\]" if options["display_mode"] else f"\\({tex}\\)"


def _is_figure(obj: Any) -> bool:
    figure = sys.modules.get("matplotlib.figure")
    return figure is not None and isinstance(obj, figure.Figure)


def display(obj: Any, kind: str = "display", **about: str) -> None:
    outputs.append({"type": kind, "data": mime_bundle(obj)} | about)


class _Stream(io.TextIOBase):
    """stdout and stderr in one stream, as the build merges them."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if outputs and outputs[-1]["type"] == "stream":
            outputs[-1]["text"] += text
        elif text:
            outputs.append({"type": "stream", "text": text})
        return len(text)


def _show_pyplot_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        for number in pyplot.get_fignums():
            display(pyplot.figure(number))
        pyplot.close("all")


def _error(error: BaseException, filename: str) -> dict[str, Any]:
    """The traceback from the cell's own frame on: the kernel's frames are not the reader's."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    lines = traceback.format_exception(type(error), error, tb)
    if tb is None and not isinstance(error, SyntaxError):
        lines = traceback.format_exception_only(type(error), error)
    return {
        "type": "error",
        "ename": type(error).__name__,
        "evalue": str(error),
        "traceback": "".join(lines),
    }


def run(code: str, name: str) -> str:
    """Run one cell in the page's namespace; its outputs as JSON."""
    outputs.clear()
    filename = f"<{name}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    stream = _Stream()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = stream
    try:
        tree = ast.parse(code, filename)
        last = None
        if (
            tree.body
            and isinstance(tree.body[-1], ast.Expr)
            and not code.rstrip().endswith(";")
        ):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, filename, "eval"), namespace)
            if value is not None:
                namespace["_"] = value
                display(value, "result")
        _show_pyplot_figures()
    except (
        BaseException
    ) as error:  # the reader's code may raise anything, SystemExit included
        _show_pyplot_figures()
        outputs.append(_error(error, filename))
    finally:
        sys.stdout, sys.stderr = saved
    return json.dumps(outputs)
