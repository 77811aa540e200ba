"""Live mode: each lesson's code runs in the reader's browser, from files the site itself serves.

This extension marks each code cell and each glued figure, writes each page's cells as JSON for
``live.js`` (which adds the run controls, starts Python when the reader switches live mode on and
loads each package when the first cell that needs it runs: ``conf/live_imports.py``), and copies
the runtime into ``_static/live/``. The runtime (Pyodide, the wheels, their bytecode, the lock
file and the list of licences) is assembled beforehand by ``make live-runtime``
(``conf/live_runtime.py``): the build never downloads, and fails with that advice when the
runtime is not cached.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path
from typing import Any

import live_runtime
from docutils import nodes
from docutils.statemachine import StringList
from live_imports import Needs
from myst_nb.ext.glue.directives import PasteFigureDirective
from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

_READY: list[tuple[Path, Path]] = []
_NEEDS: list[Needs] = []
_PACKAGES: list[str] = []  # every package live mode ships
# Loaded with Python, before any cell: the kernel and what it renders Markdown with.
CORE = ["derivatives-live"]


def _ready() -> tuple[Path, Path]:
    """The cached runtime and the wheels made here; found once per build."""
    if not _READY:
        try:
            _READY.append(
                (live_runtime.runtime(download=False), live_runtime.own_wheels())
            )
        except live_runtime.LiveRuntimeError as error:
            raise ExtensionError(f"live mode: {error}") from None
        lock = PyodideLockSpec.from_json(_READY[0][0] / "pyodide-lock.json")
        imports = {i: key for key, p in lock.packages.items() for i in p.imports}
        _NEEDS.append(Needs(live_runtime.ROOT / "derivatives", imports))
        _PACKAGES[:] = sorted({*lock.packages, "derivatives", *CORE})
    return _READY[0]


class LiveGlueFigure(PasteFigureDirective):
    """MyST-NB's glue:figure, with the class live-glue-<key>: live mode draws the figure anew
    in its place when the hidden cell that glues it runs."""

    def run(self) -> list[nodes.Node]:
        found: list[nodes.Node] = super().run()
        for node in found:
            if isinstance(node, nodes.figure):
                node["classes"].append(f"live-glue-{self.arguments[0]}")
        return found


class LiveLicences(SphinxDirective):
    """A table of everything live mode ships: versions, licences and where each comes from."""

    def run(self) -> list[nodes.Node]:
        shipped = []
        for folder in _ready():
            shipped += json.loads((folder / "shipped.json").read_text("utf-8"))
        table = ["| Shipped | Version | Licence | From |", "|---|---|---|---|"]
        table += [
            f"| {r['name']} | {r['version']} | {r['licence']} | {r['origin']} |"
            for r in shipped
        ]
        container = nodes.container()
        source = self.get_source_info()[0]
        self.state.nested_parse(StringList(table, source), 0, container)
        return container.children


def _mark_cells(app: Any, doctree: nodes.document, docname: str) -> None:
    """Give each code cell of a page the class live-cell-N, N its index in the notebook."""
    for node in doctree.findall(nodes.container):
        if (
            node.get("nb_element") == "cell_code"
            and node.get("cell_index") is not None
        ):
            node["classes"].append(f"live-cell-{node['cell_index']}")


def _page_cells(
    app: Any,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """Write the page's code cells (hidden ones included) for live.js, and load it on the page."""
    notebook = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not notebook.is_file():
        return
    content = json.loads(notebook.read_text(encoding="utf-8"))
    runtime = _ready()[0]
    cells, needs, modules = [], set(CORE), []
    for index, cell in enumerate(content["cells"]):
        if cell["cell_type"] == "code":
            source = cell["source"]
            source = source if isinstance(source, str) else "".join(source)
            tags = sorted(cell.get("metadata", {}).get("tags", []))
            found = _NEEDS[0].cell(source)
            modules += _NEEDS[0].imported(source)
            needs |= set(_PACKAGES) if found is None else found
            # needs: this cell's and the ones above
            cells.append(
                {
                    "index": index,
                    "source": source,
                    "tags": tags,
                    "needs": sorted(needs),
                }
            )
    if not cells:
        return
    target = Path(app.outdir) / "_static" / "live" / "cells" / f"{pagename}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    bytecode = sorted(
        p.stem.split("-", 1)[1] for p in runtime.glob("bytecode-*.zip")
    )
    imports = list(dict.fromkeys(modules))
    page = {"cells": cells, "bytecode": bytecode, "imports": imports}
    text = json.dumps(page, indent=1, ensure_ascii=False) + "\n"
    target.write_text(text, "utf-8")
    # The builder's lists are restored after each page: these two files load on this page only.
    app.builder.add_css_file("live.css")
    app.builder.add_js_file(
        "live.js", loading_method="defer", **{"data-page": pagename}
    )


def _copy(source: Path, target: Path) -> None:
    if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
        shutil.copyfile(source, target)


def _shipped_lock(runtime: Path, own: Path) -> PyodideLockSpec:
    """Pyodide's lock file with the wheels made here added. The package's own entry depends on
    nothing: live mode loads SymPy, NumPy or matplotlib when a cell needs them."""
    lock = PyodideLockSpec.from_json(runtime / "pyodide-lock.json")
    wheels = sorted(own.glob("*.whl"))
    lock = add_wheels_to_spec(lock, wheels, base_path=own)  # named by file name
    package = lock.packages["derivatives"].model_copy(update={"depends": []})
    return lock.model_copy(
        update={"packages": lock.packages | {"derivatives": package}}
    )


def ship(target: Path, runtime: Path, own: Path) -> None:
    """Copy the runtime and the wheels made here into `target`, with one lock file for all."""
    target.mkdir(parents=True, exist_ok=True)
    keep = {"cells", "pyodide-lock.json"}
    for folder in (runtime, own):
        for path in sorted(folder.iterdir()):
            if path.name not in {"shipped.json", "pyodide-lock.json"}:
                keep.add(path.name)
                _copy(path, target / path.name)
    _shipped_lock(runtime, own).to_json(target / "pyodide-lock.json", indent=1)
    for stale in {p.name for p in target.iterdir()} - keep:
        (target / stale).unlink()


def _ship_runtime(app: Any, exception: BaseException | None) -> None:
    if exception is None and app.builder.format == "html":
        ship(Path(app.outdir) / "_static" / "live", *_ready())


def _find_runtime(app: Any) -> None:
    """A build that cannot ship live mode fails before it executes a page."""
    _READY.clear()  # `make serve` rebuilds in one process: the package may have changed
    _NEEDS.clear()
    if app.builder.format == "html":
        _ready()


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("live-licences", LiveLicences)
    app.add_directive_to_domain("glue", "figure", LiveGlueFigure, override=True)
    app.connect("builder-inited", _find_runtime)
    app.connect("doctree-resolved", _mark_cells)
    app.connect("html-page-context", _page_cells)
    app.connect("build-finished", _ship_runtime)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
