"""Private rules that several modules share: a power and its slope, a step, a call of ``f``.

``power`` is the rule of ``x ** p`` for both differentiation engines (``Value`` and ``Dual``);
``moves``, ``call``, ``unit`` and ``default_step`` are the rules of finite differences, for
:mod:`derivatives.epsilon`, :mod:`derivatives.adaptive` and the figures. Like
:mod:`derivatives._validate`, this module imports nothing heavy.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

from derivatives._validate import Exact, real, value_error

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
