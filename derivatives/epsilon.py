"""Finite differences: estimate a derivative by nudging the input.

The course's informal definition of the derivative is an experiment: if ``w`` goes up by a
tiny amount ``eps`` and ``J(w)`` goes up by ``k * eps``, then ``k`` is the derivative. This
module runs that experiment and then makes it accurate.

* :func:`nudge` and :func:`forward_difference` compute exactly the course's
  ``k = (J(w + eps) - J(w)) / eps``. The error is about ``eps * J''(w) / 2``: for ``J = w**2``
  it is exactly ``eps``, so at ``w = 3`` with ``eps = 0.001`` the experiment gives 6.001.
* :func:`central_difference` nudges both ways. The error of ``(f(x + h) - f(x - h)) / (2h)``
  shrinks like ``h**2``; combining several steps (Richardson extrapolation) gives stencils of
  order 4 and 6, whose error shrinks like ``h**4`` and ``h**6``.
* :func:`complex_step` nudges along the imaginary axis. Nothing is subtracted, so nothing
  cancels, and for functions that accept complex numbers the result is exact to rounding.
* :func:`derivative` is the single entry point; called as ``derivative(f, x)`` it is the
  accurate one.
* :func:`partial_difference` and :func:`numerical_gradient` nudge one input of a function of
  several variables at a time.

The step cannot be arbitrarily small. A float64 carries about 16 significant digits, and
``f(x + h) - f(x)`` loses more of them the closer the two values are (round-off), while a large
step sees the curvature of ``f`` (truncation). The default steps balance the two; the lesson
"How small should ε be" plots the trade-off.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, SupportsFloat, SupportsIndex

from derivatives._validate import (
    choice,
    function,
    integer,
    positive,
    real,
    reals,
    type_error,
    unwrap,
    value_error,
)

__all__ = [
    "Nudge",
    "central_difference",
    "complex_step",
    "DerivativeEstimate",
    "derivative",
    "derivative_estimate",
    "forward_difference",
    "forward_gradient",
    "nudge",
    "numerical_gradient",
    "partial_difference",
    "relative_error",
]

_EPS_MACH = sys.float_info.epsilon  # 2**-52: the gap between 1.0 and the next float
_METHODS = ("central", "complex", "forward")
_ORDERS = (2, 4, 6)
# A central stencil of order p weighs the symmetric differences f(x + k*h) - f(x - k*h),
# k = 1, 2, ..., over a common denominator: order 2 is (f(x + h) - f(x - h)) / (2*h).
_CENTRAL: dict[int, tuple[int, tuple[int, ...]]] = {
    2: (2, (1,)),
    4: (12, (8, -1)),
    6: (60, (45, -9, 1)),
}
# Below this |x|, derivative() also tries a step on this scale if f does not move over one
# on the scale of x (and uses a scale of 1 at x = 0).
_SCALE_FLOOR = 1e-3
# The contract of derivative(): within this relative error, or refused.
_RTOL = 1e-8
# What rounding can do to one value of f, relative to |f|: a function computed in several
# operations, or from an argument that was itself rounded, is off by some units in the last
# place, not half of one. Error estimates count this many.
_ROUNDING = 64 * _EPS_MACH
# The careful path halves the step at most this many times, extrapolating over at most
# this many columns.
_MAX_LEVELS = 200
_COLUMNS = 6
# Quotients that grew at each of this many halvings of the step mean no slope (see _diagnose).
_GROWTH_LEVELS = 12


# The public functions below describe their shared parameters (f, x, eps) and errors alike,
# on purpose: each docstring stands alone on the API page.


class Nudge(NamedTuple):
    """One run of the course's experiment: nudge ``w`` by ``eps``, see ``f`` move by ``k * eps``.

    Made by :func:`nudge`; ``nudge(...)._asdict()`` is one row of a table.
    """

    w: float
    """The input before the nudge."""
    eps: float
    """The nudge."""
    f_w: float
    """``f(w)``."""
    f_w_eps: float
    """``f(w + eps)``."""
    k: float
    """``(f_w_eps - f_w) / eps``, the estimate of the derivative."""

    @property
    def change(self) -> float:
        """``f_w_eps - f_w``, how much ``f`` moved (roughly ``k * eps``)."""
        return self.f_w_eps - self.f_w


class DerivativeEstimate(NamedTuple):
    """What :func:`derivative_estimate` found: the estimate and how far it can be trusted.

    The fields match those of ``scipy.differentiate.derivative``'s result (``df``, ``error``,
    ``nfev``, ``success``) under plain names.
    """

    value: float
    """The estimate of ``f'(x)``."""
    error: float
    """An estimate of ``|value - f'(x)|``: the spread of the extrapolations, plus rounding."""
    evaluations: int
    """How many times ``f`` was called."""
    converged: bool
    """Whether ``error`` is within 1e-8 of the slope (see :func:`derivative_estimate`)."""


