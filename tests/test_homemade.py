"""The engine and network the lessons build on the page agree with the package, and the checks
that say so can fail.

The page-built code is read from the lesson sources (docs/backprop.md, docs/larger-network.md),
so these tests need no site build.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from derivatives import nn
from derivatives.chain_rule import Value
from derivatives.homemade import check_engine, check_network, copy_graph

DOCS = Path(__file__).resolve().parent.parent / "docs"
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def visible_cells(page: str) -> list[str]:
    """The code of the cells a reader sees, in order."""
    cells = []
    for match in CELL.finditer((DOCS / page).read_text(encoding="utf-8")):
        body = match.group(1)
        if body.startswith("---\n"):
            meta, body = body[4:].split("\n---\n", 1)
        else:
            options = re.match(r"((?::[^\n]*\n)*)", body)
            meta, body = options.group(1), body[options.end() :]  # type: ignore[union-attr]
        if "remove-cell" not in meta and "remove-input" not in meta:
            cells.append(body)
    return cells


def engine_cells() -> list[str]:
    """The visible cells of the backprop lesson from ``class Value`` to ``Value.backward``."""
    cells = visible_cells("backprop.md")
    first = next(i for i, c in enumerate(cells) if c.startswith("class Value"))
    last = next(i for i, c in enumerate(cells) if "Value.backward = backward" in c)
    return cells[first : last + 1]


def build_engine(replace: tuple[str, str] | None = None) -> Any:
    """The lesson's Value class, built by running its cells (the 'try it' lines included)."""
    namespace: dict[str, Any] = {"__name__": "lesson"}
    for cell in engine_cells():
        if replace:
            cell = cell.replace(*replace)
        exec(compile(cell, "<backprop.md>", "exec"), namespace)
    return namespace["Value"]


def test_the_engine_cells_hold_at_most_80_lines() -> None:
    cells = engine_cells()
    defining = [c for c in cells if re.search(r"^(class|def) ", c, re.M)]
    assert len(defining) == 6
    code = [line for cell in defining for line in cell.splitlines() if line.strip()]
    assert 40 <= len(code) <= 80, len(code)
    # plain Python a learner can retype: no slots, no type machinery, no validation
    text = "\n".join(cells)
    for machinery in (
        "__slots__",
        "isinstance(data",
        "raise ",
        "->",
        "object.__new__",
    ):
        assert machinery not in text, machinery


def test_the_lesson_engine_agrees_with_the_package_on_random_graphs() -> None:
    assert check_engine(build_engine(), graphs=500, seed=7) == 500


@pytest.mark.parametrize(
    "mistake",
    [
        ("parent.grad += local * node.grad", "parent.grad = local * node.grad"),
        ("(1 - t**2,)", "(1 - t,)"),
        (
            "self.grad += 1.0",
            "self.grad = 1.0",
        ),  # leaves would stop accumulating for a leaf root
        ("local = (other.data, self.data)", "local = (self.data, other.data)"),
        ("for node in reversed(order):", "for node in order:"),
    ],
)
def test_check_engine_finds_a_planted_mistake(mistake: tuple[str, str]) -> None:
    broken = build_engine(mistake)
    if mistake[0] == "self.grad += 1.0":
        # visible only where the output is itself a leaf: backward() on a leaf twice
        leaf = broken(2.0)
        leaf.backward()
        leaf.backward()
        package_leaf = Value(2.0)
        package_leaf.backward()
        package_leaf.backward()
        assert leaf.grad != package_leaf.grad == 2.0
        return
    with pytest.raises(AssertionError):
        check_engine(broken, graphs=200, seed=3)


def test_the_lesson_engine_gives_the_lecture_numbers() -> None:
    V = build_engine()
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    L = (a * b + c) * f
    L.backward()
    # by hand: dL/da = f*b, dL/db = f*a, dL/dc = f, dL/df = a*b + c
    assert (a.grad, b.grad, c.grad, f.grad) == (-2 * -3, -2 * 2, -2, 2 * -3 + 10)
    x = V(3.0)
    y = x + x
    z = y + y
    z.backward()
    assert x.grad == 4.0
    p, q = V(2.0), V(3.0)
    (p * q).backward()
    (p + q).backward()
    assert (p.grad, q.grad) == (3.0 + 1.0, 2.0 + 1.0)


