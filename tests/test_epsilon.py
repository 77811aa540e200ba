"""Finite differences against values derived by hand, exact SymPy derivatives and identities."""

from __future__ import annotations

import cmath
import math
import random
import re
import statistics
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derivatives._validate import reals
from derivatives.epsilon import (
    Nudge,
    central_difference,
    complex_step,
    derivative,
    derivative_estimate,
    forward_difference,
    nudge,
    numerical_gradient,
    partial_difference,
)

X = sp.Symbol("x")


def relative_error(estimate: float, exact: float) -> float:
    return abs(estimate - exact) / abs(exact)


def counted(
    f: Callable[[float], float],
) -> tuple[Callable[[float], float], list[float]]:
    """``f`` and the list of points it has been called at."""
    calls: list[float] = []

    def wrapper(t: float) -> float:
        calls.append(t)
        return f(t)

    return wrapper, calls


def sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))


def tricky(t: float) -> float:
    return math.exp(t) / math.sqrt(math.sin(t) ** 3 + math.cos(t) ** 3)


# (name, function of floats, the same function in SymPy, point)
TARGETS = [
    ("w**2", lambda w: w**2, X**2, 3.0),
    ("w**3", lambda w: w**3, X**3, 2.0),
    ("1/w", lambda w: 1 / w, 1 / X, 2.0),
    ("3x**2-4x+5", lambda t: 3 * t**2 - 4 * t + 5, 3 * X**2 - 4 * X + 5, 3.0),
    ("exp", math.exp, sp.exp(X), 1.0),
    ("sin", math.sin, sp.sin(X), 1.0),
    ("tanh", math.tanh, sp.tanh(X), 0.5),
    ("log", math.log, sp.log(X), 0.1),
    ("sqrt", math.sqrt, sp.sqrt(X), 1e-3),
    ("x**10", lambda t: t**10, X**10, 1.5),
    ("sigmoid", sigmoid, 1 / (1 + sp.exp(-X)), 0.5),
    (
        "exp/sqrt(sin**3+cos**3)",
        tricky,
        sp.exp(X) / sp.sqrt(sp.sin(X) ** 3 + sp.cos(X) ** 3),
        1.5,
    ),
    ("sin(100x)", lambda t: math.sin(100 * t), sp.sin(100 * X), 0.3),
]


def exact_derivative(expr: sp.Expr, x: float) -> float:
    """The derivative of ``expr`` at the float ``x`` (taken as its exact binary value)."""
    return float(sp.diff(expr, X).subs(X, sp.Rational(x)).evalf(40))


EXACT = {name: exact_derivative(expr, x) for name, _, expr, x in TARGETS}


# -- The course's nudges -----------------------------------------------------------------------
# ((w + eps)**2 - w**2) / eps = 2*w + eps, so k is the slope 2*w plus exactly eps.


@pytest.mark.parametrize(
    ("w", "eps", "k"),
    [(3, 0.001, 6.001), (3, 0.002, 6.002), (2, 0.001, 4.001), (-3, 0.001, -5.999)],
)
def test_course_nudges_of_w_squared(w: float, eps: float, k: float) -> None:
    assert k == pytest.approx(2 * w + eps, abs=1e-12)
    assert forward_difference(lambda v: v**2, w, eps) == pytest.approx(k, abs=1e-9)


def test_course_nudge_of_w_squared_at_3_records_every_number() -> None:
    n = nudge(lambda w: w**2, 3)
    assert isinstance(n, Nudge)
    assert (n.w, n.eps, n.f_w) == (3.0, 0.001, 9.0)
    assert n.f_w_eps == pytest.approx(
        9.006001, abs=1e-12
    )  # (3 + 0.001)**2 = 9 + 0.006 + 1e-6
    assert n.change == pytest.approx(0.006001, abs=1e-12)
    assert n.k == pytest.approx(6.001, abs=1e-9)
    assert list(n._asdict()) == ["w", "eps", "f_w", "f_w_eps", "k"]


def test_nudge_k_is_exactly_the_forward_difference() -> None:
    def f(w: float) -> float:
        return w**3 - 2 * w

    n = nudge(f, 1.5, 0.01)
    assert (
        n.k == forward_difference(f, 1.5, 0.01) == (f(1.5 + 0.01) - f(1.5)) / 0.01
    )
    assert n.change == f(1.51) - f(1.5)


def test_lecture_functions_at_w_equals_2() -> None:
    # w**3: ((w + e)**3 - w**3) / e = 3w**2 + 3w*e + e**2; w: exactly 1.
    assert forward_difference(lambda w: w**3, 2) == pytest.approx(
        12 + 0.006 + 1e-6, abs=1e-9
    )
    assert forward_difference(lambda w: w, 2) == pytest.approx(1.0, abs=1e-12)


def test_lab_one_over_w_at_2() -> None:
    # (1/(w + e) - 1/w) / e = -1 / (w * (w + e))
    k = forward_difference(lambda w: 1 / w, 2, 0.001)
    assert k == pytest.approx(-1 / (2 * 2.001), rel=1e-9)
    assert k == pytest.approx(
        -0.2498750624687629, rel=1e-9
    )  # the lab's printed value


@pytest.mark.parametrize("h", [0.001, 0.0001, 1e-7])
def test_blog_quadratic_at_3(h: float) -> None:
    # (f(3 + h) - f(3)) / h for f = 3x**2 - 4x + 5 is 6*3 - 4 + 3h = 14 + 3h.
    k = forward_difference(lambda x: 3 * x**2 - 4 * x + 5, 3, h)
    assert k == pytest.approx(14 + 3 * h, abs=1e-7)


def test_blog_printed_value_at_h_1e_7() -> None:
    k = forward_difference(lambda x: 3 * x**2 - 4 * x + 5, 3, 1e-7)
    assert k == pytest.approx(
        14.000000305713911, rel=1e-15
    )  # round-off, not 3h, dominates


@pytest.mark.parametrize("h", [0.1, 0.01, 1e-3])
def test_forward_and_central_differences_of_exp_in_closed_form(h: float) -> None:
    # (e**(x+h) - e**x) / h = e**x (e**h - 1) / h and (e**(x+h) - e**(x-h)) / 2h = e**x sinh(h) / h:
    # first order (error about h e**x / 2) against second order (about h**2 e**x / 6).
    x = 1.0
    assert forward_difference(math.exp, x, h) == pytest.approx(
        math.e * math.expm1(h) / h, rel=1e-10
    )
    assert central_difference(math.exp, x, h) == pytest.approx(
        math.e * math.sinh(h) / h, rel=1e-10
    )
    assert forward_difference(math.exp, x, h) - math.e == pytest.approx(
        h * math.e / 2, rel=0.04
    )
    assert central_difference(math.exp, x, h) - math.e == pytest.approx(
        h**2 * math.e / 6, rel=0.01
    )


