"""Live mode in headless Chromium: time to the first result, and to each later cell's.

Serves the built site (build/html, as `make html` leaves it) on loopback, refuses every other
request, and for every page with code cells: switches the page to live mode and presses the first
Run at once (Python starts with the switch and loads what the page's first cell needs), waits
until the rest of what the page imports has loaded (as it does while a reader reads), then runs
every later visible cell one by one; with the browser cache warm, times the first result again
side by side with a bare Pyodide start from the same files (the floor), and reports the ratio.
Last, how long Stop takes to end a cell that never returns.
Each later cell runs twice in a row: the second run needs nothing loaded, so the difference is
how long the first one waited. Targets: first result within 15 s on a first visit; on the next,
within 2x the floor where the first cell needs no package beyond this site's own (a first cell
that imports SymPy or NumPy waits for them: reported, with what it loads); no later cell waits
more than 1 s; Stop within 2 s.
Run as a script, with page names to measure only those; `make bench` runs it for every page.
"""

from __future__ import annotations

import functools
import http.server
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"
CELLS = SITE / "_static" / "live" / "cells"  # one file per page with code cells
OWN = {"derivatives", "derivatives-live"}  # this site's own packages
FIRST, WAIT, STOP = 15.0, 1.0, 2.0
RATIO = 2.0  # the first result, warm cache, against a bare Pyodide start from the same files
FINISHED = (
    "o => !['idle', 'queued', 'waiting', 'running'].includes(o.dataset.state)"
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """The built site on a free port of this machine, served from a thread; and its address."""
    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def offline_context(browser: Browser) -> BrowserContext:
    """A fresh context (an empty cache) that refuses every request off this machine."""
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if urlparse(request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    return context


def run_cell(page: Page, index: int) -> float:
    cell = page.locator(f"div.cell.live-cell-{index}")
    output = cell.locator(".live-output").element_handle()
    start = time.perf_counter()
    cell.locator(".live-run").evaluate("b => b.click()")
    page.wait_for_function(f"o => ({FINISHED})(o)", arg=output, timeout=180_000)
    return time.perf_counter() - start


def visible_cells(page: Page) -> list[int]:
    return page.locator("div.cell:has(.live-run)").evaluate_all(
        "cs => cs.map(c => +[...c.classList].find(k => k.startsWith('live-cell-')).slice(10))"
    )


def first_result(page: Page, url: str) -> float:
    """Seconds from switching live mode on to the first cell's result, Run pressed at once."""
    page.goto(url, wait_until="load")
    start = time.perf_counter()
    page.locator(".live-toggle").click()
    page.wait_for_selector(".live-run", state="attached")
    first = visible_cells(page)[0]
    run_cell(page, first)
    return time.perf_counter() - start


def measure(
    page: Page, url: str
) -> tuple[float, int, list[tuple[int, float, float]]]:
    """The first result and the first cell's index; then, everything loaded, each later cell:
    (index, seconds, again)."""
    first = first_result(page, url)
    page.wait_for_selector(
        ".live-bar[data-loaded=all]", state="attached", timeout=180_000
    )
    shown = visible_cells(page)
    later = [(i, run_cell(page, i), run_cell(page, i)) for i in shown[1:]]
    return first, shown[0], later


BARE = """async (base) => {
  const source = `importScripts("${base}/_static/live/pyodide.js");
    self.onmessage = async () => {
      const pyodide = await loadPyodide({ indexURL: "${base}/_static/live/" });
      self.postMessage(pyodide.runPython("1 + 1"));
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const start = performance.now();
  const worker = new Worker(url);
  await new Promise((resolve) => { worker.onmessage = resolve; worker.postMessage(0); });
  worker.terminate();
  return (performance.now() - start) / 1000;
}"""


def bare_start(page: Page, base: str) -> float:
    """The floor: Pyodide alone, from the same files, started in a worker and running 1 + 1."""
    page.goto(f"{base}/index.html", wait_until="load")
    return float(page.evaluate(BARE, base))


def stop_time(page: Page, url: str) -> float:
    """Seconds from pressing Stop on a cell that never returns to its output reading stopped."""
    page.goto(url, wait_until="load")
    page.locator(".live-toggle").click()
    page.wait_for_selector(".live-run", state="attached")
    first = visible_cells(page)[0]
    cell = page.locator(f"div.cell.live-cell-{first}")
    cell.locator("textarea.live-editor").fill("while True:\n    pass")
    cell.locator(".live-run").click()
    state = (
        f"document.querySelector('.live-cell-{first} .live-output').dataset.state"
    )
    page.wait_for_function(f"() => {state} === 'running'", timeout=180_000)
    time.sleep(0.5)  # well inside the loop
    start = time.perf_counter()
    cell.locator(".live-stop").click()
    page.wait_for_function(f"() => {state} === 'stopped'", timeout=60_000)
    stopped = time.perf_counter() - start
    cell.locator(".live-reset").click()
    return stopped


def once(context: BrowserContext, measured: Callable[[Page, str], T], at: str) -> T:
    """A measurement on a page of its own, closed after it (its Python with it)."""
    page = context.new_page()
    try:
        return measured(page, at)
    finally:
        page.close()


def first_needs(page_name: str, index: int) -> list[str]:
    """What cell `index` of the page and the cells above it need beyond this site's own."""
    page = json.loads((CELLS / f"{page_name}.json").read_text(encoding="utf-8"))
    cells = page["cells"]
    needs = next(cell["needs"] for cell in cells if cell["index"] == index)
    return [name for name in needs if name not in OWN]


def main() -> int:
    if not (SITE / "_static" / "live" / "pyodide-lock.json").is_file():
        sys.exit("build the site first: make html")
    pages = sys.argv[1:] or sorted(path.stem for path in CELLS.glob("*.json"))
    httpd, base = serve(SITE)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for name in pages:
            context = offline_context(browser)  # a fresh cache: a first visit
            url = f"{base}/{name}.html"
            first, index, later = once(context, measure, url)
            needs = first_needs(name, index)
            # The browser cache warm (the next visit): the floor, then live mode.
            bare = statistics.median(
                once(context, bare_start, base) for _ in range(3)
            )
            warm = statistics.median(
                once(context, first_result, url) for _ in range(3)
            )
            rows.append((name, first, later, bare, warm, needs))
            context.close()
        context = offline_context(browser)
        url = f"{base}/{pages[0]}.html"
        stopped = max(once(context, stop_time, url) for _ in range(3))
        context.close()
        browser.close()
    httpd.shutdown()
    print("Live mode in headless Chromium (site on loopback, no network):")
    print(
        f"  {'page':<22}{'first s':>8}{'warm s':>7}{'bare s':>7}{'ratio':>6}"
        f"  {'later':>5}{'median s':>9}{'max wait s':>11}  first cell needs"
    )
    ok = stopped <= STOP
    for name, first, later, bare, warm, needs in rows:
        waits = [seconds - again for _, seconds, again in later]
        median = statistics.median([seconds for _, seconds, _ in later] or [0.0])
        ratio = warm / bare
        print(
            f"  {name:<22}{first:>8.1f}{warm:>7.2f}{bare:>7.2f}{ratio:>6.2f}"
            f"  {len(later):>5}{median:>9.2f}{max(waits, default=0.0):>11.2f}"
            f"  {', '.join(needs) or '-'}"
        )
        ok = ok and first <= FIRST and max(waits, default=0.0) <= WAIT
        ok = ok and (ratio <= RATIO or bool(needs))
    print(
        f"  Stop ends a cell that never returns in {stopped:.2f} s at most (3 tries)"
    )
    print(
        f"  first result <= {FIRST:.0f} s (cold cache), <= {RATIO} x a bare Pyodide start "
        f"(warm) where the first cell needs nothing more, no later cell waiting more than "
        f"{WAIT:.0f} s, Stop <= {STOP:.0f} s: {ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
