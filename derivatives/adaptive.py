"""The adaptive estimator behind :func:`~derivatives.epsilon.derivative`: a step chosen from f.

:func:`derivative_estimate` returns ``f'(x)`` with an estimate of its error, or refuses where
``f`` has no derivative to estimate. It tries the order-6 central stencil at a step near the
float64 optimum, verified against the order-4 stencil made of the same values and against
the quotient at a second step (nine evaluations); where that step does not suit ``f`` it
extrapolates over shrinking steps. Before it returns a value it checks what symmetric
stencils cannot see: a kink (``abs`` at 0, whose central quotients are all 0) or a value of
``f(x)`` off the limit of its neighbours.

Every error estimate counts what rounding does to the values of ``f``: some units in the last
place of ``|f|`` (of the type ``f`` returned: float32 values are rounded far more than
float64 ones) and, where ``|x * f'(x)|`` is large, the rounding of the argument itself (``sin``
at ``50 * 1000.0`` cannot be computed closer than about ``50000 * 2**-53``).

Sources:

* The central stencils of order 2, 4 and 6 are Richardson extrapolations of the symmetric
  difference quotient (L. F. Richardson, "The approximate arithmetical solution by finite
  differences of physical problems", Phil. Trans. R. Soc. A 210, 1911); B. Fornberg,
  "Generation of finite difference formulas on arbitrarily spaced grids", Math. Comp. 51,
  1988, tabulates their weights.
* The careful path is Ridders' method: C. J. F. Ridders, "Accurate computation of F'(x) and
  F'(x) F''(x)", Advances in Engineering Software 4, 1982 (as in Numerical Recipes, 5.7).
* The complex step of :func:`~derivatives.epsilon.complex_step`: W. Squire and G. Trapp,
  "Using complex variables to estimate derivatives of real functions", SIAM Review 40, 1998.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from typing import NamedTuple, SupportsFloat

from derivatives._rules import EPS_MACH, default_step, evaluate
from derivatives._validate import function, real

__all__ = ["DerivativeEstimate", "derivative_estimate"]

# Below this |x|, the fast path also tries a step on this scale if f does not move over one
# on the scale of x (and uses a scale of 1 at x = 0).
_SCALE_FLOOR = 1e-3
# The contract of derivative(): within this relative error, or refused.
_RTOL = 1e-8
# What rounding can do to one value of f, in units of the rounding of its type: a function
# computed in several operations is off by some units in the last place of |f|, not half of
# one. The careful path also measures it (see _measure_noise).
_ROUNDING = 64
# The points at which the careful path measures the noise of f, in units in the last place
# of x (irregular: see _measure_noise), and how far above the typical size of the noise
# its error estimates stay.
_NOISE_OFFSETS = (-887, -659, -421, -283, -131, 127, 293, 443, 661, 907)
# ... and further out, on each side, in units of this many units in the last place of x
# (odd, so that no power of two in the rounding of f lines the points up).
_WIDE_OFFSETS = (131, 293, 443, 661, 907, 1103, 1327, 1523, 1747, 1999)
_WIDE_SCALE = 2**16 + 1
_NOISE_MARGIN = 8
# The fast path checks its stencil at this fraction of its step (no small ratio of integers,
# and exact in float64).
_CHECK_RATIO = 0.75 - 2.0**-12
# The careful path halves the step at most this many times, extrapolating over at most
# this many columns.
_MAX_LEVELS = 200
_COLUMNS = 6
# Quotients that grew at each of this many halvings of the step mean no slope (see _diagnose).
_GROWTH_LEVELS = 12


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


def derivative_estimate(
    f: Callable[[float], object], x: SupportsFloat
) -> DerivativeEstimate:
    """Estimate ``f'(x)`` together with its error, or refuse where f has no slope to estimate.

    First ``f(x)`` itself: a function undefined at ``x`` has no derivative there, whatever it
    does nearby. Then the fast path: the order-6 central stencil (six more evaluations) with
    the step of :func:`~derivatives.epsilon.derivative`. The same six values also give the
    order-4 stencil; the distance between the two, plus what rounding can do, is the error
    estimate. If that is
    within the contract, and two more values agree with the quotient the stencil predicts at
    a step of no simple ratio to the first, the order-6 value is returned.

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
        slope (they close up, as ``sqrt`` at 0); if values of ``f`` close to ``x`` jump; if
        ``f`` has no derivative at ``x`` though its symmetric quotients settle: its one-sided
        slopes differ (``abs`` at 0) or ``f(x)`` is off the limit of its neighbours.

    Examples
    --------
    >>> import math
    >>> result = derivative_estimate(math.exp, 1.0)
    >>> abs(result.value - math.e) <= result.error < 1e-8 * math.e, result.evaluations
    (True, 9)

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
    return _estimate(f, real(x, "x"))


