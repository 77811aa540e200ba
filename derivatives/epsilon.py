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
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple, SupportsFloat, SupportsIndex

from derivatives._rules import (
    analytic,
    call,
    complex_call,
    default_step,
    defined_at,
    moves,
)
from derivatives._validate import (
    choice,
    coordinate,
    function,
    positive,
    real,
    reals,
    value_error,
)
from derivatives.adaptive import DerivativeEstimate, derivative_estimate

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

_METHODS = ("central", "complex", "forward")
_ORDERS = (2, 4, 6)
# A central stencil of order p weighs the symmetric differences f(x + k*h) - f(x - k*h),
# k = 1, 2, ..., over a common denominator: order 2 is (f(x + h) - f(x - h)) / (2*h).
_CENTRAL: dict[int, tuple[int, tuple[int, ...]]] = {
    2: (2, (1,)),
    4: (12, (8, -1)),
    6: (60, (45, -9, 1)),
}
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
        default_step(int(order), max(abs(point), 1.0))
        if eps is None
        else positive(eps, "eps")
    )
    return _checked_central(f, point, step, int(order))


def _checked_central(
    f: Callable[[float], object], x: float, h: float, order: int
) -> float:
    """The central stencil, once the step moves x and f is defined at x."""
    moves(x, h, "eps")
    defined_at(partial(call, f), x)
    return _central(f, x, h, order)


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
        The estimate of ``f'(x)``. It costs ``f(x)``, ``f(x + i*h)`` and four real values
        near ``x``, which check it: a function that drops the imaginary part of its input
        returns complex numbers whose imaginary parts say nothing of the slope.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` or ``h`` is not a real number, ``f`` rejects complex
        input (for example it uses ``math.exp``; use ``cmath.exp``), or ``f`` returns
        a real number or a non-number for complex input.
    ValueError
        If ``x`` or ``h`` is not finite, ``h`` is not positive, ``f`` cannot be evaluated
        (it raises a math error or the result is nan or inf), or a real central difference
        contradicts the complex step (``f`` is not analytic: it takes ``.real``, ``abs``).

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
    at_x = complex_call(f, complex(point, 0.0))
    if not math.isfinite(abs(at_x)) or abs(at_x.imag) > 1e-12 * abs(at_x):
        raise ValueError(
            f"f must be real at x for the complex step, got f({point!r}) = {at_x!r} "
            f"(the complex step assumes f maps real numbers to real numbers near x)"
        )
    z = complex(point, step)
    estimate = real(complex_call(f, z).imag / step, "the complex-step derivative")
    analytic(f, point, step, at_x.real, estimate)
    return estimate


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
    why: ``f`` undefined at ``x``, a pole or jump at or near ``x``, an infinite slope, a kink
    (one-sided slopes that differ, as ``abs`` at 0), ``f(x)`` off the limit of its
    neighbours, or no convergence.

    On smooth functions it costs nine evaluations of ``f`` (``f(x)``, then the order-6
    central stencil
    ``(45 (f(x+h) - f(x-h)) - 9 (f(x+2h) - f(x-2h)) + (f(x+3h) - f(x-3h))) / (60 h)``,
    then two points that check it at a step of no simple ratio to ``h``)
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
    return _derivative(f, point, step)


def _derivative(
    f: Callable[[float], object], x: float, step: float | None
) -> float:
    """The core of :func:`derivative` for the central method, with f and x checked."""
    if step is not None:
        return _checked_central(f, x, step, 2)
    result = derivative_estimate(f, x)
    if not result.converged:
        raise ValueError(
            f"the estimates of f'({x!r}) did not converge: the best, {result.value!r}, "
            f"has an estimated error of {result.error:.1e}, more than 1e-8 of the slope"
        )
    return result.value


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
    i = coordinate(index, "index", len(coordinates))
    step = None if eps is None else positive(eps, "eps")
    return _derivative(_along(f, coordinates, i), coordinates[i], step)


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
    step = None if eps is None else positive(eps, "eps")
    # checked once here, not once per coordinate
    return [
        _derivative(_along(f, coordinates, i), x, step)
        for i, x in enumerate(coordinates)
    ]


# -- Stencils, and f along one coordinate ------------------------------------------------------


def _nudge(f: Callable[[float], object], w: float, eps: float) -> Nudge:
    moves(w, eps, "eps")
    f_w = call(f, w)
    f_w_eps = call(f, w + eps)
    return Nudge(
        w, eps, f_w, f_w_eps, real((f_w_eps - f_w) / eps, "the difference quotient")
    )


def _central(f: Callable[[float], object], x: float, h: float, order: int) -> float:
    """The central stencil of ``order`` with step ``h``: the weighted sum over its points."""
    denominator, weights = _CENTRAL[order]
    terms = [
        sign * w * call(f, x + sign * k * h)
        for k, w in enumerate(weights, start=1)
        for sign in (1, -1)
    ]
    return real(sum(terms) / (denominator * h), "the difference quotient")


def _along(
    f: Callable[..., object], coordinates: list[float], i: int
) -> Callable[[float], object]:
    """``f`` as a function of coordinate ``i`` alone, the others fixed."""

    def moved(t: float) -> object:
        shifted = list(coordinates)
        shifted[i] = t
        return f(*shifted)

    return moved


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
    for x in coordinates:
        moves(x, step, "eps")
    f_point = call(_along(f, coordinates, 0), coordinates[0])
    return [
        real(
            (call(_along(f, coordinates, i), x + step) - f_point) / step,
            "the difference quotient",
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