def test_a_nudge_too_small_to_change_x_is_refused() -> None:
    # In float64 1 + 1e-17 is 1: the formula would give 0 whatever the slope.
    assert 1.0 + 1e-17 == 1.0
    message = (
        r"^eps must be a step that moves x=1\.0 in float64 \(x \+ eps is 1\.0\), "
        r"got float 1e-17$"
    )
    with pytest.raises(ValueError, match=message):
        forward_difference(lambda w: w**2, 1.0, 1e-17)


def test_inputs_of_every_real_kind_are_accepted() -> None:
    square = lambda w: w**2  # noqa: E731
    for w in (3, 3.0, np.float32(3), np.int64(3), Fraction(3)):
        assert forward_difference(square, w, Fraction(1, 1000)) == pytest.approx(
            6.001, abs=1e-9
        )
    result = forward_difference(lambda w: np.array(np.float64(w) ** 2), 3)
    assert type(result) is float
    assert result == pytest.approx(6.001, abs=1e-9)


# -- Central differences -----------------------------------------------------------------------

SMOOTH = [
    (math.exp, math.exp),
    (math.sin, math.cos),
    (math.tanh, lambda t: 1 - math.tanh(t) ** 2),
    (lambda t: t**10, lambda t: 10 * t**9),
]


@pytest.mark.parametrize(("f", "df"), SMOOTH)
@pytest.mark.parametrize("x", [-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_central_default_step_is_accurate(
    f: Callable[[float], float], df: Callable[[float], float], x: float
) -> None:
    assert relative_error(central_difference(f, x), df(x)) <= 1e-9


@pytest.mark.parametrize(
    ("order", "tolerance"), [(2, 1e-9), (4, 1e-12), (6, 1e-13)]
)
@pytest.mark.parametrize("x", [-1.3, 0.0, 0.7, 2.0])
def test_central_default_step_for_each_order(
    order: int, tolerance: float, x: float
) -> None:
    assert (
        relative_error(central_difference(math.exp, x, order=order), math.exp(x))
        <= tolerance
    )


@pytest.mark.parametrize(
    ("order", "h", "ratio"), [(2, 0.1, 4), (4, 0.1, 16), (6, 0.2, 64)]
)
@pytest.mark.parametrize(
    ("f", "df", "x"), [(math.exp, math.exp, 1.0), (math.sin, math.cos, 0.7)]
)
def test_halving_the_step_divides_the_error_by_2_to_the_order(
    order: int,
    h: float,
    ratio: int,
    f: Callable[[float], float],
    df: Callable[[float], float],
    x: float,
) -> None:
    error = abs(central_difference(f, x, h, order) - df(x))
    error_half = abs(central_difference(f, x, h / 2, order) - df(x))
    assert error / error_half == pytest.approx(ratio, rel=0.03)


@pytest.mark.parametrize("x", [0.3, 1.0, -2.5])
def test_higher_orders_are_richardson_extrapolations(x: float) -> None:
    h = 0.05

    def d(step: float) -> float:
        return central_difference(math.exp, x, step)

    order4 = (4 * d(h) - d(2 * h)) / 3
    order6 = (15 * d(h) - 6 * d(2 * h) + d(3 * h)) / 10
    assert central_difference(math.exp, x, h, 4) == pytest.approx(order4, rel=1e-12)
    assert central_difference(math.exp, x, h, 6) == pytest.approx(order6, rel=1e-12)


def test_central_on_w_squared_is_exact_for_any_step() -> None:
    assert central_difference(lambda w: w**2, 3, 0.5) == 6.0
    assert central_difference(lambda w: w**2, -3, 0.001) == pytest.approx(
        -6, abs=1e-12
    )


def poly(coefficients: list[int]) -> Callable[[float], float]:
    return lambda t: sum(c * t**i for i, c in enumerate(coefficients))


def poly_derivative(coefficients: list[int], x: float) -> Fraction:
    exact_x = Fraction(x)
    return sum(
        (i * c * exact_x ** (i - 1) for i, c in enumerate(coefficients) if i),
        Fraction(0),
    )


def roundoff_bound(coefficients: list[int], x: float, h: float) -> float:
    size = sum(abs(c) * (abs(x) + 3 * h) ** i for i, c in enumerate(coefficients))
    return 1e-14 * (size / h + 1)


@given(
    order=st.sampled_from([2, 4, 6]),
    data=st.data(),
    x=st.floats(-4, 4),
    h=st.sampled_from([0.5, 0.25, 0.125]),
)
def test_central_is_exact_on_polynomials_up_to_its_order(
    order: int, data: st.DataObject, x: float, h: float
) -> None:
    coefficients = data.draw(
        st.lists(st.integers(-9, 9), min_size=1, max_size=order + 1)
    )
    estimate = central_difference(poly(coefficients), x, h, order)
    exact = float(poly_derivative(coefficients, x))
    assert abs(estimate - exact) <= roundoff_bound(coefficients, x, h)


@pytest.mark.parametrize(
    ("order", "error"),
    [(2, lambda h: h**2), (4, lambda h: -4 * h**4), (6, lambda h: 36 * h**6)],
)
@given(x=st.floats(-2, 2), h=st.sampled_from([0.5, 0.25]))
def test_central_error_on_the_first_polynomial_it_misses(
    order: int, error: Callable[[float], float], x: float, h: float
) -> None:
    # For x**(order + 1) the whole error is the leading term: h**2 f'''/6, -h**4 f^(5)/30,
    # h**6 f^(7)/140, that is h**2, -4h**4 and 36h**6.
    n = order + 1
    estimate = central_difference(lambda t: t**n, x, h, order)
    assert estimate - n * x ** (n - 1) == pytest.approx(
        error(h), rel=1e-6, abs=1e-12
    )


# -- Complex step ------------------------------------------------------------------------------

COMPLEX_TARGETS = [
    (cmath.exp, math.exp, 1.0),
    (cmath.sin, math.cos, 1.0),
    (cmath.tanh, lambda t: 1 - math.tanh(t) ** 2, 0.5),
    (cmath.log, lambda t: 1 / t, 0.1),
    (cmath.sqrt, lambda t: 0.5 / math.sqrt(t), 1e-3),
    (lambda z: z**10, lambda t: 10 * t**9, 1.5),
    (lambda z: 1 / z, lambda t: -1 / t**2, 2.0),
    (
        lambda z: 1 / (1 + cmath.exp(-z)),
        lambda t: sigmoid(t) * (1 - sigmoid(t)),
        0.5,
    ),
    (
        lambda z: cmath.exp(z) / cmath.sqrt(cmath.sin(z) ** 3 + cmath.cos(z) ** 3),
        None,
        1.5,
    ),
]


@pytest.mark.parametrize(("f", "df", "x"), COMPLEX_TARGETS)
def test_complex_step_is_exact_to_rounding(
    f: Callable[[complex], complex], df: Callable[[float], float] | None, x: float
) -> None:
    exact = EXACT["exp/sqrt(sin**3+cos**3)"] if df is None else df(x)
    assert relative_error(complex_step(f, x), exact) <= 2e-15
    assert relative_error(derivative(f, x, method="complex"), exact) <= 2e-15


def test_complex_step_of_numpy_function_returns_a_float() -> None:
    result = complex_step(np.exp, 0.0)
    assert type(result) is float
    assert result == 1.0


def test_complex_step_with_a_larger_step_shows_its_h_squared_error() -> None:
    # Im(exp(x + ih)) / h = exp(x) sin(h) / h
    h = 0.1
    assert complex_step(cmath.exp, 1.0, h) == pytest.approx(
        math.e * math.sin(h) / h, rel=1e-15
    )
    assert derivative(cmath.exp, 1.0, "complex", h) == pytest.approx(
        math.e * math.sin(h) / h
    )


# -- derivative() ------------------------------------------------------------------------------


def test_default_derivative_meets_the_accuracy_target() -> None:
    errors = {
        name: relative_error(derivative(f, x), EXACT[name])
        for name, f, _, x in TARGETS
    }
    assert statistics.median(errors.values()) <= 1e-13
    assert (
        max(error for name, error in errors.items() if name != "sin(100x)") <= 1e-12
    )
    assert errors["sin(100x)"] <= 1e-9


@pytest.mark.parametrize(
    ("name", "f", "x"), [(name, f, x) for name, f, _, x in TARGETS]
)
def test_default_derivative_uses_at_most_nine_evaluations(
    name: str, f: Callable[[float], float], x: float
) -> None:
    wrapper, calls = counted(f)
    assert relative_error(derivative(wrapper, x), EXACT[name]) <= 1e-9
    # f(x), the six points of the stencil, the two points that check it; x**10 at 1.5 (a large
    # fifth derivative: the two order-4 checks differ by more than 1e-8) and sin(100x) take the
    # careful path
    assert len(calls) <= 9 or name in ("sin(100x)", "x**10")


@given(
    coefficients=st.lists(st.integers(-9, 9), min_size=1, max_size=7),
    x=st.floats(-4, 4),
)
def test_default_derivative_is_exact_on_polynomials_of_degree_6(
    coefficients: list[int], x: float
) -> None:
    # Only round-off remains: about eps_mach * |f| / h, with h about 2e-3 * max(|x|, 1e-3).
    exact = float(poly_derivative(coefficients, x))
    size = sum(abs(c) * (abs(x) + 0.1) ** i for i, c in enumerate(coefficients))
    scale = max(abs(x), 1e-3)
    assert (
        abs(derivative(poly(coefficients), x) - exact) <= 2e-12 * (size + 1) / scale
    )


@given(x=st.floats(-5, 5))
def test_default_derivative_of_a_product(x: float) -> None:
    # (exp(x) sin(x))' = exp(x) (sin(x) + cos(x))
    estimate = derivative(lambda t: math.exp(t) * math.sin(t), x)
    exact = math.exp(x) * (math.sin(x) + math.cos(x))
    assert abs(estimate - exact) <= 1e-12 * math.exp(x) * 2


@pytest.mark.parametrize(
    ("f", "x", "exact"),
    [
        (math.exp, 0.0, 1.0),
        (sigmoid, 0.0, 0.25),
        (math.tanh, 0.0, 1.0),
    ],
)
def test_default_derivative_at_zero(
    f: Callable[[float], float], x: float, exact: float
) -> None:
    assert derivative(f, x) == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize(
    ("f", "x", "exact"),
    [
        (math.sqrt, 1e-12, 0.5e6),
        (lambda w: w**0.5, 1e-12, 0.5e6),  # a complex number left of 0
        (math.sqrt, 1e-8, 0.5e4),
        (math.log, 1e-9, 1e9),
        (math.log, 1e-6, 1e6),
        (math.log, 1e-3, 1e3),
        (lambda t: 1 / t, 1e-3, -1e6),
    ],
)
def test_default_derivative_next_to_a_domain_edge_at_zero(
    f: Callable[[float], float], x: float, exact: float
) -> None:
    estimate = derivative(f, x)
    assert math.isfinite(estimate)
    assert relative_error(estimate, exact) <= 1e-10


def test_default_derivative_next_to_a_domain_edge_elsewhere() -> None:
    x = 1 + 1e-6  # log(x - 1) ends at 1
    estimate = derivative(lambda t: math.log(t - 1), x)
    assert relative_error(estimate, 1 / (x - 1)) <= 1e-6


def only_from(start: float) -> Callable[[float], float]:
    def f(t: float) -> float:
        if t < start:
            raise ValueError("outside the domain")
        return math.exp(t)

    return f


def only_up_to(end: float) -> Callable[[float], float]:
    return lambda t: math.exp(t) if t <= end else math.nan


@pytest.mark.parametrize(
    ("f", "side"), [(only_from(0.0), 1), (only_up_to(0.0), -1)]
)
def test_default_derivative_on_the_edge_uses_a_one_sided_stencil(
    f: Callable[[float], float], side: int
) -> None:
    wrapper, calls = counted(f)
    result = derivative_estimate(wrapper, 0.0)
    assert abs(result.value - 1.0) <= result.error <= 1e-8  # exp'(0) = 1
    assert result.converged and result.evaluations == len(calls)
    inside = [t for t in calls if side * t >= 0]
    assert len(inside) > 5  # one-sided quotients f(side*h) - f(0), extrapolated


@pytest.mark.parametrize(
    ("method", "eps", "expected"),
    [
        ("forward", None, 6.001),  # the course's nudge
        ("forward", 0.002, 6.002),
        ("central", 0.5, 6.0),  # exact for w**2
        ("central", None, 6.0),
    ],
)
def test_derivative_methods(
    method: str, eps: float | None, expected: float
) -> None:
    assert derivative(lambda w: w**2, 3, method, eps) == pytest.approx(
        expected, abs=1e-9
    )


def test_derivative_with_an_explicit_step_is_the_order_2_central_difference() -> (
    None
):
    assert derivative(math.exp, 1.0, eps=0.01) == central_difference(
        math.exp, 1.0, 0.01
    )
    assert derivative(math.exp, 1.0, eps=0.01) == pytest.approx(
        (math.exp(1.01) - math.exp(0.99)) / 0.02, rel=1e-14
    )


# -- Several variables -------------------------------------------------------------------------


def test_partials_of_a_times_b_plus_c() -> None:
    # d = a*b + c: dd/da = b, dd/db = a, dd/dc = 1
    d = lambda a, b, c: a * b + c  # noqa: E731
    assert partial_difference(d, (2, -3, 10), 0) == pytest.approx(-3, abs=1e-12)
    assert partial_difference(d, (2, -3, 10), 1) == pytest.approx(2, abs=1e-12)
    assert partial_difference(d, (2, -3, 10), 2, eps=0.001) == pytest.approx(
        1, abs=1e-12
    )


def test_gradient_of_a_times_b_plus_a_times_c_squared() -> None:
    a, b, c = sp.symbols("a b c")
    expr = a * b + a * c**2
    values = {a: 2, b: -3, c: 10}
    exact = [float(sp.diff(expr, v).subs(values)) for v in (a, b, c)]
    assert exact == [97.0, 2.0, 40.0]  # b + c**2, a, 2*a*c
    gradient = numerical_gradient(lambda a, b, c: a * b + a * c**2, [2, -3, 10])
    assert gradient == pytest.approx(exact, rel=1e-12)


def test_gradient_of_the_computation_graph_lesson() -> None:
    # J = (w*x + b - y)**2 / 2 with x = -2, y = 2: dJ/dw = (w*x + b - y) * x, dJ/db = w*x + b - y
    def cost(w: float, b: float) -> float:
        return (w * -2 + b - 2) ** 2 / 2

    residual = 2 * -2 + 8 - 2
    assert numerical_gradient(cost, np.array([2.0, 8.0])) == pytest.approx(
        [residual * -2, residual], rel=1e-12
    )
    assert numerical_gradient(cost, [2, 8], eps=0.001) == pytest.approx(
        [-4, 2], rel=1e-9
    )


@given(
    point=st.lists(st.floats(-3, 3), min_size=1, max_size=4),
    weights=st.lists(st.integers(-5, 5), min_size=4, max_size=4),
)
def test_gradient_of_a_weighted_sum_of_squares(
    point: list[float], weights: list[int]
) -> None:
    def f(*xs: float) -> float:
        return sum(w * x**2 for w, x in zip(weights, xs, strict=False))

    # Round-off: about eps_mach * |f| / h per coordinate, with h about 2e-3 * max(|x|, 1e-3).
    expected = [2 * w * x for w, x in zip(weights, point, strict=False)]
    size = 1 + sum(
        abs(w) * (abs(x) + 0.1) ** 2 for w, x in zip(weights, point, strict=False)
    )
    gradient = numerical_gradient(f, point)
    for estimate, exact, x in zip(gradient, expected, point, strict=True):
        assert abs(estimate - exact) <= 2e-12 * size / max(abs(x), 1e-3)


# -- Bad input ---------------------------------------------------------------------------------

square = lambda w: w**2  # noqa: E731

ALL_ONE_VARIABLE: list[Callable[..., object]] = [
    nudge,
    forward_difference,
    central_difference,
    complex_step,
    derivative,
]


@pytest.mark.parametrize("function", ALL_ONE_VARIABLE)
@pytest.mark.parametrize("f", ["abc", None, 3.0])
def test_f_must_be_callable(function: Callable[..., object], f: object) -> None:
    with pytest.raises(
        TypeError, match=rf"^f must be callable, got {type(f).__name__} {f!r}$"
    ):
        function(f, 1.0)


@pytest.mark.parametrize("function", [partial_difference, numerical_gradient])
def test_f_of_several_variables_must_be_callable(
    function: Callable[..., object],
) -> None:
    args = ([1.0, 2.0], 0) if function is partial_difference else ([1.0, 2.0],)
    with pytest.raises(TypeError, match=r"^f must be callable, got str 'abc'$"):
        function("abc", *args)


@pytest.mark.parametrize(
    "function", [forward_difference, central_difference, derivative]
)
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "str 'abc'"),
        (None, "NoneType None"),
        (1j, "complex 1j"),
        (True, "bool True"),
    ],
)
def test_f_must_return_a_real_number(
    function: Callable[..., object], value: object, shown: str
) -> None:
    with pytest.raises(
        TypeError, match=rf"^f\([-0-9.e]+\) must be a real number, got {shown}$"
    ):
        function(lambda t: value, 1.0)


