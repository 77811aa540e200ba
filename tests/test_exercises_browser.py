"""The graph exercises and the stepper in headless Chromium, with the network cut: typing right,
wrong and known-mistake answers, keyboard only, stepping with += and =, a new practice graph,
a phone-width page, axe-core, and no Python runtime fetched. Playwright and axe load only when a
browser test runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from derivatives import topological_order
from derivatives.exercises import random_graph

# Playwright loads with the browser fixture: a unit run never imports it.
if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page


class Opened:
    """A page in a fresh context: requests that would leave the machine are refused and kept."""

    def __init__(
        self, browser: Browser, url: str, width: int = 1400, theme: str = "light"
    ) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=theme
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(m.text)
        )
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.graph-exercise, .backprop-stepper')]"
            ".every(e => e.dataset.ready)"
        )

    def _route(self, route, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)
        if urlparse(request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            route.abort("internetdisconnected")


@pytest.fixture
def open_page(browser: Browser, server: str) -> Iterator[object]:
    opened: list[Opened] = []

    def visit(name: str, width: int = 1400, theme: str = "light") -> Opened:
        o = Opened(browser, f"{server}/{name}.html", width, theme)
        opened.append(o)
        return o

    yield visit
    for o in opened:
        o.context.close()


@pytest.fixture(scope="module")
def backprop(browser: Browser, server: str) -> Iterator[Opened]:
    """The backprop lesson, opened once for the tests that each use a different part of it."""
    o = Opened(browser, f"{server}/backprop.html")
    yield o
    o.context.close()


def answer(exercise: Locator, node: str, field: str, typed: str) -> tuple[str, str]:
    """Type into a box, press Enter: the verdict and the exercise's spoken feedback."""
    box = exercise.locator(f'input[data-node="{node}"][data-field="{field}"]').first
    box.fill(typed)
    box.press("Enter")
    return str(box.get_attribute("data-verdict")), exercise.locator(
        "[aria-live]"
    ).first.inner_text()


def test_lecture_exercise_replies_to_right_wrong_and_known_mistakes(
    open_page,
) -> None:  # type: ignore[no-untyped-def]
    o = open_page("backprop")
    exercise = o.page.locator(".graph-exercise").first
    # L = (ab + c) f at a = 2, b = -3, c = 10, f = -2: dL/db = f * a = -4 (by hand)
    assert answer(exercise, "b", "grad", "\u22124")[0] == "right"
    assert answer(exercise, "b", "grad", "-4")[0] == "right"
    verdict, said = answer(
        exercise, "b", "grad", "2"
    )  # de/db alone, upstream dropped
    assert verdict == "wrong" and "local derivative alone" in said
    verdict, said = answer(exercise, "b", "grad", "4")
    assert verdict == "wrong" and "wrong sign" in said
    # L(f + eps) / L(f) = (4 * -1.999) / (4 * -2) = 0.9995: a ratio, not a derivative
    verdict, said = answer(exercise, "f", "grad", "0.9995")
    assert verdict == "wrong" and "ratio" in said
    verdict, said = answer(exercise, "a", "grad", "7")
    assert verdict == "wrong" and "Measure it" in said and "\u22127.994" in said
    assert answer(exercise, "L", "value", "-8")[0] == "right"
    assert answer(exercise, "e", "local", "-3")[0] == "right"  # de/da = b
    verdict, said = answer(exercise, "a", "grad", "abc")
    assert verdict == "wrong" and "Type a number" in said
    assert o.errors == []


def test_a_forgotten_path_of_a_shared_node(open_page) -> None:  # type: ignore[no-untyped-def]
    o = open_page("partial-derivatives")
    shared = o.page.locator(".graph-exercise").nth(1)
    # d = ab + ac**2: dd/da = b + c**2 = 97; the path through ab alone gives b = -3
    verdict, said = answer(shared, "a", "grad", "-3")
    assert verdict == "wrong" and "one path" in said
    assert answer(shared, "a", "grad", "97")[0] == "right"


def test_keyboard_only_in_the_order_of_the_backward_pass(backprop: Opened) -> None:
    o = backprop
    exercise = o.page.locator(".graph-exercise").first
    exercise.locator("input").first.focus()
    seen = []
    for _ in range(exercise.locator("input").count()):
        seen.append(
            o.page.evaluate(
                "() => [document.activeElement.dataset.node,"
                " document.activeElement.dataset.field,"
                " document.activeElement.getAttribute('aria-label')]"
            )
        )
        o.page.keyboard.press("Tab")
    nodes = list(dict.fromkeys(node for node, _, _ in seen))
    assert nodes == ["L", "f", "d", "c", "e", "b", "a"]  # reverse topological order
    assert all(name for _, _, name in seen), "every box has an accessible name"
    exercise.locator('input[data-node="f"][data-field="grad"]').focus()
    o.page.keyboard.type("4")
    o.page.keyboard.press("Enter")
    box = exercise.locator('input[data-node="f"][data-field="grad"]')
    assert box.get_attribute("data-verdict") == "right"
    exercise.locator(".ge-reveal").focus()
    o.page.keyboard.press("Enter")
    revealed = exercise.locator(
        'input[data-node="a"][data-field="grad"]'
    ).input_value()
    assert revealed == "6"  # dL/da = f * b = 6


