"""Tests of derivatives.chain_rule against hand-derived numbers, SymPy and finite differences."""

from __future__ import annotations

import math
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
    NodeRow,
    Value,
    graph_table,
    naive_backward,
    topological_order,
    zero_grad,
)
from derivatives.symbolic import to_sympy

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
    assert grads == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "d": -2.0,
        "e": -2.0,
        "f": 4.0,
        "L": 1.0,
    }


def test_lecture_neuron_matches_the_hand_formula() -> None:
    g = neuron_graph()
    g["o"].backward()
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    o = math.tanh(n)
    assert g["o"].data == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    dn = 1 - o**2  # d tanh(n) / dn, 0.5 here
    assert dn == pytest.approx(0.5)
    expected = {
        "x1": dn * -3.0,
        "w1": dn * 2.0,
        "x2": dn * 1.0,
        "w2": dn * 0.0,
        "b": dn,
    }
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


def test_second_backward_adds_into_leaves_and_recomputes_the_rest() -> None:
    g = lecture_graph()
    g["L"].backward()
    once = {name: node.grad for name, node in g.items()}
    g["L"].backward()
    for name, node in g.items():
        # leaves hold the sum of both passes, the nodes made by an operation one pass
        expected = 2 * once[name] if not node.parents else once[name]
        assert node.grad == expected, name


def test_a_leaf_shared_by_two_losses_gets_the_sum() -> None:
    # L1 = a*b and L2 = a + b at a = 2, b = 3: dL1/da = b = 3, dL2/da = 1, so a.grad = 4
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    (a * b).backward()
    (a + b).backward()
    assert (a.grad, b.grad) == (3.0 + 1.0, 2.0 + 1.0)
    zero_grad([a, b])
    (a * a).backward()
    assert a.grad == 2 * a.data


def test_zero_grad_refuses_what_is_not_a_list_of_values() -> None:
    with pytest.raises(
        TypeError, match=r"^params must be a sequence of Values, got"
    ):
        zero_grad(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^params\[1\] must be a Value, got float 2.0"
    ):
        zero_grad([Value(1.0), 2.0])  # type: ignore[list-item]


def test_non_finite_gradients_are_refused_and_leaves_kept() -> None:
    x = Value(1e-300, label="x")
    x.grad = 5.0
    y = x * 1e200 * 1e200  # finite: 1e100, but dy/dx = 1e400
    with pytest.raises(OverflowError, match="not finite"):
        y.backward()
    assert x.grad == 5.0


def test_repr_is_deterministic() -> None:
    g = lecture_graph()
    assert repr(g["e"]) == "Value(data=-6.0, grad=0.0, label='e')"
    g["L"].backward()
    assert repr(g["e"]) == "Value(data=-6.0, grad=-2.0, label='e')"
    assert repr(Value(1)) == "Value(data=1.0, grad=0.0, label='')"


def test_node_attributes() -> None:
    a, b = Value(2, label="a"), Value(Fraction(1, 4), label="b")
    assert (a.data, b.data, a.grad, a.op, a.parents, a.local_grads) == (
        2.0,
        0.25,
        0.0,
        "",
        (),
        (),
    )
    assert type(a.data) is float
    p = a / b
    assert (p.op, p.parents, p.local_grads) == (
        "/",
        (a, b),
        (4.0, -32.0),
    )  # 1/b, -a/b**2
    assert (
        (a**3).op == "**3"
        and (a**0.5).op == "**0.5"
        and (a ** Fraction(1, 3)).op == "**1/3"
    )
    names = {
        (-a).op,
        a.exp().op,
        a.log().op,
        a.tanh().op,
        a.relu().op,
        a.sigmoid().op,
        (a - b).op,
    }
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
    build: Callable[[Value], Value],
    data: float,
    grad: float,
    constant: float,
    label: str,
) -> None:
    v = Value(3.0, label="v")
    out = build(v)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == pytest.approx(data, rel=1e-15) and v.grad == pytest.approx(
        grad, rel=1e-15
    )
    (leaf,) = [p for p in out.parents if p is not v]
    assert (leaf.data, leaf.op, leaf.parents, leaf.label) == (
        constant,
        "",
        (),
        label,
    )


# Every operation's derivative against SymPy's exact derivative.

finite = st.floats(-30, 30, allow_nan=False)
positive = st.floats(1e-3, 30)
nonzero = finite.filter(lambda x: abs(x) > 1e-3)