@pytest.mark.parametrize(
    "function", [forward_difference, central_difference, derivative]
)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_f_must_return_a_finite_number(
    function: Callable[..., object], value: float
) -> None:
    at_x = (
        r"f is undefined at x=1\.0: " if function is not forward_difference else ""
    )
    with pytest.raises(
        ValueError,
        match=rf"^{at_x}f\([-0-9.e]+\) must be a finite real number, got float {value}$",
    ):
        function(lambda t: value, 1.0)


def test_math_errors_of_f_name_the_point() -> None:
    with pytest.raises(
        ValueError, match=r"^f could not be evaluated at -1\.0: math domain error$"
    ):
        forward_difference(math.log, -1)
    with pytest.raises(
        ValueError,
        match=r"^f is undefined at x=-1\.0: f could not be evaluated at -1\.0: math domain error$",
    ):
        derivative(math.log, -1)


def test_derivative_when_no_stencil_fits() -> None:
    def point_only(t: float) -> float:
        if t != 0:
            raise ValueError("defined at 0 only")
        return 1.0

    with pytest.raises(
        ValueError,
        match=r"^no finite-difference stencil around x=0\.0 stays inside",
    ):
        derivative(point_only, 0)


def test_overflowing_points_and_quotients() -> None:
    with pytest.raises(
        ValueError, match=r"^a point of the stencil overflowed to inf"
    ):
        forward_difference(lambda t: t, 1e308, 1e308)
    with pytest.raises(
        ValueError,
        match=r"^the difference quotient must be a finite real number, got float inf$",
    ):
        central_difference(lambda t: 1e308 if t > 0 else -1e308, 0.0, 1.0)


