"""The answer keys of the graph exercises and the stepper's steps, against independent routes:
the engine's backward pass, SymPy's exact partial derivatives, nudges, and hand-derived numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
import sympy

from derivatives import Value, nudge, symbolic, topological_order
from derivatives.exercises import (
    backprop_stepper,
    backprop_steps,
    exercise_key,
    graph_exercise,
    practice_exercise,
    random_graph,
)
from derivatives.symbolic import to_sympy
from tests.test_chain_rule import lecture_graph


def lecture() -> Value:
    """L = (a*b + c) * f of the lecture, as the engine's tests build it."""
    return lecture_graph()["L"]


def course_cost() -> Value:
    w, b = Value(2, label="w"), Value(8, label="b")
    x, y = Value(-2, label="x"), Value(2, label="y")
    c = w * x
    c.label = "c"
    a = c + b
    a.label = "a"
    d = a - y
    d.label = "d"
    s = d**2
    s.label = "s"
    J = s / 2
    J.label = "J"
    return J


def shared_a() -> Value:
    a, b, c = Value(2, label="a"), Value(-3, label="b"), Value(10, label="c")
    e = a * b
    e.label = "e"
    f = c**2
    f.label = "f"
    g = a * f
    g.label = "g"
    d = e + g
    d.label = "d"
    return d


def olah() -> Value:
    a, b = Value(2, label="a"), Value(1, label="b")
    c = a + b
    c.label = "c"
    d = b + 1
    d.label = "d"
    e = c * d
    e.label = "e"
    return e


LESSON_GRAPHS: dict[str, Callable[[], Value]] = {
    "lecture": lecture,
    "course": course_cost,
    "shared": shared_a,
    "olah": olah,
}


def boxes(key: dict) -> dict[tuple[str, str, int], dict]:  # type: ignore[type-arg]
    return {
        (box["node"], box["field"], box.get("slot", 0)): box
        for row in key["rows"]
        for box in row["boxes"]
    }


def check_key(root: Value) -> None:
    """Every box of the key equals the engine's backward pass, SymPy, and a nudge."""
    key = boxes(exercise_key(root, "t"))
    order = topological_order(root)
    inputs = [n for n in order if not n.parents and n.number is None]
    expr = to_sympy(root)
    symbols = {s.name: s for s in expr.free_symbols}
    at = {symbols[n.label]: n.data for n in inputs if n.label in symbols}
    root.backward()  # the engine, on the graph itself
    for node in order:
        if node.number is not None and not node.parents:
            continue
        assert key[node.label, "grad", 0]["answer"] == node.grad
        if node.parents:
            assert key[node.label, "value", 0]["answer"] == node.data
            for slot, local in enumerate(node.local_grads):
                assert key[node.label, "local", slot]["answer"] == local
    for n in inputs:
        exact = symbolic.evaluate(sympy.diff(expr, symbols[n.label]), at)
        assert float(exact) == pytest.approx(
            key[n.label, "grad", 0]["answer"], abs=1e-12
        )
    for n in (
        inputs
    ):  # a nudge of the input, the cost recomputed by rebuilding the graph
        moved = nudge(
            lambda t, n=n: float(expr.subs({**at, symbols[n.label]: t})), n.data
        )
        assert moved.k == pytest.approx(
            key[n.label, "grad", 0]["answer"], abs=0.05, rel=1e-3
        )


@pytest.mark.parametrize("name", LESSON_GRAPHS)
def test_lesson_keys_equal_backprop_sympy_and_nudges(name: str) -> None:
    check_key(LESSON_GRAPHS[name]())


@pytest.mark.parametrize("seed", range(0, 200, 5))
def test_random_graph_keys_equal_backprop_sympy_and_nudges(seed: int) -> None:
    check_key(random_graph(seed))


def test_lecture_numbers_by_hand() -> None:
    key = boxes(exercise_key(lecture(), "t"))
    # L = d f with d = ab + c = 4: dL/df = 4, dL/dd = f = -2, dL/da = -2 b = 6, dL/db = -2 a
    expected = {"L": 1, "f": 4, "d": -2, "c": -2, "e": -2, "a": 6, "b": -4}
    assert {n: key[n, "grad", 0]["answer"] for n in expected} == expected
    assert key["L", "value", 0]["answer"] == -8


def test_keys_leave_the_pages_gradients_as_they_were() -> None:
    L = lecture()
    a = topological_order(L)[0]
    a.grad = 5.0
    exercise_key(L, "t")
    assert a.grad == 5.0 and L.grad == 0.0


def replies(box: dict) -> dict[float, str]:  # type: ignore[type-arg]
    return {m["value"]: m["text"] for m in box["mistakes"]}


def test_a_forgotten_second_path_gets_its_own_reply() -> None:
    key = boxes(exercise_key(shared_a(), "t"))
    # dd/da = b + c**2 = -3 + 100 = 97; one path alone gives -3 or 100
    assert key["a", "grad", 0]["answer"] == 97
    for one_path in (-3, 100):
        assert "one path's share" in replies(key["a", "grad", 0])[one_path]