def nudge(
    f: Callable[[float], object], w: SupportsFloat, eps: SupportsFloat = 0.001
) -> Nudge:
    """Nudge ``w`` by ``eps`` and record how much ``f`` changes.

    Parameters
    ----------
    f : callable
        A function of one real number that returns a real number.
    w : real number
        The point; ints, floats, NumPy scalars and fractions are converted to float.
    eps : real number, default 0.001
        The nudge, a positive finite number (the course's 0.001 by default).

    Returns
    -------
    Nudge
        ``(w, eps, f_w, f_w_eps, k)``, a named tuple that makes one row of a table
        (``nudge(...)._asdict()``); ``.change`` is ``f_w_eps - f_w``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``w`` or ``eps`` is not a real number, or ``f`` does not
        return a real number.
    ValueError
        If ``w`` or ``eps`` is not finite, ``eps`` is not positive, or ``f`` cannot be
        evaluated (it raises a math error or returns nan or inf).

    Examples
    --------
    >>> n = nudge(lambda w: w**2, 3)
    >>> n.w, n.eps, n.f_w, round(n.f_w_eps, 9), round(n.k, 9)
    (3.0, 0.001, 9.0, 9.006001, 6.001)
    >>> round(n.change, 9)
    0.006001
    """
    function(f, "f")
    return _nudge(f, real(w, "w"), positive(eps, "eps"))


def forward_difference(
    f: Callable[[float], object], x: SupportsFloat, eps: SupportsFloat = 0.001
) -> float:
    """Estimate ``f'(x)`` as ``(f(x + eps) - f(x)) / eps``, the course's ``k``.

    The error is about ``eps * f''(x) / 2``: it shrinks in proportion to ``eps`` until
    round-off takes over (``eps`` much below 1e-8 for ``x`` near 1).

    Parameters
    ----------
    f : callable
        A function of one real number that returns a real number.
    x : real number
        The point; ints, floats, NumPy scalars and fractions are converted to float.
    eps : real number, default 0.001
        The nudge, a positive finite number. A nudge that float64 cannot apply to ``x``
        (``x + eps == x``, a subnormal ``eps``, or ``x + eps - x`` off by more than a factor
        of 2) is refused: the formula would divide a change that did not happen by ``eps``.

    Returns
    -------
    float
        Exactly ``(f(x + eps) - f(x)) / eps`` computed in float64.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` or ``eps`` is not a real number, or ``f`` does not
        return a real number.
    ValueError
        If ``x`` or ``eps`` is not finite, ``eps`` is not positive or cannot move ``x``, or
        ``f`` cannot be evaluated (it raises a math error or returns nan or inf).

    Examples
    --------
    For ``w**2`` the estimate is ``2*w + eps``: the course's 6.001 at ``w = 3``.

    >>> round(forward_difference(lambda w: w**2, 3), 9)
    6.001
    >>> round(forward_difference(lambda w: w**2, -3, eps=0.001), 9)
    -5.999
    """
    function(f, "f")
    return _nudge(f, real(x, "x"), positive(eps, "eps")).k


def central_difference(
    f: Callable[[float], object],
    x: SupportsFloat,
    eps: SupportsFloat | None = None,
    order: int = 2,
) -> float:
    """Estimate ``f'(x)`` from points on both sides of ``x``.

    Order 2 is ``(f(x + h) - f(x - h)) / (2h)``; its error is about ``h**2 * f'''(x) / 6``.
    Orders 4 and 6 are the standard 4- and 6-point central stencils, which are Richardson
    extrapolations of order-2 differences ``D(h)`` at several steps:
    ``(4 D(h) - D(2h)) / 3`` and ``(15 D(h) - 6 D(2h) + D(3h)) / 10``. Their errors shrink
    like ``h**4`` and ``h**6``.

    Parameters
    ----------
    f : callable
        A function of one real number that returns a real number.
    x : real number
        The point; ints, floats, NumPy scalars and fractions are converted to float.
    eps : real number, optional
        The step ``h``. By default a step close to optimal for float64:
        ``eps_mach**(1/(order + 1)) / 2 * max(|x|, 1)`` rounded down to a power of two,
        so that the offsets ``k * h`` are exact.
    order : int, default 2
        Order of accuracy of the stencil: 2, 4 or 6. It uses ``order`` evaluations of ``f``
        around ``x``, after ``f(x)`` itself (a function undefined at ``x`` is refused).

    Returns
    -------
    float
        The estimate of ``f'(x)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` or ``eps`` is not a real number, or ``f`` does not
        return a real number.
    ValueError
        If ``x`` or ``eps`` is not finite, ``eps`` is not positive, ``order`` is not 2, 4 or 6,
        or ``f`` cannot be evaluated (it raises a math error or returns nan or inf).

    Examples
    --------
    For ``w**2`` the order-2 stencil is exact whatever the step:

    >>> central_difference(lambda w: w**2, 3, eps=0.5)
    6.0
    >>> import math
    >>> round(central_difference(math.exp, 1.0), 9)
    2.718281828
    >>> abs(central_difference(math.sin, 1.0, order=6) - math.cos(1.0)) < 1e-13
    True
    """
    function(f, "f")
    point = real(x, "x")
    order = choice(order, "order", _ORDERS)
    step = (
        _default_step(int(order), max(abs(point), 1.0))
        if eps is None
        else positive(eps, "eps")
    )
    _moves(point, step, "eps")
    _defined_at(_Counted(f), point)
    return _central(f, point, step, int(order))