UNARY: list[
    tuple[str, Callable[[Value], Value], sympy.Expr, st.SearchStrategy[float]]
] = [
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


@pytest.mark.parametrize(
    ("name", "build", "expr", "xs"), UNARY, ids=[u[0] for u in UNARY]
)
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
            exact_value, exact_slope = (
                float(value(mpmath.mpf(x))),
                float(slope(mpmath.mpf(x))),
            )
        assert out.data == pytest.approx(exact_value, rel=1e-13, abs=1e-300)
        assert v.grad == pytest.approx(exact_slope, rel=1e-13, abs=1e-300)

    check()


BINARY: list[tuple[str, Callable[[Value, Value], Value], sympy.Expr]] = [
    ("+", lambda a, b: a + b, X + Y),
    ("-", lambda a, b: a - b, X - Y),
    ("*", lambda a, b: a * b, X * Y),
    ("/", lambda a, b: a / b, X / Y),
]


@pytest.mark.parametrize(
    ("name", "build", "expr"), BINARY, ids=[b[0] for b in BINARY]
)
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
    zero_grad([x])
    z.backward()
    assert (z.data, x.grad) == (0.25, 0.25)  # -2 x**-3


def test_power_at_zero() -> None:
    x = Value(0.0)
    for p, data, grad in [
        (0, 1.0, 0.0),
        (1, 0.0, 1.0),
        (2, 0.0, 0.0),
        (1.5, 0.0, 0.0),
    ]:
        y = x**p
        zero_grad([x])
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
def test_saturating_functions_are_stable(
    method: str, x: float, data: float
) -> None:
    v = Value(x)
    out = getattr(v, method)()
    out.backward()
    assert out.data == data and v.grad == 0.0


def test_sigmoid_of_a_large_negative_number_is_tiny_not_zero() -> None:
    v = Value(-30.0)
    out = v.sigmoid()
    out.backward()
    assert out.data == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-15)
    assert v.grad == pytest.approx(
        math.exp(-30) / (1 + math.exp(-30)) ** 2, rel=1e-12
    )


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


def random_graph(
    data: list[float], steps: list[tuple[int, int, int]]
) -> tuple[list[Value], Value]:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(data)]
    nodes = list(leaves)
    for op, i, j in steps:
        nodes.append(OPS[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    return leaves, nodes[-1]


graphs = st.tuples(
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.lists(
        st.tuples(
            st.integers(0, len(OPS) - 1), st.integers(0, 50), st.integers(0, 50)
        ),
        min_size=1,
        max_size=6,
    ),
)


@SETTINGS
@given(graphs)
def test_random_graphs_match_sympy(
    graph: tuple[list[float], list[tuple[int, int, int]]],
) -> None:
    leaves, root = random_graph(*graph)
    root.backward()
    expr = to_sympy(root)
    symbols = sympy.symbols("x0 x1 x2")
    point = [leaf.data for leaf in leaves]
    assert sympy.lambdify(symbols, expr, "math")(*point) == pytest.approx(
        root.data, rel=1e-9
    )
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
        estimate = (
            random_graph(up, steps)[1].data - random_graph(down, steps)[1].data
        ) / (2 * h)
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
def test_backward_twice_doubles_leaves_only_on_random_graphs(
    graph: tuple[list[float], list[tuple[int, int, int]]],
) -> None:
    _, root = random_graph(*graph)
    order = topological_order(root)
    root.backward()
    once = [n.grad for n in order]
    root.backward()
    for n, g in zip(order, once, strict=True):
        # a leaf adds the same contributions again, in the same order: twice, up to rounding
        assert n.grad == (
            pytest.approx(2 * g, rel=1e-12, abs=1e-300) if not n.parents else g
        )
    zero_grad([n for n in order if not n.parents])
    root.backward()
    assert [n.grad for n in order] == once


# Topological order, tables and formulas.


def test_topological_order_of_the_lecture_graph() -> None:
    g = lecture_graph()
    # depth first, parents in order: L -> d -> e -> a, b; then c; then f
    assert [n.label for n in topological_order(g["L"])] == [
        "a",
        "b",
        "e",
        "c",
        "d",
        "f",
        "L",
    ]


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


# The naive, wrong backward pass.


def test_naive_backward_double_counts_a_shared_node() -> None:
    x = Value(3.0, label="x")
    d = x + 1
    e = d * d  # e = (x + 1)**2, de/dx = 2(x + 1) = 8
    naive_backward(e)
    # d passes on 4 after the first path and 4 + 4 after the second: 4 + 8 = 12
    assert x.grad == 12.0
    zero_grad([x])
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
    zero_grad([n for n in g.values() if not n.parents])
    g["o"].backward()
    assert naive == [n.grad for n in g.values()]


def test_naive_backward_refuses_large_graphs_without_changing_grads() -> None:
    x = Value(1.0)
    y = x
    for _ in range(10):
        y = y + y  # 2**10 paths
    y.backward()
    with pytest.raises(
        ValueError,
        match=r"^naive_backward is for small teaching graphs: .* more than 400$",
    ):
        naive_backward(y)
    assert x.grad == 1024.0


# The tiny network.


# Bad input: type and message pinned.


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (True, TypeError, "data must be a real number, got bool True$"),
        (np.True_, TypeError, "data must be a real number, got bool np.True_$"),
        ("3", TypeError, "data must be a real number, got str '3'$"),
        (1j, TypeError, r"data must be a real number, got complex 1j$"),
        (None, TypeError, "data must be a real number, got NoneType None$"),
        ([1.0], TypeError, r"data must be a real number, got list \[1.0\]$"),
        (
            Decimal("1"),
            TypeError,
            r"data must be a real number, got Decimal Decimal\('1'\)$",
        ),
        (
            Value(1.0),
            TypeError,
            r"data must be a real number, got Value Value\(data=1.0",
        ),
        (
            float("nan"),
            ValueError,
            "data must be a finite real number, got float nan$",
        ),
        (
            float("inf"),
            ValueError,
            "data must be a finite real number, got float inf$",
        ),
        (
            -math.inf,
            ValueError,
            "data must be a finite real number, got float -inf$",
        ),
        (
            np.float64("nan"),
            ValueError,
            r"data must be a finite real number, got float64 np.float64\(nan\)$",
        ),
        (
            10**400,
            ValueError,
            r"data must be a finite real number, got int 1000.*\.\.\.$",
        ),
        (
            Fraction(10**400, 3),
            ValueError,
            r"data must be a finite real number, got Fraction Fraction\(",
        ),
    ],
)
def test_value_rejects_bad_data(
    data: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}"):
        Value(data)  # type: ignore[arg-type]


