"""The three ways agree: backprop equals SymPy's exact derivative, and central differences agree.

Hypothesis builds random expressions from every operation `Value` supports, on domains where each
is defined and smooth. Each expression is built twice, independently: once as a `Value` graph and
once as a SymPy expression, then differentiated three ways.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derivatives import Value, epsilon, symbolic

X = sympy.Symbol("x")

# A builder takes "the same thing" in two worlds: (Value or float, SymPy expression).
Pair = tuple[Any, sympy.Expr]
Build = Callable[[Pair], Pair]


def _unary(name: str) -> Build:
    """Safe unary steps: each keeps the result finite and the next step in its domain."""

    def build(pair: Pair) -> Pair:
        v, s = pair
        if name == "exp":  # exp of a bounded argument
            return v.tanh().exp(), sympy.exp(sympy.tanh(s))
        if name == "log":  # log of something >= 1
            return (v * v + 1).log(), sympy.log(s * s + 1)
        if name == "tanh":
            return v.tanh(), sympy.tanh(s)
        if name == "sigmoid":
            return v.sigmoid(), 1 / (1 + sympy.exp(-s))
        if name == "square":
            return v**2, s**2
        if name == "cube":
            return v**3, s**3
        if name == "neg":
            return -v, -s
        if name == "reciprocal":  # 1 / (1 + v^2) never divides by zero
            return 1 / (1 + v * v), 1 / (1 + s * s)
        if name == "sqrt":  # a fractional power of a positive number
            return (v * v + 1) ** 0.5, sympy.sqrt(s * s + 1)
        raise AssertionError(name)

    return build


UNARY = [
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "square",
    "cube",
    "neg",
    "reciprocal",
    "sqrt",
]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> Callable[[Any], Pair]:
    """A random expression in one input, as a function from the input to (Value, SymPy) pair."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        c = draw(st.sampled_from([0.5, 1, 2, -3]))
        if draw(st.booleans()):
            return lambda x: (x[0], x[1])
        return lambda x: (x[0] * c, x[1] * sympy.nsimplify(c))
    kind = draw(st.sampled_from(["unary", "+", "-", "*", "/"]))
    left = draw(expressions(depth - 1))
    if kind == "unary":
        step = _unary(draw(st.sampled_from(UNARY)))
        return lambda x: step(left(x))
    right = draw(expressions(depth - 1))

    def combine(x: Pair) -> Pair:
        (lv, ls), (rv, rs) = left(x), right(x)
        if kind == "+":
            return lv + rv, ls + rs
        if kind == "-":
            return lv - rv, ls - rs
        if kind == "*":
            return lv * rv, ls * rs
        return lv / (rv * rv + 1), ls / (rs * rs + 1)

    return combine


@settings(max_examples=150, deadline=None)
@given(build=expressions(), x0=st.floats(-2, 2).filter(lambda t: abs(t) > 1e-3))
def test_backprop_equals_sympy_and_central_difference(
    build: Callable[[Any], Pair], x0: float
) -> None:
    x_value = Value(x0, label="x")
    out, expr = build((x_value, X))
    out.backward()

    exact = float(sympy.diff(expr, X).subs(X, x0))
    assume(math.isfinite(exact) and abs(exact) < 1e6)
    scale = max(1.0, abs(exact))
    assert abs(x_value.grad - exact) <= 1e-9 * scale

    numeric = epsilon.derivative(lambda t: build((Value(t), X))[0].data, x0)
    assert abs(numeric - exact) <= 1e-6 * scale


def test_relu_network_agrees_away_from_kinks() -> None:
    """A ReLU through every layer: backprop, SymPy (written by hand) and nudging agree."""
    w1, b1, w2, b2 = (sympy.Symbol(n) for n in ("w1", "b1", "w2", "b2"))
    expr = (sympy.Max(0, w2 * sympy.Max(0, w1 * 1 + b1) + b2) - 5) ** 2 / 2
    values = {w1: 2, b1: 0, w2: 3, b2: 1}
    params = {name: Value(v, label=str(name)) for name, v in values.items()}
    a1 = (params[w1] * 1 + params[b1]).relu()
    J = ((params[w2] * a1 + params[b2]).relu() - 5) ** 2 / 2
    J.backward()
    for symbol, value in params.items():
        exact = symbolic.evaluate(symbolic.derivative(expr, symbol), values)
        assert value.grad == float(exact)
    nudged = epsilon.numerical_gradient(
        lambda p, q, r, s: (max(0.0, r * max(0.0, p + q) + s) - 5) ** 2 / 2,
        [2, 0, 3, 1],
    )
    assert [round(g, 6) for g in nudged] == [
        params[s].grad for s in (w1, b1, w2, b2)
    ]


def test_the_lecture_graph_three_ways() -> None:
    """L = (a*b + c)*f at a=2, b=-3, c=10, f=-2: the worked example of the backprop lecture."""
    a, b, c, f = sympy.symbols("a b c f")
    L = (a * b + c) * f
    point = {a: 2, b: -3, c: 10, f: -2}
    exact = [
        symbolic.evaluate(g, point) for g in symbolic.gradient(L, [a, b, c, f])
    ]
    values = [Value(point[s], label=str(s)) for s in (a, b, c, f)]
    out = (values[0] * values[1] + values[2]) * values[3]
    out.backward()
    nudged = epsilon.numerical_gradient(
        lambda p, q, r, s: (p * q + r) * s, [2, -3, 10, -2]
    )
    assert list(exact) == [6, -4, -2, 4]  # by hand: b*f, a*f, f, a*b + c
    assert [v.grad for v in values] == [6.0, -4.0, -2.0, 4.0]
    assert all(abs(n - e) < 1e-9 for n, e in zip(nudged, exact, strict=True))
    assert symbolic.to_sympy(out).equals(L)