def complex_step(
    f: Callable[[complex], object], x: SupportsFloat, h: SupportsFloat = 1e-20
) -> float:
    """Estimate ``f'(x)`` as ``Im(f(x + i*h)) / h``, exact to rounding.

    Along the imaginary axis, ``f(x + i*h) = f(x) + i*h*f'(x) - h**2*f''(x)/2 + ...``: the
    imaginary part is ``h*f'(x)`` up to a term of size ``h**3``, and no two close numbers are
    subtracted, so ``h`` can be tiny. ``f`` must accept complex numbers and be built from
    analytic operations (``+ - * / **`` and ``cmath`` or NumPy functions; not ``abs``,
    ``.real`` or comparisons).

    Parameters
    ----------
    f : callable
        A function that accepts a complex number and returns a complex number.
    x : real number
        The point; ints, floats, NumPy scalars and fractions are converted to float.
    h : real number, default 1e-20
        The imaginary step, a positive finite number.

    Returns
    -------
    float
        The estimate of ``f'(x)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` or ``h`` is not a real number, ``f`` rejects complex
        input (for example it uses ``math.exp``; use ``cmath.exp``), or ``f`` returns
        a real number or a non-number for complex input.
    ValueError
        If ``x`` or ``h`` is not finite, ``h`` is not positive, or ``f`` cannot be evaluated
        (it raises a math error or the result is nan or inf).

    Examples
    --------
    >>> import cmath, math
    >>> complex_step(cmath.exp, 1.0) == math.e
    True
    >>> complex_step(lambda w: 1 / w, 2)
    -0.25
    """
    function(f, "f")
    point, step = real(x, "x"), positive(h, "h")
    if step < sys.float_info.min:
        raise value_error(
            "h", f"at least {sys.float_info.min!r} (not subnormal)", h
        )
    at_x = _complex_call(f, complex(point, 0.0))
    if not math.isfinite(abs(at_x)) or abs(at_x.imag) > 1e-12 * abs(at_x):
        raise ValueError(
            f"f must be real at x for the complex step, got f({point!r}) = {at_x!r} "
            f"(the complex step assumes f maps real numbers to real numbers near x)"
        )
    z = complex(point, step)
    return real(_complex_call(f, z).imag / step, "the complex-step derivative")


def _complex_call(f: Callable[[complex], object], z: complex) -> complex:
    """``f(z)`` as a complex number; math errors become ValueError."""
    try:
        value = f(z)
    except TypeError as error:
        raise TypeError(
            f"f must accept complex numbers for the complex step (use cmath or numpy functions, "
            f"not math), but f({z!r}) raised TypeError: {error}"
        ) from error
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ValueError(f"f could not be evaluated at {z!r}: {error}") from error
    return _as_complex(value, z)


def derivative(
    f: Callable[[Any], object],
    x: SupportsFloat,
    method: str = "central",
    eps: SupportsFloat | None = None,
) -> float:
    """Estimate ``f'(x)`` by one of the finite-difference methods.

    With the defaults, ``derivative(f, x)`` is the accurate choice for a function of real
    numbers: the value of :func:`derivative_estimate`, which it returns only when that has
    converged. **Contract**: where ``f`` is smooth near ``x`` the result is within 1e-8 of
    ``f'(x)`` (relative; where the slope is near 0, absolute on the scale
    ``|f| / max(|x|, 1)``); where it cannot vouch for that it raises ``ValueError`` and says
    why: ``f`` undefined at ``x``, a pole or jump at or near ``x``, an infinite slope, or no
    convergence.

    On smooth functions it costs seven evaluations of ``f`` (``f(x)``, then the order-6
    central stencil
    ``(45 (f(x+h) - f(x-h)) - 9 (f(x+2h) - f(x-2h)) + (f(x+3h) - f(x-3h))) / (60 h)``)
    and keeps about 13 digits. The step is ``eps_mach**(1/7) / 2 * scale`` rounded down to a
    power of two, where the scale is ``|x|`` (1 at ``x = 0``; near 0 also 1e-3, for functions
    such as ``exp`` that change on a scale of 1). Where that step does not suit ``f`` (large
    ``|x|``, a pole or the edge of the domain nearby), the step is found by Richardson
    extrapolation over shrinking steps, at a few dozen evaluations.

    Parameters
    ----------
    f : callable
        A function of one real number that returns a real number (a complex number for
        ``method="complex"``).
    x : real number
        The point; ints, floats, NumPy scalars and fractions are converted to float.
    method : {"central", "forward", "complex"}, default "central"
        ``"forward"``: :func:`forward_difference`; ``"complex"``: :func:`complex_step`;
        ``"central"`` with ``eps``: :func:`central_difference` (order 2), without ``eps``:
        the accurate order-6 stencil described above.
    eps : real number, optional
        The step; by default each method's own default (0.001 for ``"forward"``, 1e-20 for
        ``"complex"``).

    Returns
    -------
    float
        The estimate of ``f'(x)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` or ``eps`` is not a real number, or ``f`` does not
        return a real number (a complex one for ``method="complex"``).
    ValueError
        If ``x`` or ``eps`` is not finite, ``eps`` is not positive or does not move ``x``,
        ``method`` is unknown, or ``f`` cannot be evaluated; with the default method, whenever
        :func:`derivative_estimate` raises or does not converge.

    Examples
    --------
    >>> import math
    >>> abs(derivative(math.exp, 1.0) - math.e) < 1e-13
    True
    >>> round(derivative(lambda w: w**2, 3, method="forward"), 9)
    6.001
    >>> derivative(lambda w: 1 / w, 2, method="complex")
    -0.25

    Close to 0 the step follows ``x``, so a pole at 0 does not spoil the estimate:

    >>> abs(derivative(math.log, 1e-9) / 1e9 - 1) < 1e-11
    True
    >>> abs(derivative(lambda w: 1 / w, 1e-7) / -1e14 - 1) < 1e-11
    True
    """
    function(f, "f")
    point = real(x, "x")
    method = choice(method, "method", _METHODS)
    step = None if eps is None else positive(eps, "eps")
    if method == "forward":
        return (
            forward_difference(f, point)
            if step is None
            else forward_difference(f, point, step)
        )
    if method == "complex":
        return (
            complex_step(f, point) if step is None else complex_step(f, point, step)
        )
    if step is not None:
        return central_difference(f, point, step)
    result = derivative_estimate(f, point)
    if not result.converged:
        raise ValueError(
            f"the estimates of f'({point!r}) did not converge: the best, {result.value!r}, "
            f"has an estimated error of {result.error:.1e}, more than 1e-8 of the slope"
        )
    return result.value