def _estimate(f: Callable[[float], object], x: float) -> DerivativeEstimate:
    """The core of :func:`derivative_estimate`, for an ``f`` and ``x`` already checked."""
    counted = _Counted(f)
    fx = _defined_at(counted, x)
    return _fast(counted, x, fx) or _careful(counted, x, fx)


class _Counted:
    """``f`` as a function of floats that remembers and counts its evaluations.

    Math errors of ``f`` become ValueError, and are remembered too. ``unit`` is the largest
    relative rounding of the types ``f`` returned (2**-52 for float64).
    """

    def __init__(self, f: Callable[[float], object]) -> None:
        self.f, self.evaluations, self.unit = f, 0, EPS_MACH
        self.measured = 0.0  # the rounding noise of one value, as measured near x
        self.seen: dict[float, float | ValueError] = {}

    def __call__(self, point: float) -> float:
        if point not in self.seen:
            self.evaluations += 1
            try:
                self.seen[point], unit = evaluate(self.f, point)
                self.unit = max(self.unit, unit)
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


def _noise(f: _Counted, values: Iterable[float]) -> float:
    """What rounding can do to the sum of `values` of f (divide by the step for a quotient)."""
    return sum(max(_ROUNDING * f.unit * abs(v), f.measured) for v in values)


def _measure_noise(f: _Counted, x: float) -> None:
    """Measure the rounding noise of f next to x, where the model of |f| may miss it.

    An argument rounded inside f (``sin(50 * t)`` at ``t = 1000``, ``sin(1 / x)``) moves f by
    up to about ``|x * f'(x)|`` units in the last place, whatever ``|f|`` is. Divided
    differences over irregularly spaced points cancel the smooth part of f and leave the
    noise: fourth differences of five points on each side of x (not x itself, which may be
    off its neighbours), a few hundred units of x apart; and, since the rounding errors of
    ``w * t`` can drift slowly from one unit of t to the next (w close to 1: alike for
    points a thousand units apart, different a million units further), ninth differences of
    ten points on each side, about 2**16 times further apart (ninth differences, so that
    the smooth part stays negligible over the wider span). The largest is kept.
    """
    if x == 0:
        return
    ulp = math.ulp(x)
    nodes, values = _noise_values(f, x, _NOISE_OFFSETS, ulp)
    if not values:
        return
    _refuse_jump(f, x, nodes, values, ulp)
    spreads = [_spread(nodes[:5], values[:5]), _spread(nodes[5:], values[5:])]
    for side in (-1, 1):
        offsets = tuple(side * n for n in _WIDE_OFFSETS)
        nodes, values = _noise_values(f, x, offsets, _WIDE_SCALE * ulp)
        if values:  # else the domain of f ends on this side
            spreads.append(_spread(nodes, values))
    f.measured = _NOISE_MARGIN * max(spreads)


def _noise_values(
    f: _Counted, x: float, offsets: tuple[int, ...], ulp: float
) -> tuple[list[float], list[float]]:
    """The points ``x + n * ulp`` in units of ulp, and f there (none if f is not finite)."""
    # exact offsets in units of ulp (a point past a power of two may be rounded)
    nodes = sorted(((x + n * ulp) - x) / ulp for n in offsets)
    try:
        values = [f(x + t * ulp) for t in nodes]
    except ValueError:
        return nodes, []
    return nodes, values if all(math.isfinite(v) for v in values) else []