@pytest.mark.parametrize("function", ALL_ONE_VARIABLE)
@pytest.mark.parametrize(
    ("x", "shown"),
    [
        ("abc", "str 'abc'"),
        (1j, "complex 1j"),
        (True, "bool True"),
        (None, "NoneType None"),
    ],
)
def test_x_must_be_a_real_number(
    function: Callable[..., object], x: object, shown: str
) -> None:
    name = "w" if function is nudge else "x"
    with pytest.raises(
        TypeError, match=rf"^{name} must be a real number, got {shown}$"
    ):
        function(square, x)


@pytest.mark.parametrize("function", ALL_ONE_VARIABLE)
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_x_must_be_finite(function: Callable[..., object], x: float) -> None:
    name = "w" if function is nudge else "x"
    with pytest.raises(
        ValueError, match=rf"^{name} must be a finite real number, got float {x}$"
    ):
        function(square, x)


@pytest.mark.parametrize(
    "function", [nudge, forward_difference, central_difference, derivative]
)
@pytest.mark.parametrize(
    ("eps", "error", "message"),
    [
        (0, ValueError, "eps must be a positive number, got int 0"),
        (-0.001, ValueError, r"eps must be a positive number, got float -0\.001"),
        (math.nan, ValueError, "eps must be a finite real number, got float nan"),
        (math.inf, ValueError, "eps must be a finite real number, got float inf"),
        ("0.1", TypeError, "eps must be a real number, got str '0.1'"),
        (True, TypeError, "eps must be a real number, got bool True"),
        (1e-3j, TypeError, r"eps must be a real number, got complex 0\.001j"),
    ],
)
def test_eps_must_be_a_positive_finite_number(
    function: Callable[..., object],
    eps: object,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=rf"^{message}$"):
        function(square, 1.0, eps=eps)


