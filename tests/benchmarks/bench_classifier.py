"""The classifier lesson's training cell: its time in CPython and in live mode.

CPython: the page's visible cells (docs/classifier.md) run in order in one namespace, as a
reader copying them would, and the training cell is timed; best of three runs, each from the
start of the page (the cell trains the network that the cells before it made). Live mode: the
built page (build/html, as `make html` leaves it) in headless Chromium on loopback, switched to
live mode, its cells run one by one up to the training cell, which is timed. Targets: 10 s in
CPython, 30 s live. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
from pathlib import Path

from bench_live import SITE, offline_context, run_cell, serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "classifier.md"
CPYTHON, LIVE = 10.0, 30.0
REPEATS = 3
TRAINING = "sgd_step(net.parameters(), learning_rate)"  # the line only the training cell has
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)
HIDDEN = ("remove-cell", "remove-input", "hide-cell")


def visible_cells() -> list[str]:
    """The page's visible code cells, in order, without their option lines."""
    cells = []
    for match in CELL.finditer(PAGE.read_text(encoding="utf-8")):
        body = match.group(1)
        options, _, code = (
            body[4:].partition("\n---\n")
            if body.startswith("---\n")
            else ("", "", body)
        )
        lines = code.split("\n")
        while lines and lines[0].startswith(":"):
            options += lines.pop(0)
        if not any(tag in options for tag in HIDDEN):
            cells.append("\n".join(lines))
    return cells


def cpython_time() -> tuple[float, int]:
    """Best wall time of the training cell over REPEATS runs of the page, and its step count."""
    import matplotlib

    matplotlib.use("Agg")
    cells = visible_cells()
    training = next(i for i, cell in enumerate(cells) if TRAINING in cell)
    best, steps = float("inf"), 0
    for _ in range(REPEATS):
        namespace: dict[str, object] = {"__name__": "__main__"}
        with contextlib.redirect_stdout(io.StringIO()):  # what the cells print
            for cell in cells[:training]:
                exec(compile(cell, str(PAGE), "exec"), namespace)  # noqa: S102 - the page's own code
            start = time.perf_counter()
            exec(compile(cells[training], str(PAGE), "exec"), namespace)  # noqa: S102
            best = min(best, time.perf_counter() - start)
        steps = len(namespace["losses"])  # type: ignore[arg-type]
    return best, steps


def live_time() -> float:
    """Seconds from pressing the training cell's Run to its result, in live mode."""
    httpd, base = serve(SITE)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            context = offline_context(browser)
            page = context.new_page()
            page.goto(f"{base}/classifier.html", wait_until="load")
            page.locator(".live-toggle").click()
            page.wait_for_selector(".live-run", state="attached")
            cells = page.locator("div.cell:has(.live-run)")
            indices = cells.evaluate_all(
                "cs => cs.map(c => +[...c.classList]"
                ".find(k => k.startsWith('live-cell-')).slice(10))"
            )
            sources = cells.evaluate_all(
                "cs => cs.map(c => c.querySelector('.live-editor').value)"
            )
            training = next(i for i, s in enumerate(sources) if TRAINING in s)
            for index in indices[:training]:
                run_cell(page, index)
            seconds = run_cell(page, indices[training])
            state = page.locator(
                f"div.cell.live-cell-{indices[training]} .live-output"
            ).get_attribute("data-state")
            browser.close()
            if state != "done":
                sys.exit(f"the training cell ended in state {state!r}")
            return seconds
    finally:
        httpd.shutdown()


def main() -> int:
    if not (SITE / "_static" / "live" / "pyodide-lock.json").is_file():
        sys.exit("build the site first: make html")
    cpython, steps = cpython_time()
    live = live_time()
    load = os.getloadavg()[0]
    print(
        f"Classifier lesson: the training cell ({steps} steps), load average {load:.1f}"
    )
    print(f"  {'where':<28}{'seconds':>9}{'target':>9}")
    print(
        f"  {'CPython, best of ' + str(REPEATS):<28}{cpython:>9.1f}{CPYTHON:>9.0f}"
    )
    print(f"  {'live mode (Pyodide)':<28}{live:>9.1f}{LIVE:>9.0f}")
    ok = cpython <= CPYTHON and live <= LIVE
    print(f"  both within their targets: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
