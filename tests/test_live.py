"""Live mode: the lessons' code runs in the browser from files the site serves, the network cut.

The runtime the build ships is checked against Pyodide's own lock file; in headless Chromium every
lesson runs live and prints what the build printed, draws its figures in place, recovers from a
failing cell and from code that never returns, and keeps the reader's edits.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyodide_lock import PyodideLockSpec

from tests.test_browser import Visit, refusing, visit  # noqa: F401  (fixtures)
from tests.test_site import LESSONS, ROOT, site  # noqa: F401  (the built-site fixture)

sys.path.insert(0, str(ROOT / "conf"))
import live_runtime  # noqa: E402  (conf/live_runtime.py, what `make live-runtime` runs)

LIVE_LESSONS = LESSONS  # every lesson has cells that run live
FINISHED = (
    "o => !['idle', 'queued', 'waiting', 'running'].includes(o.dataset.state)"
)


NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def same_text(live: str, built: str) -> bool:
    """Equal text, except that floats may differ in their last digits. The browser's math
    library (musl, compiled to WebAssembly) rounds tanh, exp or log differently from the build's
    (glibc) in the last place, as C libraries may, and a lesson that prints how closely two ways
    to a derivative agree (~10⁻⁹, a difference of nearly equal numbers) magnifies that. So floats
    match to nine significant digits, or, for those rounding-level agreements, to within 10⁻⁸
    of each other, printed with as many characters (or both at full precision, as repr prints
    them); everything else must match character for character."""
    if NUMBER.sub("#", live.strip()) != NUMBER.sub("#", built.strip()):
        return False
    pairs = zip(NUMBER.findall(live), NUMBER.findall(built), strict=True)
    return all(
        math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-8)
        and (len(a) == len(b) or min(_digits(a), _digits(b)) >= 15)
        for a, b in pairs
    )


def _digits(number: str) -> int:
    """Significant digits printed: repr prints 15 to 17 of them."""
    return len(number.split("e")[0].lstrip("-").replace(".", "").lstrip("0"))


def test_same_text_allows_the_last_digits_of_floats_only() -> None:
    assert same_text("(0.7071067811865476, 2)", "(0.7071067811865477, 2)")
    assert same_text("2.7368697433398127e-07", "2.7368697433383013e-07")
    assert same_text("x2 0.0192517318 2.5e-09", "x2 0.0192517318 1.9e-10")
    assert not same_text("(0.7071067811865466, 2)", "(0.7071067911865477, 2)")
    assert not same_text("0.27368697433398127", "0.27368707433383013")
    assert not same_text("(0.7071067811865477, 3)", "(0.7071067811865477, 2)")
    assert not same_text("Value(data=1.0)", "Value(data=1.00)")
    assert not same_text("k = 6.001", "k = 6.002")
    assert not same_text("3.1e-07", "3.6e-07")


def test_a_new_pyodide_is_a_new_set_of_pins_and_the_build_never_downloads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The runtime is cached per set of pins: other pins, another runtime, which a build
    (download=False) does not fetch but asks for with the command that does."""
    monkeypatch.setenv("DERIVATIVES_LIVE_CACHE", str(tmp_path))
    before = live_runtime.runtime_dir()
    bumped = json.loads(json.dumps(live_runtime.PINS))
    bumped["pyodide"]["version"] = "0.28.0"
    monkeypatch.setattr(live_runtime, "PINS", bumped)
    assert live_runtime.runtime_dir() != before
    assert live_runtime.runtime_dir().parent == tmp_path
    with pytest.raises(
        live_runtime.LiveRuntimeError, match="run `make live-runtime`"
    ):
        live_runtime.runtime(download=False)
    assert list(tmp_path.iterdir()) == []  # nothing downloaded, nothing written


def test_a_file_that_differs_from_its_pin_is_refused_and_removed(
    tmp_path: Path,
) -> None:
    wheel = tmp_path / "sympy-1.14.0-py3-none-any.whl"
    wheel.write_bytes(b"not the wheel")
    pin = live_runtime.PINS["pypi"]["sympy"]
    with pytest.raises(live_runtime.LiveRuntimeError, match=pin["sha256"]):
        live_runtime._pypi("sympy", pin["version"], pin["sha256"], tmp_path)
    assert not wheel.exists()