def derivative_estimate(
    f: Callable[[float], object], x: SupportsFloat
) -> DerivativeEstimate:
    """Estimate ``f'(x)`` together with its error, or refuse where f has no slope to estimate.

    First ``f(x)`` itself: a function undefined at ``x`` has no derivative there, whatever it
    does nearby. Then the fast path: the order-6 central stencil (six more evaluations) with
    the step of :func:`derivative`. The same six values also give the order-4 stencil; the
    distance between the two, plus what rounding can do, is the error estimate. If that is
    within the contract, the order-6 value is returned.

    Otherwise (a step too large for how fast f changes, as for ``exp`` near 700 or ``sin``
    near 1e4; a pole within the stencil; the edge of the domain) the careful path takes over:
    Richardson extrapolation over the steps ``h0 / 2**k`` from ``h0`` about ``max(|x|, 1) / 8``
    down (Ridders' method), skipping steps whose points leave the domain, keeping the entry
    whose spread to its neighbours is smallest, and stopping once rounding makes the
    estimates worse. Where no central step fits, the same runs one-sided, forward then
    backward.

    **Contract**: when ``converged`` is True, ``|value - f'(x)| <= error <= 1e-8 * max(|f'(x)|,
    |f| / max(|x|, 1))`` with ``|f|`` measured at and next to ``x`` (the second term matters
    where the slope is near 0). The error estimate is a careful guess from the function's
    values, not a proof: a function that hides structure between the points it is sampled
    at can fool it.

    Parameters
    ----------
    f : callable
        A function of one real number that returns a real number.
    x : real number
        The point; ints, floats, NumPy scalars, 0-d arrays and fractions are converted to float.

    Returns
    -------
    DerivativeEstimate
        ``(value, error, evaluations, converged)``. ``converged`` is False when the estimates
        did not settle within the contract (``value`` is then the best one found).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a real number, or ``f`` does not return a real
        number.
    ValueError
        If ``x`` is not finite; if ``f`` is undefined at ``x`` (it raises a math error or
        returns nan or inf); if no step around ``x`` stays inside the domain of ``f``; if
        the difference quotients grow without bound as the step shrinks, which means a pole or
        jump at or near ``x`` (the values of ``f`` on the two sides stay apart) or an infinite
        slope (they close up, as ``sqrt`` at 0).

    Examples
    --------
    >>> import math
    >>> result = derivative_estimate(math.exp, 1.0)
    >>> abs(result.value - math.e) <= result.error < 1e-8 * math.e, result.evaluations
    (True, 7)

    Far from 0 the fast step is too large for ``exp``; the careful path finds a smaller one:

    >>> result = derivative_estimate(math.exp, 700.0)
    >>> abs(result.value / math.exp(700.0) - 1) < 1e-8, result.converged
    (True, True)

    Where it cannot vouch for a value, it refuses:

    >>> try:
    ...     derivative_estimate(math.sqrt, 0.0)
    ... except ValueError as error:
    ...     print(error)
    f has an infinite slope at x=0.0: ...
    """
    function(f, "f")
    point = real(x, "x")
    counted = _Counted(f)
    fx = _defined_at(counted, point)
    return _fast(counted, point, fx) or _careful(counted, point, fx)


