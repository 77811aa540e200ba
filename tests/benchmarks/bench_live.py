"""Live mode in headless Chromium: time to the first result, and to each later cell's.

Serves the built site (build/html, as `make html` leaves it) on loopback, refuses every other
request, and for each lesson measured: switches the page to live mode, presses the first Run
(which loads Python and runs the cell) and then runs every later visible cell one by one.
Targets: first result within 15 s, later cells within 2 s each. Run as a script; `make bench`
runs it.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"
LESSONS = ("what-is-a-derivative", "symbolic", "backprop")
FIRST, LATER = 15.0, 2.0
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


def measure(page: Page, url: str) -> tuple[float, list[float]]:
    page.goto(url, wait_until="load")
    page.locator(".live-toggle").click()
    page.wait_for_selector(".live-run", state="attached")
    indices = page.locator("div.cell:has(.live-run)").evaluate_all(
        "cs => cs.map(c => +[...c.classList].find(k => k.startsWith('live-cell-')).slice(10))"
    )
    first = run_cell(page, indices[0])
    return first, [run_cell(page, index) for index in indices[1:]]


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
            context = offline_context(
                browser
            )  # a fresh cache: the reader's first visit
            first, later = measure(context.new_page(), f"{base}/{lesson}.html")
            rows.append((lesson, first, later))
            context.close()
        browser.close()
    httpd.shutdown()
    print("Live mode in headless Chromium (site on loopback, no network):")
    print(
        f"  {'lesson':<24}{'first result s':>15}{'later cells':>12}{'median s':>10}{'max s':>8}"
    )
    for lesson, first, later in rows:
        print(
            f"  {lesson:<24}{first:>15.1f}{len(later):>12}"
            f"{statistics.median(later):>10.2f}{max(later):>8.2f}"
        )
    ok = all(first <= FIRST and max(later) <= LATER for _, first, later in rows)
    print(
        f"  first result <= {FIRST:.0f} s and every later cell <= {LATER:.0f} s: {ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
