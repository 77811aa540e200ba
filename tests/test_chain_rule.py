"""Tests of derivatives.chain_rule against hand-derived numbers, SymPy and finite differences."""

from __future__ import annotations

import math
import random
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivatives.chain_rule import (
    MLP,
    Layer,
    Neuron,
    NodeRow,
    Value,
    graph_table,
    naive_backward,
    to_sympy,
    topological_order,
)

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
X, Y = sympy.symbols("x y")


def lecture_graph() -> dict[str, Value]:
    """L = (a*b + c) * f from the lecture, every node labelled."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": L}


def neuron_graph() -> dict[str, Value]:
    """o = tanh(x1*w1 + x2*w2 + b) from the lecture."""
    g = {
        "x1": Value(2.0, label="x1"),
        "x2": Value(0.0, label="x2"),
        "w1": Value(-3.0, label="w1"),
        "w2": Value(1.0, label="w2"),
        "b": Value(6.8813735870195432, label="b"),
    }
    n = g["x1"] * g["w1"] + g["x2"] * g["w2"] + g["b"]
    g["o"] = n.tanh()
    return g


# The worked examples.


def test_lecture_expression_forward_and_backward() -> None:
    g = lecture_graph()
    g["L"].backward()
    # d = a*b + c = 4, L = d*f = -8; dL/da = b*f, dL/db = a*f, dL/dc = f, dL/df = d
    assert g["e"].data == -6.0 and g["d"].data == 4.0 and g["L"].data == -8.0
    grads = {name: node.grad for name, node in g.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0}


def test_lecture_neuron_matches_the_hand_formula() -> None:
    g = neuron_graph()
    g["o"].backward()
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    o = math.tanh(n)
    assert g["o"].data == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    dn = 1 - o**2  # d tanh(n) / dn, 0.5 here
    assert dn == pytest.approx(0.5)
    expected = {"x1": dn * -3.0, "w1": dn * 2.0, "x2": dn * 1.0, "w2": dn * 0.0, "b": dn}
    for name, value in expected.items():
        assert g[name].grad == pytest.approx(value, rel=1e-12, abs=1e-15)


def test_node_used_twice_gets_the_sum() -> None:
    a = Value(3.0, label="a")
    b = a + a
    assert b.parents == (a, a) and b.local_grads == (1.0, 1.0)
    b.backward()
    assert a.grad == 2.0


def test_shared_intermediate_node_sums_both_paths() -> None:
    # f = a*b + a*c at a=2, b=-3, c=5: df/da = b + c = 2, df/db = a, df/dc = a
    a, b, c = Value(2.0), Value(-3.0), Value(5.0)
    f = a * b + a * c
    f.backward()
    assert (f.data, a.grad, b.grad, c.grad) == (4.0, 2.0, 2.0, 2.0)


def test_backward_twice_equals_once() -> None:
    g = lecture_graph()
    g["L"].backward()
    once = [node.grad for node in g.values()]
    g["L"].backward()
    assert [node.grad for node in g.values()] == once


def test_backward_resets_grads_left_by_another_output() -> None:
    a = Value(2.0, label="a")
    (a * 10).backward()
    assert a.grad == 10.0
    (a * a).backward()
    assert a.grad == 4.0  # 2a, not 10 + 2a


def test_repr_is_deterministic() -> None:
    g = lecture_graph()
    assert repr(g["e"]) == "Value(data=-6.0, grad=0.0, label='e')"
    g["L"].backward()
    assert repr(g["e"]) == "Value(data=-6.0, grad=-2.0, label='e')"
    assert repr(Value(1)) == "Value(data=1.0, grad=0.0, label='')"


def test_node_attributes() -> None:
    a, b = Value(2, label="a"), Value(Fraction(1, 4), label="b")
    assert (a.data, b.data, a.grad, a.op, a.parents, a.local_grads) == (2.0, 0.25, 0.0, "", (), ())
    assert type(a.data) is float
    p = a / b
    assert (p.op, p.parents, p.local_grads) == ("/", (a, b), (4.0, -32.0))  # 1/b, -a/b**2
    assert (a**3).op == "**3" and (a**0.5).op == "**0.5" and (a ** Fraction(1, 3)).op == "**1/3"
    names = {(-a).op, a.exp().op, a.log().op, a.tanh().op, a.relu().op, a.sigmoid().op, (a - b).op}
    assert names == {"neg", "exp", "log", "tanh", "relu", "sigmoid", "-"}
    assert Value(1.0) != Value(1.0) and len({a, a, b}) == 2  # identity, not data


# Plain numbers on either side.


@pytest.mark.parametrize(
    ("build", "data", "grad", "constant", "label"),
    [
        (lambda v: 2 * v, 6.0, 2.0, 2.0, "2"),
        (lambda v: v * 2, 6.0, 2.0, 2.0, "2"),
        (lambda v: v + 1, 4.0, 1.0, 1.0, "1"),
        (lambda v: 1 + v, 4.0, 1.0, 1.0, "1"),
        (lambda v: 1 - v, -2.0, -1.0, 1.0, "1"),
        (lambda v: v - 1.5, 1.5, 1.0, 1.5, "1.5"),
        (lambda v: 1 / v, 1 / 3, -1 / 9, 1.0, "1"),
        (lambda v: v / 4, 0.75, 0.25, 4.0, "4"),
        (lambda v: np.float64(2.0) * v, 6.0, 2.0, 2.0, "2.0"),
        (lambda v: v + np.int64(1), 4.0, 1.0, 1.0, "1"),
        (lambda v: Fraction(1, 2) * v, 1.5, 0.5, 0.5, "1/2"),
    ],
)
def test_mixing_with_plain_numbers(
    build: Callable[[Value], Value], data: float, grad: float, constant: float, label: str
) -> None:
    v = Value(3.0, label="v")
    out = build(v)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == pytest.approx(data, rel=1e-15) and v.grad == pytest.approx(grad, rel=1e-15)
    (leaf,) = [p for p in out.parents if p is not v]
    assert (leaf.data, leaf.op, leaf.parents, leaf.label) == (constant, "", (), label)


# Every operation's derivative against SymPy's exact derivative.

finite = st.floats(-30, 30, allow_nan=False)
positive = st.floats(1e-3, 30)
nonzero = finite.filter(lambda x: abs(x) > 1e-3)

UNARY: list[tuple[str, Callable[[Value], Value], sympy.Expr, st.SearchStrategy[float]]] = [
    ("neg", lambda v: -v, -X, finite),
    ("exp", Value.exp, sympy.exp(X), finite),
    ("log", Value.log, sympy.log(X), positive),
    ("tanh", Value.tanh, sympy.tanh(X), finite),
    ("sigmoid", Value.sigmoid, 1 / (1 + sympy.exp(-X)), finite),
    ("relu", Value.relu, sympy.Piecewise((X, X > 0), (0, True)), finite),
    ("**2", lambda v: v**2, X**2, finite),
    ("**3", lambda v: v**3, X**3, finite),
    ("**0", lambda v: v**0, sympy.Integer(1), finite),
    ("**1", lambda v: v**1, X, finite),
    ("**-1", lambda v: v**-1, 1 / X, nonzero),
    ("**-2.0", lambda v: v**-2.0, X**-2, nonzero),
    ("**0.5", lambda v: v**0.5, sympy.sqrt(X), positive),
    ("**1/3", lambda v: v ** Fraction(1, 3), sympy.cbrt(X), positive),
    ("**-2.5", lambda v: v**-2.5, X ** sympy.Rational(-5, 2), positive),
    ("2*", lambda v: 2 * v, 2 * X, finite),
    ("+1", lambda v: v + 1, X + 1, finite),
    ("1-", lambda v: 1 - v, 1 - X, finite),
    ("1/", lambda v: 1 / v, 1 / X, nonzero),
    ("/4", lambda v: v / 4, X / 4, finite),
]


@pytest.mark.parametrize(("name", "build", "expr", "xs"), UNARY, ids=[u[0] for u in UNARY])
def test_every_operation_matches_sympy(
    name: str,
    build: Callable[[Value], Value],
    expr: sympy.Expr,
    xs: st.SearchStrategy[float],
) -> None:
    # SymPy's exact derivative, evaluated with 40 significant digits
    value = sympy.lambdify(X, expr, "mpmath")
    slope = sympy.lambdify(X, sympy.diff(expr, X), "mpmath")

    @SETTINGS
    @given(xs)
    def check(x: float) -> None:
        v = Value(x)
        out = build(v)
        out.backward()
        with mpmath.workdps(40):
            exact_value, exact_slope = float(value(mpmath.mpf(x))), float(slope(mpmath.mpf(x)))
        assert out.data == pytest.approx(exact_value, rel=1e-13, abs=1e-300)
        assert v.grad == pytest.approx(exact_slope, rel=1e-13, abs=1e-300)

    check()


BINARY: list[tuple[str, Callable[[Value, Value], Value], sympy.Expr]] = [
    ("+", lambda a, b: a + b, X + Y),
    ("-", lambda a, b: a - b, X - Y),
    ("*", lambda a, b: a * b, X * Y),
    ("/", lambda a, b: a / b, X / Y),
]


@pytest.mark.parametrize(("name", "build", "expr"), BINARY, ids=[b[0] for b in BINARY])
def test_binary_operations_match_sympy(
    name: str, build: Callable[[Value, Value], Value], expr: sympy.Expr
) -> None:
    dx = sympy.lambdify((X, Y), sympy.diff(expr, X), "math")
    dy = sympy.lambdify((X, Y), sympy.diff(expr, Y), "math")

    @SETTINGS
    @given(finite, nonzero)
    def check(x: float, y: float) -> None:
        a, b = Value(x), Value(y)
        out = build(a, b)
        out.backward()
        assert out.op == name and out.parents == (a, b)
        assert a.grad == pytest.approx(dx(x, y), rel=1e-12, abs=1e-300)
        assert b.grad == pytest.approx(dy(x, y), rel=1e-12, abs=1e-300)

    check()


def test_negative_base_with_integer_exponent() -> None:
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)  # 3 x**2
    z = x**-2.0
    z.backward()
    assert (z.data, x.grad) == (0.25, 0.25)  # -2 x**-3


def test_power_at_zero() -> None:
    x = Value(0.0)
    for p, data, grad in [(0, 1.0, 0.0), (1, 0.0, 1.0), (2, 0.0, 0.0), (1.5, 0.0, 0.0)]:
        y = x**p
        y.backward()
        assert (y.data, x.grad) == (data, grad)


def test_relu_derivative_is_zero_at_zero_and_below() -> None:
    for x, grad in [(-2.0, 0.0), (0.0, 0.0), (3.0, 1.0)]:
        v = Value(x)
        v.relu().backward()
        assert v.grad == grad


@pytest.mark.parametrize(
    ("method", "x", "data"),
    [
        ("tanh", 1000.0, 1.0),
        ("tanh", -1000.0, -1.0),
        ("sigmoid", -1000.0, 0.0),
        ("sigmoid", 1000.0, 1.0),
    ],
)
def test_saturating_functions_are_stable(method: str, x: float, data: float) -> None:
    v = Value(x)
    out = getattr(v, method)()
    out.backward()
    assert out.data == data and v.grad == 0.0


def test_sigmoid_of_a_large_negative_number_is_tiny_not_zero() -> None:
    v = Value(-30.0)
    out = v.sigmoid()
    out.backward()
    assert out.data == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-15)
    assert v.grad == pytest.approx(math.exp(-30) / (1 + math.exp(-30)) ** 2, rel=1e-12)


# Random graphs: backward against SymPy and against central differences.

OPS: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: (a * b).tanh(),
    lambda a, b: (a - b).sigmoid(),
    lambda a, b: a * 0.5 - b**2,
    lambda a, b: (a + b) / (1 + b * b),
]


def random_graph(data: list[float], steps: list[tuple[int, int, int]]) -> tuple[list[Value], Value]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(data)]
    nodes = list(leaves)
    for op, i, j in steps:
        nodes.append(OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    return leaves, nodes[-1]


graphs = st.tuples(
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.lists(
        st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=6,
    ),
)


@SETTINGS
@given(graphs)
def test_random_graphs_match_sympy(graph: tuple[list[float], list[tuple[int, int, int]]]) -> None:
    leaves, root = random_graph(*graph)
    root.backward()
    expr = to_sympy(root)
    symbols = sympy.symbols("x0 x1 x2")
    point = [leaf.data for leaf in leaves]
    assert sympy.lambdify(symbols, expr, "math")(*point) == pytest.approx(root.data, rel=1e-9)
    for s, leaf in zip(symbols, leaves, strict=True):
        exact = sympy.lambdify(symbols, sympy.diff(expr, s), "math")(*point)
        assert leaf.grad == pytest.approx(exact, rel=1e-9, abs=1e-12)


@SETTINGS
@given(graphs)
def test_random_graphs_match_central_differences(
    graph: tuple[list[float], list[tuple[int, int, int]]],
) -> None:
    data, steps = graph
    leaves, root = random_graph(data, steps)
    root.backward()
    h = 1e-6
    for i, leaf in enumerate(leaves):
        up = [x + h if k == i else x for k, x in enumerate(data)]
        down = [x - h if k == i else x for k, x in enumerate(data)]
        estimate = (random_graph(up, steps)[1].data - random_graph(down, steps)[1].data) / (2 * h)
        assert leaf.grad == pytest.approx(estimate, rel=1e-4, abs=1e-4)


@SETTINGS
@given(graphs)
def test_topological_order_lists_parents_first(
    graph: tuple[list[float], list[tuple[int, int, int]]],
) -> None:
    _, root = random_graph(*graph)
    order = topological_order(root)
    position = {id(node): k for k, node in enumerate(order)}
    assert len(position) == len(order) and order[-1] is root
    assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)
    assert [id(n) for n in topological_order(root)] == [id(n) for n in order]


@SETTINGS
@given(graphs)
def test_backward_twice_equals_once_on_random_graphs(
    graph: tuple[list[float], list[tuple[int, int, int]]],
) -> None:
    _, root = random_graph(*graph)
    order = topological_order(root)
    root.backward()
    once = [n.grad for n in order]
    root.backward()
    assert [n.grad for n in order] == once


# Topological order, tables and formulas.


def test_topological_order_of_the_lecture_graph() -> None:
    g = lecture_graph()
    # depth first, parents in order: L -> d -> e -> a, b; then c; then f
    assert [n.label for n in topological_order(g["L"])] == ["a", "b", "e", "c", "d", "f", "L"]


def test_topological_order_lists_a_shared_node_once() -> None:
    a = Value(1.0, label="a")
    b = a + a
    b.label = "b"
    assert topological_order(b) == [a, b]


def test_a_100000_node_chain_backpropagates() -> None:
    assert sys.getrecursionlimit() < 100_000  # a recursive walk could not do this
    x = Value(1.0, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.000001
    y.backward()
    order = topological_order(y)
    assert len(order) == 200_001 and order[0] is x and order[-1] is y
    assert x.grad == pytest.approx(1.000001**100_000, rel=1e-9)  # about e**0.1
    assert y.data == pytest.approx(math.exp(100_000 * math.log1p(1e-6)), rel=1e-9)


def test_graph_table_of_the_lecture_graph() -> None:
    g = lecture_graph()
    g["L"].backward()
    assert graph_table(g["L"]) == [
        NodeRow("a", "", 2.0, (), (), 6.0),
        NodeRow("b", "", -3.0, (), (), -4.0),
        NodeRow("e", "*", -6.0, ("a", "b"), (-3.0, 2.0), -2.0),
        NodeRow("c", "", 10.0, (), (), -2.0),
        NodeRow("d", "+", 4.0, ("e", "c"), (1.0, 1.0), -2.0),
        NodeRow("f", "", -2.0, (), (), 4.0),
        NodeRow("L", "*", -8.0, ("d", "f"), (-2.0, 4.0), 1.0),
    ]


def test_graph_table_names_unlabelled_nodes_by_position() -> None:
    a = Value(3.0)
    y = (a * 2).exp()
    rows = graph_table(y)
    assert [r.label for r in rows] == ["n0", "2", "n2", "n3"]
    assert rows[2].parents == ("n0", "2") and rows[3].parents == ("n2",)
    assert rows[3].local_grads == (math.exp(6.0),)


def test_to_sympy_of_the_lecture_graph() -> None:
    g = lecture_graph()
    a, b, c, f = sympy.symbols("a b c f")
    expr = to_sympy(g["L"])
    assert sympy.expand(expr - (a * b + c) * f) == 0
    g["L"].backward()
    point = {a: 2, b: -3, c: 10, f: -2}
    assert expr.subs(point) == -8
    for s in (a, b, c, f):
        assert sympy.diff(expr, s).subs(point) == int(g[s.name].grad)  # exact integers here


def test_to_sympy_of_the_neuron() -> None:
    g = neuron_graph()
    g["o"].backward()
    expr = to_sympy(g["o"])
    symbols = {s.name: s for s in expr.free_symbols}
    assert set(symbols) == {"x1", "x2", "w1", "w2", "b"}
    point = {symbols[name]: g[name].data for name in symbols}
    for name, s in symbols.items():
        assert float(sympy.diff(expr, s).subs(point)) == pytest.approx(g[name].grad, abs=1e-12)


def test_to_sympy_keeps_numbers_exact() -> None:
    x = Value(2.0, label="x")
    expr = to_sympy(2 * x ** Fraction(1, 2) - x**3 / 4 + 0.5 * x.relu() + x.sigmoid().log())
    s = sympy.Symbol("x")
    relu = sympy.Piecewise((s, s > 0), (0, True))
    expected = (
        2 * sympy.sqrt(s) - s**3 / 4 + sympy.Float(0.5) * relu + sympy.log(1 / (1 + sympy.exp(-s)))
    )
    assert sympy.simplify(expr - expected) == 0


def test_to_sympy_relu_derivative_at_zero_matches_backward() -> None:
    x = Value(0.0, label="x")
    y = x.relu()
    y.backward()
    slope = sympy.diff(to_sympy(y), sympy.Symbol("x")).subs(sympy.Symbol("x"), 0)
    assert slope == 0 and x.grad == 0.0


# The naive, wrong backward pass.


def test_naive_backward_double_counts_a_shared_node() -> None:
    x = Value(3.0, label="x")
    d = x + 1
    e = d * d  # e = (x + 1)**2, de/dx = 2(x + 1) = 8
    naive_backward(e)
    # d passes on 4 after the first path and 4 + 4 after the second: 4 + 8 = 12
    assert x.grad == 12.0
    e.backward()
    assert x.grad == 8.0


def test_naive_backward_is_right_on_a_tree() -> None:
    g = lecture_graph()
    naive_backward(g["L"])
    assert [n.grad for n in g.values()] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0, 1.0]


def test_naive_backward_on_a_neuron_matches_backward() -> None:
    g = neuron_graph()
    naive_backward(g["o"])
    naive = [n.grad for n in g.values()]
    g["o"].backward()
    assert naive == [n.grad for n in g.values()]


def test_naive_backward_refuses_large_graphs_without_changing_grads() -> None:
    x = Value(1.0)
    y = x
    for _ in range(10):
        y = y + y  # 2**10 paths
    y.backward()
    with pytest.raises(
        ValueError, match=r"^naive_backward is for small teaching graphs: .* more than 400$"
    ):
        naive_backward(y)
    assert x.grad == 1024.0


# The tiny network.


def float_forward(net: MLP, xs: list[float], sums: list[float] | None = None) -> list[float]:
    """The network's outputs with plain floats, straight from the formula; the weighted sums
    before each activation are appended to `sums` if given."""
    acts = {"tanh": math.tanh, "relu": lambda z: max(z, 0.0), "linear": lambda z: z}
    for layer in net.layers:
        zs = [
            sum(w.data * x for w, x in zip(n.weights, xs, strict=True)) + n.bias.data
            for n in layer.neurons
        ]
        if sums is not None:
            sums.extend(zs)
        xs = [acts[n.activation](z) for n, z in zip(layer.neurons, zs, strict=True)]
    return xs


def test_mlp_has_337_parameters() -> None:
    net = MLP(2, [16, 16, 1])
    assert len(net.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    labels = [p.label for p in net.parameters()]
    assert len(set(labels)) == 337


def test_mlp_is_seeded() -> None:
    rng = random.Random(7)
    first = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
    net = MLP(2, [3, 1], seed=7)
    assert [w.data for w in net.layers[0].neurons[0].weights] == first
    assert net.layers[0].neurons[0].bias.data == 0.0
    again = MLP(2, [3, 1], seed=7)
    assert [p.data for p in net.parameters()] == [p.data for p in again.parameters()]
    assert [p.data for p in MLP(2, [3, 1], seed=8).parameters()] != [
        p.data for p in net.parameters()
    ]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_gradients_match_central_differences(activation: str) -> None:
    net = MLP(3, [4, 4, 1], seed=5, activation=activation)
    assert [layer.neurons[0].activation for layer in net.layers] == [
        activation,
        activation,
        "linear",
    ]
    xs = [0.5, -1.0, 2.0]
    sums: list[float] = []
    float_forward(net, xs, sums)
    assert min(abs(z) for z in sums) > 1e-3  # no ReLU sits on its kink, where nudges disagree
    y = net(xs)
    assert isinstance(y, Value)
    loss = (y - 1.0) ** 2
    loss.backward()
    assert y.data == pytest.approx(float_forward(net, xs)[0], rel=1e-12)
    h = 1e-6
    for p in net.parameters():
        saved = p.data
        p.data = saved + h
        up = (float_forward(net, xs)[0] - 1.0) ** 2
        p.data = saved - h
        down = (float_forward(net, xs)[0] - 1.0) ** 2
        p.data = saved
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_mlp_to_sympy_with_labelled_inputs() -> None:
    net = MLP(2, [2, 1], seed=1)
    xs = [Value(0.3, label="x0"), Value(-0.7, label="x1")]
    y = net(xs)
    assert isinstance(y, Value)
    y.backward()
    expr = to_sympy(y)
    symbols = {s.name: s for s in expr.free_symbols}
    nodes = {p.label: p for p in [*xs, *net.parameters()]}
    assert set(symbols) == set(nodes)
    point = {symbols[k]: nodes[k].data for k in symbols}
    for name, s in symbols.items():
        assert float(sympy.diff(expr, s).subs(point)) == pytest.approx(nodes[name].grad, abs=1e-12)


def test_mlp_with_several_outputs_returns_a_list() -> None:
    net = MLP(2, [3, 2])
    out = net([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    assert [o.data for o in out] == pytest.approx(float_forward(net, [1.0, 2.0]), rel=1e-12)


def test_network_parts() -> None:
    neuron = Neuron(2, "sigmoid", random.Random(0), "u")
    neuron.weights[0].data, neuron.weights[1].data, neuron.bias.data = 1.0, -2.0, 0.5
    out = neuron([3, Value(1.0)])
    assert out.data == pytest.approx(1 / (1 + math.exp(-1.5)))  # 3 - 2 + 0.5 = 1.5
    assert [p.label for p in neuron.parameters()] == ["u.w0", "u.w1", "u.b"]
    layer = Layer(3, 2, activation="linear")
    assert len(layer([1, 2, 3])) == 2 and len(layer.parameters()) == 8
    assert repr(neuron) == "Neuron(2, activation='sigmoid')"
    assert repr(layer) == "Layer(3, 2, activation='linear')"
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2, [16, 16, 1])"


def test_training_reduces_the_loss() -> None:
    net = MLP(2, [4, 1], seed=0)
    data = [([1.0, 0.0], 1.0), ([0.0, 1.0], -1.0), ([1.0, 1.0], 0.0)]

    def loss() -> Value:
        total = Value(0.0)
        for x, y in data:
            out = net(x)
            assert isinstance(out, Value)
            total = total + (out - y) ** 2
        return total

    first = loss().data
    for _ in range(30):
        total = loss()
        total.backward()
        for p in net.parameters():
            p.data -= 0.05 * p.grad
    assert loss().data < first / 4


# Bad input: type and message pinned.


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (True, TypeError, "data must be a real number, got bool"),
        (np.True_, TypeError, "data must be a real number, got bool"),
        ("3", TypeError, "data must be a real number, got str"),
        (1j, TypeError, "data must be a real number, got complex"),
        (None, TypeError, "data must be a real number, got NoneType"),
        ([1.0], TypeError, "data must be a real number, got list"),
        (Decimal("1"), TypeError, "data must be a real number, got Decimal"),
        (Value(1.0), TypeError, "data must be a real number, got Value"),
        (float("nan"), ValueError, "data must be a finite real number, got nan"),
        (float("inf"), ValueError, "data must be a finite real number, got inf"),
        (-math.inf, ValueError, "data must be a finite real number, got -inf"),
        (
            np.float64("nan"),
            ValueError,
            r"data must be a finite real number, got np.float64\(nan\)",
        ),
        (10**400, ValueError, "data must be a finite real number, got 1000"),
        (Fraction(10**400, 3), ValueError, r"data must be a finite real number, got Fraction\("),
    ],
)
def test_value_rejects_bad_data(data: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=f"^{message}"):
        Value(data)  # type: ignore[arg-type]


def test_value_rejects_a_bad_label() -> None:
    with pytest.raises(TypeError, match="^label must be a str, got int$"):
        Value(1.0, label=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["a", [1.0], (1.0,), None, True, 1j, {}])
@pytest.mark.parametrize("symbol", ["+", "-", "*", "/"])
def test_unsupported_operands_are_named(bad: object, symbol: str) -> None:
    v = Value(2.0)
    name = type(bad).__name__
    apply: Callable[[object, object], object] = {
        "+": lambda p, q: p + q,  # type: ignore[operator]
        "-": lambda p, q: p - q,  # type: ignore[operator]
        "*": lambda p, q: p * q,  # type: ignore[operator]
        "/": lambda p, q: p / q,  # type: ignore[operator]
    }[symbol]
    start = re.escape(f"unsupported operand type(s) for {symbol}: ")
    with pytest.raises(TypeError, match=f"^{start}'Value' and '{name}'$"):
        apply(v, bad)
    with pytest.raises(TypeError, match=f"^{start}'{name}' and 'Value'$"):
        apply(bad, v)


@pytest.mark.parametrize("bad", [float("nan"), math.inf, np.float64("-inf")])
def test_non_finite_operands_are_refused(bad: float) -> None:
    v = Value(2.0)
    with pytest.raises(ValueError, match="^operand must be a finite real number, got"):
        v + bad
    with pytest.raises(ValueError, match="^operand must be a finite real number, got"):
        bad * v


@pytest.mark.parametrize(
    ("exponent", "error", "message"),
    [
        (Value(2.0), TypeError, "exponent must be a real number, got Value"),
        ("2", TypeError, "exponent must be a real number, got str"),
        (True, TypeError, "exponent must be a real number, got bool"),
        (2j, TypeError, "exponent must be a real number, got complex"),
        (None, TypeError, "exponent must be a real number, got NoneType"),
        (float("nan"), ValueError, "exponent must be a finite real number, got nan"),
        (math.inf, ValueError, "exponent must be a finite real number, got inf"),
    ],
)
def test_bad_exponents(exponent: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        Value(2.0) ** exponent  # type: ignore[operator]


def test_a_value_cannot_be_an_exponent_on_the_right() -> None:
    with pytest.raises(TypeError, match=r"^exponent must be a real number, got Value; write"):
        2 ** Value(3.0)  # type: ignore[operator]
    with pytest.raises(
        TypeError, match=r"^unsupported operand type\(s\) for \*\* or pow\(\): 'str' and 'Value'$"
    ):
        "a" ** Value(3.0)  # type: ignore[operator]


@pytest.mark.parametrize(
    "divide",
    [
        lambda: Value(1.0) / 0,
        lambda: Value(1.0) / 0.0,
        lambda: Value(1.0) / Value(0.0),
        lambda: 1 / Value(0.0),
        lambda: Value(1.0) / Value(-0.0),
    ],
)
def test_division_by_zero(divide: Callable[[], Value]) -> None:
    with pytest.raises(
        ZeroDivisionError, match="^cannot divide by a denominator equal to zero, got -?0.0$"
    ):
        divide()


def test_power_domain_errors() -> None:
    with pytest.raises(ZeroDivisionError, match=r"^0.0 \*\* -1 divides by zero$"):
        Value(0.0) ** -1
    with pytest.raises(
        ValueError,
        match=r"^a negative base needs an integer exponent: \(-2.0\) \*\* 0.5 is not real$",
    ):
        Value(-2.0) ** 0.5
    with pytest.raises(
        ValueError,
        match=r"^a negative base needs an integer exponent: \(-8.0\) \*\* 1/3 is not real$",
    ):
        Value(-8.0) ** Fraction(1, 3)
    with pytest.raises(ValueError, match=r"^the derivative of x \*\* 0.5 is infinite at x = 0.0$"):
        Value(0.0) ** 0.5


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_needs_a_positive_value(x: float) -> None:
    with pytest.raises(ValueError, match=f"^log needs a positive value, got {x!r}$"):
        Value(x).log()


def test_overflow_is_reported() -> None:
    with pytest.raises(OverflowError, match=r"^exp\(1000.0\) is too large for a float$"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match=r"^\(10.0\) \*\* 400 is too large for a float$"):
        Value(10.0) ** 400
    with pytest.raises(OverflowError, match=r"^the result of '\*' is not finite: data inf"):
        Value(1e200) * 1e200
    with pytest.raises(OverflowError, match=r"^the result of 'log' is not finite: data -7"):
        Value(5e-324).log()  # log is finite, its derivative 1/x is not
    with pytest.raises(OverflowError, match=r"^the result of '/' is not finite: data 1e\+300"):
        Value(1e100) / 1e-200  # fine, but -a/b**2 is not


@pytest.mark.parametrize("function", [topological_order, naive_backward, graph_table, to_sympy])
def test_graph_functions_need_a_value(function: Callable[[Value], object]) -> None:
    with pytest.raises(TypeError, match="^root must be a Value, got float$"):
        function(1.0)  # type: ignore[arg-type]


def test_to_sympy_needs_labelled_distinct_leaves() -> None:
    with pytest.raises(
        ValueError,
        match=r"^every leaf needs a label for to_sympy, got an unlabelled Value\(data=2.0",
    ):
        to_sympy(Value(2.0) * Value(3.0, label="b"))
    with pytest.raises(ValueError, match="^two different leaves are labelled 'a'$"):
        to_sympy(Value(2.0, label="a") * Value(3.0, label="a"))
    y = Value(2.0, label="a").exp()
    y.op = "cosh"
    with pytest.raises(ValueError, match="^op must be one that Value produces, got 'cosh'$"):
        to_sympy(y)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Neuron(0), ValueError, "n_inputs must be a positive integer, got 0"),
        (lambda: Neuron(2.0), TypeError, "n_inputs must be an integer, got float"),
        (lambda: Neuron(True), TypeError, "n_inputs must be an integer, got bool"),
        (
            lambda: Neuron(2, "softmax"),
            ValueError,
            r"activation must be one of \('tanh', 'relu', 'sigmoid', 'linear'\), got 'softmax'",
        ),
        (lambda: Neuron(2, rng=42), TypeError, "rng must be a random.Random, got int"),
        (lambda: Layer(2, -1), ValueError, "n_outputs must be a positive integer, got -1"),
        (
            lambda: MLP(2, []),
            ValueError,
            "layer_sizes must name at least one layer, got an empty sequence",
        ),
        (lambda: MLP(2, 16), TypeError, "layer_sizes must be a sequence of integers, got int"),
        (lambda: MLP(2, "16"), TypeError, "layer_sizes must be a sequence of integers, got str"),
        (
            lambda: MLP(2, [16, 0]),
            ValueError,
            r"layer_sizes\[1\] must be a positive integer, got 0",
        ),
        (lambda: MLP(2, [16, 1.5]), TypeError, r"layer_sizes\[1\] must be an integer, got float"),
        (lambda: MLP(-2, [1]), ValueError, "n_inputs must be a positive integer, got -2"),
        (lambda: MLP(2, [1], seed=1.5), TypeError, "seed must be an integer, got float"),
        (lambda: MLP(2, [1], seed=True), TypeError, "seed must be an integer, got bool"),
        (
            lambda: MLP(2, [1], activation=None),
            ValueError,
            r"activation must be one of .*, got None",
        ),
        (lambda: MLP(2, [1])([1.0]), ValueError, "xs must have 2 inputs, got 1"),
        (
            lambda: MLP(2, [1])("ab"),
            TypeError,
            "xs must be a sequence of numbers or Values, got str",
        ),
        (
            lambda: MLP(2, [1])(3.0),
            TypeError,
            "xs must be a sequence of numbers or Values, got float",
        ),
        (
            lambda: MLP(2, [1])(["a", 1.0]),
            TypeError,
            r"unsupported operand type\(s\) for \*: 'Value' and 'str'",
        ),
    ],
)
def test_network_bad_input(
    build: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        build()


# -- sgd_step and gradient_check ---------------------------------------------------------------


def test_sgd_step_follows_the_closed_form_on_w_squared() -> None:
    from derivatives.chain_rule import sgd_step

    # w <- w - lr * 2w = (1 - 2 lr) w, so after t steps w = (1 - 2 lr)**t * w0
    for lr in (0.1, 0.4, 0.9, 1.1):
        w = Value(3.0, label="w")
        for _ in range(12):
            J = w**2
            J.backward()
            sgd_step([w], lr)
        assert w.data == pytest.approx((1 - 2 * lr) ** 12 * 3.0, rel=1e-12)


def test_sgd_step_moves_each_parameter_by_lr_times_its_grad() -> None:
    from derivatives.chain_rule import sgd_step

    net = MLP(3, [4, 1], seed=1)
    xs, ys = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5]], [1.0, -1.0]
    loss = sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2
    loss.backward()
    params = net.parameters()
    before = [(p.data, p.grad) for p in params]
    sgd_step(params, Fraction(1, 20))
    for p, (data, grad) in zip(params, before, strict=True):
        assert p.data == data - 0.05 * grad
        assert p.grad == grad  # grads are left alone
    after = sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2
    assert after.data < loss.data  # a small step downhill lowers the loss


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([Value(1.0)], 0), ValueError, "lr must be a positive number, got 0"),
        (([Value(1.0)], -0.1), ValueError, "lr must be a positive number, got -0.1"),
        (([Value(1.0)], math.inf), ValueError, "lr must be a finite real number, got inf"),
        (([Value(1.0)], "0.1"), TypeError, "lr must be a real number, got str"),
        ((Value(1.0), 0.1), TypeError, "params must be a sequence of Values, got Value"),
        (([1.0], 0.1), TypeError, r"params\[0\] must be a Value, got float"),
    ],
)
def test_sgd_step_bad_input(
    args: tuple[object, object], error: type[Exception], message: str
) -> None:
    from derivatives.chain_rule import sgd_step

    with pytest.raises(error, match=f"^{message}$"):
        sgd_step(*args)  # type: ignore[arg-type]


def test_sgd_step_rejects_repeats_and_overflow_without_changing_anything() -> None:
    from derivatives.chain_rule import sgd_step

    w = Value(1.0, label="w")
    with pytest.raises(ValueError, match="^params must not repeat a parameter$"):
        sgd_step([w, w], 0.1)
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    a.grad, b.grad = 1.0, -1e308
    with pytest.raises(OverflowError, match="^the step makes b non-finite"):
        sgd_step([a, b], 1e10)
    assert (a.data, b.data) == (1.0, 2.0)


def two_layer_relu(params: dict[str, Value]) -> Value:
    """J = (relu(w2 * relu(w1 * x + b1) + b2) - y)**2 / 2 with x = 1, y = 5."""
    a1 = (params["w1"] * 1.0 + params["b1"]).relu()
    a2 = (params["w2"] * a1 + params["b2"]).relu()
    return (a2 - 5.0) ** 2 / 2


def test_gradient_check_two_layer_network() -> None:
    from derivatives.chain_rule import GradientCheck, gradient_check

    params = {n: Value(v, label=n) for n, v in [("w1", 2.0), ("b1", 0.0), ("w2", 3.0), ("b2", 1.0)]}
    rows = gradient_check(lambda: two_layer_relu(params), list(params.values()))
    assert all(isinstance(row, GradientCheck) for row in rows)
    # by hand: dJ/da2 = 7 - 5 = 2; dJ/dw2 = 2 * a1 = 4; dJ/db2 = 2; dJ/dw1 = dJ/db1 = 2 * w2 * x = 6
    assert [(row.label, row.backprop) for row in rows] == [
        ("w1", 6.0),
        ("b1", 6.0),
        ("w2", 4.0),
        ("b2", 2.0),
    ]
    for row in rows:
        assert row.numerical == pytest.approx(row.backprop, rel=1e-8)
        assert row.relative_error < 1e-8
    # the parameters are restored, and hold their backprop grads
    assert [p.data for p in params.values()] == [2.0, 0.0, 3.0, 1.0]
    assert [p.grad for p in params.values()] == [6.0, 6.0, 4.0, 2.0]


def test_gradient_check_catches_a_wrong_local_derivative() -> None:
    from derivatives.chain_rule import gradient_check

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")

    def buggy() -> Value:
        out = a * b
        out.local_grads = (a.data, a.data)  # wrong: d(ab)/da is b, not a
        return out

    rows = gradient_check(buggy, [a, b])
    assert rows[0].backprop == 2.0 and rows[0].numerical == pytest.approx(-3.0)
    assert rows[0].relative_error == pytest.approx(5 / 3)  # |-3 - 2| / 3
    assert rows[1].relative_error < 1e-9  # d(ab)/db = a is right


def test_gradient_check_mlp_and_unused_parameter() -> None:
    from derivatives.chain_rule import gradient_check

    net = MLP(3, [4, 4, 1], seed=0)
    unused = Value(5.0, label="unused")
    unused.grad = 123.0  # stale
    xs, ys = [[2.0, 3.0, -1.0], [0.5, 1.0, 1.0]], [1.0, -1.0]

    def loss() -> Value:
        return sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2

    rows = gradient_check(loss, [*net.parameters(), unused], eps=1e-5)
    assert len(rows) == len(net.parameters()) + 1
    assert max(row.relative_error for row in rows[:-1]) < 1e-6
    assert rows[-1] == ("unused", 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((3.0, [Value(1.0)]), TypeError, "loss must be callable, got float"),
        ((lambda: 1.0, [Value(1.0)]), TypeError, "loss\\(\\) must return a Value, got float"),
        ((lambda: Value(1.0), []), ValueError, "params must hold at least one Value"),
        ((lambda: Value(1.0), "ab"), TypeError, "params must be a sequence of Values, got str"),
        ((lambda: Value(1.0), [Value(1.0)], 0.0), ValueError, "eps must be a positive number"),
    ],
)
def test_gradient_check_bad_input(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    from derivatives.chain_rule import gradient_check

    with pytest.raises(error, match=f"^{message}"):
        gradient_check(*args)  # type: ignore[arg-type]


def test_gradient_check_restores_data_when_loss_fails() -> None:
    from derivatives.chain_rule import gradient_check

    w = Value(1e-7, label="w")  # log(w - h) is undefined for the default step
    with pytest.raises(ValueError, match="could not be evaluated"):
        gradient_check(lambda: w.log(), [w], eps=1e-3)
    assert w.data == 1e-7
