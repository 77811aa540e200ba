"""Private rules that several modules share: a power and its slope, a step, a call of ``f``.

``power`` is the rule of ``x ** p`` for both differentiation engines (``Value`` and ``Dual``);
``moves``, ``call``, ``unit`` and ``default_step`` are the rules of finite differences, for
:mod:`derivatives.epsilon`, :mod:`derivatives.adaptive` and the figures; ``complex_call`` and
``analytic`` are those of the complex step. Like :mod:`derivatives._validate`, this module
imports nothing heavy.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

from derivatives._validate import (
    Exact,
    complex_number,
    is_real,
    real,
    unwrap,
    value_error,
)

EPS_MACH = sys.float_info.epsilon  # 2**-52: the gap between 1.0 and the next float
# The unit roundoff of the narrower float types a function may return (NumPy's float32, float16).
_UNITS = {4: 2.0**-23, 2: 2.0**-10}
# Errors a function raises where it is undefined (FloatingPointError under numpy.errstate).
MATH_ERRORS = (ValueError, ArithmeticError)


def power(x: float, p: Exact) -> tuple[float, float]:
    """``x ** p`` and ``p * x ** (p - 1)``, the sign exact for integer p of any size."""
    if x < 0 and not float(p).is_integer():
        raise ValueError(
            f"a negative base needs an integer exponent: ({x!r}) ** {p} is not real"
        )
    if x == 0 and p < 0:
        raise ZeroDivisionError(f"{x!r} ** {p} divides by zero")
    if x == 0 and 0 < p < 1:
        raise ValueError(f"the derivative of x ** {p} is infinite at x = {x!r}")
    if p == 0:
        return 1.0, 0.0
    # (-x)**p is -(x**p) for odd p, x**p for even p
    odd = x < 0 and int(p) % 2 == 1
    try:
        size, slope = abs(x) ** float(p), float(p) * abs(x) ** (float(p) - 1)
    except OverflowError:
        raise OverflowError(f"({x!r}) ** {p} is too large") from None
    return (-size, slope) if odd else (size, -slope if x < 0 else slope)


def moves(x: float, step: float, name: str) -> None:
    """Refuse a step that underflows or that moves ``x`` by far from itself in float64."""
    if step < sys.float_info.min:
        raise value_error(
            name, f"at least {sys.float_info.min!r} (not subnormal)", step
        )
    moved = (x + step) - x
    if not 0.5 * step <= moved <= 2 * step:
        raise value_error(
            name,
            f"a step that moves x={x!r} in float64 (x + {name} is {x + step!r})",
            step,
        )


def unit(value: object) -> float:
    """The relative rounding of the type of `value`: 2**-52 for float64, more for float32."""
    size = getattr(getattr(value, "dtype", None), "itemsize", 8)
    return _UNITS.get(size, EPS_MACH) if isinstance(size, int) else EPS_MACH


def evaluate(f: Callable[[float], object], point: float) -> tuple[float, float]:
    """``f(point)`` as a float, and the relative rounding of the type ``f`` returned."""
    if not math.isfinite(point):
        raise ValueError(
            f"a point of the stencil overflowed to {point!r}: use a smaller step"
        )
    try:
        value = f(point)
    except MATH_ERRORS as error:
        raise ValueError(
            f"f could not be evaluated at {point!r}: {error}"
        ) from error
    return real(value, f"f({point!r})"), unit(value)


def call(f: Callable[[float], object], point: float) -> float:
    """``f(point)`` as a float; math errors in ``f`` become ValueError."""
    return evaluate(f, point)[0]


def central(f: Callable[[float], object], x: float, h: float) -> float:
    """``(f(x + h) - f(x - h)) / (2h)`` for a step that moves x and an f known at x."""
    moves(x, h, "eps")
    return real(
        (call(f, x + h) - call(f, x - h)) / (2 * h), "the difference quotient"
    )


def default_step(order: int, scale: float) -> float:
    """A step near the float64 optimum for a central stencil of ``order``: a power of two.

    Truncation grows like ``h**order`` and round-off like ``eps_mach / h``; they balance near
    ``h = eps_mach**(1/(order + 1))`` times the scale on which ``f`` changes.
    """
    target = 0.5 * EPS_MACH ** (1 / (order + 1)) * scale
    return 2.0 ** math.floor(math.log2(target)) if target > 0 else 0.0


def defined_at(f: Callable[[float], float], x: float) -> float:
    """``f(x)``: a derivative at a point where f is undefined is refused, whatever f does nearby.

    ``f`` returns a float or raises ValueError (a function wrapped by :func:`call`).
    """
    try:
        return f(x)
    except ValueError as error:
        raise ValueError(f"f is undefined at x={x!r}: {error}") from error


# -- The checks of the complex step (derivatives.epsilon.complex_step) ------------------------


def analytic(
    f: Callable[[complex], object],
    x: float,
    step: float,
    fx: float,
    estimate: float,
) -> None:
    """Refuse a complex step that a real central difference contradicts.

    A function that drops the imaginary part of its input (``z.real``, ``abs``, a
    comparison) returns a complex number whose imaginary part says nothing of the slope:
    ``z.real**2 + 0j`` gives 0 everywhere. Four real values, at ``x +- h`` and ``x +- 2h``
    (and at a step 64 times smaller if they disagree), give the order-4 central difference
    and an estimate of its error, and of the complex step's own truncation error
    (``step**2 / 6`` times the third derivative).
    """
    # f changes on the scale of x, or faster near a pole, where |f / f'| is small; a kink
    # near x can spoil the first real difference, not a smaller one too
    length = abs(x) if x != 0 else 1.0
    if estimate != 0 and fx != 0:
        length = min(length, abs(fx / estimate))
    coarse = default_step(4, length)
    for h in (coarse, coarse / 64):
        try:
            values = {
                k: complex_call(f, complex(x + k * h, 0.0)).real
                for k in (-2, -1, 1, 2)
            }
        # the real neighbours leave the domain: nothing to compare with
        except ValueError:
            return
        d1 = (values[1] - values[-1]) / (2 * h)
        d2 = (values[2] - values[-2]) / (4 * h)
        order4 = (4 * d1 - d2) / 3
        noise = 64 * EPS_MACH * sum(abs(v) for v in values.values()) / h
        truncation = abs(d2 - d1) * (1 + (step / h) ** 2)
        scale = max(abs(order4), abs(fx) / max(abs(x), 1.0))
        if abs(estimate - order4) <= 10 * truncation + noise + 1e-6 * scale:
            return
    raise ValueError(
        f"f is not analytic near x={x!r}: the complex step gives {estimate!r} but a "
        f"real central difference gives {order4:.6g}, so f drops the imaginary part "
        f"of its input (.real, abs or a comparison) and the complex step cannot be used"
    )


def complex_call(f: Callable[[complex], object], z: complex) -> complex:
    """``f(z)`` as a complex number; math errors become ValueError."""
    try:
        value = f(z)
    except TypeError as error:
        raise TypeError(
            f"f must accept complex numbers for the complex step (use cmath or numpy functions, "
            f"not math), but f({z!r}) raised TypeError: {error}"
        ) from error
    except MATH_ERRORS as error:
        raise ValueError(f"f could not be evaluated at {z!r}: {error}") from error
    value = unwrap(value)
    result = complex_number(value, f"f({z!r})")
    if is_real(value):
        raise TypeError(
            f"f returned the real number {value!r} for the complex input {z!r}, which drops "
            f"the imaginary part the complex step needs (use cmath or numpy functions, not "
            f"abs, .real or math)"
        )
    return result
