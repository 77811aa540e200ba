"""Tests for derivatives.symbolic: exact values checked by hand, by nudging and by complex step."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivatives.chain_rule import Value
from derivatives.symbolic import (
    as_function,
    derivative,
    evaluate,
    gradient,
    to_sympy,
)
from tests.test_chain_rule import lecture_graph, neuron_graph

w, a, b, c = sympy.symbols("w a b c")
finite = st.floats(
    min_value=-10, max_value=10, allow_nan=False, allow_infinity=False
)


def nudge(f, x, eps=1e-6):
    """Central difference, written out here as an independent check."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


# The lab and lecture: J(w) at w = 2, derivative worked out by hand.
LAB = [
    (w**2, 2 * w, sympy.Integer(4)),
    (w**3, 3 * w**2, sympy.Integer(12)),
    (w, sympy.Integer(1), sympy.Integer(1)),
    (1 / w, -1 / w**2, sympy.Rational(-1, 4)),
]


@pytest.mark.parametrize(("J", "dJ_dw", "at_2"), LAB)
def test_lab_examples_at_w_2(J, dJ_dw, at_2):
    assert derivative(J, w) == dJ_dw
    value = evaluate(derivative(J, w), {w: 2})
    assert value == at_2
    assert type(value) is type(at_2)
    plain = sympy.lambdify(w, J)
    assert nudge(plain, 2.0) == pytest.approx(float(at_2), rel=1e-8)


def test_one_over_w_is_exactly_minus_a_quarter():
    value = evaluate(derivative(1 / w, w), {w: 2})
    assert value == sympy.Rational(-1, 4)
    assert isinstance(value, sympy.Rational) and not isinstance(value, sympy.Float)
    assert (value.p, value.q) == (-1, 4)


@given(st.integers(-1000, 1000))
def test_two_w_has_slope_two_everywhere(x):
    assert derivative(2 * w, w) == 2
    assert evaluate(derivative(2 * w, w), {w: x}) == 2
    # 2w is a line: its secant over any step is exactly 2.
    assert (evaluate(2 * w, {w: x + 1}) - evaluate(2 * w, {w: x})) == 2


def test_exercise_one_over_w_squared_at_4():
    # d/dw w**-2 = -2 w**-3 = -2/64 = -1/32
    value = evaluate(derivative(1 / w**2, w), {w: 4})
    assert value == sympy.Rational(-1, 32)
    assert isinstance(value, sympy.Rational)
    assert nudge(lambda x: 1 / x**2, 4.0) == pytest.approx(-1 / 32, rel=1e-8)


def test_exact_types_of_values():
    assert type(evaluate(w, {w: 3})) is sympy.Integer
    assert type(evaluate(w, {w: np.int64(3)})) is sympy.Integer
    third = evaluate(w, {w: Fraction(1, 3)})
    assert type(third) is sympy.Rational and third == sympy.Rational(1, 3)
    half = evaluate(w**2, {w: 0.5})
    assert type(half) is sympy.Float and half == sympy.Float(0.25)
    assert evaluate(w**2, {w: Fraction(2, 3)}) == sympy.Rational(4, 9)


def test_sympy_numbers_are_accepted_as_values():
    assert evaluate(sympy.sin(w), {w: sympy.pi}) == 0
    assert evaluate(w**2, {w: sympy.sqrt(2)}) == 2
    assert evaluate(w + 1, {w: sympy.Rational(1, 2)}) == sympy.Rational(3, 2)


def test_extra_values_are_ignored():
    assert evaluate(a * b, {a: 2, b: -3, c: 10}) == -6


def test_plain_numbers_are_constants():
    assert derivative(3, w) == 0
    assert derivative(Fraction(1, 2), w, n=0) == sympy.Rational(1, 2)
    assert evaluate(2.5, {}) == sympy.Float(2.5)


# Rules, each derivative worked out by hand.
RULES = [
    ("product", w**2 * sympy.sin(w), 2 * w * sympy.sin(w) + w**2 * sympy.cos(w)),
    ("quotient", sympy.sin(w) / w, (w * sympy.cos(w) - sympy.sin(w)) / w**2),
    ("quotient", (w + 1) / (w - 1), -2 / (w - 1) ** 2),
    ("chain", sympy.sin(w**2), 2 * w * sympy.cos(w**2)),
    ("chain", (1 + w**2) ** 3, 6 * w * (1 + w**2) ** 2),
    ("chain", sympy.exp(3 * w), 3 * sympy.exp(3 * w)),
    ("chain", sympy.log(1 + w**2), 2 * w / (1 + w**2)),
]


