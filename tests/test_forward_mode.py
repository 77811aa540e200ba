"""Tests of derivatives.forward_mode: Dual agrees with backprop and SymPy, and refuses as Value.

The random expressions are those of tests/test_agreement.py, built a third time, with duals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derivatives import Dual, Value, forward_mode_gradient
from derivatives.epsilon import forward_gradient
from tests.test_agreement import Pair, X, expressions

Y = sympy.Symbol("y")


def close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


# -- Agreement: one pass with duals, one backward pass, SymPy -----------------------------------


@settings(max_examples=150, deadline=None)
@given(build=expressions(), x0=st.floats(-2, 2).filter(lambda t: abs(t) > 1e-3))
def test_dual_agrees_with_backprop_and_sympy(
    build: Callable[[Any], Pair], x0: float
) -> None:
    x_value = Value(x0, label="x")
    by_backprop, expr = build((x_value, X))
    exact = float(sympy.diff(expr, X).subs(X, x0))
    assume(math.isfinite(exact) and abs(exact) < 1e6)
    by_backprop.backward()
    by_dual = build((Dual(x0, 1.0), X))[0]

    assert (
        by_dual.value == by_backprop.data
    )  # the same float operations, in the same order
    assert close(by_dual.tangent, x_value.grad, 1e-12)
    assert close(by_dual.tangent, exact, 1e-9)


@settings(max_examples=60, deadline=None)
@given(
    left=expressions(depth=2),
    right=expressions(depth=2),
    a0=st.floats(-2, 2).filter(lambda t: abs(t) > 1e-3),
    b0=st.floats(-2, 2).filter(lambda t: abs(t) > 1e-3),
)
def test_the_gradient_of_two_inputs_takes_one_pass_each(
    left: Callable[[Any], Pair], right: Callable[[Any], Pair], a0: float, b0: float
) -> None:
    """f(a, b) = left(a) * right(a * b) + b: two inputs that share paths."""

    def f(a: Any, b: Any, sa: sympy.Expr = X, sb: sympy.Expr = Y) -> Pair:
        (lv, ls), (rv, rs) = left((a, sa)), right((a * b, sa * sb))
        return lv * rv + b, ls * rs + sb

    inputs = [Value(a0), Value(b0)]
    out, expr = f(*inputs)
    exact = [float(sympy.diff(expr, s).subs({X: a0, Y: b0})) for s in (X, Y)]
    assume(all(math.isfinite(g) and abs(g) < 1e6 for g in exact))
    out.backward()
    passes: list[tuple[Any, ...]] = []
    by_dual = forward_mode_gradient(
        lambda *p: passes.append(p) or f(*p)[0], [a0, b0]
    )

    assert len(passes) == 2 and all(isinstance(p, Dual) for p in passes[0])
    assert [p.tangent for p in passes[0]] == [1.0, 0.0] and [
        p.tangent for p in passes[1]
    ] == [0, 1]
    for g, v, e in zip(by_dual, inputs, exact, strict=True):
        assert close(g, v.grad, 1e-12)
        assert close(g, e, 1e-9)


# -- The worked examples, by hand ---------------------------------------------------------------


def test_the_course_square() -> None:
    J = Dual(3.0, 1.0) ** 2  # J = w**2 at w = 3: dJ/dw = 2w = 6
    assert (J.value, J.tangent) == (9.0, 6.0)
    assert repr(J) == "Dual(value=9.0, tangent=6.0)"
    assert Dual(2) is not None and Dual(2).tangent == 0.0  # a constant by default


def test_the_lecture_graph() -> None:
    """L = (a*b + c)*f at a=2, b=-3, c=10, f=-2: b*f, a*f, f, a*b + c by hand."""
    L = lambda a, b, c, f: (a * b + c) * f  # noqa: E731
    assert forward_mode_gradient(L, [2, -3, 10, -2]) == [6.0, -4.0, -2.0, 4.0]
    seeded_b = L(Dual(2), Dual(-3, 1), Dual(10), Dual(-2))
    assert (seeded_b.value, seeded_b.tangent) == (-8.0, -4.0)
    nudged = forward_gradient(L, [2, -3, 10, -2], eps=1e-6)
    assert all(
        abs(n - g) < 1e-5 for n, g in zip(nudged, [6, -4, -2, 4], strict=True)
    )


def test_olahs_example_sums_over_paths() -> None:
    """e = (a + b)(b + 1) at a = 2, b = 1: de/da = b + 1 = 2, de/db = (b + 1) + (a + b) = 5."""
    e = lambda a, b: (a + b) * (b + 1)  # noqa: E731
    assert forward_mode_gradient(e, [2, 1]) == [2.0, 5.0]
    both = e(
        Dual(2, 1), Dual(1, 1)
    )  # seeding both inputs gives the sum: the derivative along a = b
    assert both.tangent == 7.0


def test_one_pass_differentiates_every_output() -> None:
    x = Dual(0.5, 1.0)
    outputs = [x**n for n in range(1, 6)] + [
        x.exp(),
        x.log(),
        x.tanh(),
        x.sigmoid(),
        -x,
    ]
    s = 1 / (1 + math.exp(-0.5))
    expected = [n * 0.5 ** (n - 1) for n in range(1, 6)]
    expected += [math.exp(0.5), 2.0, 1 - math.tanh(0.5) ** 2, s * (1 - s), -1.0]
    assert all(
        close(o.tangent, e, 1e-15) for o, e in zip(outputs, expected, strict=True)
    )


@pytest.mark.parametrize(
    ("x", "p"),
    [
        (2.0, 3),
        (-2.0, 3),
        (-2.0, 2),
        (-2.0, -3),
        (4.0, Fraction(1, 2)),
        (4.0, 0.5),
        (-1.5, 0),
        (0.0, 2),
        (3.0, Fraction(-3, 2)),
    ],
)
def test_powers_mirror_value(x: float, p: float) -> None:
    """p * x**(p - 1), also for negative bases with integer exponents, as Value has it."""
    by_dual = Dual(x, 1.0) ** p
    by_value = Value(x) ** p
    exact = sympy.diff(X ** sympy.nsimplify(p), X).subs(X, sympy.nsimplify(x))
    assert by_dual.value == by_value.data
    assert by_dual.tangent == by_value.local_grads[0]
    assert close(by_dual.tangent, float(exact), 1e-15)


@pytest.mark.parametrize("x", [-1.5, -1e-9, 0.0, 2.0])
def test_relu_follows_the_sign(x: float) -> None:
    out = Dual(x, 1.0).relu()
    assert (out.value, out.tangent) == (max(0.0, x), 1.0 if x > 0 else 0.0)
    assert out.tangent == Value(x).relu().local_grads[0]


def test_the_relu_network_of_the_course() -> None:
    """x = 1, y = 5, w1 = 2, b1 = 0, w2 = 3, b2 = 1: a = 7, J = 2, and the gradients by hand."""

    def J(w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
        a1 = (w1 * 1 + b1).relu()
        return ((w2 * a1 + b2).relu() - 5) ** 2 / 2

    # dJ/da2 = a2 - y = 2; dJ/dw2 = 2 * a1 = 4; dJ/db2 = 2; dJ/da1 = 2 * w2 = 6; dJ/dw1 = 6 * x
    assert forward_mode_gradient(J, [2, 0, 3, 1]) == [6.0, 6.0, 4.0, 2.0]


def test_numbers_mix_on_either_side() -> None:
    x = Dual(2.0, 1.0)
    cases = [
        (x + 1, 3.0, 1.0),
        (1 + x, 3.0, 1.0),
        (x - 1, 1.0, 1.0),
        (1 - x, -1.0, -1.0),
        (3 * x, 6.0, 3.0),
        (x * Fraction(1, 2), 1.0, 0.5),
        (np.float64(3.0) * x, 6.0, 3.0),
        (sympy.Integer(3) * x, 6.0, 3.0),
        (x / 4, 0.5, 0.25),
        (1 / x, 0.5, -0.25),
        (np.array(4.0) / x, 2.0, -1.0),
    ]
    for out, value, tangent in cases:
        assert isinstance(out, Dual) and (out.value, out.tangent) == (
            value,
            tangent,
        )


def test_a_constant_function_has_a_zero_gradient() -> None:
    assert forward_mode_gradient(lambda a, b: a * 0 + 7, [1.0, 2.0]) == [0.0, 0.0]
    assert forward_mode_gradient(lambda a: a - a, [1.5]) == [0.0]
    assert forward_mode_gradient(lambda a: Dual(7.0), [1.5]) == [0.0]


# -- Bad input: the same refusals, type and message, as Value -----------------------------------


@pytest.mark.parametrize(
    ("argument", "error", "message"),
    [
        (True, TypeError, "must be a real number, got bool True"),
        (np.True_, TypeError, "must be a real number, got bool"),
        ("3", TypeError, "must be a real number, got str '3'"),
        (1j, TypeError, "must be a real number, got complex 1j"),
        (None, TypeError, "must be a real number, got NoneType None"),
        (
            Decimal("1"),
            TypeError,
            r"must be a real number, got Decimal Decimal\('1'\)",
        ),
        (Dual(1.0), TypeError, "must be a real number, got Dual"),
        (Value(1.0), TypeError, "must be a real number, got Value"),
        (float("nan"), ValueError, "must be a finite real number, got float nan"),
        (-math.inf, ValueError, "must be a finite real number, got float -inf"),
        (10**400, ValueError, "must be a finite real number, got int 1000"),
    ],
)
def test_dual_rejects_bad_numbers(
    argument: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^value {message}"):
        Dual(argument)
    with pytest.raises(error, match=f"^tangent {message}"):
        Dual(1.0, argument)


# Each bad operation, written once for either class K (Value or Dual).
BAD_OPERATIONS: dict[str, Callable[[type[Any]], object]] = {
    "str operand": lambda K: K(2.0) + "a",
    "list operand on the left": lambda K: [1.0] * K(2.0),
    "None operand": lambda K: K(2.0) / None,
    "tuple operand on the left": lambda K: (1.0,) - K(2.0),
    "the other class": lambda K: K(2.0) * (Dual(1.0) if K is Value else Value(1.0)),
    "nan operand": lambda K: K(2.0) + float("nan"),
    "inf operand on the left": lambda K: np.float64("-inf") * K(2.0),
    "str exponent": lambda K: K(2.0) ** "2",
    "bool exponent": lambda K: K(2.0) ** True,
    "nan exponent": lambda K: K(2.0) ** float("nan"),
    "exponent of its own class": lambda K: K(2.0) ** K(2.0),
    "as an exponent": lambda K: 2 ** K(3.0),
    "as the exponent of a str": lambda K: "a" ** K(3.0),
    "divide by zero": lambda K: K(1.0) / 0,
    "divide by minus zero": lambda K: 1 / K(-0.0),
    "zero to a negative power": lambda K: K(0.0) ** -1,
    "negative base, fractional exponent": lambda K: K(-8.0) ** Fraction(1, 3),
    "infinite slope of a root": lambda K: K(0.0) ** 0.5,
    "log of zero": lambda K: K(0.0).log(),
    "log of a negative number": lambda K: K(-1e-300).log(),
    "exp overflows": lambda K: K(1000.0).exp(),
    "power overflows": lambda K: K(10.0) ** 400,
    "product overflows": lambda K: K(1e200) * 1e200,
    "log's slope overflows": lambda K: K(5e-324).log(),
    "quotient's slope overflows": lambda K: K(1e100) / 1e-200,
}


def refusal(
    operation: Callable[[type[Any]], object], K: type[Any]
) -> tuple[type, str]:
    with pytest.raises((TypeError, ValueError, ArithmeticError)) as caught:
        operation(K)
    return caught.type, str(caught.value)


def as_dual_would_say(message: str) -> str:
    """Value's message with the names swapped: Value <-> Dual, v <-> d, a Value's repr."""
    swapped = {"Value": "Dual", "Dual": "Value", "v": "d"}
    message = re.sub(r"\b(Value|Dual|v)\b", lambda m: swapped[m[0]], message)
    return re.sub(
        r"Dual\(data=(\S+), grad=0.0, label=''\)",
        r"Dual(value=\1, tangent=0.0)",
        message,
    )


@pytest.mark.parametrize("name", list(BAD_OPERATIONS))
def test_dual_refuses_what_value_refuses(name: str) -> None:
    by_value, by_dual = (
        refusal(BAD_OPERATIONS[name], Value),
        refusal(BAD_OPERATIONS[name], Dual),
    )
    assert by_dual[0] is by_value[0]
    if by_value[1].startswith(
        "the result of"
    ):  # Dual reports its tangent, not local derivatives
        assert by_dual[1].split(": ")[0] == by_value[1].split(": ")[0]
        value, tangent = re.fullmatch(
            r".*: value (\S+), tangent (\S+)", by_dual[1]
        ).groups()  # type: ignore[union-attr]
        assert not (math.isfinite(float(value)) and math.isfinite(float(tangent)))
    else:
        assert by_dual[1] == as_dual_would_say(by_value[1])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "str operand",
            r"^unsupported operand type\(s\) for \+: 'Dual' and 'str'$",
        ),
        (
            "list operand on the left",
            r"^unsupported operand type\(s\) for \*: 'list' and 'Dual'$",
        ),
        ("nan operand", "^operand must be a finite real number, got float nan$"),
        ("nan exponent", "^exponent must be a finite real number, got float nan$"),
        (
            "as an exponent",
            r"^exponent must be a real number, not a Dual \(write \(d \* log",
        ),
        ("divide by minus zero", "^cannot divide by zero, got -0.0$"),
        (
            "negative base, fractional exponent",
            r"^a negative base .*: \(-8.0\) \*\* 1/3 is not",
        ),
        ("log of zero", "^log needs a positive value, got 0.0$"),
        ("exp overflows", r"^exp\(1000.0\) is too large$"),
        (
            "product overflows",
            r"^the result of '\*' is not finite: value inf, tangent 0.0$",
        ),
        (
            "quotient's slope overflows",
            "^the result of '/' is not finite: value 1e\\+300, tangent",
        ),
    ],
)
def test_refusal_messages_are_pinned(name: str, message: str) -> None:
    _, text = refusal(BAD_OPERATIONS[name], Dual)
    assert re.search(message, text), text


RETURNED = re.escape("f(*point) must be a Dual computed from its arguments")


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((1.0, [1.0]), TypeError, "^f must be callable, got float 1.0$"),
        (
            (abs, 1.0),
            TypeError,
            "^point must be a sequence of real numbers, got float 1.0$",
        ),
        (
            (abs, "ab"),
            TypeError,
            "^point must be a sequence of real numbers, got str 'ab'$",
        ),
        (
            (abs, []),
            ValueError,
            "^point must be a non-empty sequence of real numbers, got list",
        ),
        (
            (abs, [1.0, math.nan]),
            ValueError,
            r"^point\[1\] must be a finite real number, got",
        ),
        ((lambda a: "a", [1.0]), TypeError, rf"^{RETURNED}, got str 'a'$"),
        (
            (lambda a: a.value, [1.0]),
            TypeError,
            rf"^{RETURNED}, got float 1.0$",
        ),  # tangent lost
        ((lambda a: 7, [1.0]), TypeError, rf"^{RETURNED}, got int 7$"),
    ],
)
def test_forward_mode_gradient_bad_input(
    args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        forward_mode_gradient(*args)


# -- Overflow: both modes refuse the same graphs -------------------------------------------------


def backprop_slope(build: Callable[[Any], Any], x0: float) -> float:
    x = Value(x0, label="x")
    build(x).backward()
    return x.grad


def dual_slope(build: Callable[[Any], Any], x0: float) -> float:
    return build(Dual(x0, 1.0)).tangent


def scaled(c1: float, c2: float) -> Callable[[Any], Any]:
    return lambda x: x * c1 * c2


def cancelling(c1: float, c2: float) -> Callable[[Any], Any]:
    return lambda x: x * c1 * c2 - x * c1 * c2


@settings(max_examples=80, deadline=None)
@given(
    e1=st.integers(0, 300),
    e2=st.integers(0, 300),
    cancel=st.booleans(),
)
def test_dual_and_backprop_refuse_the_same_infinite_slopes(
    e1: int, e2: int, cancel: bool
) -> None:
    # x * 10**e1 * 10**e2 at x = 1e-300: the value stays finite, the slope is the product
    # of the constants, infinite (an OverflowError) exactly when 10**(e1 + e2) overflows
    c1, c2 = 10.0**e1, 10.0**e2
    build = (cancelling if cancel else scaled)(c1, c2)
    overflows = math.isinf(c1 * c2)
    if overflows:
        with pytest.raises(OverflowError):
            backprop_slope(build, 1e-300)
        with pytest.raises(OverflowError):
            dual_slope(build, 1e-300)
    else:
        expected = 0.0 if cancel else c1 * c2
        assert (
            backprop_slope(build, 1e-300) == dual_slope(build, 1e-300) == expected
        )


@pytest.mark.parametrize(
    "build",
    [scaled(1e200, 1e200), cancelling(1e200, 1e200)],
    ids=["x*1e200*1e200", "cancelling"],
)
def test_an_infinite_slope_raises_overflow_in_both_modes(
    build: Callable[[Any], Any],
) -> None:
    # the forward values are finite (1e100); the slope 1e400 is not, and inf - inf is nan
    x = Value(1e-300, label="x")
    assert math.isfinite(build(x).data)
    with pytest.raises(OverflowError, match="not finite"):
        build(x).backward()
    assert x.grad == 0.0  # the leaf keeps the grad it had
    with pytest.raises(OverflowError, match="not finite"):
        build(Dual(1e-300, 1.0))