def network_classes(extra: str = "") -> dict[str, Any]:
    """Neuron, Layer and MLP as the larger-network lesson builds them, over the package's Value."""
    namespace: dict[str, Any] = {"__name__": "lesson", "Value": Value}
    cells = visible_cells("larger-network.md")
    for cell in cells:
        if cell.startswith(("import random\n\n\nclass Neuron", "class Layer")):
            exec(
                compile(
                    cell.replace(*extra.split("|")) if extra else cell,
                    "<page>",
                    "exec",
                ),
                namespace,
            )
    return namespace


@pytest.mark.parametrize(
    ("sizes", "activation", "method"),
    [
        ([4, 4, 1], "tanh", Value.tanh),
        ([5, 2, 1], "relu", Value.relu),
        ([3, 1], "tanh", None),
    ],
)
def test_the_lesson_network_agrees_with_the_package(
    sizes: list[int], activation: str, method: Any
) -> None:
    classes = network_classes()
    rng = random.Random(5)
    inputs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(10)]
    if method is None:  # the default activation is tanh
        model = classes["MLP"](3, sizes)
    else:
        model = classes["MLP"](3, sizes, activation=method)
    assert (
        check_network(model, nn.MLP(3, sizes, activation=activation), inputs) == 10
    )


def test_the_lesson_network_draws_the_package_weights_with_seed_0() -> None:
    classes = network_classes()
    random.seed(0)
    ours = [p.data for p in classes["MLP"](3, [4, 4, 1]).parameters()]
    assert ours == [p.data for p in nn.MLP(3, [4, 4, 1], seed=0).parameters()]


def test_check_network_finds_a_missing_bias() -> None:
    classes = network_classes("self.bias)|Value(0.0))")
    model = classes["MLP"](3, [4, 1])
    for p in model.parameters():
        p.data = 0.5  # the bias matters only once it is not 0
    with pytest.raises(AssertionError):
        check_network(model, nn.MLP(3, [4, 1]), [[1.0, 2.0, 3.0]])


def node(
    data: float, parents: tuple[Any, ...] = (), grads: tuple[float, ...] = ()
) -> Any:
    return SimpleNamespace(
        data=data, grad=0.0, parents=parents, local_grads=grads, op="", label=""
    )


def test_copy_graph_keeps_numbers_and_sharing() -> None:
    V = build_engine()
    a = V(3.0, label="a")
    b = a + a
    c = b * a
    c.backward()
    copy = copy_graph(c)
    assert (copy.op, copy.data, copy.grad) == ("*", 18.0, 1.0)
    copied_b, copied_a = copy.parents
    assert copied_b.parents == (copied_a, copied_a)  # one node, reached three times
    assert copied_a.grad == a.grad == 2 * 2 * 3.0 + 0  # c = 2a**2: dc/da = 4a
    assert copied_a.grad == 4 * a.data


def test_copy_graph_refuses_what_it_cannot_copy() -> None:
    a = node(1.0)
    b = node(2.0, (a,), (1.0,))
    a.parents, a.local_grads = (b,), (1.0,)  # a cycle
    with pytest.raises(ValueError, match="^root must be an acyclic graph"):
        copy_graph(b)
    with pytest.raises(
        ValueError,
        match="^a node of root.local_grads must be one number per parent",
    ):
        copy_graph(node(2.0, (node(1.0),), ()))
    with pytest.raises(
        TypeError, match="^a node of root.parents must be a tuple of nodes"
    ):
        copy_graph(3.0)
    with pytest.raises(TypeError, match="^a node of root.data must be"):
        copy_graph(node("2"))  # type: ignore[arg-type]


def test_check_engine_and_check_network_refuse_bad_arguments() -> None:
    with pytest.raises(TypeError, match="^value_class must be"):
        check_engine(3)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match="^graphs must be an integer from 1 to 10000"
    ):
        check_engine(Value, graphs=10**6)
    with pytest.raises(TypeError, match="^reference must be an MLP"):
        check_network(nn.MLP(2, [1]), object(), [[1.0, 2.0]])
    with pytest.raises(
        ValueError, match="^model must be a network with 3 parameters"
    ):
        check_network(nn.MLP(2, [2, 1]), nn.MLP(2, [1]), [[1.0, 2.0]])
