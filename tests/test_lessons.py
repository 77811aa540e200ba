"""The lessons as a reader meets them: code that runs when copied, and prose set like prose.

A page's visible cells are the code a reader sees (cells tagged ``remove-cell`` or ``remove-input``
are not shown). Copied in order into a fresh Python with the package installed, they must run, and
they must teach rather than format: no glue, no IPython display, no Markdown tables assembled in
f-strings. The built HTML is checked for the typography of the prose: a true minus sign (U+2212)
and powers of ten, never a hyphen-minus before a number or e-notation such as ``1e-08``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.test_site import CORE_PATH, DEEP_DIVES, DOCS, LESSONS, site  # noqa: F401

HIDDEN = {"remove-cell", "remove-input"}
NOTEBOOK_PAGES = sorted(
    p.stem for p in DOCS.glob("*.md") if "{code-cell}" in p.read_text("utf-8")
)

# Runs the cells given as a JSON file, in order, in one namespace: a cell tagged
# raises-exception must raise, every other cell must not. Prints one JSON line per cell.
DRIVER = """
import json, sys, traceback
cells = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for number, (source, must_raise) in enumerate(cells):
    try:
        exec(compile(source, f"<visible cell {number}>", "exec"), namespace)
    except Exception as error:
        if not must_raise:
            traceback.print_exc()
            sys.exit(f"visible cell {number} failed: {type(error).__name__}: {error}")
    else:
        if must_raise:
            sys.exit(f"visible cell {number} is tagged raises-exception but did not raise")
print(f"{len(cells)} visible cells ran")
"""


def visible_cells(notebook: dict[str, Any]) -> list[tuple[str, bool]]:
    """The code cells a reader sees, in order, each with whether it is meant to raise."""
    cells = []
    for cell in notebook["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] == "code" and not tags & HIDDEN:
            source = "".join(cell["source"])
            cells.append((source, "raises-exception" in tags))
    return cells


def notebook_of(site: Path, name: str) -> dict[str, Any]:  # noqa: F811
    """The executed notebook the site offers for download (the page as built)."""
    path = site / "_sources" / f"{name}.ipynb"
    assert path.is_file(), f"{name}: no executed notebook in the built site"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def copied_runs(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Run]]:  # noqa: F811
    """Every page's visible cells started at once, each page in its own fresh Python."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MPL"))
    }
    env |= {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    runs = {}
    for name in NOTEBOOK_PAGES:
        runs[name] = Run(site, name, tmp_path_factory.mktemp(f"copied-{name}"), env)
    yield runs
    for run in runs.values():
        run.stop()


class Run:
    """A page's visible cells running in a fresh Python, in an empty directory of its own."""

    def __init__(
        self, site: Path, name: str, workdir: Path, env: dict[str, str]
    ) -> None:  # noqa: F811
        self.workdir = workdir
        cells = workdir / "cells.json"
        cells.write_text(
            json.dumps(visible_cells(notebook_of(site, name))), encoding="utf-8"
        )
        with (workdir / "out").open("w") as out, (workdir / "err").open("w") as err:
            command = [sys.executable, "-I", "-c", DRIVER, str(cells)]
            self.process = subprocess.Popen(
                command, cwd=workdir, env=env, stdout=out, stderr=err
            )

    def result(self) -> tuple[int, str, str]:
        code = self.process.wait(timeout=600)
        out, err = (
            (self.workdir / f).read_text(encoding="utf-8") for f in ("out", "err")
        )
        return code, out, err

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_visible_cells_run_when_copied_in_order(
    copied_runs: dict[str, Run], name: str
) -> None:
    code, stdout, stderr = copied_runs[name].result()
    assert code == 0, f"{name}: {stderr[-3000:]}"
    assert re.search(r"\n?[1-9]\d* visible cells ran\n\Z", stdout), stdout[-2000:]


def test_visible_cells_are_found_as_the_reader_sees_them() -> None:
    """Hidden cells are left out, shown and folded cells kept, and raises-exception noted."""
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
            {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "x"]},
            {
                "cell_type": "code",
                "metadata": {"tags": ["remove-cell"]},
                "source": ["hidden"],
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["remove-input"]},
                "source": ["table"],
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["hide-cell"]},
                "source": ["folded"],
            },
            {
                "cell_type": "code",
                "metadata": {"tags": ["raises-exception"]},
                "source": ["1/0"],
            },
        ]
    }
    assert visible_cells(notebook) == [
        ("x = 1\nx", False),
        ("folded", False),
        ("1/0", True),
    ]