def partial_difference(
    f: Callable[..., object],
    point: Sequence[SupportsFloat],
    index: SupportsIndex,
    eps: SupportsFloat | None = None,
) -> float:
    """Estimate the partial derivative of ``f`` along coordinate ``index`` at ``point``.

    Only coordinate ``index`` is nudged; the others stay fixed, so ``f`` is treated as a
    function of that one coordinate and differentiated by a central difference with
    :func:`derivative`.

    Parameters
    ----------
    f : callable
        A function of several real numbers, called as ``f(*point)``, that returns a real number.
    point : sequence of real numbers
        The point, one coordinate per argument of ``f``.
    index : int
        Which coordinate to nudge, ``0 <= index < len(point)``.
    eps : real number, optional
        The step of an order-2 central difference; by default the accurate order-6 stencil
        of :func:`derivative`.

    Returns
    -------
    float
        The estimate of the partial derivative.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``point`` is not a sequence of real numbers, ``index`` is not
        an int, ``eps`` is not a real number, or ``f`` does not return a real number.
    ValueError
        If ``point`` is empty or has a non-finite coordinate, ``index`` is out of range,
        ``eps`` is not finite and positive, or ``f`` cannot be evaluated near ``point``.

    Examples
    --------
    For ``d = a*b + c``, nudging ``a`` moves ``d`` by ``b`` times as much:

    >>> round(partial_difference(lambda a, b, c: a * b + c, [2, -3, 10], 0), 9)
    -3.0
    """
    function(f, "f")
    coordinates = reals(point, "point")
    i = _index(index, len(coordinates))

    def along(t: float) -> object:
        moved = list(coordinates)
        moved[i] = t
        return f(*moved)

    return derivative(along, coordinates[i], eps=eps)


def numerical_gradient(
    f: Callable[..., object],
    point: Sequence[SupportsFloat],
    eps: SupportsFloat | None = None,
) -> list[float]:
    """Estimate the gradient of ``f`` at ``point``: one :func:`partial_difference` per coordinate.

    Parameters
    ----------
    f : callable
        A function of several real numbers, called as ``f(*point)``, that returns a real number.
    point : sequence of real numbers
        The point, one coordinate per argument of ``f``.
    eps : real number, optional
        The step, as in :func:`partial_difference`.

    Returns
    -------
    list of float
        The partial derivatives, in the order of the coordinates.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``point`` is not a sequence of real numbers, ``eps`` is not a
        real number, or ``f`` does not return a real number.
    ValueError
        If ``point`` is empty or has a non-finite coordinate, ``eps`` is not finite and
        positive, or ``f`` cannot be evaluated near ``point``.

    Examples
    --------
    >>> [round(g, 9) for g in numerical_gradient(lambda a, b, c: a * b + c, [2, -3, 10])]
    [-3.0, 2.0, 1.0]
    """
    function(f, "f")
    coordinates = reals(point, "point")
    return [
        partial_difference(f, coordinates, i, eps) for i in range(len(coordinates))
    ]


# -- Stencils ----------------------------------------------------------------------------------


def _moves(x: float, step: float, name: str) -> None:
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


def _nudge(f: Callable[[float], object], w: float, eps: float) -> Nudge:
    _moves(w, eps, "eps")
    f_w = _call(f, w)
    f_w_eps = _call(f, w + eps)
    return Nudge(
        w, eps, f_w, f_w_eps, real((f_w_eps - f_w) / eps, "the difference quotient")
    )


def _central(f: Callable[[float], object], x: float, h: float, order: int) -> float:
    """The central stencil of ``order`` with step ``h``."""
    return _stencil(f, x, h, _central_points(order), _CENTRAL[order][0])[0]


def _central_points(order: int) -> list[tuple[int, int]]:
    """(k, weight) of ``f(x + k*h)`` in the central stencil of ``order``."""
    weights = _CENTRAL[order][1]
    return [
        (sign * k, sign * w)
        for k, w in enumerate(weights, start=1)
        for sign in (1, -1)
    ]


def _stencil(
    f: Callable[[float], object],
    x: float,
    h: float,
    points: list[tuple[int, int]],
    denominator: int,
) -> tuple[float, float]:
    """``sum(weight * f(x + k*h)) / (denominator * h)``, and how far rounding moves it.

    Each value of ``f`` carries a rounding error of about ``eps_mach * |f|``; the second number
    bounds what those errors do to the estimate.
    """
    terms = [weight * _call(f, x + k * h) for k, weight in points]
    scale = abs(denominator * h)
    estimate = real(sum(terms) / (denominator * h), "the difference quotient")
    return estimate, _EPS_MACH * sum(abs(t) for t in terms) / scale


def _default_step(order: int, scale: float) -> float:
    """A step near the float64 optimum for a central stencil of ``order``: a power of two.

    Truncation grows like ``h**order`` and round-off like ``eps_mach / h``; they balance near
    ``h = eps_mach**(1/(order + 1))`` times the scale on which ``f`` changes.
    """
    target = 0.5 * _EPS_MACH ** (1 / (order + 1)) * scale
    return 2.0 ** math.floor(math.log2(target)) if target > 0 else 0.0


class _Counted:
    """``f`` as a function of floats that remembers and counts its evaluations.

    Math errors of ``f`` become ValueError, and are remembered too.
    """

    def __init__(self, f: Callable[[float], object]) -> None:
        self.f, self.evaluations = f, 0
        self.seen: dict[float, float | ValueError] = {}

    def __call__(self, point: float) -> float:
        if point not in self.seen:
            self.evaluations += 1
            try:
                self.seen[point] = _call(self.f, point)
            except ValueError as error:
                self.seen[point] = error
        value = self.seen[point]
        if isinstance(value, ValueError):
            raise value
        return value


