"""Live mode: the lessons' code runs in the browser from files the site serves, the network cut.

The runtime the build ships is checked against Pyodide's own lock file; in headless Chromium every
visible cell of a lesson runs live and prints what the build printed for that cell.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import Visit, visit  # noqa: F401  (fixtures)
from tests.test_site import ROOT, site  # noqa: F401  (the built-site fixture)

sys.path.insert(0, str(ROOT / "conf"))
import live_runtime  # noqa: E402  (conf/live_runtime.py, what `make live-runtime` runs)

# What-is-a-derivative draws figures; backprop builds the engine; symbolic shows LaTeX and an error.
LIVE_LESSONS = ["what-is-a-derivative", "backprop", "symbolic"]
FINISHED = (
    "o => !['idle', 'queued', 'waiting', 'running'].includes(o.dataset.state)"
)


NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def same_text(live: str, built: str) -> bool:
    """Equal text, except that a float may differ in its last bits: the browser's math library
    (musl, compiled to WebAssembly) rounds tanh, exp or log differently from the build's (glibc)
    in the last place, as C libraries may. So two full-precision floats may differ by a few units in
    the last place; everything else must match character for character."""
    if NUMBER.sub("#", live.strip()) != NUMBER.sub("#", built.strip()):
        return False
    pairs = zip(NUMBER.findall(live), NUMBER.findall(built), strict=True)
    return all(
        a == b
        or min(len(a), len(b)) >= 17
        and abs(float(a) - float(b)) <= 4 * math.ulp(float(b))
        for a, b in pairs
    )


def test_same_text_allows_last_bits_only() -> None:
    assert same_text("(0.7071067811865476, 2)", "(0.7071067811865477, 2)")
    assert not same_text("(0.7071067811865466, 2)", "(0.7071067811865477, 2)")
    assert not same_text("(0.7071067811865477, 3)", "(0.7071067811865477, 2)")
    assert not same_text("Value(data=1.0)", "Value(data=1.00)")
    assert not same_text("k = 6.001", "k = 6.0010000000000001")


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
        if kind == "error":
            text = text.rstrip("\n").splitlines()[
                -1
            ]  # the traceback's last line: "Name: value"
        if (
            kind != "glued"
        ):  # a figure the page shows elsewhere, shown live under its cell
            found.append((kind, text))
    return found


def _run(v: Visit, index: int, timeout: float = 120_000) -> str:
    cell = v.page.locator(f"div.cell.live-cell-{index}")
    cell.locator(".live-run").evaluate("b => b.click()")  # folded solutions run too
    output = cell.locator(".live-output")
    v.page.wait_for_function(
        f"o => ({FINISHED})(o)", arg=output.element_handle(), timeout=timeout
    )
    return str(output.get_attribute("data-state"))


def _enter_live_mode(visit: Any, page: str) -> tuple[Visit, list[int]]:  # noqa: F811
    v = visit(f"{page}.html")
    requested: list[str] = []
    v.page.on("request", lambda r: requested.append(r.url))
    v.page.wait_for_load_state(
        "networkidle"
    )  # all the page loads before Run, loaded
    v.page.locator(".live-toggle").click()
    v.page.wait_for_selector(".live-run", state="attached")
    assert not [
        u for u in requested if "/_static/live/" in u and "/cells/" not in u
    ], "nothing of the runtime loads before Run"
    indices = v.page.locator("div.cell:has(.live-run)").evaluate_all(
        "cs => cs.map(c => +[...c.classList].find(k => k.startsWith('live-cell-')).slice(10))"
    )
    return v, indices


@pytest.mark.parametrize("page", LIVE_LESSONS)
def test_every_visible_cell_runs_live_as_in_the_build(
    visit, site: Path, page: str
) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    expected = _build_outputs(site, page)
    v, indices = _enter_live_mode(visit, page)
    assert len(indices) >= 3
    figures = 0
    for index in indices:
        state = _run(v, index)
        want = expected[index]
        got = _live_outputs(v, index)
        assert state == (
            "error" if any(k == "error" for k, _ in want) else "done"
        ), (index, got)
        assert [k for k, _ in got] == [k for k, _ in want], (index, got, want)
        assert all(
            same_text(a, b) for (_, a), (_, b) in zip(got, want, strict=True)
        ), index
        figures += v.page.locator(
            f"div.cell.live-cell-{index} .live-figure svg"
        ).count()
    if page == "what-is-a-derivative":
        assert figures >= 1, "the lesson's figures are drawn live"
    assert v.outside == [], f"requests left the machine: {v.outside}"
    assert v.errors == [], v.errors


def test_a_later_cell_runs_the_cells_it_depends_on_and_edits_count(
    visit, site: Path
) -> None:  # type: ignore[no-untyped-def]
    page = "what-is-a-derivative"
    expected = _build_outputs(site, page)
    v, indices = _enter_live_mode(visit, page)
    first, second = indices[0], indices[1]
    # The second cell nudges J, which the first cell defines: running it alone runs both.
    assert _run(v, second) == "done"
    assert _live_outputs(v, second) == expected[second]
    editor = v.page.locator(f"div.cell.live-cell-{first} textarea.live-editor")
    code = editor.input_value()
    assert "w = 3" in code and code.rstrip().endswith("J(w)")
    editor.fill(code.replace("w = 3", "w = 7"))
    assert _run(v, first) == "done"
    assert _live_outputs(v, first) == [("result", str(7**2))]
    editor.fill("def f(x):\n    return 1 / x\n\nf(0)")
    assert _run(v, first) == "error"
    traceback = (
        v.page.locator(f"div.cell.live-cell-{first} .live-error").text_content()
        or ""
    )
    assert "Traceback" in traceback and "return 1 / x" in traceback
    assert traceback.rstrip().endswith("ZeroDivisionError: division by zero")
    assert v.outside == []


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


def test_markdown_a_cell_displays_is_rendered_live_as_the_build_rendered_it(
    visit,
) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A table with formulas, displayed as Markdown: markdown-it-py renders it in the browser
    and MathJax typesets it, to the same text, row by row, as the table the build published."""
    v, indices = _enter_live_mode(visit, "symbolic")
    assert _run(v, indices[-1]) in {"done", "error"}  # runs every cell above it
    pairs = v.page.evaluate(
        """async () => {
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
    )
    assert pairs, "the lesson displays a Markdown table"
    for built, live in pairs:
        assert live == built
        assert any(
            "J" in cell for cell in built[0]
        )  # a typeset formula in the header
    assert v.page.locator(".live-output table.table mjx-container").count() > 0
    assert v.outside == [] and v.errors == []