def run_driver(
    cells: list[tuple[str, bool]], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
    command = [sys.executable, "-I", "-c", DRIVER, "cells.json"]
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, check=False
    )


def test_the_copy_check_fails_for_a_name_defined_only_in_a_hidden_cell(
    tmp_path: Path,
) -> None:
    """The driver really runs the cells: an undefined name or a cell that should raise fails."""
    assert (
        run_driver([("k = 6.001", False), ("k + 1", False)], tmp_path).returncode
        == 0
    )
    missing = run_driver([("k + 1", False)], tmp_path)
    assert missing.returncode != 0 and "NameError" in missing.stderr
    quiet = run_driver([("1 + 1", True)], tmp_path)
    assert quiet.returncode != 0 and "did not raise" in quiet.stderr
    assert run_driver([("1 / 0", True), ("2", False)], tmp_path).returncode == 0


# -- Machinery in view ----------------------------------------------------------------------------

MACHINERY_CALLS = {
    "glue",
    "display",
    "Markdown",
    "HTML",
    "Latex",
    "display_markdown",
}
MACHINERY_MODULES = ("myst_nb", "IPython")
TABLE_PIECES = re.compile(r"\| |\s\||\|-|-\||\|:|:\|")


def machinery(source: str) -> list[str]:
    """What in a cell is presentation rather than lesson: glue, display, table assembly."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [f"not plain Python ({error.msg})"]
    found = []
    in_fstrings = {
        id(v)
        for n in ast.walk(tree)
        if isinstance(n, ast.JoinedStr)
        for v in n.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = (
                func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            )
            if called in MACHINERY_CALLS:
                found.append(f"{called}(...)")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            found += [
                f"import {n}" for n in names if n.split(".")[0] in MACHINERY_MODULES
            ]
        elif isinstance(node, ast.JoinedStr):
            pieces = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if any(isinstance(p, str) and TABLE_PIECES.search(p) for p in pieces):
                found.append("an f-string assembling a Markdown table")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            table_row = node.value.lstrip().startswith("|") and TABLE_PIECES.search(
                node.value
            )
            if id(node) not in in_fstrings and table_row:
                found.append("a string assembling a Markdown table")
    return found


def test_machinery_is_recognised() -> None:
    assert machinery('glue("k", k, display=False)') == ["glue(...)"]
    assert machinery("from myst_nb import glue") == ["import myst_nb"]
    assert machinery("from IPython.display import Markdown") == [
        "import IPython.display"
    ]
    assert machinery("Markdown(text)") == ["Markdown(...)"]
    assert machinery('row = f"| {w:g} | {k:.3f} |"') == [
        "an f-string assembling a Markdown table"
    ]
    header = 'header = "| w | k |\\n|---:|---:|"'
    assert machinery(header) == ["a string assembling a Markdown table"]
    assert machinery("%timeit f()") == ["not plain Python (invalid syntax)"]
    lesson = (
        'k = nudge(J, 3).k\nprint(f"k = {k:.3f}", a | b)\nsymbolic.derivative(J, w)'
    )
    assert machinery(lesson) == []


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_visible_cells_teach_with_no_machinery_in_view(
    site: Path, name: str
) -> None:  # noqa: F811
    shown = visible_cells(notebook_of(site, name))
    found = {
        n: m for n, (source, _) in enumerate(shown) if (m := machinery(source))
    }
    assert found == {}, f"{name}: visible cells (by number) show {found}"


# -- Typography of the prose ----------------------------------------------------------------------

HYPHEN_NUMBER = re.compile(r"(?<![\w\u2212+-])-(?=\.?\d)")
E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+\u2212]?\d+\b")
# Code, math (its TeX source, typeset by MathJax) and scripts are not prose.
NOT_PROSE_TAGS = {
    "code",
    "pre",
    "kbd",
    "samp",
    "tt",
    "script",
    "style",
    "math",
    "svg",
    "textarea",
}
NOT_PROSE_CLASSES = {"math", "highlight", "cell_input", "headerlink", "sig"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class Prose(HTMLParser):
    """The text of a page's article, without code, math or scripts, as one string per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, excluded from prose)
        self.in_article = 0
        self.text: list[str] = []

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> None:
        if self.in_article:
            self.text.append(" ")  # cells and blocks do not run together
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        excluded = tag in NOT_PROSE_TAGS or bool(classes & NOT_PROSE_CLASSES)
        self.stack.append((tag, excluded or bool(self.stack and self.stack[-1][1])))
        if tag == "article":
            self.in_article += 1

    def handle_endtag(self, tag: str) -> None:
        if self.in_article:
            self.text.append(" ")
        if tag in VOID or tag not in (t for t, _ in self.stack):
            return
        while self.stack:
            popped, _ = self.stack.pop()
            if popped == tag:
                break
        if tag == "article":
            self.in_article -= 1
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_article and not (self.stack and self.stack[-1][1]):
            self.text.append(data)