def _spread(nodes: list[float], values: list[float]) -> float:
    """The divided difference of the values over all the nodes, scaled to one value's noise."""
    # values scaled by a power of two near their size, so that tiny ones do not underflow
    shift = -math.frexp(max(abs(v) for v in values))[1]
    scaled = [math.ldexp(v, shift) for v in values]
    # the weights of the divided difference, scaled so that the largest is about 1
    span = nodes[-1] - nodes[0]
    weights = [
        math.prod(span / (t - other) for other in nodes if other != t)
        for t in nodes
    ]
    norm = math.sqrt(sum(w * w for w in weights))
    spread = abs(sum(w * v for w, v in zip(weights, scaled, strict=True))) / norm
    return math.ldexp(spread, -shift)


def _refuse_jump(
    f: _Counted, x: float, nodes: list[float], values: list[float], ulp: float
) -> None:
    """Raise if one step between neighbouring values stands out from all the others: a jump.

    Rounding moves every value a little; a jump moves the values on one side of it by the
    same amount, so one difference between neighbours is far from what the common slope
    predicts, and larger than rounding can make it.
    """
    gaps = [b - a for a, b in zip(nodes, nodes[1:], strict=False)]
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    slopes = sorted(step / gap for step, gap in zip(steps, gaps, strict=True))
    middle = slopes[len(slopes) // 2]
    away = sorted(
        abs(step - middle * gap) for step, gap in zip(steps, gaps, strict=True)
    )
    size = max(abs(v) for v in values)
    rounding = _ROUNDING * f.unit * size
    if away[-1] > max(1e3 * (away[-2] + rounding), 1e-6 * size):
        raise ValueError(
            f"f has a pole or a jump at or near x={x!r}: between points "
            f"{max(gaps) * ulp:.3g} apart its values differ by {away[-1]:.3g}"
        )


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
        h = default_step(6, scale)
        if h == 0 or x + h == x or x - h == x:
            continue
        try:
            up = [f(x + k * h) for k in (1, 2, 3)]
            down = [f(x - k * h) for k in (1, 2, 3)]
        except ValueError:
            # the stencil leaves the domain of f: the careful path shrinks it
            return None
        d1, d2, d3 = (
            (u - v) / (2 * k * h)
            for k, (u, v) in enumerate(zip(up, down, strict=True), 1)
        )
        order6 = (15 * d1 - 6 * d2 + d3) / 10
        noise = _noise(f, up + down) / h
        # Two order-4 estimates, whose h**4 and h**6 terms weigh differently: where f's fifth
        # derivative nearly cancels the next term in one (tanh(sin(8 t)) at t = 2.16796875),
        # it agrees with order 6 by chance; the other does not.
        order4 = ((4 * d1 - d2) / 3, (9 * d1 - d3) / 8)
        error = max(abs(order6 - estimate) for estimate in order4) + noise
        near = max(abs(fx), abs(up[0]), abs(down[0]))
        allowed = _tolerance(order6, near, x)
        if not (math.isfinite(order6) and error <= allowed):
            continue
        # a kink, a misplaced f(x), or quotients that agree by chance (a step that aliases
        # sin(124 t) at 1e4) send the careful path to its verdict
        if _no_derivative(x, fx, h, up, down, 10 * error + allowed) is None:
            try:
                if _predicted(f, x, h, (1, 2, 3), (d1, d2, d3), error + allowed):
                    return DerivativeEstimate(order6, error, f.evaluations, True)
            except ValueError:
                pass
        return None
    return None


def _predicted(
    f: _Counted,
    x: float,
    h: float,
    ks: tuple[float, float, float],
    quotients: tuple[float, ...],
    allowed: float,
) -> bool:
    """Whether the quotient at a step of no simple ratio to h is the one the stencil predicts.

    The three quotients ``D(k h)`` (k in `ks`) fit ``D(s) = f'(x) + a s**2 + b s**4``; two
    more values of f give ``D`` at ``s = 0.7498 h``. Quotients that agree by chance
    (sampling a sine at multiples of its period) are not on the curve there.
    """
    s = _CHECK_RATIO * h
    up, down = f(x + s), f(x - s)
    measured = (up - down) / (2 * s)
    u = _CHECK_RATIO**2
    a, b, c = (k * k for k in ks)
    weights = (
        (u - b) * (u - c) / ((a - b) * (a - c)),
        (u - a) * (u - c) / ((b - a) * (b - c)),
        (u - a) * (u - b) / ((c - a) * (c - b)),
    )
    predicted = sum(w * d for w, d in zip(weights, quotients, strict=True))
    return abs(measured - predicted) <= allowed + _noise(f, (up, down)) / s


def _no_derivative(
    x: float,
    fx: float,
    h: float,
    up: list[float],
    down: list[float],
    allowed: float,
) -> str | None:
    """Why f has no derivative at x though its symmetric quotients settle, or None.

    The even part ``E(k) = (f(x + k h) + f(x - k h)) / 2 - f(x)`` of a smooth f is
    ``c2 k**2 + c4 k**4 + ...``: extrapolated to ``k = 0`` from ``k = 1, 2, 3``
    (``1.5 E(1) - 0.6 E(2) + 0.1 E(3)``) it vanishes up to terms in ``h**6``. A kink, whose
    one-sided slopes differ by ``s``, leaves ``0.3 s h``; a value ``f(x)`` off the limit of
    its neighbours by ``c`` leaves ``c``. Either, divided by ``h``, beyond `allowed` is reported.
    """
    even = [(u + v) / 2 - fx for u, v in zip(up, down, strict=True)]
    at_zero = 1.5 * even[0] - 0.6 * even[1] + 0.1 * even[2]
    if not abs(at_zero) / h > allowed:
        return None
    # E(k) flat: f(x) alone is off
    if abs(even[1] - even[0]) <= 0.25 * abs(even[0]):
        return (
            f"f({x!r}) = {fx!r} is off the limit of its values on either side "
            f"(about {fx + at_zero:.6g}), so f is not continuous there"
        )
    right = (4 * up[0] - up[1] - 3 * fx) / (2 * h)
    left = (3 * fx - 4 * down[0] + down[1]) / (2 * h)
    return (
        f"the one-sided slopes of f differ (about {left:.6g} from the left and "
        f"{right:.6g} from the right)"
    )


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
        quotient = (up - down) / (2 * h)
        noise = _noise(f, (up, down)) / h
        return _Level(
            h,
            quotient,
            up - down,
            noise,
            max(abs(fx), abs(up), abs(down)),
        )
    moved = f(x + side * h)
    change = moved - fx
    noise = _noise(f, (moved, fx)) / h
    return _Level(h, side * change / h, change, noise, max(abs(fx), abs(moved)))


def _descend(
    f: _Counted, x: float, fx: float, side: int, start: float
) -> tuple[list[_Level], _Best]:
    """Richardson extrapolation over the steps ``h0 / 2**k`` (Ridders' method).

    Each new quotient extends a tableau that cancels the error terms ``h**2, h**4, ...``
    (central) or ``h, h**2, ...`` (one-sided); the error of each entry is estimated from its
    distance to its neighbours, plus rounding. Ridders' neighbours are the entry to the left
    and the one above (a larger step); they can agree by chance, so an entry is also compared
    with the one below, made from the next, smaller step, before it counts. Steps whose
    points leave the domain of ``f`` are skipped. Returns the quotients computed and the
    entry with the smallest error.
    """
    ratio = 4.0 if side == 0 else 2.0
    levels: list[_Level] = []
    best = _Best(math.nan, math.inf, 0.0, 0.0)
    previous: list[float] = []
    # the spread to the left and above, and the rounding, of each entry of the last row
    waiting: list[tuple[float, float]] = []
    worse = 0
    h = start
    for _ in range(_MAX_LEVELS):
        h /= 2
        if x + h == x or x - h == x or h < sys.float_info.min:
            break
        try:
            level = _quotient(f, x, fx, h, side)
        except ValueError:  # outside the domain: a smaller step may fit
            previous, waiting = [], []
            continue
        levels.append(level)
        row, amplified, entries = [level.quotient], level.noise, []
        for j, before in enumerate(previous[: _COLUMNS - 1], start=1):
            factor = ratio**j
            row.append(row[-1] + (row[-1] - before) / (factor - 1))
            amplified *= (factor + 1) / (factor - 1)
            spread = max(abs(row[j] - row[j - 1]), abs(row[j] - before))
            entries.append((spread, amplified))
        above = levels[-2] if len(levels) > 1 else level
        found = _Best(math.nan, math.inf, above.h, above.near)
        for j, (spread, noise) in enumerate(waiting, start=1):
            error = max(spread, abs(previous[j] - row[j])) + noise
            if error < found.error:
                found = _Best(previous[j], error, above.h, above.near)
        previous, waiting = row, entries
        if _relative(found, x) < _relative(best, x):
            best, worse = found, 0
        else:
            worse += 1
        done = best.error <= _tolerance(best.value, best.near, x)
        if (
            done and (worse >= 3 or best.error <= 16 * EPS_MACH * abs(best.value))
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
    _measure_noise(f, x)
    seen: list[_Level] = []
    start = 2.0 ** math.floor(math.log2(max(abs(x), 1.0) / 4))
    # the best whose error can be believed
    candidate = _Best(math.nan, math.inf, 0.0, 0.0)
    kink: ValueError | None = None
    for side in (0, 0, 0, 1, -1):
        if side != 0 and kink is not None:
            # one-sided quotients would report one of the two slopes
            raise kink
        levels, best = _descend(f, x, fx, side, start if side == 0 else 2 * start)
        seen = seen or levels
        if levels and best.error <= _tolerance(best.value, best.near, x):
            if side != 0:
                return DerivativeEstimate(
                    best.value, best.error, f.evaluations, True
                )
            if _confirmed(f, x, best):
                kink = _kink(f, x, fx, best)
                if kink is None:
                    return DerivativeEstimate(
                        best.value, best.error, f.evaluations, True
                    )
            # fooled by quotients that agree by chance, or by a kink between the points:
            # look further down
            start = best.h / 2
            continue
        # a kink seen at a larger step only (aliasing) is not the verdict
        kink = None
        if levels and _relative(best, x) < _relative(candidate, x):
            candidate = best
        if levels and side == 0 and len(levels) > 8:
            # central quotients exist down to tiny steps: one-sided ones will not help
            break
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


def _kink(f: _Counted, x: float, fx: float, best: _Best) -> ValueError | None:
    """The refusal if the values at ``x +- h, 2h, 3h`` show no derivative, for a step h of
    a sixteenth of the chosen one: a kink looks the same at any step, while what a smooth f
    leaves in the even part shrinks like ``h**5``."""
    h = best.h / 16
    try:
        up = [f(x + k * h) for k in (1, 2, 3)]
        down = [f(x - k * h) for k in (1, 2, 3)]
    except ValueError:  # the domain ends within 3h: the extrapolation has vouched
        return None
    allowed = 10 * best.error + _tolerance(best.value, best.near, x)
    allowed += 2 * _noise(f, [*up, *down, fx, fx]) / h
    reason = _no_derivative(x, fx, h, up, down, allowed)
    if reason is None:
        return None
    return ValueError(f"f has no derivative at x={x!r}: {reason}")


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
    try:
        if not _predicted(f, x, h, (0.5, 1, 2), (d[0.5], d[1], d[2]), allowed):
            return False
    except ValueError:
        return True
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
