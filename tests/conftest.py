"""Shared test set-up: matplotlib without a display, the mutant a mutation run asks for, and the
one headless Chromium of the browser tests (Playwright allows one per process)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import matplotlib
import pytest
from playwright.sync_api import Browser, sync_playwright

matplotlib.use("Agg")

if os.environ.get("DERIVATIVES_MUTANT"):
    from tests.mutants import plant

    plant(os.environ["DERIVATIVES_MUTANT"])


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield chromium
        chromium.close()