def _defined_at(f: _Counted, x: float) -> float:
    """``f(x)``: a derivative at a point where f is undefined is refused, whatever f does nearby."""
    try:
        return f(x)
    except ValueError as error:
        raise ValueError(f"f is undefined at x={x!r}: {error}") from error


def _tolerance(value: float, near: float, x: float) -> float:
    """What the contract allows: 1e-8 of the slope, or of ``|f| / max(|x|, 1)`` near x."""
    return _RTOL * max(abs(value), near / max(abs(x), 1.0))


def _fast_scales(x: float) -> list[float]:
    """Scales of the order-6 stencil tried first (see derivative)."""
    if x == 0:
        return [1.0]
    if abs(x) < _SCALE_FLOOR:
        return [abs(x), _SCALE_FLOOR]
    return [abs(x)]


def _fast(f: _Counted, x: float, fx: float) -> DerivativeEstimate | None:
    """The order-6 stencil, verified against the order-4 one from the same six values."""
    for scale in _fast_scales(x):
        h = _default_step(6, scale)
        if h == 0 or x + h == x or x - h == x:
            continue
        try:
            up, down = (
                [f(x + k * h) for k in (1, 2, 3)],
                [f(x - k * h) for k in (1, 2, 3)],
            )
        except (
            ValueError
        ):  # the stencil leaves the domain of f: the careful path shrinks it
            return None
        d1, d2, d3 = (
            (u - v) / (2 * k * h)
            for k, (u, v) in enumerate(zip(up, down, strict=True), 1)
        )
        order6 = (15 * d1 - 6 * d2 + d3) / 10
        noise = (
            _ROUNDING
            * sum(abs(u) + abs(v) for u, v in zip(up, down, strict=True))
            / h
        )
        error = abs(order6 - (4 * d1 - d2) / 3) + noise
        near = max(abs(fx), abs(up[0]), abs(down[0]))
        if math.isfinite(order6) and error <= _tolerance(order6, near, x):
            return DerivativeEstimate(order6, error, f.evaluations, True)
    return None


class _Level(NamedTuple):
    """One step of the careful path: the difference quotient and what it was made of."""

    h: float
    quotient: float
    change: float  # f(x + h) - f(x - h), or f(x + h) - f(x) one-sided
    noise: float  # what rounding the values of f can do to the quotient
    near: float  # the largest |f| at x and the points of this step


def _quotient(f: _Counted, x: float, fx: float, h: float, side: int) -> _Level:
    """Central (side 0) or one-sided (side +1 or -1) difference quotient with step ``h``."""
    if side == 0:
        up, down = f(x + h), f(x - h)
        noise = _ROUNDING * (abs(up) + abs(down)) / h
        return _Level(
            h,
            (up - down) / (2 * h),
            up - down,
            noise,
            max(abs(fx), abs(up), abs(down)),
        )
    moved = f(x + side * h)
    change = moved - fx
    noise = _ROUNDING * (abs(moved) + abs(fx)) / h
    return _Level(h, side * change / h, change, noise, max(abs(fx), abs(moved)))


def _descend(
    f: _Counted, x: float, fx: float, side: int, start: float
) -> tuple[list[_Level], _Best]:
    """Richardson extrapolation over the steps ``h0 / 2**k`` (Ridders' method).

    Each new quotient extends a tableau that cancels the error terms ``h**2, h**4, ...``
    (central) or ``h, h**2, ...`` (one-sided); the error of each entry is estimated from its
    distance to its neighbours, plus rounding. Steps whose points leave the domain of ``f``
    are skipped. Returns the quotients computed and the entry with the smallest error.
    """
    ratio = 4.0 if side == 0 else 2.0
    levels: list[_Level] = []
    best = _Best(math.nan, math.inf, 0.0, 0.0)
    previous: list[float] = []
    worse = 0
    h = start
    for _ in range(_MAX_LEVELS):
        h /= 2
        if x + h == x or x - h == x or h < sys.float_info.min:
            break
        try:
            level = _quotient(f, x, fx, h, side)
        except ValueError:  # outside the domain: a smaller step may fit
            previous = []
            continue
        levels.append(level)
        row, amplified, found = (
            [level.quotient],
            level.noise,
            _Best(math.nan, math.inf, h, level.near),
        )
        for j, before in enumerate(previous[: _COLUMNS - 1], start=1):
            factor = ratio**j
            row.append(row[-1] + (row[-1] - before) / (factor - 1))
            amplified *= (factor + 1) / (factor - 1)
            spread = max(abs(row[j] - row[j - 1]), abs(row[j] - before))
            if spread + amplified < found.error:
                found = _Best(row[j], spread + amplified, h, level.near)
        previous = row
        if _relative(found, x) < _relative(best, x):
            best, worse = found, 0
        else:
            worse += 1
        done = best.error <= _tolerance(best.value, best.near, x)
        if (
            done and (worse >= 3 or best.error <= 16 * _EPS_MACH * abs(best.value))
        ) or (
            level.noise
            > 1e-2 * max(abs(level.quotient), level.near / max(abs(x), 1.0))
            or (not done and _unbounded(levels))
        ):
            break
    return levels, best


