"""Graph exercises in headless Chromium: time from Enter in a box to its verdict.

Serves the built site (build/html, as `make html` leaves it) on loopback, refuses every other
request, and on each page with exercises types a wrong number into every box and presses Enter,
timing in the page from the key event to the box's data-verdict. Target: every verdict within
100 ms. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bench_live import offline_context, serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"
PAGES = ("partial-derivatives", "computation-graph", "backprop", "forward-reverse")
TARGET_MS = 100.0

# For each box: fill it, then time a real Enter key event until data-verdict is set.
TIME_EVERY_BOX = """() => [...document.querySelectorAll('.graph-exercise input[data-field]')]
  .map((box) => {
    box.value = '12345';
    delete box.dataset.verdict;
    const start = performance.now();
    box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    if (!box.dataset.verdict) return Infinity;
    return performance.now() - start;
  })"""


def main() -> int:
    if not (SITE / "backprop.html").is_file():
        sys.exit("build the site first: make html")
    httpd, base = serve(SITE)
    worst = 0.0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        context = offline_context(browser)
        page = context.new_page()
        print(f"{'page':<22} {'boxes':>5} {'median ms':>10} {'max ms':>8}")
        for name in PAGES:
            page.goto(f"{base}/{name}.html", wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.graph-exercise')]"
                ".every(e => e.dataset.ready)"
            )
            times = page.evaluate(TIME_EVERY_BOX)
            worst = max(worst, *times)
            print(
                f"{name:<22} {len(times):>5} {statistics.median(times):>10.2f} "
                f"{max(times):>8.2f}"
            )
        browser.close()
    httpd.shutdown()
    ok = worst <= TARGET_MS
    print(
        f"slowest verdict {worst:.2f} ms: {'within' if ok else 'MISSES'} {TARGET_MS:g} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