def test_the_kernel_renders_markdown_tables_and_leaves_math_to_mathjax() -> None:
    """What the old hand-written parser was for, now markdown-it-py's job: a pipe table with its
    alignment, inline formulas kept for MathJax with < escaped, emphasis and code."""
    path = ROOT / "conf" / "live_kernel" / "_derivatives_live" / "__init__.py"
    spec = importlib.util.spec_from_file_location("_derivatives_live_test", path)
    assert spec is not None and spec.loader is not None
    kernel = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kernel)
    html = kernel.markdown_html(
        "| $w$ | **k** |\n|---|--:|\n| $-2 < x$ | `6` |\n\nSo *k* is $2w$."
    )
    assert '<th style="text-align:right"><strong>k</strong></th>' in html
    assert '<span class="math inline">\\(-2 &lt; x\\)</span>' in html
    assert '<td style="text-align:right"><code>6</code></td>' in html
    assert html.endswith(
        '<p>So <em>k</em> is <span class="math inline">\\(2w\\)</span>.</p>\n'
    )

    class Shown:
        def _repr_markdown_(self) -> str:
            return "$w$"

    bundle = kernel.mime_bundle(Shown())
    assert bundle["text/markdown"] == "$w$"
    assert (
        bundle["text/html"] == '<p><span class="math inline">\\(w\\)</span></p>\n'
    )


def _needs() -> Any:
    from live_imports import Needs  # conf/live_imports.py

    lock = PyodideLockSpec.from_json(
        live_runtime.runtime(download=False) / "pyodide-lock.json"
    )
    imports = {i: key for key, p in lock.packages.items() for i in p.imports}
    return Needs(ROOT / "derivatives", imports), imports, lock


def _with_dependencies(names: set[str], lock: PyodideLockSpec) -> set[str]:
    """The packages, with every dependency the lock file names (those it lists)."""
    return set(live_runtime._wanted(lock, [n for n in names if n in lock.packages]))