@pytest.mark.parametrize(("rule", "f", "df"), RULES, ids=[r[0] for r in RULES])
def test_rules(rule, f, df):
    assert sympy.simplify(derivative(f, w) - df) == 0
    # and numerically, at a point where everything is defined
    x = 0.7
    exact = float(evaluate(derivative(f, w), {w: Fraction(7, 10)}))
    assert exact == pytest.approx(
        float(df.subs(w, sympy.Rational(7, 10))), rel=1e-12
    )
    assert nudge(sympy.lambdify(w, f), x) == pytest.approx(exact, rel=1e-7)


@pytest.mark.parametrize(
    ("f", "n", "expected"),
    [
        (w**5, 3, 60 * w**2),
        (w**5, 0, w**5),
        (w**5, 5, sympy.Integer(120)),
        (w**5, 6, sympy.Integer(0)),
        (sympy.sin(w), 4, sympy.sin(w)),
        (sympy.sin(w), 2, -sympy.sin(w)),
        (sympy.exp(2 * w), 3, 8 * sympy.exp(2 * w)),
    ],
)
def test_nth_derivatives(f, n, expected):
    assert derivative(f, w, n) == expected


def test_highest_order():
    assert derivative(w**100, w, n=100) == math.factorial(100)
    assert derivative(w**3, w, np.int64(2)) == 6 * w


def test_variable_absent_gives_zero():
    assert derivative(a * b, w) == 0


def test_gradient_of_d_is_b_a_1():
    d = a * b + c
    assert gradient(d, [a, b, c]) == [b, a, 1]
    at = {a: 2, b: -3, c: 10}
    assert [evaluate(g, at) for g in gradient(d, (a, b, c))] == [-3, 2, 1]
    # nudging each input of d = a*b + c at (2, -3, 10)
    assert nudge(lambda x: x * -3 + 10, 2.0) == pytest.approx(-3)
    assert nudge(lambda x: 2 * x + 10, -3.0) == pytest.approx(2)


def test_gradient_of_a_b_plus_a_c_squared():
    (d_da,) = gradient(a * b + a * c**2, [a])
    assert d_da == b + c**2
    assert d_da != b + 2 * c
    # at a = 2, b = -3, c = 10: b + c**2 = 97, whereas b + 2c would be 17
    assert evaluate(d_da, {b: -3, c: 10}) == 97
    assert nudge(lambda x: x * -3 + x * 10**2, 2.0) == pytest.approx(97)


def test_gradient_keeps_the_order_given():
    assert gradient(a * b + a * c**2, [c, a]) == [2 * a * c, b + c**2]
    assert gradient(a * b, [w, a]) == [0, b]


def test_as_function_on_scalars_returns_python_float():
    f = as_function(w**2, w)
    assert type(f(3.0)) is float and f(3.0) == 9.0
    assert type(f(3)) is float and f(3) == 9.0
    assert type(f(np.float64(1.5))) is float and f(np.float64(1.5)) == 2.25


def test_as_function_on_arrays():
    f = as_function(a * b + c, a, b, c)
    out = f(np.array([1.0, 2.0]), -3.0, np.array([[10.0], [0.0]]))
    np.testing.assert_array_equal(out, [[7.0, 4.0], [-3.0, -6.0]])
    x = np.array([1.0, 2.0])
    same = as_function(w, w)(x)
    same[0] = 99.0
    assert x[0] == 1.0


def test_as_function_broadcasts_constants():
    f = as_function(derivative(2 * w, w), w)
    out = f(np.linspace(-1.0, 1.0, 5))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_array_equal(out, np.full(5, 2.0))
    assert as_function(Fraction(1, 2), w, a)(
        np.zeros((2, 1)), np.zeros(3)
    ).shape == (2, 3)
    assert as_function(3, w)(1.0) == 3.0