def test_value_rejects_a_bad_label() -> None:
    with pytest.raises(TypeError, match="^label must be a str, got int 5$"):
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
    with pytest.raises(
        ValueError, match="^operand must be a finite real number, got float"
    ):
        v + bad
    with pytest.raises(
        ValueError, match="^operand must be a finite real number, got float"
    ):
        bad * v


@pytest.mark.parametrize(
    ("exponent", "error", "message"),
    [
        (
            Value(2.0),
            TypeError,
            r"exponent must be a real number, got Value Value\(data=2.0, grad=0.0, label=''\)",
        ),
        ("2", TypeError, "exponent must be a real number, got str '2'"),
        (True, TypeError, "exponent must be a real number, got bool True"),
        (2j, TypeError, r"exponent must be a real number, got complex 2j"),
        (None, TypeError, "exponent must be a real number, got NoneType None"),
        (
            float("nan"),
            ValueError,
            "exponent must be a finite real number, got float nan",
        ),
        (
            math.inf,
            ValueError,
            "exponent must be a finite real number, got float inf",
        ),
    ],
)
def test_bad_exponents(
    exponent: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        Value(2.0) ** exponent  # type: ignore[operator]


def test_a_value_cannot_be_an_exponent_on_the_right() -> None:
    with pytest.raises(
        TypeError,
        match=r"^exponent must be a real number, not a Value \(write \(v \* log\(b\)\)\.exp"
        r"\(\)\), got Value",
    ):
        2 ** Value(3.0)  # type: ignore[operator]
    with pytest.raises(
        TypeError,
        match=r"^unsupported operand type\(s\) for \*\* or pow\(\): 'str' and 'Value'$",
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
        ZeroDivisionError, match="^cannot divide by zero, got -?0.0$"
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
    with pytest.raises(
        ValueError, match=r"^the derivative of x \*\* 0.5 is infinite at x = 0.0$"
    ):
        Value(0.0) ** 0.5


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_needs_a_positive_value(x: float) -> None:
    with pytest.raises(
        ValueError, match=f"^log needs a positive value, got {x!r}$"
    ):
        Value(x).log()


def test_overflow_is_reported() -> None:
    with pytest.raises(OverflowError, match=r"^exp\(1000.0\) is too large$"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match=r"^\(10.0\) \*\* 400 is too large$"):
        Value(10.0) ** 400
    with pytest.raises(
        OverflowError, match=r"^the result of '\*' is not finite: data inf"
    ):
        Value(1e200) * 1e200
    with pytest.raises(
        OverflowError, match=r"^the result of 'log' is not finite: data -7"
    ):
        Value(5e-324).log()  # log is finite, its derivative 1/x is not
    with pytest.raises(
        OverflowError, match=r"^the result of '/' is not finite: data 1e\+300"
    ):
        Value(1e100) / 1e-200  # fine, but -a/b**2 is not


@pytest.mark.parametrize(
    "function", [topological_order, naive_backward, graph_table, to_sympy]
)
def test_graph_functions_need_a_value(function: Callable[[Value], object]) -> None:
    with pytest.raises(TypeError, match="^root must be a Value, got float 1.0$"):
        function(1.0)  # type: ignore[arg-type]


# -- sgd_step and gradient_check ---------------------------------------------------------------
