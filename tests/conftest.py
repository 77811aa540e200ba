"""Shared test set-up: matplotlib without a display, the mutant a mutation run asks for, the
markers that split the quick tier from the site's tests, and the built site served to one headless
Chromium that every browser test shares (Playwright is imported by that fixture only, so that
`make check` never loads it)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pytest
from hypothesis import settings

from tests.test_site import site  # noqa: F401  (the built-site fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

matplotlib.use("Agg")
# Property tests assert values, never speed (speed is `make bench`'s): no per-example deadline,
# which a machine busy with other work would otherwise turn into a failure.
settings.register_profile("derivatives", deadline=None)
settings.load_profile("derivatives")

if os.environ.get("DERIVATIVES_MUTANT"):
    from tests.mutants import plant

    plant(os.environ["DERIVATIVES_MUTANT"])


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the built site is marked `site`, one that uses the browser `browser` too:
    `make check` runs neither (tests that build a site themselves carry the marker)."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if "browser" in uses:
            item.add_marker(pytest.mark.browser)
        if uses & {"site", "browser"}:
            item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:  # noqa: F811
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield chromium
        chromium.close()
