"""The site on a phone and from the keyboard, in headless Chromium with the network cut.

On a 390 px screen the sidebar buttons open the lesson list and the page's contents, no page is
wider than the screen, and every figure shrunk to fit opens at full size from the keyboard, its text
as large as on a desktop. Formulas are not tab stops. axe-core (tests/axe_core.py) checks every
page, in light mode on a desktop and in dark mode on a phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests import axe_core
from tests.test_browser import refusing
from tests.test_legibility import SMALLEST_TEXT, figure_text_of
from tests.test_site import LESSONS, site  # noqa: F401  (the built-site fixture)

PAGES = ["index", *LESSONS, "api", "genindex", "py-modindex", "search"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
# The rules that folded blocks, table headers and search buttons once broke; now held at zero.
NAMED_RULES = {"label-content-name-mismatch", "empty-table-header", "region"}


class Reader:
    """One browser context (a screen size and a colour scheme) whose requests stay local."""

    def __init__(
        self, browser: Browser, server: str, viewport: dict[str, int], scheme: str
    ) -> None:
        self.server = server
        self.context: BrowserContext = browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            color_scheme=scheme,  # type: ignore[arg-type]
        )
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", refusing(self.outside))
        self.page: Page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, name: str) -> Page:
        """A page loaded, its formulas typeset."""
        self.page.goto(f"{self.server}/{name}.html", wait_until="load")
        self.page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
        return self.page


@pytest.fixture(scope="module")
def phone(browser: Browser, server: str) -> Iterator[Reader]:
    reader = Reader(browser, server, PHONE, "light")
    yield reader
    reader.context.close()


@pytest.fixture(scope="module")
def desktop(browser: Browser, server: str) -> Iterator[Reader]:
    reader = Reader(browser, server, DESKTOP, "light")
    yield reader
    reader.context.close()


# -- The sidebar drawers ------------------------------------------------------------------------


def _shown(page: Page, selector: str) -> Any:
    """The one element matching the selector that a reader sees."""
    found = page.locator(selector).filter(visible=True)
    assert found.count() == 1, f"{found.count()} visible {selector}"
    return found.first


def test_the_lesson_list_opens_in_a_drawer_on_a_phone(phone: Reader) -> None:
    page = phone.open("step-size")
    drawer = page.locator("#pst-primary-sidebar-modal")
    assert not drawer.is_visible()
    button = _shown(page, "button.primary-toggle")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar-modal').open"
    )
    for name in [n for n in LESSONS if n != "step-size"]:  # within reach of a thumb
        link = drawer.locator(f'a[href="{name}.html"]')
        assert link.is_visible(), f"{name} not in the drawer"
        box = link.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => !document.querySelector('#pst-primary-sidebar-modal').open"
    )
    assert page.evaluate(
        "() => document.activeElement.classList.contains('primary-toggle')"
    )
    button.click()  # a tap opens it too
    page.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar-modal').open"
    )
    drawer.locator('a[href="backprop.html"]').click()
    page.wait_for_url("**/backprop.html")
    assert phone.errors == [] and phone.outside == []


def test_the_page_contents_open_in_a_drawer_on_a_phone(phone: Reader) -> None:
    page = phone.open("step-size")
    sections = page.locator("article.bd-article section > h2").evaluate_all(
        "hs => hs.map(h => '#' + h.parentElement.id)"
    )
    assert len(sections) >= 3
    _shown(page, "button.secondary-toggle").click()
    page.wait_for_function(
        "() => document.querySelector('#pst-secondary-sidebar-modal').open"
    )
    drawer = page.locator("#pst-secondary-sidebar-modal")
    for anchor in sections:  # the page's sections, as its headings give them
        assert drawer.locator(f'a[href="{anchor}"]').is_visible(), anchor
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => !document.querySelector('#pst-secondary-sidebar-modal').open"
    )
    _shown(page, "button.secondary-toggle").click()
    chosen = sections[len(sections) // 2]
    drawer.locator(
        f'a[href="{chosen}"]'
    ).click()  # the drawer closes on the section
    page.wait_for_function(
        "() => !document.querySelector('#pst-secondary-sidebar-modal').open"
    )
    page.wait_for_function(  # the section starts near the top of the screen
        "id => { const top = document.getElementById(id).getBoundingClientRect().top;"
        " return location.hash === '#' + id && top >= -1 && top < innerHeight / 2; }",
        arg=chosen[1:],
    )
    assert phone.errors == [] and phone.outside == []


def test_the_sidebar_button_folds_the_lesson_list_on_a_desktop(
    desktop: Reader,
) -> None:
    page = desktop.open("step-size")
    sidebar = page.locator("#pst-primary-sidebar")
    article = page.locator("article.bd-article")
    before = article.bounding_box()
    assert sidebar.is_visible() and before
    _shown(page, "button.primary-toggle").click()
    page.wait_for_function(  # folded away: hidden, its room given to the text
        "() => getComputedStyle(document.querySelector('#pst-primary-sidebar'))"
        ".visibility === 'hidden'"
        " && document.querySelector('article.bd-article').getBoundingClientRect().x"
        f" < {before['x'] - 100}"
    )
    assert not page.locator("#pst-primary-sidebar-modal").is_visible()


# -- Phone layout ------------------------------------------------------------------------------

MEASURE = """() => {
  const figures = [...document.querySelectorAll('article.bd-article img')]
    .filter(i => i.src.endsWith('.svg') && i.getBoundingClientRect().width > 0);
  const shrunk = figures.filter(i => i.getBoundingClientRect().width < 0.9 * i.naturalWidth);
  return {
    width: document.documentElement.scrollWidth,
    figures: figures.length,
    shrunk: shrunk.length,
    closed: shrunk.filter(i => !i.closest('button.figure-zoom')).map(i => i.alt.slice(0, 60)),
  };
}"""


# The toggle events of opened blocks run as tasks; reading.js rewraps figures on the next frame.
AFTER_THE_TOGGLES = """() => new Promise(done => setTimeout(() =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""


@pytest.fixture(scope="module")
def on_a_phone(phone: Reader) -> dict[str, dict[str, Any]]:
    """Every page at 390 px with its folded blocks opened, measured once."""
    measured = {}
    for name in PAGES:
        page = phone.open(name)
        page.evaluate(
            "() => document.querySelectorAll('details').forEach(d => d.open = true)"
        )
        page.evaluate(AFTER_THE_TOGGLES)
        measured[name] = page.evaluate(MEASURE)
    assert phone.errors == [] and phone.outside == []
    return measured


@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_a_phone(
    on_a_phone: dict[str, dict[str, Any]], name: str
) -> None:
    assert on_a_phone[name]["width"] <= PHONE["width"]


@pytest.mark.parametrize("name", PAGES)
def test_every_shrunk_figure_is_a_button_to_its_full_size(
    on_a_phone: dict[str, dict[str, Any]], name: str
) -> None:
    assert on_a_phone[name]["closed"] == []


def test_lessons_shrink_figures_on_a_phone(
    on_a_phone: dict[str, dict[str, Any]],
) -> None:
    """The test above has figures to check: on a phone most lessons shrink some."""
    shrinking = [name for name in LESSONS if on_a_phone[name]["shrunk"]]
    assert len(shrinking) >= len(LESSONS) // 2, shrinking


def test_a_figure_opens_at_full_size_from_the_keyboard(
    phone: Reader,
    site: Path,  # noqa: F811
) -> None:
    page = phone.open("step-size")
    figure = page.locator("button.figure-zoom").first
    source = figure.locator("img").evaluate("i => new URL(i.src).pathname")
    text = figure_text_of(site / source.lstrip("/"))
    shown = figure.locator("img").bounding_box()
    assert shown
    assert text.smallest * shown["width"] / text.viewbox_width < SMALLEST_TEXT[1400]
    figure.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.figure-dialog")
    page.wait_for_function(
        "() => document.querySelector('dialog.figure-dialog').open"
    )
    large = dialog.locator("img")
    page.wait_for_function("i => i.complete", arg=large.element_handle())
    width = large.evaluate("i => i.getBoundingClientRect().width")
    assert width == pytest.approx(large.evaluate("i => i.naturalWidth"), abs=1)
    px = text.smallest * width / text.viewbox_width
    assert px >= SMALLEST_TEXT[1400] - 0.05, f"figure text {px:.1f} px at full size"
    view = dialog.locator(".figure-dialog__view")
    assert view.evaluate("v => v.scrollWidth > v.clientWidth"), "wider than a phone"
    page.keyboard.press("Tab")  # from the Close button to the figure, which scrolls
    assert view.evaluate("v => v === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("v => v.scrollLeft > 0", arg=view.element_handle())
    assert (
        page.evaluate("() => document.documentElement.scrollWidth")
        <= PHONE["width"]
    )
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => !document.querySelector('dialog.figure-dialog').open"
    )
    assert figure.evaluate("b => b === document.activeElement")


# -- Keyboard ----------------------------------------------------------------------------------


def test_formulas_are_not_tab_stops(desktop: Reader) -> None:
    """Tab goes from link to link: a formula is a stop only when it scrolls sideways."""
    page = desktop.open("step-size")
    found = page.evaluate(
        """() => {
      const math = [...document.querySelectorAll('.math')];
      const stops = math.flatMap(m => [m, ...m.querySelectorAll('*')])
        .filter(e => e.tabIndex >= 0 && e.getAttribute('tabindex') !== null);
      return {
        formulas: math.length,
        stops: stops.filter(e => e.scrollWidth <= e.clientWidth + 1).length,
      };
    }"""
    )
    assert found["formulas"] > 100
    assert found["stops"] == 0
    page.keyboard.press("Tab")
    for _ in range(40):  # the first forty stops from the top of the page
        page.keyboard.press("Tab")
        assert not page.evaluate("() => !!document.activeElement.closest('.math')")


# -- axe-core ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_core.source()


@pytest.fixture(scope="module")
def dark_phone(browser: Browser, server: str) -> Iterator[Reader]:
    reader = Reader(browser, server, PHONE, "dark")
    yield reader
    reader.context.close()


def test_axe_core_is_the_pinned_file() -> None:
    data = axe_core.tarball().read_bytes()
    assert axe_core.integrity(data) == axe_core.INTEGRITY
    assert axe_core.integrity(data + b" ") != axe_core.INTEGRITY


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violation(
    desktop: Reader, dark_phone: Reader, axe: str, name: str, scheme: str
) -> None:
    """Light on a desktop, dark on a phone: no serious or critical violation, none of those
    the site once had."""
    reader = desktop if scheme == "light" else dark_phone
    page = reader.open(name)
    assert page.evaluate("() => document.documentElement.dataset.theme") == scheme
    page.add_script_tag(content=axe)
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
      .violations.map(v => ({id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    found = [
        v
        for v in violations
        if v["impact"] in ("serious", "critical") or v["id"] in NAMED_RULES
    ]
    assert found == [], found
    assert reader.errors == [] and reader.outside == []