@pytest.mark.parametrize("method", ["forward", "complex"])
def test_eps_is_checked_for_every_method(method: str) -> None:
    with pytest.raises(
        ValueError, match=r"^eps must be a positive number, got int -1$"
    ):
        derivative(cmath.exp, 1.0, method, -1)


@pytest.mark.parametrize(
    ("h", "error", "message"),
    [
        (0, ValueError, "h must be a positive number, got int 0"),
        (math.inf, ValueError, "h must be a finite real number, got float inf"),
        ("small", TypeError, "h must be a real number, got str 'small'"),
    ],
)
def test_h_of_the_complex_step(
    h: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=rf"^{message}$"):
        complex_step(cmath.exp, 1.0, h)


@pytest.mark.parametrize("method", ["backward", "Central", "", None, 2])
def test_method_must_be_known(method: object) -> None:
    shown = f"{type(method).__name__} {method!r}"
    expected = (
        rf"^method must be one of 'central', 'complex', 'forward', got {shown}$"
    )
    with pytest.raises(ValueError, match=expected):
        derivative(square, 1.0, method)


@pytest.mark.parametrize("order", [0, 3, 8, 2.0, True, "2"])
def test_order_must_be_2_4_or_6(order: object) -> None:
    with pytest.raises(
        ValueError,
        match=rf"^order must be one of 2, 4, 6, got {type(order).__name__} {order!r}$",
    ):
        central_difference(square, 1.0, order=order)


def test_complex_step_needs_a_function_of_complex_numbers() -> None:
    with pytest.raises(
        TypeError,
        match=r"^f must accept complex numbers for the complex step \(use cmath",
    ):
        complex_step(math.exp, 1.0)
    with pytest.raises(
        TypeError, match=r"^f returned the real number 1\.0 for the complex input"
    ):
        complex_step(abs, 1.0)
    with pytest.raises(
        TypeError, match=r"^f\(\(1\+0j\)\) must be a complex number, got str 'abc'$"
    ):
        complex_step(lambda z: "abc", 1.0)
    with pytest.raises(
        TypeError, match=r"^f\(\(1\+0j\)\) must be a complex number, got bool True$"
    ):
        complex_step(lambda z: True, 1.0)
    with pytest.raises(
        ValueError,
        match=r"^f must be real at x for the complex step, got f\(0\.0\)",
    ):
        complex_step(lambda z: 1 / (z - 1e-20j), 0.0)
    with pytest.raises(
        ValueError,
        match=r"^f could not be evaluated at 0j: complex division by zero",
    ):
        complex_step(
            lambda z: 1 / z, 0.0
        )  # 1/z is undefined at 0, whatever Im(f(ih))/h says


@pytest.mark.parametrize("function", [partial_difference, numerical_gradient])
@pytest.mark.parametrize(
    ("point", "error", "message"),
    [
        ("ab", TypeError, "point must be a sequence of real numbers, got str 'ab'"),
        (5, TypeError, "point must be a sequence of real numbers, got int 5"),
        (
            {1, 2},
            TypeError,
            r"point must be a sequence of real numbers, got set \{1, 2\}",
        ),
        (
            [],
            ValueError,
            r"point must be a non-empty sequence of real numbers, got list \[\]",
        ),
        (
            [1.0, math.nan],
            ValueError,
            r"point\[1\] must be a finite real number, got float nan",
        ),
        ((1.0, "a"), TypeError, r"point\[1\] must be a real number, got str 'a'"),
        (
            [True, 1.0],
            TypeError,
            r"point\[0\] must be a real number, got bool True",
        ),
    ],
)
def test_point_must_be_a_sequence_of_finite_reals(
    function: Callable[..., object],
    point: object,
    error: type[Exception],
    message: str,
) -> None:
    args = (0,) if function is partial_difference else ()
    with pytest.raises(error, match=rf"^{message}$"):
        function(lambda *xs: 0.0, point, *args)


@pytest.mark.parametrize(
    ("index", "error", "message"),
    [
        (
            3,
            ValueError,
            r"index must be in range\(3\) for a point of 3 coordinates, got int 3",
        ),
        (
            -1,
            ValueError,
            r"index must be in range\(3\) for a point of 3 coordinates, got int -1",
        ),
        (1.0, TypeError, r"index must be an integer, got float 1\.0"),
        (True, TypeError, "index must be an integer, got bool True"),
        ("0", TypeError, "index must be an integer, got str '0'"),
    ],
)
def test_index_must_be_a_coordinate(
    index: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=rf"^{message}$"):
        partial_difference(lambda a, b, c: a, [1, 2, 3], index)


def test_numpy_integer_index_and_order_are_accepted() -> None:
    assert partial_difference(
        lambda a, b: a * b, [2, -3], np.int64(1)
    ) == pytest.approx(2)
    assert central_difference(math.exp, 0.0, order=np.int64(4)) == pytest.approx(
        1, rel=1e-12
    )