def test_a_dropped_upstream_gradient_gets_its_own_reply() -> None:
    key = boxes(exercise_key(lecture(), "t"))
    # dL/db = a * dL/de = 2 * -2 = -4; the local derivative alone, de/db = a = 2
    assert "local derivative alone" in replies(key["b", "grad", 0])[2]


def test_a_ratio_of_costs_and_a_sign_slip_get_their_own_replies() -> None:
    key = boxes(exercise_key(course_cost(), "t"))
    box = key["w", "grad", 0]
    # J(w) = (wx + b - y)**2 / 2 = 2 at w = 2; J(2.001) = (2 - 0.002)**2 / 2
    ratio = (2 - 0.002) ** 2 / 2 / 2
    found = [m for m in box["mistakes"] if m["value"] == pytest.approx(ratio)]
    assert found and "ratio" in found[0]["text"]
    assert "wrong sign" in replies(box)[4.0] and box["answer"] == -4


def test_other_wrong_answers_get_a_nudge_hint() -> None:
    key = boxes(exercise_key(lecture(), "t"))
    hint = key["a", "grad", 0]["hint"]
    # L = (ab + c) f: raising a to 2.001 makes L = (2.001 * -3 + 10) * -2 = -7.994
    assert "from \u22128 to \u22127.994" in hint


def test_no_known_mistake_equals_the_answer() -> None:
    """The page counts within 2e-4 (relative) as right: a known mistake is further away."""
    for seed in range(60):
        for box in boxes(exercise_key(random_graph(seed), "t")).values():
            for m in box["mistakes"]:
                gap = abs(m["value"] - box["answer"])
                assert gap > 4e-4 * max(abs(m["value"]), abs(box["answer"])) + 1e-4


def test_the_stepper_ends_where_backward_ends_and_assign_parts_at_c() -> None:
    a = Value(3, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    stepper = backprop_stepper(c, "t")
    assert [node for node, _ in stepper.steps] == ["c", "c", "b"]
    assert [(x.before, x.after) for x in stepper.steps[2][1]] == [(0, 2), (2, 4)]
    c.backward()
    assert a.grad == stepper.steps[-1][1][-1].after == 4
    # With = the second use of b overwrites the first: they part at node c's step
    assert stepper.differ == 1
    assert [x.after for x in stepper.assigned[1][1]] == [1, 1]
    assert stepper.assigned[-1][1][-1].after == 1


@pytest.mark.parametrize("seed", range(0, 200, 7))
def test_the_steps_of_random_graphs_end_with_backward_grads(seed: int) -> None:
    L = random_graph(seed)
    last = {}
    for _, lines in backprop_steps(L):
        for line in lines:
            last[line.parent] = line.after
    L.backward()
    for node in topological_order(L):
        if node.label in last and node.number is None:
            assert last[node.label] == node.grad


def test_the_markup_carries_the_keys_and_folds_the_answers() -> None:
    markup = graph_exercise(lecture(), "L at a = 2")._repr_html_()
    assert markup.startswith('<div class="graph-exercise">')
    data = re.search(
        r'<script type="application/json" class="ge-data">(.*?)</script>', markup
    )
    assert data is not None
    exercise = json.loads(data.group(1))["exercise"]
    assert exercise["output"] == "L" and len(exercise["rows"]) == 7
    prose = re.sub(r"<script.*?</script>", "", markup)
    assert (
        "<details" in prose and "\u22128" in prose and not re.search(r">-\d", prose)
    )
    pool = json.loads(
        re.search(
            r'class="ge-data">(.*?)</script>',
            practice_exercise(count=4)._repr_html_(),
        ).group(1)  # type: ignore[union-attr]
    )["pool"]
    assert len(pool) == 4 and len({json.dumps(k["rows"]) for k in pool}) == 4


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: exercise_key("L", "t"),
            TypeError,
            "root must be a Value, got str 'L'",
        ),
        (
            lambda: exercise_key(lecture(), 3),
            TypeError,
            "title must be a str, got int 3",
        ),
        (
            lambda: exercise_key(Value(2) * Value(3, label="b"), "t"),
            ValueError,
            "root must be a graph whose nodes have distinct labels",
        ),
        (
            lambda: exercise_key(lecture(), "t", fields=["slope"]),
            ValueError,
            "fields[0] must be one of 'value', 'local', 'grad', got str 'slope'",
        ),
        (
            lambda: random_graph("1"),
            TypeError,
            "seed must be an integer, got str '1'",
        ),
        (
            lambda: practice_exercise(count=0),
            ValueError,
            "count must be an integer of at",
        ),
        (
            lambda: backprop_stepper(lecture(), None),
            TypeError,
            "title must be a str",
        ),
        (
            lambda: backprop_steps(lecture(), 1),
            TypeError,
            "assign must be True or False",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match="^" + re.escape(message)):
        call()