@settings(
    deadline=None
)  # the first call compiles: its time depends on the machine's load
@given(finite)
def test_as_function_agrees_with_evaluate(x):
    expr = w**3 - 2 * w + 1 / (w**2 + 1) + sympy.sin(w)
    f = as_function(expr, w)
    assert f(x) == pytest.approx(
        float(evaluate(expr, {w: x})), rel=1e-12, abs=1e-12
    )
    pair = as_function(a * sympy.exp(b) + a**2, a, b)
    exact = float(evaluate(a * sympy.exp(b) + a**2, {a: x, b: x / 4}))
    assert pair(x, x / 4) == pytest.approx(exact, rel=1e-12, abs=1e-12)


@given(finite)
def test_derivative_agrees_with_complex_step(x):
    expr = sympy.sin(w) * sympy.exp(w / 3) + w**4
    f = as_function(expr, w)
    slope = f(complex(x, 1e-20)).imag / 1e-20
    assert float(evaluate(derivative(expr, w), {w: x})) == pytest.approx(
        slope, rel=1e-12
    )


@given(st.lists(st.integers(-9, 9), min_size=1, max_size=6), finite)
def test_polynomial_derivative_agrees_with_nudging(coefficients, x):
    poly = sum(k * w**i for i, k in enumerate(coefficients))
    by_hand = sum(i * k * x ** (i - 1) for i, k in enumerate(coefficients) if i > 0)
    assert float(evaluate(derivative(poly, w), {w: x})) == pytest.approx(
        by_hand, abs=1e-9
    )


@settings(
    deadline=None
)  # SymPy's first differentiation can be slow on a busy machine
@given(finite, finite)
def test_gradient_agrees_with_nudging(x, y):
    expr = a**2 * b + sympy.sin(a * b)
    f = as_function(expr, a, b)
    grads = [float(evaluate(g, {a: x, b: y})) for g in gradient(expr, [a, b])]
    assert grads[0] == pytest.approx(
        nudge(lambda t: f(t, y), x), rel=1e-5, abs=1e-5
    )
    assert grads[1] == pytest.approx(
        nudge(lambda t: f(x, t), y), rel=1e-5, abs=1e-5
    )


# Bad input: exception type and message pinned.
def raises(kind, message):
    return pytest.raises(kind, match=re.escape(message))


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("w**2", "expr must be a SymPy expression, got str 'w**2'"),
        (True, "expr must be a SymPy expression, got bool True"),
        (None, "expr must be a SymPy expression, got NoneType None"),
        (1j, "expr must be a SymPy expression, got complex 1j"),
        (sympy.Eq(w, 2), "expr must be a SymPy expression, got Equality Eq(w, 2)"),
    ],
)
def test_expr_that_is_not_an_expression(expr, message):
    with raises(TypeError, message):
        derivative(expr, w)
    with raises(TypeError, message):
        evaluate(expr, {w: 1})
    with raises(TypeError, message):
        gradient(expr, [w])
    with raises(TypeError, message):
        as_function(expr, w)


def test_expr_that_is_not_a_finite_number():
    with raises(ValueError, "expr must be a finite real number, got float nan"):
        derivative(float("nan"), w)
    with raises(ValueError, "expr must be a finite real number, got float inf"):
        evaluate(float("inf"), {})


@pytest.mark.parametrize(
    ("var", "message"),
    [
        ("w", "var must be a SymPy Symbol, got str 'w'"),
        (w**2, "var must be a SymPy Symbol, got Pow w**2"),
        (2, "var must be a SymPy Symbol, got int 2"),
    ],
)
def test_var_that_is_not_a_symbol(var, message):
    with raises(TypeError, message):
        derivative(w**2, var)


@pytest.mark.parametrize(
    ("n", "kind", "message"),
    [
        (True, TypeError, "n must be an integer, got bool True"),
        (2.0, TypeError, "n must be an integer, got float 2.0"),
        ("2", TypeError, "n must be an integer, got str '2'"),
        (-1, ValueError, "n must be an integer from 0 to 100, got int -1"),
        (101, ValueError, "n must be an integer from 0 to 100, got int 101"),
        (
            10**9,
            ValueError,
            "n must be an integer from 0 to 100, got int 1000000000",
        ),
    ],
)
def test_bad_order(n, kind, message):
    with raises(kind, message):
        derivative(sympy.sin(w), w, n)