def test_forward_gradient_is_the_nudge_of_each_coordinate() -> None:
    from derivatives.epsilon import forward_gradient

    a, b = sp.symbols("a b")
    expr = a**2 + 3 * a * b
    calls: list[tuple[float, ...]] = []

    def f(*point: float) -> float:
        calls.append(point)
        return point[0] ** 2 + 3 * point[0] * point[1]

    eps = 0.001
    slopes = forward_gradient(f, [3, -1], eps=eps)
    # P + 1 evaluations: the point itself once, then one nudged coordinate at a time
    assert calls == [(3.0, -1.0), (3.0 + eps, -1.0), (3.0, -1.0 + eps)]
    # independent route: the exact partial plus the forward difference's error eps * f_ii / 2
    for slope, var in zip(slopes, (a, b), strict=True):
        exact = (
            sp.diff(expr, var) + sp.Rational(1, 1000) * sp.diff(expr, var, 2) / 2
        )
        assert slope == pytest.approx(float(exact.subs({a: 3, b: -1})), abs=1e-9)
    assert slopes == pytest.approx([3.001, 9.0], abs=1e-9)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((3.0, [1.0]), TypeError, "f must be callable, got float 3.0"),
        (
            (lambda a: a, []),
            ValueError,
            r"point must be a non-empty sequence of real numbers",
        ),
        (
            (lambda a: a, [1.0], 0),
            ValueError,
            "eps must be a positive number, got int 0",
        ),
        (
            (lambda a: a, [1.0], math.nan),
            ValueError,
            "eps must be a finite real number",
        ),
        (
            (lambda a: "x", [1.0]),
            TypeError,
            r"f\(1\.0\) must be a real number, got str 'x'",
        ),
        (
            (lambda a: 1 / (a - 1.001), [1.0]),
            ValueError,
            "f could not be evaluated at 1.001",
        ),
    ],
)
def test_forward_gradient_bad_input(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    from derivatives.epsilon import forward_gradient

    with pytest.raises(error, match=f"^{message}"):
        forward_gradient(*args)  # type: ignore[arg-type]


# -- relative_error ----------------------------------------------------------------------------


def test_relative_error_values_derived_by_hand() -> None:
    from derivatives.epsilon import relative_error

    # |6.001 - 6| / 6.001, computed exactly with fractions
    exact = (Fraction("6.001") - 6) / Fraction("6.001")
    assert relative_error(6.001, 6) == pytest.approx(float(exact), rel=1e-12)
    assert relative_error(6, 6.001) == relative_error(6.001, 6)  # symmetric
    assert relative_error(3.0, 3.0) == 0.0
    assert relative_error(0, 0.0) == 0.0  # no division by zero
    assert relative_error(2.0, -2.0) == 2.0  # the largest possible value
    assert relative_error(5.0, 0.0) == 1.0
    assert relative_error(Fraction(1, 3), np.float64(0.25)) == pytest.approx(0.25)
    # scale-free: the same ratio for tiny and huge numbers
    assert relative_error(1e-30, 2e-30) == pytest.approx(0.5)
    assert relative_error(1e300, 2e300) == pytest.approx(0.5)
    assert (
        relative_error(1e308, -1e308) == 2.0
    )  # the difference overflows, the result does not


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_relative_error_is_symmetric_and_bounded(a: float, b: float) -> None:
    from derivatives.epsilon import relative_error

    r = relative_error(a, b)
    assert r == relative_error(b, a)
    assert 0.0 <= r <= 2.0
    assert (r == 0.0) == (a == b)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            (math.nan, 1.0),
            ValueError,
            "a must be a finite real number, got float nan",
        ),
        (
            (1.0, math.inf),
            ValueError,
            "b must be a finite real number, got float inf",
        ),
        (("1", 1.0), TypeError, "a must be a real number, got str '1'"),
        ((1.0, 1j), TypeError, "b must be a real number, got complex 1j"),
        ((True, 1.0), TypeError, "a must be a real number, got bool True"),
    ],
)
def test_relative_error_bad_input(
    args: tuple[object, object], error: type[Exception], message: str
) -> None:
    from derivatives.epsilon import relative_error

    with pytest.raises(error, match=f"^{message}$"):
        relative_error(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize("x", [1e-4, 1e-6, 1e-7, 1e-9, -1e-8, 1e-100])
def test_default_derivative_near_a_pole_at_zero(x: float) -> None:
    """1/w, log and sqrt change on the scale of w: the step must not reach across 0."""
    assert (
        abs(derivative(lambda w: 1 / w, x) * x * x + 1) < 1e-11
    )  # d/dw 1/w = -1/w**2
    if x > 0:
        assert abs(derivative(math.log, x) * x - 1) < 1e-10  # d/dw log w = 1/w
        assert abs(derivative(math.sqrt, x) * 2 * math.sqrt(x) - 1) < 1e-10


@pytest.mark.parametrize("x", [1e-5, 1e-9, 1e-200, 5e-324])
def test_default_derivative_near_zero_of_functions_on_a_scale_of_one(
    x: float,
) -> None:
    """exp, and a sum whose value is far above its slope: the step grows past the scale of x."""
    assert abs(derivative(math.exp, x) - math.exp(x)) < 1e-8
    assert (
        abs(derivative(lambda w: 2.25 + 2 * w * w, x) - 4 * x) < 1e-8
    )  # d/dw = 4w
    assert derivative(lambda w: 5.0, x) == 0.0


# -- Right or refused ----------------------------------------------------------------------------
# Exact values from SymPy at the float's exact binary value, to 40 digits.

HARD_SMOOTH = [
    ("exp", sp.exp(X), 700.0),
    ("exp", sp.exp(X), -700.0),
    ("exp", sp.exp(X), 300.0),
    ("sin", sp.sin(X), 1e3),
    ("sin", sp.sin(X), 1e4),
    ("sin", sp.sin(X), 1e5),
    ("cos", sp.cos(X), 3e4),
    ("x**3 - x", X**3 - X, 1e5),
    ("1/(x-1)", 1 / (X - 1), 1.001),
    ("tan", sp.tan(X), float(sp.pi / 2) - 1e-6),
    ("log(x-1)", sp.log(X - 1), 1 + 1e-6),
    ("sqrt", sp.sqrt(X), 1e-300),
]


@pytest.mark.parametrize(("name", "expr", "x"), HARD_SMOOTH)
def test_derivative_is_right_where_the_old_step_was_wrong(
    name: str, expr: sp.Expr, x: float
) -> None:
    f = sp.lambdify(X, expr, "math")
    exact = exact_derivative(expr, x)
    result = derivative_estimate(f, x)
    assert result.converged
    assert abs(result.value - exact) <= result.error <= 1e-8 * abs(exact)
    assert derivative(f, x) == result.value


def test_derivative_estimate_counts_its_evaluations_and_uses_nine_on_smooth_functions() -> (
    None
):
    wrapper, calls = counted(math.exp)
    result = derivative_estimate(wrapper, 1.0)
    assert result.evaluations == len(calls) == 9
    assert calls[0] == 1.0  # f(x) first
    assert abs(result.value - math.e) <= result.error <= 1e-8 * math.e


@pytest.mark.parametrize(
    ("f", "x", "message"),
    [
        (
            lambda t: 1 / t,
            0.0,
            r"f is undefined at x=0\.0: f could not be evaluated at 0\.0: float",
        ),
        (
            lambda t: math.log(abs(t)),
            0.0,
            r"f is undefined at x=0\.0: f could not be evaluated",
        ),
        (
            lambda t: np.float64(1.0) / t,
            0.0,
            r"f is undefined at x=0\.0: f\(0\.0\) must be a finite",
        ),
        (
            math.sqrt,
            0.0,
            r"f has an infinite slope at x=0\.0: the difference quotients grow",
        ),
        (math.asin, 1.0, r"f has an infinite slope at x=1\.0"),
        (
            lambda t: math.copysign(abs(t) ** (1 / 3), t),
            0.0,
            r"f has an infinite slope at x=0\.0",
        ),
        (
            lambda t: 1.0 if t > 0 else 0.0,
            0.0,
            r"f has a pole or a jump at or near x=0\.0",
        ),
        (lambda t: math.floor(t), 2.0, r"f has a pole or a jump at or near x=2\.0"),
    ],
)
def test_derivative_refuses_and_says_why(
    f: Callable[[float], float], x: float, message: str
) -> None:
    with (
        np.errstate(divide="ignore"),
        pytest.raises(ValueError, match=f"^{message}"),
    ):
        derivative(f, x)
    with (
        np.errstate(divide="ignore"),
        pytest.raises(ValueError, match=f"^{message}"),
    ):
        derivative_estimate(f, x)


def test_derivative_refuses_when_estimates_do_not_settle() -> None:
    # a measurement with noise of 1e-6: no step makes the quotients agree to 1e-8
    rng = random.Random(1)

    def noisy(t: float) -> float:
        return t + 1e-6 * rng.random()

    result = derivative_estimate(noisy, 0.5)
    assert not result.converged and result.error > 1e-8
    with pytest.raises(
        ValueError, match=r"^the estimates of f'\(0\.5\) did not converge: "
    ):
        derivative(noisy, 0.5)


def test_partial_difference_refuses_a_point_where_f_is_undefined() -> None:
    with pytest.raises(
        ValueError, match=r"^f is undefined at x=1\.0: f could not be evaluated"
    ):
        partial_difference(lambda a, b: a / b, [1.0, 0.0], 0)
    with pytest.raises(ValueError, match=r"^f is undefined at x=0\.0: "):
        partial_difference(lambda a, b: a / b, [1.0, 0.0], 1, eps=1e-3)


def test_central_difference_evaluates_f_at_x() -> None:
    wrapper, calls = counted(lambda t: 1 / t)
    with pytest.raises(ValueError, match=r"^f is undefined at x=0\.0"):
        central_difference(wrapper, 0.0, 0.5)  # (f(0.5) - f(-0.5)) / 1 would give 4
    assert calls == [0.0]


@pytest.mark.parametrize(
    ("function", "x", "eps", "message"),
    [
        (
            forward_difference,
            1.0,
            1e-17,
            r"eps must be a step that moves x=1\.0 in float64",
        ),
        (
            forward_difference,
            3.0,
            1.5e-16,
            r"eps must be a step that moves x=3\.0 in float64",
        ),
        (
            forward_difference,
            0.0,
            5e-324,
            r"eps must be at least 2\.2250738585072014e-308",
        ),
        (
            nudge,
            1e16,
            0.5,
            r"eps must be a step that moves x=1e\+16 in float64 \(x \+ eps is 1e\+16\)",
        ),
        (
            central_difference,
            1.0,
            1e-17,
            r"eps must be a step that moves x=1\.0 in float64",
        ),
    ],
)
def test_steps_that_underflow_or_do_not_move_x_are_refused(
    function: Callable[..., float], x: float, eps: float, message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        function(math.exp, x, eps)


def test_ordinary_steps_keep_the_course_formula_exactly() -> None:
    for x, eps in [(3.0, 0.001), (1.0, 1e-15), (2.0, 0.1), (-3.0, 1e-8)]:
        assert (
            forward_difference(math.exp, x, eps)
            == (math.exp(x + eps) - math.exp(x)) / eps
        )


@pytest.mark.parametrize(
    ("f", "x"),
    [(cmath.sqrt, -4.0), (cmath.log, -1.0), (lambda z: cmath.sqrt(z - 1), 0.5)],
)
def test_complex_step_refuses_a_function_not_real_at_x(
    f: Callable[[complex], complex], x: float
) -> None:
    with pytest.raises(
        ValueError, match=r"^f must be real at x for the complex step, got f\("
    ):
        complex_step(f, x)


def test_complex_step_refuses_a_subnormal_step() -> None:
    with pytest.raises(
        ValueError,
        match=r"^h must be at least 2\.2250738585072014e-308 \(not subnormal\), got float 1e-310$",
    ):
        complex_step(cmath.exp, 1.0, 1e-310)
    assert complex_step(cmath.exp, 1.0, 1e-300) == math.e  # small, but normal


def test_relative_error_of_subnormals() -> None:
    from derivatives.epsilon import relative_error

    assert relative_error(1e-310, -1e-310) == 2.0  # opposite signs, as documented
    assert relative_error(3e-320, 1e-320) == pytest.approx(2 / 3, rel=1e-3)
    assert relative_error(5e-324, 0.0) == 1.0


def test_zero_dimensional_arrays_are_numbers_for_every_helper() -> None:
    from derivatives.epsilon import forward_gradient, relative_error

    three, step = np.array(3.0), np.array(0.001)
    assert nudge(lambda w: w**2, three, step).k == pytest.approx(6.001, abs=1e-9)
    assert forward_difference(lambda w: w**2, three, step) == pytest.approx(
        6.001, abs=1e-9
    )
    assert (
        central_difference(lambda w: w**2, three, np.array(0.5), np.array(4)) == 6.0
    )
    assert derivative(lambda w: w**2, three) == pytest.approx(6.0, abs=1e-12)
    assert complex_step(lambda z: z**2, three) == 6.0
    assert partial_difference(
        lambda a, b: a * b, np.array([2.0, -3.0]), np.array(1)
    ) == (pytest.approx(2.0, abs=1e-12))
    assert forward_gradient(
        lambda a, b: a * b, [np.array(2.0), -3], step
    ) == pytest.approx([-3.0, 2.0], abs=1e-9)
    assert relative_error(np.array(2.0), np.array(-2.0)) == 2.0
    with pytest.raises(TypeError, match=r"^w must be a real number, got str 'a'$"):
        nudge(lambda w: w, "a")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"^x must be a real number, got ndarray array\(\[1\., 2\.\]\)$",
    ):
        derivative(lambda w: w, np.array([1.0, 2.0]))  # type: ignore[arg-type]


# -- Property: right within the stated error, or refused ---------------------------------------

# Pairs (float function, SymPy function). The first layer maps any real to a bounded range, and
# each later layer is well conditioned there (no zero of the function inside |t| <= pi/2, where
# cos or t**3 - 2t would turn the rounding of their input into a large relative error), so the
# float function is the exact one to a few units in the last place.
BOUNDED = [
    (math.sin, sp.sin),
    (math.cos, sp.cos),
    (math.tanh, sp.tanh),
    (math.atan, sp.atan),
    (sigmoid, lambda s: 1 / (1 + sp.exp(-s))),
]
SMOOTH_ON_BOUNDED = [
    (math.sin, sp.sin),
    (math.tanh, sp.tanh),
    (math.atan, sp.atan),
    (sigmoid, lambda s: 1 / (1 + sp.exp(-s))),
    (math.exp, sp.exp),
    (lambda t: math.sqrt(1 + t * t), lambda s: sp.sqrt(1 + s * s)),
    (lambda t: math.log(3 + t), lambda s: sp.log(3 + s)),
    (lambda t: 1 / (2 + t), lambda s: 1 / (2 + s)),
]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    first=st.sampled_from(BOUNDED),
    rest=st.lists(st.sampled_from(SMOOTH_ON_BOUNDED), max_size=2),
    # powers of two, which make t * scale exact; any factor from 0.1 to 100, which makes f
    # round its argument (the float t * scale is not the real one); and factors just off a
    # simple one, whose rounding errors drift slowly from one float t to the next
    scale=st.one_of(
        st.sampled_from([0.125, 0.5, 1.0, 2.0, 8.0]),
        st.floats(0.1, 100),
        st.tuples(
            st.sampled_from([0.5, 1.0, 2.0, 3.0, 10.0]),
            st.floats(-8, -3),
            st.sampled_from([-1, 1]),
        ).map(lambda p: p[0] * (1 + p[2] * 10 ** p[1])),
    ),
    x=st.one_of(
        st.floats(-10, 10),
        st.floats(-1e5, 1e5),
        # |x| from 1e-3 to 1e5, spread over the decades, either sign
        st.tuples(st.floats(-3, 5), st.sampled_from([-1, 1])).map(
            lambda p: p[1] * 10 ** p[0]
        ),
    ),
)
def test_derivative_is_within_its_stated_error_or_refuses(
    first: tuple[Callable[[float], float], Callable[[sp.Expr], sp.Expr]],
    rest: list[tuple[Callable[[float], float], Callable[[sp.Expr], sp.Expr]]],
    scale: float,
    x: float,
) -> None:
    layers = [first, *rest]

    def f(t: float) -> float:
        value = t * scale
        for numeric, _ in layers:
            value = numeric(value)
        return value

    expr = X * sp.Rational(scale)  # the float scale's exact value
    for _, symbolic in layers:
        expr = symbolic(expr)
    exact = exact_derivative(expr, x)
    try:
        result = derivative_estimate(f, x)
    except ValueError:
        return  # refused: allowed by the contract
    assert abs(result.value - exact) <= result.error  # honest, converged or not
    if result.converged:  # and then within the contract
        assert result.error <= 1e-8 * max(abs(exact), abs(f(x)) / max(abs(x), 1))
    else:  # derivative() refuses what derivative_estimate cannot vouch for
        with pytest.raises(
            ValueError, match=r"^the estimates of f'\(.*\) did not converge"
        ):
            derivative(f, x)