def prose(html: str) -> str:
    parser = Prose()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)


def typographic_errors(text: str) -> list[str]:
    errors = []
    for pattern, what in (
        (HYPHEN_NUMBER, "hyphen-minus"),
        (E_NOTATION, "e-notation"),
    ):
        for match in pattern.finditer(text):
            around = re.sub(
                r"\s+", " ", text[max(0, match.start() - 40) : match.end() + 20]
            )
            errors.append(f"{what}: ...{around}...")
    return errors


def test_the_typography_scan_finds_what_it_should_and_only_that() -> None:
    page = (
        '<html><nav>k = -1</nav><article class="bd-article"><p>k = <span class="pasted-text">'
        "-5.999</span>, a step of 1e-08, a typeset \u22125.999 and 10\u207b\u2078.</p>"
        "<p>The order-6 stencil, pages 3\u20134, log\u2013log, x-1.</p>"
        '<span class="math notranslate">\\(w = -3\\)</span><img alt="w = -3"/>'
        "<pre>print(-3, 1e-08)</pre><code>-2</code>"
        '<div class="highlight"><span>-4</span></div>'
        "<table><tr><td>\u22120.8</td><td>-0.8</td></tr></table></article></html>"
    )
    errors = typographic_errors(prose(page))
    assert [e.split(":")[0] for e in errors] == [
        "hyphen-minus",
        "hyphen-minus",
        "e-notation",
    ]
    assert (
        "= -5.999" in errors[0] and "0.8 -0.8" in errors[1] and "1e-08" in errors[2]
    )


@pytest.mark.parametrize("name", ["index", *LESSONS])
def test_prose_uses_true_minus_signs_and_powers_of_ten(
    site: Path, name: str
) -> None:  # noqa: F811
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    text = prose(html)
    assert len(text) > 1000, f"{name}: no article text found"
    errors = typographic_errors(text)
    assert errors == [], f"{name}: " + "\n".join(errors[:20])


# -- Two tracks -----------------------------------------------------------------------------------


def test_navigation_shows_the_core_path_then_the_optional_deep_dives(
    site: Path,
) -> None:  # noqa: F811
    """Every page's sidebar: the core lessons in order under one caption, the deep dives after
    them under a caption that says they are optional."""
    html = (site / "api.html").read_text(
        encoding="utf-8"
    )  # no lesson is the current page
    sidebar = html.split("bd-docs-nav", 1)[1].split("</nav>", 1)[0]
    sections = re.split(r'<span class="caption-text">([^<]*)</span>', sidebar)[1:]
    links = {
        caption: re.findall(r'href="([\w-]+)\.html"', section)
        for caption, section in zip(sections[::2], sections[1::2], strict=True)
    }
    assert list(links)[:2] == ["Core path", "Deep dives (optional)"], list(links)
    assert links["Core path"] == CORE_PATH
    assert links["Deep dives (optional)"][: len(DEEP_DIVES)] == DEEP_DIVES


def test_the_index_lists_each_lesson_once(site: Path) -> None:  # noqa: F811
    article = (
        (site / "index.html").read_text(encoding="utf-8").split("<article", 1)[1]
    )
    article = article.split("</article>", 1)[0]
    for name in LESSONS:
        assert article.count(f'href="{name}.html"') == 1, name