@pytest.mark.parametrize(
    ("values", "kind", "message"),
    [
        (
            [(w, 2)],
            TypeError,
            "values must be a mapping from SymPy Symbols to numbers, got list [(w, 2)]",
        ),
        (
            {"w": 2},
            TypeError,
            "each key of values must be a SymPy Symbol, got str 'w'",
        ),
        (
            {w**2: 4},
            TypeError,
            "each key of values must be a SymPy Symbol, got Pow w**2",
        ),
        ({w: "2"}, TypeError, "values[w] must be a real number, got str '2'"),
        ({w: True}, TypeError, "values[w] must be a real number, got bool True"),
        (
            {w: None},
            TypeError,
            "values[w] must be a real number, got NoneType None",
        ),
        (
            {w: 1 + 2j},
            TypeError,
            "values[w] must be a real number, got complex (1+2j)",
        ),
        (
            {w: sympy.I},
            TypeError,
            "values[w] must be a real number, got ImaginaryUnit I",
        ),
        ({w: a}, TypeError, "values[w] must be a real number, got Symbol a"),
        (
            {w: float("nan")},
            ValueError,
            "values[w] must be a finite real number, got float nan",
        ),
        (
            {w: -math.inf},
            ValueError,
            "values[w] must be a finite real number, got float -inf",
        ),
        (
            {w: sympy.oo},
            ValueError,
            "values[w] must be a finite real number, got Infinity oo",
        ),
        (
            {w: sympy.zoo},
            ValueError,
            "values[w] must be a finite real number, got ComplexInfinity zoo",
        ),
        (
            {w: sympy.nan},
            ValueError,
            "values[w] must be a finite real number, got NaN nan",
        ),
    ],
)
def test_bad_values(values, kind, message):
    with raises(kind, message):
        evaluate(w**2, values)


def test_missing_values_are_named():
    with raises(
        ValueError,
        "values must be a mapping with a value for each free symbol of expr (missing w), "
        "got dict {}",
    ):
        evaluate(w**2, {})
    with raises(
        ValueError,
        "values must be a mapping with a value for each free symbol of expr (missing a, c), "
        "got dict {b: 1}",
    ):
        evaluate(a * b + c, {b: 1})


def test_undefined_result():
    with raises(ValueError, "expr is undefined or infinite at {w: 0}: got zoo"):
        evaluate(1 / w, {w: 0})
    with raises(ValueError, "expr is undefined or infinite at {w: 0}: got zoo"):
        evaluate(derivative(sympy.log(w), w), {w: 0})


@pytest.mark.parametrize(
    ("variables", "kind", "message"),
    [
        (
            "ab",
            TypeError,
            "variables must be a list or tuple of SymPy Symbols, got str 'ab'",
        ),
        (
            {a, b},
            TypeError,
            "variables must be a list or tuple of SymPy Symbols, got set",
        ),
        (
            a,
            TypeError,
            "variables must be a list or tuple of SymPy Symbols, got Symbol a",
        ),
        (
            [],
            ValueError,
            "variables must be a non-empty list or tuple of SymPy Symbols, got list []",
        ),
        ([a, "b"], TypeError, "variables[1] must be a SymPy Symbol, got str 'b'"),
        (
            [a, b, a],
            ValueError,
            "variables must be distinct SymPy Symbols, got list [a, b, a]",
        ),
    ],
)
def test_gradient_bad_variables(variables, kind, message):
    with raises(kind, message):
        gradient(a * b, variables)


@pytest.mark.parametrize(
    ("variables", "kind", "message"),
    [
        (
            (),
            ValueError,
            "variables must be a non-empty list or tuple of SymPy Symbols, got tuple ()",
        ),
        (
            ([a, b],),
            TypeError,
            "variables[0] must be a SymPy Symbol, got list [a, b]",
        ),
        ((a, "b"), TypeError, "variables[1] must be a SymPy Symbol, got str 'b'"),
        (
            (a, b, b),
            ValueError,
            "variables must be distinct SymPy Symbols, got tuple (a, b, b)",
        ),
        (
            (a,),
            ValueError,
            "variables must be Symbols covering the free symbols of expr (missing b), "
            "got tuple (a,)",
        ),
    ],
)
def test_as_function_bad_variables(variables, kind, message):
    with raises(kind, message):
        as_function(a * b, *variables)


def test_as_function_needs_an_explicit_formula():
    f = sympy.Function("f")
    with raises(
        TypeError,
        "expr must be built from functions as_function can compute (not f), got f f(w)",
    ):
        as_function(f(w) * w, w)
    with raises(
        TypeError,
        "expr must be built from functions as_function can compute (not Derivative), "
        "got Derivative Derivative(w**2, w)",
    ):
        as_function(sympy.Derivative(w**2, w), w)