def _unbounded(levels: list[_Level]) -> bool:
    """Whether the last quotients grew like a power of 1/h at every halving of the step."""
    last = [abs(level.quotient) for level in levels[-_GROWTH_LEVELS:]]
    if len(last) < _GROWTH_LEVELS or min(last) == 0:
        return False
    return all(1.05 * a < b < 2.5 * a for a, b in zip(last, last[1:], strict=False))


def _relative(best: _Best, x: float) -> float:
    """The error of an entry relative to the scale of the contract (so entries compare)."""
    scale = _tolerance(best.value, best.near, x) / _RTOL
    return (
        best.error / scale if scale > 0 else (0.0 if best.error == 0 else math.inf)
    )


class _Best(NamedTuple):
    value: float
    error: float
    h: float
    near: float


def _careful(f: _Counted, x: float, fx: float) -> DerivativeEstimate:
    """Central extrapolation; at the edge of the domain of f, one-sided (forward, backward)."""
    seen: list[_Level] = []
    start = 2.0 ** math.floor(math.log2(max(abs(x), 1.0) / 4))
    candidate = _Best(
        math.nan, math.inf, 0.0, 0.0
    )  # the best whose error can be believed
    for side in (0, 0, 0, 1, -1):
        levels, best = _descend(f, x, fx, side, start if side == 0 else 2 * start)
        seen = seen or levels
        if levels and best.error <= _tolerance(best.value, best.near, x):
            if side != 0 or _confirmed(f, x, best):
                return DerivativeEstimate(
                    best.value, best.error, f.evaluations, True
                )
            start = (
                best.h / 2
            )  # fooled by quotients that agree by chance: look further down
            continue
        if levels and _relative(best, x) < _relative(candidate, x):
            candidate = best
        if levels and side == 0 and len(levels) > 8:
            break  # central quotients exist down to tiny steps: one-sided ones will not help
    if not seen:
        raise ValueError(
            f"no finite-difference stencil around x={x!r} stays inside the domain of f"
        )
    _diagnose(seen, x)
    if math.isfinite(candidate.value) and _confirmed(f, x, candidate):
        return DerivativeEstimate(
            candidate.value, candidate.error, f.evaluations, False
        )
    return DerivativeEstimate(seen[-1].quotient, math.inf, f.evaluations, False)


def _confirmed(f: _Counted, x: float, best: _Best) -> bool:
    """Whether f is smooth at the chosen step, rather than the quotients agreeing by chance.

    Two checks, which add at most the points ``x +- 3h`` and ``x +- h/2``: the order-6 stencil
    at the step agrees with the extrapolated value, and the quotients at ``2h``, ``h`` and
    ``h/2`` behave as ``D(h) = f'(x) + c h**2 + ...`` does: each change a quarter of the one
    before (or both lost in rounding).
    """
    h = best.h
    try:
        d = {k: (f(x + k * h) - f(x - k * h)) / (2 * k * h) for k in (0.5, 1, 2, 3)}
    except ValueError:
        return True  # the domain ends within 3h: nothing to compare with
    allowed = 10 * best.error + _tolerance(best.value, best.near, x)
    order6 = (15 * d[1] - 6 * d[2] + d[3]) / 10
    if abs(order6 - best.value) > allowed:
        return False
    wide, narrow = d[2] - d[1], d[1] - d[0.5]
    if abs(wide) <= allowed:
        return True  # the quotients already agree to within what is asked
    return narrow != 0 and 2 <= wide / narrow <= 8


def _diagnose(levels: list[_Level], x: float) -> None:
    """Raise if the quotients grow without bound as the step shrinks: a jump or a vertical slope."""
    if _unbounded(levels):
        first, last = levels[-_GROWTH_LEVELS], levels[-1]
        if abs(last.change) > 0.6 * abs(first.change):
            raise ValueError(
                f"f has a pole or a jump at or near x={x!r}: its values differ by about "
                f"{abs(last.change):.3g} however close together they are taken"
            )
        raise ValueError(
            f"f has an infinite slope at x={x!r}: the difference quotients grow without bound "
            f"as the step shrinks (to {last.quotient:.3g} at step {last.h:.3g})"
        )


# -- Input checks ------------------------------------------------------------------------------


def _call(f: Callable[[float], object], point: float) -> float:
    """``f(point)`` as a float; math errors in ``f`` become ValueError."""
    if not math.isfinite(point):
        raise ValueError(
            f"a point of the stencil overflowed to {point!r}: use a smaller step"
        )
    try:
        value = f(point)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ValueError(
            f"f could not be evaluated at {point!r}: {error}"
        ) from error
    return real(value, f"f({point!r})")