@pytest.mark.parametrize(
    ("f", "x", "slope"),
    [
        (lambda z: z.real**2 + 0j, 3.0, 6.0),  # d/dx x**2 = 2x
        (lambda z: z * z.real, 2.0, 4.0),  # x * x again; the complex step sees 2.0
        (lambda z: cmath.exp(z.real), 1.0, math.e),
        (lambda z: abs(z) ** 3 + 0j, -2.0, -12.0),  # |x|**3 = -x**3 for x < 0
    ],
)
def test_complex_step_refuses_a_function_that_drops_the_imaginary_part(
    f: Callable[[complex], complex], x: float, slope: float
) -> None:
    # the real central difference named in the message is the true slope
    with pytest.raises(ValueError, match=r"^f is not analytic near x=") as caught:
        complex_step(f, x)
    found = re.search(
        r"real central difference gives ([-+.e0-9]+),", str(caught.value)
    )
    assert found is not None
    difference = float(found.group(1))
    assert difference == pytest.approx(slope, rel=1e-5)
    with pytest.raises(ValueError, match=r"^f is not analytic near x="):
        derivative(f, x, method="complex")


@pytest.mark.parametrize(
    ("f", "x", "exact"),
    [
        (lambda z: z.real**2 + 0j, 0.0, 0.0),  # right by luck: nothing to refuse
        (lambda z: 1 / (z - 1.0000001), 1.0, -1 / 1e-7**2),  # a pole 1e-7 away
        (
            lambda z: cmath.sin(1e4 * z),
            1.0,
            1e4 * math.cos(1e4),
        ),  # fast oscillation
        (lambda z: 1 / z, 1e-7, -1e14),
    ],
)
def test_complex_step_checks_pass_on_analytic_functions_near_trouble(
    f: Callable[[complex], complex], x: float, exact: float
) -> None:
    assert complex_step(f, x) == pytest.approx(exact, rel=1e-6, abs=1e-12)


def test_complex_step_costs_two_evaluations_and_four_to_check_them() -> None:
    calls: list[complex] = []

    def f(z: complex) -> complex:
        calls.append(z)
        return cmath.exp(z)

    complex_step(f, 1.0)
    assert calls[:2] == [1.0, complex(1.0, 1e-20)]
    assert len(calls) == 6 and all(z.imag == 0 for z in calls[2:])


def test_numerical_gradient_checks_its_point_once_not_once_per_coordinate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from derivatives import epsilon

    checks: list[object] = []

    def counted_reals(value: object, name: str) -> list[float]:
        checks.append(value)
        return reals(value, name)

    monkeypatch.setattr(epsilon, "reals", counted_reals)
    point = [1.0, 2.0, 3.0, 4.0, 5.0]
    gradient = numerical_gradient(lambda *xs: sum(x * x for x in xs), point)
    assert checks == [point]  # once, not once more per coordinate
    assert gradient == pytest.approx([2.0, 4.0, 6.0, 8.0, 10.0], rel=1e-12)