@pytest.mark.parametrize(
    ("args", "kind", "message"),
    [
        ((1.0,), TypeError, "expected 2 argument(s) (a, b), got 1"),
        ((1.0, 2.0, 3.0), TypeError, "expected 2 argument(s) (a, b), got 3"),
        (
            ("1", 2.0),
            TypeError,
            "a must be a real or complex number or array, got str '1'",
        ),
        (
            (1.0, True),
            TypeError,
            "b must be a real or complex number or array, got bool True",
        ),
        (
            (None, 2.0),
            TypeError,
            "a must be a real or complex number or array, got NoneType None",
        ),
        ((math.nan, 2.0), ValueError, "a must be finite, got nan"),
        ((1.0, [0.0, math.inf]), ValueError, "b must be finite, got [0.0, inf]"),
        (
            (np.ones(2), np.ones(3)),
            ValueError,
            "arguments (a, b) must broadcast to one shape, got (2,), (3,)",
        ),
    ],
)
def test_as_function_bad_arguments(args, kind, message):
    f = as_function(a * b, a, b)
    with raises(kind, message):
        f(*args)


# to_sympy: the formula of a graph of values.


def test_to_sympy_of_the_lecture_graph() -> None:
    g = lecture_graph()
    a, b, c, f = sympy.symbols("a b c f")
    expr = to_sympy(g["L"])
    assert sympy.expand(expr - (a * b + c) * f) == 0
    g["L"].backward()
    point = {a: 2, b: -3, c: 10, f: -2}
    assert expr.subs(point) == -8
    for s in (a, b, c, f):
        assert sympy.diff(expr, s).subs(point) == int(
            g[s.name].grad
        )  # exact integers here


def test_to_sympy_of_the_neuron() -> None:
    g = neuron_graph()
    g["o"].backward()
    expr = to_sympy(g["o"])
    symbols = {s.name: s for s in expr.free_symbols}
    assert set(symbols) == {"x1", "x2", "w1", "w2", "b"}
    point = {symbols[name]: g[name].data for name in symbols}
    for name, s in symbols.items():
        assert float(sympy.diff(expr, s).subs(point)) == pytest.approx(
            g[name].grad, abs=1e-12
        )


def test_to_sympy_keeps_numbers_exact() -> None:
    x = Value(2.0, label="x")
    expr = to_sympy(
        2 * x ** Fraction(1, 2) - x**3 / 4 + 0.5 * x.relu() + x.sigmoid().log()
    )
    s = sympy.Symbol("x")
    relu = sympy.Piecewise((s, s > 0), (0, True))
    expected = (
        2 * sympy.sqrt(s)
        - s**3 / 4
        + sympy.Float(0.5) * relu
        + sympy.log(1 / (1 + sympy.exp(-s)))
    )
    assert sympy.simplify(expr - expected) == 0


def test_to_sympy_relu_derivative_at_zero_matches_backward() -> None:
    x = Value(0.0, label="x")
    y = x.relu()
    y.backward()
    slope = sympy.diff(to_sympy(y), sympy.Symbol("x")).subs(sympy.Symbol("x"), 0)
    assert slope == 0 and x.grad == 0.0


def test_to_sympy_needs_labelled_distinct_leaves() -> None:
    with pytest.raises(
        ValueError,
        match=r"^every leaf must be labelled for to_sympy, got Value Value\(data=2.0",
    ):
        to_sympy(Value(2.0) * Value(3.0, label="b"))
    with pytest.raises(
        ValueError,
        match=r"^each leaf's label must be unique for to_sympy, got Value Value\(data=3\.0",
    ):
        to_sympy(Value(2.0, label="a") * Value(3.0, label="a"))
    y = Value(2.0, label="a").exp()
    y.op = "cosh"
    with pytest.raises(
        ValueError, match="^op must be one that Value produces, got str 'cosh'$"
    ):
        to_sympy(y)


# Right or refused: as_function never runs text, to_sympy stays linear, values obey assumptions.


@pytest.mark.parametrize(
    "name", ["pi", "e", "E", "nan", "inf", "exp", "sin", "lambda", "x y"]
)
def test_as_function_takes_symbols_of_any_name(name):
    r = sympy.Symbol(name)
    f = as_function(sympy.pi * r**2 + sympy.exp(r), r)
    assert f(2.0) == pytest.approx(math.pi * 4 + math.exp(2.0), rel=1e-15)


