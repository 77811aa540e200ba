"""Bring an engine or a network built by hand, as the lessons build them, to the package.

The backprop lesson builds its own ``Value`` class and the larger-network lesson its own
``Neuron``, ``Layer`` and ``MLP``. This module checks such homemade code against the package's
:class:`~derivatives.chain_rule.Value` and :mod:`derivatives.nn`, and copies a homemade graph
into package values so that :func:`~derivatives.plotting.plot_graph` can draw it. It reads
numbers and tuples from the homemade objects and never evaluates text.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from derivatives._validate import (
    function,
    instance,
    integer,
    real,
    text,
    type_error,
    value_error,
)
from derivatives.chain_rule import Value, zero_grad

__all__ = ["check_engine", "check_network", "copy_graph"]

_STEPS = 8  # operations in each random graph of check_engine
_NODE = "a node of root"  # how messages name a node of the graph being copied
_MAX_NODES = 100_000


def copy_graph(root: object) -> Value:
    """Copy a homemade computation graph into the package's values, grads included.

    Parameters
    ----------
    root : object
        The output node of a graph whose nodes have ``data``, ``grad``, ``parents`` (a tuple
        of nodes), ``local_grads`` (one number per parent), ``op`` and ``label``.

    Returns
    -------
    Value
        The root of a package graph with the same numbers, operations and labels.

    Raises
    ------
    TypeError
        If a node lacks one of those attributes or holds something of the wrong type.
    ValueError
        If the graph has a cycle, a node's ``local_grads`` do not match its parents, or it has
        more than 100,000 nodes.

    Examples
    --------
    >>> from types import SimpleNamespace as Node
    >>> a = Node(data=2.0, grad=3.0, parents=(), local_grads=(), op="", label="a")
    >>> b = Node(data=4.0, grad=1.0, parents=(a, a), local_grads=(1.0, 1.0), op="+",
    ...          label="b")
    >>> copy = copy_graph(b)
    >>> copy.op, copy.data, [p.grad for p in copy.parents]
    ('+', 4.0, [3.0, 3.0])
    """
    copies: dict[int, Value] = {}
    done: set[int] = set()
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if expanded:
            copies[key] = _copy_node(node, copies)
            done.add(key)
            continue
        if key in done:
            continue
        if key in copies:  # reached again before it was finished: a cycle
            raise value_error("root", "an acyclic graph", root)
        copies[key] = Value(0.0)  # a mark: started, not finished
        if len(copies) > _MAX_NODES:
            raise value_error(
                "root", f"a graph of at most {_MAX_NODES} nodes", root
            )
        stack.append((node, True))
        stack.extend(
            (p, False) for p in reversed(_parents(node)) if id(p) not in done
        )
    return copies[id(root)]


def _parents(node: object) -> tuple[Any, ...]:
    parents = getattr(node, "parents", None)
    if not isinstance(parents, tuple):
        raise type_error(f"{_NODE}.parents", "a tuple of nodes", parents)
    return parents


def _copy_node(node: object, copies: dict[int, Value]) -> Value:
    label = text(getattr(node, "label", ""), f"{_NODE}.label")
    parents = tuple(copies[id(p)] for p in _parents(node))
    grads = getattr(node, "local_grads", None)
    if not isinstance(grads, tuple) or len(grads) != len(parents):
        raise value_error(f"{_NODE}.local_grads", "one number per parent", grads)
    locals_ = tuple(
        real(g, f"{_NODE}.local_grads[{i}]") for i, g in enumerate(grads)
    )
    out = Value(real(getattr(node, "data", None), f"{_NODE}.data"), label)
    out.op = text(getattr(node, "op", ""), f"{_NODE}.op")
    out.parents, out.local_grads = parents, locals_
    out.grad = real(getattr(node, "grad", None), f"{_NODE}.grad")
    return out


# Random graphs over the operations both engines have.
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda p, q: p + q,
    "-": lambda p, q: p - q,
    "*": lambda p, q: p * q,
    "/": lambda p, q: p / q,
}
_UNARY: dict[str, Callable[[Any], Any]] = {
    "tanh": lambda p: p.tanh(),
    "relu": lambda p: p.relu(),
    "exp": lambda p: p.exp(),
    "**2": lambda p: p**2,
    "**3": lambda p: p**3,
    "2*": lambda p: 2 * p,
    "+1": lambda p: p + 1,
    "1-": lambda p: 1 - p,
}
_Step = tuple[str, int, int]


def _program(rng: random.Random, n_leaves: int) -> list[_Step]:
    steps: list[_Step] = []
    for k in range(_STEPS):
        size = n_leaves + k
        if rng.random() < 0.6:
            name = rng.choice(sorted(_BINARY))
        else:
            name = rng.choice(sorted(_UNARY))
        # lean on the newest nodes, so that graphs grow deep and share nodes
        steps.append(
            (name, size - 1 - int(rng.random() ** 2 * size), rng.randrange(size))
        )
    return steps


def _run(
    make: Callable[[float], Any], leaves: list[float], steps: list[_Step]
) -> list[Any]:
    nodes = [make(x) for x in leaves]
    for name, i, j in steps:
        if name in _BINARY:
            nodes.append(_BINARY[name](nodes[i], nodes[j]))
        else:
            nodes.append(_UNARY[name](nodes[i]))
    return nodes


def _close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)


def check_engine(
    value_class: Callable[[float], Any], graphs: int = 200, seed: int = 0
) -> int:
    """Check a homemade ``Value`` class against the package's on random graphs.

    Each graph starts from three leaves and applies eight operations among ``+ - * /``, ``**``
    with a number, ``tanh``, ``relu``, ``exp`` and plain numbers on either side. Both engines
    compute it; the outputs, and every leaf's grad after one and after two calls of
    ``backward()`` (leaves accumulate, as in PyTorch), must agree to a relative 1e-9.

    Parameters
    ----------
    value_class : callable
        ``value_class(x)`` makes a leaf with ``.data``, ``.grad`` and ``.backward()``.
    graphs : int, optional
        How many graphs to try, 1 to 10,000.
    seed : int, optional
        Seed of the graphs.

    Returns
    -------
    int
        The number of graphs compared (graphs whose numbers overflow, or divide by a number
        near 0, are drawn again).

    Raises
    ------
    AssertionError
        At the first graph where the two engines disagree, with its operations and numbers.

    Examples
    --------
    >>> check_engine(Value, graphs=20)
    20
    """
    function(value_class, "value_class")
    count = integer(graphs, "graphs", minimum=1)
    if count > 10_000:
        raise value_error("graphs", "an integer from 1 to 10000", graphs)
    rng = random.Random(integer(seed, "seed"))
    compared = 0
    while compared < count:
        leaves = [rng.choice([-1, 1]) * rng.uniform(0.3, 2.0) for _ in range(3)]
        steps = _program(rng, len(leaves))
        try:
            theirs = _run(Value, leaves, steps)
            theirs[-1].backward()
        except (OverflowError, ZeroDivisionError, ValueError):
            continue
        if any(abs(n.data) > 1e6 or abs(n.grad) > 1e6 for n in theirs) or any(
            name == "/" and abs(theirs[j].data) < 0.1 for name, _, j in steps
        ):
            continue  # numbers too large or too near a pole to compare to 1e-9
        _compare(value_class, leaves, steps, theirs)
        compared += 1
    return compared


def _compare(
    value_class: Callable[[float], Any],
    leaves: list[float],
    steps: list[_Step],
    theirs: list[Value],
) -> None:
    ours = _run(value_class, leaves, steps)
    out = ours[-1]
    where = f"leaves {leaves}, steps {steps}"
    assert _close(out.data, theirs[-1].data), (
        f"output {out.data!r}, the package's {theirs[-1].data!r}: {where}"
    )
    for call in (1, 2):
        out.backward()
        if call == 2:
            theirs[-1].backward()
        for k in range(len(leaves)):
            assert _close(ours[k].grad, theirs[k].grad), (
                f"grad of leaf {k} after {call} backward(): {ours[k].grad!r}, "
                f"the package's {theirs[k].grad!r}: {where}"
            )


def check_network(
    model: object,
    reference: object,
    inputs: Sequence[Sequence[float]],
) -> int:
    """Check a homemade network against a :class:`~derivatives.nn.MLP` of the same shape.

    The reference takes the homemade network's parameters (both list them layer by layer,
    neuron by neuron, weights then bias); then, for each input, both outputs and every
    parameter's grad after ``output.backward()`` must agree to a relative 1e-9.

    Parameters
    ----------
    model : object
        Called with a list of numbers, returns a value; ``model.parameters()`` lists values.
    reference : MLP
        The package's network with the same sizes and activations.
    inputs : sequence
        The inputs to try, each a sequence of numbers.

    Returns
    -------
    int
        The number of inputs compared.

    Raises
    ------
    AssertionError
        At the first disagreement.
    ValueError
        If the two networks do not have the same number of parameters.

    Examples
    --------
    >>> from derivatives.nn import MLP
    >>> check_network(MLP(2, [3, 1], seed=1), MLP(2, [3, 1]), [[1.0, -2.0], [0.5, 0.5]])
    2
    """
    from derivatives.nn import MLP

    net = instance(reference, MLP, "reference", "an MLP")
    ours = list(function(getattr(model, "parameters", None), "model.parameters")())
    theirs = net.parameters()
    if len(ours) != len(theirs):
        raise value_error(
            "model", f"a network with {len(theirs)} parameters", model
        )
    for p, q in zip(ours, theirs, strict=True):
        q.data = p.data
    for xs in inputs:
        for p in ours:
            p.grad = 0.0
        zero_grad(theirs)
        out, ref = model(list(xs)), net(list(xs))  # type: ignore[operator]
        assert isinstance(ref, Value), "reference must have one output"
        assert _close(out.data, ref.data), (
            f"output {out.data!r}, MLP's {ref.data!r} at {xs}"
        )
        out.backward()
        ref.backward()
        for p, q in zip(ours, theirs, strict=True):
            assert _close(p.grad, q.grad), (
                f"grad of {q.label}: {p.grad!r}, MLP's {q.grad!r}"
            )
    return len(inputs)
