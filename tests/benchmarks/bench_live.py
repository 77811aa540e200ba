"""Live mode in headless Chromium: time to the first result, and to each later cell's.

Serves the built site (build/html, as `make html` leaves it) on loopback, refuses every other
request, and for each lesson measured: switches the page to live mode and presses the first Run
at once (Python starts with the switch; the page's first cell needs only some packages), then
runs every later visible cell one by one; with the browser cache warm, times the first result
again side by side with a bare Pyodide start from the same files (the floor), and reports the
ratio. Last, how long Stop takes to end a cell that never returns.
Targets: first result within 15 s on a first visit and within 2x the floor on the next, later
cells within 2 s each, Stop within 2 s. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import functools
import http.server
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
LESSONS = ("what-is-a-derivative", "symbolic", "backprop")
FIRST, LATER, STOP = 15.0, 2.0, 2.0
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


def measure(page: Page, url: str) -> tuple[float, list[float]]:
    first = first_result(page, url)
    return first, [run_cell(page, index) for index in visible_cells(page)[1:]]


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


def main() -> int:
    if not (SITE / "_static" / "live" / "pyodide-lock.json").is_file():
        sys.exit("build the site first: make html")
    httpd, base = serve(SITE)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for lesson in LESSONS:
            context = offline_context(browser)  # a fresh cache: a first visit
            url = f"{base}/{lesson}.html"
            first, later = once(context, measure, url)
            # The browser cache warm (the next visit): the floor, then live mode.
            bare = statistics.median(
                once(context, bare_start, base) for _ in range(3)
            )
            warm = statistics.median(
                once(context, first_result, url) for _ in range(3)
            )
            rows.append((lesson, first, later, bare, warm))
            context.close()
        context = offline_context(browser)
        url = f"{base}/{LESSONS[0]}.html"
        stopped = max(once(context, stop_time, url) for _ in range(3))
        context.close()
        browser.close()
    httpd.shutdown()
    print("Live mode in headless Chromium (site on loopback, no network):")
    print(
        f"  {'lesson':<22}{'first s':>8}{'later':>6}{'median s':>9}{'max s':>7}"
        f"{'warm first s':>13}{'bare Pyodide s':>15}{'ratio':>7}"
    )
    for lesson, first, later, bare, warm in rows:
        print(
            f"  {lesson:<22}{first:>8.1f}{len(later):>6}"
            f"{statistics.median(later):>9.2f}{max(later):>7.2f}"
            f"{warm:>13.2f}{bare:>15.2f}{warm / bare:>7.2f}"
        )
    print(
        f"  Stop ends a cell that never returns in {stopped:.2f} s at most (3 tries)"
    )
    ok = all(
        first <= FIRST and max(later) <= LATER and warm / bare <= RATIO
        for _, first, later, bare, warm in rows
    )
    ok = ok and stopped <= STOP
    print(
        f"  first result <= {FIRST:.0f} s (cold cache), <= {RATIO} x a bare Pyodide start "
        f"(warm), every later cell <= {LATER:.0f} s, Stop <= {STOP:.0f} s: {ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