def test_new_graph_brings_the_next_practice_graph_with_its_keys(
    backprop: Opened,
) -> None:
    o = backprop
    practice = o.page.locator(".graph-exercise").nth(1)
    practice.locator(".ge-new").click()
    expected = random_graph(1)  # the page's pool starts at seed 0
    expected.backward()
    leaves = [n for n in topological_order(expected) if not n.parents]
    assert "graph 2 of" in practice.locator(".ge-title").inner_text()
    for leaf in leaves:
        typed = f"{leaf.grad:g}"
        assert answer(practice, leaf.label, "grad", typed)[0] == "right", leaf.label


def test_the_stepper_with_plus_equals_and_with_equals(backprop: Opened) -> None:
    o = backprop
    stepper = o.page.locator(".backprop-stepper")
    line = stepper.locator("[aria-live]")
    said = [line.inner_text()]
    while stepper.locator(".step-next").is_enabled():
        stepper.locator(".step-next").click()
        said.append(line.inner_text())
    assert (
        len(said) == 4 and len(set(said)) == 4
    )  # start, c.grad = 1, node c, node b
    assert "2 \u2192 4" in said[-1]  # a.grad += 1 x 2: 2 -> 4
    grad_a = stepper.locator('tr[data-node="a"] .bs-grad').inner_text()
    assert grad_a == "4"
    stepper.locator(".step-prev").click()
    assert line.inner_text() == said[-2]
    stepper.locator(".step-assign").check()
    while stepper.locator(".step-next").is_enabled():
        stepper.locator(".step-next").click()
    # with = the second use of b overwrites the first at node c's step, and the replay stops
    assert "Step 2 of 2" in line.inner_text() and "part" in line.inner_text()
    assert stepper.locator('tr[data-node="b"] .bs-grad').inner_text() == "1"


def axe_violations(o: Opened) -> list[tuple[str, list[object]]]:
    """axe-core on the exercises and the stepper: labels, names, contrast."""
    from tests import axe_core

    exercise = o.page.locator(".graph-exercise").first
    answer(exercise, "c", "grad", "1")  # a wrong verdict and its feedback shown
    answer(exercise, "d", "grad", "-2")
    o.page.add_script_tag(content=axe_core.source())
    found = o.page.evaluate(
        """async () => (await axe.run(
            {include: [[".graph-exercise"], [".backprop-stepper"]]},
            {resultTypes: ["violations"]})).violations"""
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]


def test_axe_finds_nothing_in_the_light_theme(backprop: Opened) -> None:
    assert (
        backprop.errors == []
    )  # (axe itself then asks for stylesheets it cannot find)
    assert axe_violations(backprop) == []


def test_on_a_phone_in_the_dark_theme_with_no_python_fetched(open_page) -> None:  # type: ignore[no-untyped-def]
    """At 390 px, dark: no page overflow, axe-clean; answering fetches no Python runtime, and
    live mode on keeps the exercises working."""
    o = open_page("backprop", width=390, theme="dark")
    o.page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    width = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert o.page.evaluate(f"() => {width}") <= 0
    assert o.errors == []
    assert axe_violations(o) == []
    exercise = o.page.locator(".graph-exercise").first
    assert answer(exercise, "L", "grad", "1")[0] == "right"
    assert not [u for u in o.requests if "pyodide" in u or u.endswith(".whl")]
    o.page.locator(".live-toggle").click()  # which starts Python
    o.page.wait_for_function("() => document.body.classList.contains('live-mode')")
    assert answer(exercise, "L", "grad", "2")[0] != "right"
    assert answer(exercise, "L", "grad", "1")[0] == "right"
    assert all(
        urlparse(u).hostname in {"127.0.0.1", "localhost"} for u in o.requests
    )


def test_downloaded_notebooks_show_the_answers_folded(site: Path) -> None:
    """Outside the site no script runs: a notebook shows each exercise's answers folded."""
    notebook = json.loads((site / "_sources" / "backprop.ipynb").read_text("utf-8"))
    shown = [
        "".join(out["data"]["text/html"])
        for cell in notebook["cells"]
        for out in cell.get("outputs", [])
        if "text/html" in out.get("data", {})
    ]
    exercises = [h for h in shown if 'class="graph-exercise"' in h]
    assert len(exercises) == 2
    # the lecture's graph: dL/da = f * b = 6, folded under "Answers"
    folded = exercises[0].split('<details class="ge-answers">', 1)[1]
    assert "<td>gradient of a, \u2202L/\u2202a</td><td>6</td>" in folded
    assert any('class="backprop-stepper"' in h and "<details" in h for h in shown)