def test_as_function_symbols_that_share_a_name():
    plain, positive = sympy.Symbol("x"), sympy.Symbol("x", positive=True)
    f = as_function(plain - 2 * positive, plain, positive)
    assert f(1.0, 5.0) == 1.0 - 10.0


def test_as_function_never_runs_code_from_a_functions_name(tmp_path):
    target = tmp_path / "ran"
    planted = type(
        f"__import__('pathlib').Path({str(target)!r}).touch", (sympy.Function,), {}
    )
    expr = planted(w) + w
    with pytest.raises(
        TypeError, match=r"^expr must be built from functions as_function can"
    ):
        as_function(expr, w)
    assert not target.exists()
    # a subclass of a known function is not taken for it either: the table is keyed by class
    sneaky = type("exp", (sympy.exp,), {})
    with raises(TypeError, "(not exp), got exp exp(w)"):
        as_function(sneaky(w, evaluate=False), w)
    assert not target.exists()


@pytest.mark.parametrize(
    ("expr", "name"),
    [
        (sympy.zeta(w), "zeta"),
        (sympy.besselj(1, w), "besselj"),
        (sympy.gamma(w), "gamma"),
        (sympy.erf(w), "erf"),
        (sympy.factorial(w), "factorial"),
        (sympy.Integral(w, w), "Integral"),
    ],
)
def test_as_function_refuses_what_it_cannot_compute_when_made(expr, name):
    with raises(
        TypeError,
        f"expr must be built from functions as_function can compute (not {name})",
    ):
        as_function(expr, w)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            w * sympy.zoo,
            "expr must be a formula without nan or infinities, got Mul zoo*w",
        ),
        (
            sympy.nan * w,
            "expr must be a formula without nan or infinities, got NaN nan",
        ),
        (
            w * sympy.Integer(10) ** 400,
            "expr must be a formula whose constants fit a float",
        ),
    ],
)
def test_as_function_refuses_constants_that_are_not_finite_floats(expr, message):
    with raises(ValueError, message):
        as_function(expr, w)


def test_as_function_of_functions_in_its_table_agrees_with_sympy():
    expr = (
        sympy.atan2(w, 2)
        + sympy.cot(w)
        + sympy.Max(w, 1, sympy.sin(w))
        + sympy.Abs(w - 3) * sympy.sign(w - 3)
        + sympy.Heaviside(w - 0.5)
        + sympy.Piecewise((w**2, w > 1), (-w, True))
        + sympy.acosh(w + 2)
        + sympy.log(w, 2)
    )
    f = as_function(expr, w)
    for x in (0.7, 1.3, 2.9):
        assert f(x) == pytest.approx(
            float(expr.subs(w, sympy.Rational(x)).evalf(30)), rel=1e-13
        )


def test_as_function_of_a_deep_formula_needs_no_recursion():
    expr = w
    for _ in range(3000):
        expr = sympy.tanh(expr, evaluate=False)
    value = 0.5
    for _ in range(3000):
        value = math.tanh(value)
    assert as_function(expr, w)(0.5) == pytest.approx(value, rel=1e-12)


def test_as_function_of_complex_input():
    f = as_function(sympy.exp(sympy.I * w), w)
    assert f(math.pi / 2) == pytest.approx(1j, abs=1e-15)


# How long these take is measured by `make bench` (tests/benchmarks/bench_symbolic.py); here,
# the unevaluated structure that keeps the work linear, and the values.


def test_to_sympy_of_a_deep_tanh_chain_is_unevaluated_and_right():
    x = Value(0.3, label="x")
    out = x
    for _ in range(12):
        out = out.tanh()
    expr = to_sympy(out)  # with SymPy's automatic evaluation this took minutes
    s = sympy.Symbol("x")
    expected = s
    for _ in range(12):
        expected = sympy.tanh(expected, evaluate=False)
    assert expr == expected
    assert float(expr.subs(s, sympy.Rational(3, 10)).evalf(30)) == pytest.approx(
        out.data, rel=1e-14
    )


def test_to_sympy_of_a_deep_sigmoid_chain():
    x = Value(0.3, label="x")
    out = x
    for _ in range(30):
        out = out.sigmoid()
    expr = to_sympy(out)
    f = as_function(expr, sympy.Symbol("x"))
    assert f(0.3) == pytest.approx(out.data, rel=1e-14)
    assert str(expr).count("exp(") == 30  # printed: 5 levels per sigmoid, 150 deep