def test_what_a_module_needs_in_the_browser_is_what_importing_it_loads() -> None:
    """The packages read from the sources, checked by importing each module of the package in a
    fresh Python and listing what that loaded; and the names the package loads on first use."""
    needs, imports, lock = _needs()
    script = (
        "import importlib, json, sys; importlib.import_module(sys.argv[1]); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    for module in sorted(needs.modules):
        run = subprocess.run(
            [sys.executable, "-c", script, module],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        loaded = {imports[m] for m in json.loads(run.stdout) if m in imports}
        assert loaded <= _with_dependencies(set(needs.module(module)), lock), module
    assert needs.module("derivatives") == {
        "derivatives"
    }  # Value loads no heavy library
    assert {"sympy", "numpy"} <= needs.cell("from derivatives import symbolic")
    assert "matplotlib" in needs.cell("from derivatives import nudge, plotting")
    assert needs.cell("from derivatives import Value, nudge") == {"derivatives"}
    assert needs.cell("import numpy as np\nx = np.ones(3)") == {"numpy"}
    assert needs.cell("x = (") is None  # unparsable: live mode loads everything
    # What live mode imports ahead of the reader: the modules named, the package's own
    # submodules among the names taken from it, each once, in order.
    cell = "import math\nfrom derivatives import Value, plotting\nimport math, numpy as np"
    assert needs.imported(cell) == [
        "math",
        "derivatives",
        "derivatives.plotting",
        "numpy",
    ]
    assert needs.imported("x = (") == []


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_every_wheel_matches_the_lock_file_and_pyodides_own(site: Path) -> None:  # noqa: F811
    """Each shipped wheel has the sha256 the lock names; the upstream ones the npm release's."""
    shipped = site / "_static" / "live"
    lock = json.loads((shipped / "pyodide-lock.json").read_text(encoding="utf-8"))
    pins = live_runtime.PINS
    with tarfile.open(
        live_runtime.npm_tarball()
    ) as npm:  # the cached, checked tarball
        member = npm.extractfile("package/pyodide-lock.json")
        assert member is not None
        upstream = json.load(member)["packages"]
    for key, entry in lock["packages"].items():
        assert (
            _digest((shipped / entry["file_name"]).read_bytes()) == entry["sha256"]
        ), key
        if key in upstream and key not in pins["pypi"]:
            assert entry == upstream[key], f"{key} is Pyodide's own file"
        if key in pins["pypi"]:
            assert entry["sha256"] == pins["pypi"][key]["sha256"], key
    assert {"numpy", "matplotlib", "sympy", "mpmath", "derivatives"} <= set(
        lock["packages"]
    )
    assert lock["info"]["version"] == pins["pyodide"]["version"]


def test_the_package_wheel_is_the_package(site: Path) -> None:  # noqa: F811
    shipped = site / "_static" / "live"
    [wheel] = shipped.glob("derivatives-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if n.endswith(".py")}
        for name in names:
            assert archive.read(name) == (ROOT / name).read_bytes(), name
    on_disk = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "derivatives").rglob("*.py")
    }
    assert names == on_disk


def _build_outputs(site: Path, page: str) -> dict[int, list[tuple[str, str]]]:  # noqa: F811
    """Each code cell's shown outputs, from the executed notebook the site publishes."""
    notebook = json.loads(
        (site / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8")
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        outputs = found.setdefault(index, [])
        for output in cell.get("outputs", []):
            if "scrapbook" in output.get(
                "metadata", {}
            ):  # glue(..., display=False)
                continue
            kind = output["output_type"]
            if kind == "stream":
                text = output["text"]
                outputs.append(
                    ("stream", text if isinstance(text, str) else "".join(text))
                )
            elif kind == "error":
                outputs.append(("error", f"{output['ename']}: {output['evalue']}"))
            else:
                plain = output["data"]["text/plain"]
                plain = plain if isinstance(plain, str) else "".join(plain)
                kinds = {"execute_result": "result", "display_data": "display"}
                outputs.append((kinds[kind], plain))
    return found


def _live_outputs(v: Visit, index: int) -> list[tuple[str, str]]:
    script = """cell => [...cell.querySelectorAll('.live-output > [data-kind]')].map(o =>
        [o.dataset.kind, o.dataset.kind === 'stream' || o.dataset.kind === 'error'
            ? o.textContent : o.dataset.plain])"""
    items = v.page.locator(f"div.cell.live-cell-{index}").evaluate(script)
    found = []
    for kind, text in items:
        if kind == "error":  # the traceback's last line: "Name: value"
            text = text.rstrip("\n").splitlines()[-1]
        found.append((kind, text))
    return found


def _state(v: Visit, index: int) -> str:
    output = v.page.locator(f"div.cell.live-cell-{index} .live-output")
    return str(output.get_attribute("data-state"))


def _run(v: Visit, index: int, timeout: float = 180_000) -> str:
    cell = v.page.locator(f"div.cell.live-cell-{index}")
    cell.locator(".live-run").evaluate("b => b.click()")  # folded solutions run too
    output = cell.locator(".live-output")
    v.page.wait_for_function(
        f"o => ({FINISHED})(o)", arg=output.element_handle(), timeout=timeout
    )
    return _state(v, index)


def _editor(v: Visit, index: int) -> Any:
    return v.page.locator(f"div.cell.live-cell-{index} textarea.live-editor")


def _enter_live_mode(v: Visit, ready: bool = True) -> list[int]:
    """Switch live mode on and wait for Python: nothing of the runtime loads before the switch."""
    requested: list[str] = []
    v.page.on("request", lambda r: requested.append(r.url))
    v.page.wait_for_load_state(
        "networkidle"
    )  # all the page loads before the switch, loaded
    assert not [u for u in requested if "/_static/live/" in u]
    v.page.locator(".live-toggle").click()
    v.page.wait_for_selector(".live-run", state="attached")
    if ready:  # Python starts with live mode, before any Run
        v.page.wait_for_function(
            "() => document.querySelector('.live-status').textContent === 'Python is ready.'",
            timeout=120_000,
        )
    indices: list[int] = v.page.locator("div.cell:has(.live-run)").evaluate_all(
        "cs => cs.map(c => +[...c.classList].find(k => k.startsWith('live-cell-')).slice(10))"
    )
    return indices


@pytest.fixture(scope="module")
def shared(browser: Any, server: str) -> Iterator[Any]:
    """Pages opened in one context shared by the lessons' live runs, so that the runtime is
    fetched and compiled once, as for a reader going from lesson to lesson."""
    context = browser.new_context()
    outside: list[str] = []
    context.route("**/*", refusing(outside))
    yield lambda page: Visit(browser, f"{server}/{page}.html", context, outside)
    context.close()


TABLES = """async () => {
    await MathJax.startup.promise;
    await MathJax.typesetPromise();
    // what is drawn: the words reading.js adds for screen readers are left out
    const shown = (cell) => {
        const copy = cell.cloneNode(true);
        copy.querySelectorAll(".visually-hidden").forEach((e) => e.remove());
        return copy.textContent.trim();
    };
    const text = (table) => [...table.rows].map((row) => [...row.cells].map(shown));
    return [...document.querySelectorAll("div.cell")]
        .filter((c) => c.querySelector(".cell_output table, .live-output table"))
        .map((c) => [".cell_output table", ".live-output table"].map(
            (s) => c.querySelector(s) && text(c.querySelector(s))));
}"""


@pytest.mark.parametrize("page", LIVE_LESSONS)
def test_every_lesson_runs_live_as_in_the_build(  # type: ignore[no-untyped-def]
    shared,
    site: Path,
    page: str,  # noqa: F811
) -> None:
    """Run the lesson's last cell, which runs every cell above it and the hidden ones after it:
    each cell the page shows prints what the build printed (floats to their last digits, see
    same_text) and displays the same tables, no hidden check fails, and each figure the page
    glues is drawn anew, once, in place."""
    expected = _build_outputs(site, page)
    v = shared(page)
    indices = _enter_live_mode(v)
    assert "numbers in the text stay" in v.page.locator(".live-about").inner_text()
    assert _run(v, indices[-1]) in {"done", "error"}
    shown = v.page.locator("div.cell:has(.live-output)").evaluate_all(
        "cs => cs.map(c => +[...c.classList].find(k => k.startsWith('live-cell-')).slice(10))"
    )
    assert set(indices) <= set(shown)
    for index in shown:
        want, got = expected[index], _live_outputs(v, index)
        errors = any(kind == "error" for kind, _ in want)
        assert _state(v, index) == ("error" if errors else "done"), (index, got)
        assert [k for k, _ in got] == [k for k, _ in want], (index, got, want)
        differ = [
            (a, b)
            for (_, a), (_, b) in zip(got, want, strict=True)
            if not same_text(a, b)
        ]
        assert not differ, (index, differ)
    assert v.page.locator(".live-note").all_text_contents() == []
    # Tables a cell displays as Markdown: rendered by markdown-it-py, typeset by MathJax, the
    # same text cell by cell as the tables the build published.
    for built, live in v.page.evaluate(TABLES):
        assert live is not None and len(live) == len(built)
        for row_live, row_built in zip(live, built, strict=True):
            assert same_text(" | ".join(row_live), " | ".join(row_built))
    if page == "symbolic":  # a table of formulas, typeset live
        assert v.page.locator(".live-output table.table mjx-container").count() > 0
    glued = v.page.locator("figure[class*='live-glue-']")
    drawn = v.page.locator("figure[class*='live-glue-'] img.live-drawn")
    assert drawn.count() == glued.count(), (
        "each glued figure is drawn live, in place"
    )
    assert drawn.evaluate_all(
        "imgs => imgs.every(i => i.alt && i.naturalWidth > 0)"
    )
    assert v.page.locator(".live-badge").count() == glued.count()
    assert v.outside == [], f"requests left the machine: {v.outside}"
    assert v.errors == [], v.errors
    v.page.close()


def test_python_starts_with_live_mode_and_loads_what_the_first_cells_need(  # type: ignore[no-untyped-def]
    visit,
    site: Path,  # noqa: F811
) -> None:
    """Switched on, live mode starts Python with the packages the page's first cell imports
    (and what they depend on, by the lock file): SymPy and matplotlib wait until a cell needs them
    or the first result is in."""
    lock = PyodideLockSpec.from_json(site / "_static/live/pyodide-lock.json")

    def first_needs(page: str) -> set[str]:
        path = site / f"_static/live/cells/{page}.json"
        first = json.loads(path.read_text("utf-8"))["cells"][0]["needs"]
        return _with_dependencies(set(first), lock)

    page = next(p for p in LESSONS if not {"sympy", "matplotlib"} & first_needs(p))
    closure = first_needs(page)
    v = visit(f"{page}.html")
    requested: list[str] = []
    v.page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    _enter_live_mode(v)
    wheels = {n for n in requested if n.endswith(".whl")}
    assert wheels == {lock.packages[n].file_name for n in closure}
    assert v.outside == [] and v.errors == []


def test_after_the_first_result_live_mode_loads_and_imports_the_rest_ahead(  # type: ignore[no-untyped-def]
    visit,
    site: Path,  # noqa: F811
) -> None:
    """After the first result, live mode loads the page's other packages and imports each module
    its cells import, and marks the bar (data-loaded="all"): seen in the wheels fetched and in
    the page's own Python. A package the page does not use loads only when an edit imports it.
    And a figure that an edited cell draws can be opened at full size on a phone."""
    page = "backprop"
    lock = PyodideLockSpec.from_json(site / "_static/live/pyodide-lock.json")
    found = json.loads(
        (site / f"_static/live/cells/{page}.json").read_text("utf-8")
    )
    imports = found["imports"]
    v = visit(f"{page}.html")
    requested: list[str] = []
    v.page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    first, second = _enter_live_mode(v)[:2]
    # The first Run runs the first shown cell and the hidden ones up to the second shown cell:
    # none of them needs matplotlib, which the page's plotting cells import further down.
    before = next(c for c in reversed(found["cells"]) if c["index"] < second)
    assert "matplotlib" not in before["needs"] and "derivatives.plotting" in imports
    assert _run(v, first) == "done"
    v.page.wait_for_selector(
        ".live-bar[data-loaded=all]", state="attached", timeout=180_000
    )
    wheels = {n for n in requested if n.endswith(".whl")}
    needed = _with_dependencies(set(found["cells"][-1]["needs"]), lock)
    assert wheels == {lock.packages[n].file_name for n in needed}
    assert "autograd" not in needed  # the tensors lesson's, not this page's
    _editor(v, first).fill(
        f"import sys\n\nsorted(m for m in {imports!r} if m not in sys.modules)"
    )
    assert _run(v, first) == "done"
    assert _live_outputs(v, first) == [("result", "[]")]
    _editor(v, first).fill("import autograd.numpy as anp\n\nfloat(anp.tanh(0.5))")
    assert _run(v, first) == "done"
    [(kind, text)] = _live_outputs(v, first)
    assert kind == "result" and same_text(text, repr(math.tanh(0.5)))
    assert lock.packages["autograd"].file_name in requested
    # A figure a cell draws is an image, as the page's own are: on a phone, where it is shown
    # smaller than its size, it becomes a button that opens it at full size.
    v.page.set_viewport_size({"width": 390, "height": 844})
    _editor(v, first).fill(
        "from matplotlib.figure import Figure\n\n"
        "fig = Figure(figsize=(7.5, 3.6))\nfig.subplots().plot([0, 1], [1, 0])\nfig"
    )
    assert _run(v, first) == "done"
    drawn = v.page.locator(
        f"div.cell.live-cell-{first} .live-figure img.live-drawn"
    )
    v.page.wait_for_function(
        "i => i.complete && i.naturalWidth > 0 && i.closest('button.figure-zoom')",
        arg=drawn.element_handle(),
        timeout=60_000,
    )
    assert drawn.evaluate("i => i.naturalWidth") > 390
    assert v.outside == [] and v.errors == []


def test_a_mended_cell_runs_again_and_an_edit_reruns_what_follows(  # type: ignore[no-untyped-def]
    shared,
    site: Path,  # noqa: F811
) -> None:
    page = "what-is-a-derivative"
    expected = _build_outputs(site, page)
    v = shared(page)
    first, second = _enter_live_mode(v)[:2]
    source = _editor(v, first).input_value()
    assert "w = 3" in source and source.rstrip().endswith("J(w)")
    # The second cell nudges J, which the first defines: running it runs both.
    _editor(v, first).fill(source.replace("def J", "def not_J"))
    assert _run(v, second) == "stopped"
    assert _state(v, first) == "error"
    assert _live_outputs(v, first)[-1][1].startswith("NameError")
    # Mended (Reset puts back the page's code), the first cell runs again before the second.
    reset = v.page.locator(f"div.cell.live-cell-{first} .live-reset")
    reset.click()
    assert _editor(v, first).input_value() == source and reset.is_hidden()
    assert _run(v, second) == "done"
    assert _live_outputs(v, first) == expected[first]
    assert _live_outputs(v, second) == expected[second]
    assert v.page.locator(f"div.cell.live-cell-{second} .live-note").count() == 0
    # An edit to a cell that ran makes it run again before the cells below it.
    _editor(v, first).fill(source.replace("w = 3", "w = 7"))
    assert _run(v, second) == "done"
    assert _live_outputs(v, first) == [("result", str(7**2))]
    assert _live_outputs(v, second) != expected[second]
    _editor(v, first).fill("def f(x):\n    return 1 / x\n\nf(0)")
    assert _run(v, first) == "error"
    traceback = v.page.locator(
        f"div.cell.live-cell-{first} .live-error"
    ).inner_text()
    assert "Traceback" in traceback and "return 1 / x" in traceback
    assert traceback.rstrip().endswith("ZeroDivisionError: division by zero")
    v.page.locator(f"div.cell.live-cell-{first} .live-reset").click()
    assert v.outside == [] and v.errors == []
    v.page.close()


def test_stop_ends_a_cell_that_never_returns_and_keeps_the_edits(  # type: ignore[no-untyped-def]
    shared,
    site: Path,  # noqa: F811
) -> None:
    page = "what-is-a-derivative"
    expected = _build_outputs(site, page)
    v = shared(page)
    first, second, third = _enter_live_mode(v)[:3]
    endless = "while True:\n    pass"
    _editor(v, second).fill(endless)
    stop = v.page.locator(f"div.cell.live-cell-{second} .live-stop")
    assert stop.is_hidden()
    v.page.locator(f"div.cell.live-cell-{second} .live-run").click()
    v.page.locator(
        f"div.cell.live-cell-{third} .live-run"
    ).click()  # queued behind it
    v.page.wait_for_function(
        f"() => document.querySelector('.live-cell-{second} .live-output')"
        ".dataset.state === 'running'",
        timeout=120_000,
    )
    stop.click()
    v.page.wait_for_function(  # polled: the worker ends at once, Python starts again
        f"() => ['{second}', '{third}'].every(i => document.querySelector("
        "`.live-cell-${i} .live-output`).dataset.state === 'stopped')",
        timeout=60_000,
    )
    assert stop.is_hidden()
    assert _editor(v, second).input_value() == endless  # editors keep their text
    assert (
        "Stopped"
        in v.page.locator(f"div.cell.live-cell-{second} .live-note").inner_text()
    )
    # Python restarted: the next Run runs the cells above again, with the reader's code.
    v.page.locator(f"div.cell.live-cell-{second} .live-reset").click()
    assert _run(v, third) == "done"
    for index in (first, second, third):
        assert _live_outputs(v, index) == expected[index], index
    assert v.outside == [] and v.errors == []
    v.page.close()


def test_edits_are_kept_across_a_reload_until_reset(  # type: ignore[no-untyped-def]
    visit,
) -> None:
    v = visit("symbolic.html")
    first = _enter_live_mode(v, ready=False)[0]
    source = _editor(v, first).input_value()
    _editor(v, first).fill(source + "\n# tried with my own function")
    v.page.reload(wait_until="load")
    assert _enter_live_mode(v, ready=False)[0] == first
    assert (
        _editor(v, first).input_value() == source + "\n# tried with my own function"
    )
    assert "back from your last visit" in v.page.locator(".live-about").inner_text()
    v.page.locator(f"div.cell.live-cell-{first} .live-reset").click()
    assert _editor(v, first).input_value() == source
    v.page.reload(wait_until="load")
    _enter_live_mode(v, ready=False)
    assert _editor(v, first).input_value() == source
    assert v.page.locator(f"div.cell.live-cell-{first} .live-reset").is_hidden()
    assert "last visit" not in v.page.locator(".live-about").inner_text()
    assert v.outside == [] and v.errors == []


def test_the_index_lists_what_live_mode_ships_with_versions_and_licences(
    site: Path,
) -> None:  # noqa: F811
    html = (site / "index.html").read_text(encoding="utf-8")
    table = html.split('id="run-the-lessons-in-your-browser"', 1)[1].split(
        "</table>", 1
    )[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]
    listed = {row[0]: row for row in cells if row}
    lock = json.loads(
        (site / "_static" / "live" / "pyodide-lock.json").read_text(
            encoding="utf-8"
        )
    )
    for entry in lock["packages"].values():
        name = (
            entry["name"]
            if entry["name"] in listed
            else f"{entry['name']} (this site’s package)"
        )
        if entry["name"] == "derivatives-live":
            continue  # listed as the live-mode kernel
        assert listed[name][1] == entry["version"], name
        assert listed[name][2], f"{name} has no licence listed"