def _as_complex(value: object, z: complex) -> complex:
    """The result of ``f(z)`` for the complex step: a complex number, not a real one."""
    value = unwrap(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Complex):
        raise type_error(f"f({z!r})", "a complex number", value)
    if isinstance(value, numbers.Real):
        raise TypeError(
            f"f returned the real number {value!r} for the complex input {z!r}, which drops "
            f"the imaginary part the complex step needs (use cmath or numpy functions, not "
            f"abs, .real or math)"
        )
    return complex(value)


def _index(index: object, size: int) -> int:
    position = integer(index, "index")
    if not 0 <= position < size:
        raise value_error(
            "index", f"in range({size}) for a point of {size} coordinates", index
        )
    return position


# -- Nudging every parameter -------------------------------------------------------------------


def forward_gradient(
    f: Callable[..., object],
    point: Sequence[SupportsFloat],
    eps: SupportsFloat = 0.001,
) -> list[float]:
    """Nudge each coordinate of ``point`` up by ``eps`` in turn: the course's ``k`` for each.

    This is how one would get every partial derivative with nothing but the nudge: evaluate
    ``f`` once at ``point``, then once more per coordinate with only that coordinate moved up
    by ``eps``, and divide each change by ``eps``. With ``P`` coordinates that is ``P + 1``
    evaluations of ``f``, so the cost grows with the number of parameters times the cost of
    one evaluation; backpropagation gets the same numbers for about two evaluations' worth.
    Each entry has the error of :func:`forward_difference`, about ``eps`` times half the second
    derivative along that coordinate. "Forward" means the nudge's direction, not forward-mode
    differentiation: :func:`~derivatives.forward_mode.forward_mode_gradient` is exact, no nudge.

    Parameters
    ----------
    f : callable
        A function of several real numbers, called as ``f(*point)``, that returns a real number.
    point : sequence of real numbers
        The point, one coordinate per argument of ``f``.
    eps : real number, default 0.001
        The nudge, a positive finite number.

    Returns
    -------
    list of float
        ``(f(point with coordinate i moved up by eps) - f(point)) / eps`` for each ``i``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``point`` is not a sequence of real numbers, ``eps`` is not a
        real number, or ``f`` does not return a real number.
    ValueError
        If ``point`` is empty or has a non-finite coordinate, ``eps`` is not finite and
        positive, or ``f`` cannot be evaluated at a point it needs.

    Examples
    --------
    For ``d = a*b + c`` at ``a = 2, b = -3, c = 10``, four evaluations give the three slopes:

    >>> [round(k, 9) for k in forward_gradient(lambda a, b, c: a * b + c, [2, -3, 10])]
    [-3.0, 2.0, 1.0]

    Where ``f`` curves, each slope is off by about ``eps`` times half the curvature, as for
    the one-variable nudge (``w**2`` at 3 gives 6.001):

    >>> [round(k, 9) for k in forward_gradient(lambda w, b: w**2 + b, [3, 5])]
    [6.001, 1.0]
    """
    function(f, "f")
    coordinates = reals(point, "point")
    step = positive(eps, "eps")

    def along(i: int) -> Callable[[float], object]:
        def moved(t: float) -> object:
            shifted = list(coordinates)
            shifted[i] = t
            return f(*shifted)

        return moved

    for x in coordinates:
        _moves(x, step, "eps")
    f_point = _call(along(0), coordinates[0])
    return [
        real(
            (_call(along(i), x + step) - f_point) / step, "the difference quotient"
        )
        for i, x in enumerate(coordinates)
    ]


# -- Comparing two estimates -------------------------------------------------------------------


def relative_error(a: SupportsFloat, b: SupportsFloat) -> float:
    """How far apart two estimates of one number are, relative to their size.

    ``|a - b| / max(|a|, |b|)``: the test used for gradient checking, where ``a`` is a
    finite-difference estimate and ``b`` a gradient from backpropagation. Dividing by the
    larger magnitude makes the number independent of units and symmetric in ``a`` and ``b``;
    it lies between 0 (equal) and 2 (equal size, opposite signs). When both are 0 it is 0
    (computed on copies scaled by a power of two, so subnormal and huge numbers are exact).
    As a rule of thumb for a central difference against backpropagation in float64, below
    about 1e-7 the two agree, and above about 1e-3 one of them is wrong.

    Parameters
    ----------
    a, b : real number
        The two estimates; ints, floats, NumPy scalars and fractions are converted to float.

    Returns
    -------
    float
        ``|a - b| / max(|a|, |b|)``, and 0 when both are 0.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a real number.
    ValueError
        If ``a`` or ``b`` is not finite.

    Examples
    --------
    >>> round(relative_error(6.001, 6.0), 9)  # 0.001 / 6.001
    0.000166639
    >>> relative_error(2.0, -2.0), relative_error(0, 0.0)
    (2.0, 0.0)
    >>> relative_error(1e-30, 2e-30), relative_error(1e-310, -1e-310)
    (0.5, 2.0)
    """
    x, y = real(a, "a"), real(b, "b")
    largest = max(abs(x), abs(y))
    if largest == 0:
        return 0.0
    shift = -math.frexp(largest)[1]  # scale by a power of two, exactly, to about 1
    return abs(math.ldexp(x, shift) - math.ldexp(y, shift)) / math.ldexp(
        largest, shift
    )