def test_to_sympy_refuses_a_formula_too_deep_to_print():
    # 1/(1 + exp(-x)) is 5 levels deep: 100 of them in a row, 500 levels, are more than
    # SymPy's printer can recurse through
    x = Value(0.3, label="x")
    out = x
    for _ in range(100):
        out = out.sigmoid()
    with pytest.raises(
        ValueError,
        match=r"^root must be a graph whose formula has at most 20000 nodes.*"
        r"at most 150 levels deep.*got a graph of 15[0-9] levels$",
    ):
        to_sympy(out)


def test_to_sympy_of_a_wide_sum_is_one_add():
    xs = [Value(float(i), label=f"x{i}") for i in range(4000)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    expr = to_sympy(total)
    assert isinstance(expr, sympy.Add) and len(expr.args) == 4000
    assert set(expr.args) == {sympy.Symbol(f"x{i}") for i in range(4000)}


def test_to_sympy_keeps_a_shared_sum_once():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    s = a + b
    out = s * s + s
    expr = to_sympy(out)
    sa, sb = sympy.symbols("a b")
    assert sympy.expand(expr - ((sa + sb) ** 2 + sa + sb)) == 0
    out.backward()
    assert float(sympy.diff(expr, sa).subs({sa: 2, sb: 3})) == a.grad == 11.0


@pytest.mark.parametrize(
    ("symbol", "value", "message"),
    [
        (
            sympy.Symbol("x", positive=True),
            -2,
            "values[x] must be a number that is positive, as x assumes, got int -2",
        ),
        (
            sympy.Symbol("x", integer=True),
            2.5,
            "values[x] must be a number that is integer, as x assumes, got float 2.5",
        ),
        (
            sympy.Symbol("x", nonzero=True),
            0,
            "values[x] must be a number that is nonzero, as x assumes, got int 0",
        ),
        (
            sympy.Symbol("x", negative=False),
            -1,
            "values[x] must be a number that is not negative, as x assumes, got int -1",
        ),
    ],
)
def test_evaluate_refuses_values_against_assumptions(symbol, value, message):
    with raises(ValueError, message):
        evaluate(sympy.sqrt(symbol**2), {symbol: value})


def test_evaluate_keeps_values_that_fit_assumptions():
    x = sympy.Symbol("x", positive=True)
    assert evaluate(sympy.sqrt(x**2), {x: 2}) == 2  # sqrt(x**2) is x for positive x
    n = sympy.Symbol("n", integer=True)
    assert evaluate((-1) ** n, {n: 3}) == -1


@pytest.mark.parametrize("constant", [sympy.nan, sympy.oo, -sympy.oo, sympy.zoo])
def test_derivative_refuses_constants_that_are_not_finite(constant):
    with pytest.raises(
        ValueError, match=r"^expr must be a formula without nan or infinities, got "
    ):
        derivative(constant * w, w)
    with pytest.raises(
        ValueError, match=r"^expr must be a formula without nan or infinities, got "
    ):
        gradient(constant + w, [w])


def test_zero_dimensional_arrays_are_numbers_everywhere():
    zero_d = np.array(2.0)
    assert evaluate(w**2, {w: np.array(3)}) == 9
    assert type(evaluate(w**2, {w: np.array(3)})) is sympy.Integer
    assert derivative(w**3, w, np.array(2)) == 6 * w
    assert derivative(zero_d, w) == 0
    assert as_function(w**2, w)(zero_d) == 4.0
    assert type(as_function(w**2, w)(zero_d)) is float
    with raises(
        TypeError, "values[w] must be a real number, got ndarray array([1., 2.])"
    ):
        evaluate(w, {w: np.array([1.0, 2.0])})


# Bounded work: SymPy is given only what it can finish quickly, and refusals come first.


def relu_chain(depth: int) -> Value:
    out = Value(0.5, label="x")
    for _ in range(depth):
        out = (out * 1.5).relu()
    return out


def test_to_sympy_refuses_a_long_chain_of_relus_before_building_it():
    with pytest.raises(
        ValueError,
        match=r"^root must be a graph whose .* at most 8 ReLUs in a row, "
        r"got a graph of 9 or more ReLUs in a row$",
    ):
        to_sympy(relu_chain(25))
    out = relu_chain(8)
    expr = to_sympy(out)
    assert (
        float(expr.subs(sympy.Symbol("x"), sympy.Rational(1, 2)))
        == out.data
        == 0.5 * 1.5**8
    )


def doubling_graph(steps: int) -> Value:
    """A graph of steps + 1 nodes whose formula, written out, has about 2**steps nodes."""
    out = Value(0.5, label="x")
    for i in range(steps):
        out = out + out if i % 2 else out * out
    return out


def test_to_sympy_refuses_a_graph_whose_formula_doubles_at_each_node():
    with pytest.raises(ValueError, match=r"got a graph of more than 20000 nodes$"):
        to_sympy(doubling_graph(60))
    small = doubling_graph(6)  # ((x**2 * 2)**2 * 2)**2 * 2 = 128 x**8
    x = sympy.Symbol("x")
    assert sympy.expand(to_sympy(small).doit()) == 128 * x**8


def test_derivative_refuses_a_formula_with_shared_subexpressions_past_the_bound():
    w = sympy.Symbol("w")
    expr = w
    for _ in range(60):  # one object per step; written out, 2**60 copies of w
        expr = sympy.Mul(expr, expr + 1, evaluate=False)
    for call in (
        lambda: derivative(expr, w),
        lambda: gradient(expr, [w]),
        lambda: evaluate(expr, {w: 1}),
    ):
        with pytest.raises(
            ValueError,
            match=r"^expr must be a formula of at most 20000 nodes written out as a tree, "
            r"at most 150 levels deep, with at most 8 functions nested in one another, "
            r"got Mul of more than 20000 nodes written out as a tree$",
        ):
            call()


def test_a_thousand_levels_are_refused_before_sympy_recurses():
    w = sympy.Symbol("w")
    expr = w
    for i in range(1000):
        expr = (
            sympy.Add(expr, i, evaluate=False)
            if i % 2
            else sympy.Mul(expr, 2, evaluate=False)
        )
    for call in (lambda: derivative(expr, w), lambda: evaluate(expr, {w: 1})):
        with pytest.raises(ValueError, match=r"got Add of 1001 levels deep$"):
            call()


def test_functions_nested_too_deep_are_refused_and_shallow_ones_differentiated():
    w = sympy.Symbol("w")
    deep, shallow = w, w
    for _ in range(10):
        deep = sympy.tanh(deep, evaluate=False)
    for _ in range(3):
        shallow = sympy.tanh(shallow, evaluate=False)
    with pytest.raises(
        ValueError, match=r"got tanh of 10 functions nested in one another$"
    ):
        derivative(deep, w)
    # d/dw tanh(tanh(tanh(w))) by the chain rule, at w = 0.3
    t1 = math.tanh(0.3)
    t2 = math.tanh(t1)
    by_hand = (1 - math.tanh(t2) ** 2) * (1 - t2**2) * (1 - t1**2)
    assert float(evaluate(derivative(shallow, w), {w: 0.3})) == pytest.approx(
        by_hand, rel=1e-14
    )


def test_evaluate_refuses_an_exact_power_too_large_to_compute():
    w = sympy.Symbol("w")
    with pytest.raises(
        ValueError,
        match=r"^expr must have exponents of at most 10000 in size to be evaluated exactly, "
        r"got Pow with exponent 10000000000$",
    ):
        evaluate(w ** (10**10), {w: 2})
    assert evaluate(w**10_000, {w: 2}) == 2**10_000
    assert derivative(w ** (10**10), w) == 10**10 * w ** (
        10**10 - 1
    )  # no power computed


def test_derivatives_that_grow_at_each_order_stop_before_they_take_minutes():
    w = sympy.Symbol("w")
    with pytest.raises(
        ValueError,
        match=r"^n must be at most 1[0-9] for this expr, whose derivatives grow .* got int 60$",
    ):
        derivative(w**w, w, n=60)
    # the third derivative, against mpmath's numerical one
    third = derivative(w**w, w, n=3)
    import mpmath

    expected = mpmath.diff(lambda t: t**t, mpmath.mpf(2), 3)
    assert float(evaluate(third, {w: 2})) == pytest.approx(
        float(expected), rel=1e-12
    )
    assert derivative(w**100, w, n=100) == math.factorial(100)  # polynomials shrink
