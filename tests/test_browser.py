"""The built site in headless Chromium, with every request that would leave this machine refused.

Each page is checked as a reader meets it: formulas typeset, images drawn, no console error, no
request leaving the machine, copy buttons that copy prompt-free code, a notebook download on every
lesson, and a search that finds a lesson.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from tests.test_site import LESSONS

# Playwright itself is loaded by the browser fixture (conftest.py), never by a unit run.
if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

PAGES = ["index", *LESSONS, "api"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def refusing(outside: list[str]) -> Callable[[Route, Request], None]:
    """A route handler that lets requests to this machine through and refuses, recording it,
    every other."""

    def route(route: Route, request: Request) -> None:
        if urlparse(request.url).hostname in LOCAL_HOSTS or request.url.startswith(
            "data:"
        ):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort("internetdisconnected")

    return route


class Visit:
    """A page opened in a fresh context that refuses and records every non-local request; or in
    a given context, whose refused requests go to `outside`."""

    def __init__(
        self,
        browser: Browser,
        url: str,
        context: BrowserContext | None = None,
        outside: list[str] | None = None,
    ) -> None:
        self.outside: list[str] = [] if outside is None else outside
        if context is None:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            context.route("**/*", refusing(self.outside))
        self.context = context
        self.errors: list[str] = []
        self.page: Page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="load")


@pytest.fixture
def visit(browser: Browser, server: str) -> Iterator[functools.partial[Visit]]:
    opened: list[Visit] = []

    def open_page(page: str) -> Visit:
        v = Visit(browser, f"{server}/{page}")
        opened.append(v)
        return v

    yield open_page  # type: ignore[misc]
    for v in opened:
        v.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline(visit, name: str) -> None:  # type: ignore[no-untyped-def]
    v = visit(f"{name}.html")
    page = v.page
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
    )
    page.evaluate("() => MathJax.startup.promise")
    math = page.locator(".math").count()
    typeset = page.locator(".math mjx-container").count()
    assert typeset == math, f"{typeset} of {math} formulas typeset"
    assert page.locator("mjx-merror").count() == 0, "a formula failed to typeset"
    broken = page.evaluate(
        "() => [...document.images]"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == [], f"images not drawn: {broken}"
    assert v.outside == [], f"requests left the machine: {v.outside}"
    assert v.errors == [], f"console errors: {v.errors}"
    if name != "api":
        assert math > 0, "every lesson shows formulas"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_offers_its_notebook(visit, server: str, name: str) -> None:  # type: ignore[no-untyped-def]
    v = visit(f"{name}.html")
    link = v.page.locator('a[href$=".ipynb"]')
    assert link.count() >= 1, "no notebook download"
    href = link.first.get_attribute("href")
    response = v.page.request.get(f"{server}/{href.lstrip('./')}" if href else "")
    assert response.ok
    notebook = response.json()
    assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 3
    assert v.page.locator('a[href$=".md"]').count() >= 1, (
        "no Markdown source download"
    )


def _copy(v: Visit, block: str) -> str:
    button = v.page.locator(f"{block} button.copybtn").first
    button.scroll_into_view_if_needed()
    button.click(force=True)
    return str(v.page.evaluate("() => navigator.clipboard.readText()"))


def test_copy_button_strips_doctest_prompts_and_outputs(visit) -> None:  # type: ignore[no-untyped-def]
    v = visit("api.html")
    block = "dl.py.function div.highlight"
    shown = v.page.locator(f"{block} pre").first.inner_text()
    assert ">>> " in shown
    expected = [
        line[4:] for line in shown.splitlines() if line.startswith((">>> ", "... "))
    ]
    outputs = [
        line
        for line in shown.splitlines()
        if line and not line.startswith((">>>", "..."))
    ]
    assert outputs, "the example shows its output"
    copied = _copy(v, block)
    copied_lines = [line for line in copied.splitlines() if line.strip()]
    assert copied_lines == expected, "prompts stripped, outputs left out"
    compile(copied, "<copied>", "exec")


def test_copy_button_strips_shell_prompts(visit) -> None:  # type: ignore[no-untyped-def]
    v = visit("index.html")
    copied = _copy(v, "div.highlight-console")
    assert copied.splitlines()[0].startswith("make html")
    assert "$ " not in copied


def test_copy_button_on_a_lesson_copies_the_code_cell(visit) -> None:  # type: ignore[no-untyped-def]
    v = visit("index.html")
    assert v.page.locator("div.cell_input button.copybtn").count() >= 1
    text = _copy(v, "div.cell_input")
    assert "from derivatives import" in text
    compile(text, "<copied>", "exec")


def test_search_finds_a_lesson(visit) -> None:  # type: ignore[no-untyped-def]
    v = visit("search.html?q=backpropagation")
    # Results appear one at a time; the summary says when the last one is listed.
    v.page.wait_for_function(
        "() => /Search finished/.test("
        "document.querySelector('#search-results .search-summary')?.textContent || '')",
        timeout=60000,
    )
    links = v.page.locator("#search-results li a").evaluate_all(
        "as => as.map(a => a.href)"
    )
    assert any("backprop.html" in link for link in links), links
    assert v.outside == []


def test_glued_numbers_read_as_prose_and_only_marked_results_are_bold(
    visit,
) -> None:  # type: ignore[no-untyped-def]
    page = visit("what-is-a-derivative.html").page
    weights = page.eval_on_selector_all(
        "span.pasted-text",
        """spans => spans.map(s => [getComputedStyle(s).fontWeight,
                                   getComputedStyle(s.parentElement).fontWeight,
                                   s.closest('strong') !== null])""",
    )
    assert len(weights) > 10
    # a glued number has the weight of the text around it: bold only inside **...**
    assert all(own == parent for own, parent, _ in weights), weights
    assert any(strong and int(own) >= 600 for own, _, strong in weights)
    assert all(int(own) < 600 for own, _, strong in weights if not strong)
