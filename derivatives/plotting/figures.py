"""Figures of functions: tangents, secants, step-size error, descent, fields and bars."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from derivatives._rules import moves
from derivatives._validate import (
    choice,
    flag,
    function,
    instance,
    integer,
    is_real,
    positive,
    real,
    reals,
    sequence,
    type_error,
    unwrap,
    value_error,
)
from derivatives.epsilon import (
    central_difference,
    complex_step,
    derivative,
    forward_difference,
    numerical_gradient,
)
from derivatives.plotting._mathtext import check_label

__all__ = [
    "plot_bars",
    "plot_curves",
    "plot_descent",
    "plot_gradient_field",
    "plot_secants",
    "plot_step_error",
    "plot_tangents",
]

# matplotlib lays out an axis by stepping from one tick to the next: near the float64 limit
# the steps overflow ("arange: cannot compute length"). Values plotted stay below this.
_MAX_DRAWABLE = 1e306
_DRAWABLE = f"at most {_MAX_DRAWABLE:g} in size, for matplotlib to lay out its axes"
# A grid of more arrows, or more contour lines, than a reader can tell apart.
_MAX_ARROWS = 50
_MAX_LEVELS = 100

_SAMPLES = 401
_METHODS = {
    "forward": "forward difference",
    "central": "central difference",
    "complex": "complex step",
}


# -- Input checks ----------------------------------------------------------------------------


# The figure functions describe their shared parameters (labels, ax) and results alike, on
# purpose: each docstring stands alone on the API page.


def _check_reals(values: object, name: str) -> list[float]:
    checked = reals(values, name)
    for i, v in enumerate(checked):
        if abs(v) > _MAX_DRAWABLE:
            raise value_error(f"{name}[{i}]", _DRAWABLE, values[i])  # type: ignore[index]
    return checked


def _set_labels(ax: Axes, xlabel: object, ylabel: object) -> None:
    ax.set_xlabel(check_label(xlabel, "xlabel"))
    ax.set_ylabel(check_label(ylabel, "ylabel"))


def _check_steps(steps: object, name: str) -> list[float]:
    """A non-empty sequence of positive finite step sizes."""
    items = sequence(steps, name, "positive numbers")
    return [positive(h, f"{name}[{i}]") for i, h in enumerate(items)]


def _check_interval(limits: object, name: str) -> tuple[float, float]:
    """A pair (low, high) of finite reals with low < high, and a width a float can hold."""
    if not isinstance(limits, tuple | list) or len(limits) != 2:
        raise type_error(name, "a pair (low, high) of real numbers", limits)
    low, high = real(limits[0], f"{name}[0]"), real(limits[1], f"{name}[1]")
    if not low < high:
        raise value_error(name, "a pair with low < high", limits)
    if not math.isfinite(high - low) or high - low < 1e-9 * max(
        abs(low), abs(high)
    ):
        raise value_error(name, "a range that float64 can draw", limits)
    return low, high


def _check_xlim(xlim: object) -> tuple[float, float] | None:
    return None if xlim is None else _check_interval(xlim, "xlim")


def _drawable(
    limits: tuple[float, float], name: str, value: object
) -> tuple[float, float]:
    """``limits`` derived from ``value`` (points, steps, values of f), if float64 can draw them."""
    low, high = limits
    if not (
        math.isfinite(low) and math.isfinite(high) and math.isfinite(high - low)
    ) or not (high - low >= 1e-9 * max(abs(low), abs(high)) and high > low):
        raise value_error(name, "within a range that float64 can draw", value)
    if max(abs(low), abs(high)) > _MAX_DRAWABLE:
        raise value_error(name, _DRAWABLE, value)
    return limits


def _check_series(series: object, name: str) -> dict[str, list[float]]:
    """A non-empty mapping of names to non-empty sequences of finite reals."""
    if not isinstance(series, Mapping):
        raise type_error(name, "a mapping of names to sequences", series)
    if len(series) == 0:
        raise value_error(name, "a non-empty mapping", series)
    return {
        check_label(key, f"each key of {name}"): _check_reals(
            values, f"{name}[{key!r}]"
        )
        for key, values in series.items()
    }


def _check_axes(ax: object) -> None:
    if ax is not None:
        instance(ax, Axes, "ax", "a matplotlib Axes or None")


def _check_methods(methods: object) -> list[str]:
    names = sequence(methods, "methods", "method names")
    items = [
        choice(m, f"methods[{i}]", tuple(_METHODS)) for i, m in enumerate(names)
    ]
    if len(set(items)) != len(items):
        raise value_error("methods", "a sequence without repeats", methods)
    return items


def _evaluate(
    f: Callable[[float], float], x: float, *, finite: bool = False
) -> float:
    """``f(x)`` as a float; ``finite=True`` also rejects inf and nan (where a slope is drawn)."""
    try:
        y = f(x)
    # ZeroDivisionError, OverflowError: f is undefined at x
    except ArithmeticError as error:
        raise ValueError(f"f could not be evaluated at {x!r}: {error}") from error
    if not is_real(y):
        raise type_error(f"f({x!r})", "a real number", y)
    value = float(unwrap(y))  # type: ignore[arg-type]
    if finite and not math.isfinite(value):
        raise ValueError(
            f"f must be finite at the points drawn, got f({x!r}) = {value!r}"
        )
    return value


# -- Shared drawing steps --------------------------------------------------------------------


def _figure_and_axes(
    ax: Axes | None, layout: Literal["constrained"] | None = None
) -> tuple[Figure, Axes]:
    """A new figure (with `layout`) with one set of axes, or the figure that owns ``ax``."""
    if ax is None:
        fig = Figure(layout=layout)
        return fig, fig.subplots()
    owner = ax.figure
    return (owner if isinstance(owner, Figure) else owner.figure), ax


def _draw_curve(
    ax: Axes, f: Callable[[float], float], xlim: tuple[float, float], label: str
) -> tuple[float, float]:
    """Plot ``f`` over ``xlim`` (one call per sample) and return its finite y range."""
    xs = np.linspace(xlim[0], xlim[1], _SAMPLES)
    ys = np.array([_sample(f, float(x)) for x in xs])
    ax.plot(xs, ys, color="C0", linewidth=2, label=label)
    shown = ys[np.isfinite(ys)]
    return (float(shown.min()), float(shown.max())) if shown.size else (-1.0, 1.0)


def _sample(f: Callable[[float], float], x: float) -> float:
    """``f(x)``, or nan where ``f`` is undefined (a gap in the curve, as for 1/x at 0)."""
    try:
        return _evaluate(f, x)
    except (ArithmeticError, ValueError):
        return math.nan


def _limits_around(
    values: Sequence[float], pad: float, name: str
) -> tuple[float, float]:
    """Limits covering ``values`` with ``pad`` of their span (or 1) on each side."""
    low, high = min(values), max(values)
    margin = pad * (high - low) if high > low else max(1.0, 0.25 * abs(low))
    return _drawable((low - margin, high + margin), name, values)


def _set_ylim_to_curve(ax: Axes, y_range: tuple[float, float]) -> None:
    """Keep the y axis on the curve so that long straight lines do not squash it."""
    low, high = y_range
    margin = 0.1 * (high - low) if high > low else max(1.0, 0.25 * abs(low))
    ax.set_ylim(*_drawable((low - margin, high + margin), "f", y_range))


def _number(x: float) -> str:
    """A short mathtext number: 6, -0.25, 1.5e-08."""
    return f"${x:.4g}$"


# -- Slopes ----------------------------------------------------------------------------------


def plot_tangents(
    f: Callable[[float], float],
    points: Sequence[float],
    slopes: Sequence[float] | None = None,
    *,
    xlim: tuple[float, float] | None = None,
    xlabel: str = "$x$",
    ylabel: str = "$f(x)$",
    ax: Axes | None = None,
) -> Figure:
    """Draw the curve of ``f`` and its tangent line at each of ``points``.

    The tangent at :math:`x_0` is the line :math:`y = f(x_0) + s\\,(x - x_0)` with slope
    :math:`s = f'(x_0)`. Each tangent is drawn over a short stretch around its point, in its own
    colour, and the legend gives its slope; the points themselves are marked.

    Parameters
    ----------
    f : Callable[[float], float]
        The function, called with one float at a time. Where it raises an
        ``ArithmeticError`` or ``ValueError`` (1/x at 0) the curve has a gap.
    points : Sequence[float]
        Where to draw tangents (at least one point).
    slopes : Sequence[float] or None, optional
        The slope at each point. By default each slope is
        :func:`derivatives.epsilon.derivative` of ``f`` there (a central difference).
    xlim : tuple[float, float] or None, optional
        Range of the x axis; by default the points plus a quarter of their spread on each side.
    xlabel, ylabel : str, optional
        Axis labels (mathtext allowed).
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an argument is not of the documented type, or ``f`` does not
        return a real number.
    ValueError
        If ``points`` is empty, a number is not finite, ``slopes`` has a different length from
        ``points``, ``xlim`` is not increasing, or ``f`` is not finite at a point.

    Examples
    --------
    >>> fig = plot_tangents(lambda w: w**2, [3, -3], [6, -6], xlabel="$w$", ylabel="$J(w)$")
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['$J(w)$', 'tangent at $3$: slope $6$', 'tangent at $-3$: slope $-6$']
    """
    function(f, "f")
    xs0 = _check_reals(points, "points")
    if slopes is None:
        ss = [derivative(f, x0) for x0 in xs0]
    else:
        ss = _check_reals(slopes, "slopes")
        if len(ss) != len(xs0):
            raise ValueError(
                f"slopes must have one value per point ({len(xs0)}), got {len(ss)}"
            )
    limits = _check_xlim(xlim) or _limits_around(xs0, 0.25, "points")
    _check_axes(ax)

    fig, ax = _figure_and_axes(ax)
    y_range = _draw_curve(ax, f, limits, ylabel)
    half = (limits[1] - limits[0]) / 6
    for i, (x0, s) in enumerate(zip(xs0, ss, strict=True)):
        y0 = _evaluate(f, x0, finite=True)
        colour = f"C{i % 9 + 1}"
        xs = np.array([x0 - half, x0 + half])
        label = f"tangent at {_number(x0)}: slope {_number(s)}"
        ax.plot(xs, y0 + s * (xs - x0), color=colour, linewidth=1.5, label=label)
        ax.plot([x0], [y0], "o", color=colour, zorder=3, label="_point")
    _set_ylim_to_curve(ax, y_range)
    ax.set_xlim(*limits)
    _set_labels(ax, xlabel, ylabel)
    ax.legend(loc="best", fontsize="small")
    return fig


def plot_secants(
    f: Callable[[float], float],
    x: float,
    steps: Sequence[float] = (1, 0.5, 0.25, 0.1),
    slope: float | None = None,
    *,
    xlim: tuple[float, float] | None = None,
    xlabel: str = "$x$",
    ylabel: str = "$f(x)$",
    ax: Axes | None = None,
) -> Figure:
    """Draw secants from ``x`` to ``x + h`` for shrinking ``h``, and the tangent they approach.

    The secant through :math:`(x, f(x))` and :math:`(x + h, f(x + h))` has slope
    :math:`(f(x + h) - f(x)) / h`, the course's nudge estimate
    (:func:`derivatives.epsilon.forward_difference` with ``eps=h``). As ``h`` shrinks the
    secants turn towards the tangent, drawn dashed. Lines span the whole x range; the y axis
    follows the curve.

    Parameters
    ----------
    f : Callable[[float], float]
        The function, called with one float at a time. Where it raises an
        ``ArithmeticError`` or ``ValueError`` (1/x at 0) the curve has a gap.
    x : float
        The point where the slope is wanted.
    steps : Sequence[float], optional
        Positive step sizes ``h``, one secant each.
    slope : float or None, optional
        Slope of the tangent; by default :func:`derivatives.epsilon.derivative` of ``f`` at ``x``.
    xlim : tuple[float, float] or None, optional
        Range of the x axis; by default from ``x - 1.5 * max(steps)`` to ``x + 2 * max(steps)``.
    xlabel, ylabel : str, optional
        Axis labels (mathtext allowed).
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an argument is not of the documented type, or ``f`` does not
        return a real number.
    ValueError
        If a number is not finite, ``steps`` is empty or holds a step that is not positive,
        ``xlim`` is not increasing, or ``f`` is not finite at ``x`` or ``x + h``.

    Examples
    --------
    >>> fig = plot_secants(lambda w: w**2, 3, steps=[1, 0.1], slope=6)
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()][1:]
    ['secant $h=1$: slope $7$', 'secant $h=0.1$: slope $6.1$', 'tangent: slope $6$']
    """
    function(f, "f")
    x0 = real(x, "x")
    hs = _check_steps(steps, "steps")
    s = derivative(f, x0) if slope is None else real(slope, "slope")
    limits = _check_xlim(xlim) or _drawable(
        (x0 - 1.5 * max(hs), x0 + 2 * max(hs)), "steps", hs
    )
    _check_axes(ax)

    fig, ax = _figure_and_axes(ax)
    y_range = _draw_curve(ax, f, limits, ylabel)
    y0 = _evaluate(f, x0, finite=True)
    xs = np.array(limits)
    for i, h in enumerate(hs):
        y1 = _evaluate(f, x0 + h, finite=True)
        k = forward_difference(f, x0, eps=h)
        colour = f"C{i % 8 + 2}"
        label = f"secant $h={h:g}$: slope {_number(k)}"
        ax.plot(xs, y0 + k * (xs - x0), color=colour, linewidth=1.2, label=label)
        ax.plot([x0 + h], [y1], "o", color=colour, zorder=3, label="_point")
    ax.plot(
        xs,
        y0 + s * (xs - x0),
        "--",
        color="C1",
        linewidth=2,
        label=f"tangent: slope {_number(s)}",
    )
    ax.plot([x0], [y0], "o", color="C1", zorder=3, label="_point")
    _set_ylim_to_curve(ax, y_range)
    ax.set_xlim(*limits)
    _set_labels(ax, xlabel, ylabel)
    ax.legend(loc="best", fontsize="small")
    return fig


def plot_step_error(
    f: Callable[[Any], object],
    x: float,
    exact: float,
    steps: Sequence[float] | None = None,
    methods: Sequence[str] = ("forward", "central", "complex"),
    *,
    floor: float = 1e-17,
    ax: Axes | None = None,
) -> Figure:
    """Plot the absolute error of finite differences against the step size, log-log.

    For each method and step ``h`` the error is :math:`|D_h - f'(x)|`, where :math:`D_h` is
    :func:`~derivatives.epsilon.forward_difference` (``eps=h``),
    :func:`~derivatives.epsilon.central_difference` (``eps=h``) or
    :func:`~derivatives.epsilon.complex_step` (``h=h``). Large steps suffer from truncation
    (the curve is not a straight line), tiny steps from round-off (``x + h`` rounds back
    towards ``x``); the complex step has no subtraction and so no round-off to speak of.

    A log scale cannot show 0: errors below ``floor`` (exact zeros included) are drawn at
    ``floor``, on a dotted line that the legend explains when some error is there.

    Parameters
    ----------
    f : Callable[[Any], object]
        The function. The ``"complex"`` method calls it with a complex number, so it must then be
        written with operations that accept complex input (``cmath`` or NumPy, not ``math``).
    x : float
        The point where the derivative is estimated.
    exact : float
        The exact derivative at ``x``, to measure the errors against.
    steps : Sequence[float] or None, optional
        Positive step sizes; by default ``10**-1, 10**-2, ..., 10**-16``.
    methods : Sequence[str], optional
        Any of ``"forward"``, ``"central"`` and ``"complex"``, each at most once.
    floor : float, optional
        Smallest error drawn (positive).
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If ``f`` is not callable or an argument is not of the documented type.
    ValueError
        If a number is not finite, ``steps`` is empty or not positive, ``floor`` is not
        positive, or ``methods`` is empty, repeats a method or names an unknown one.

    Examples
    --------
    >>> fig = plot_step_error(lambda x: x**3, 1.0, 3.0, steps=[0.1, 0.01], methods=["forward"])
    >>> line = fig.axes[0].get_lines()[0]
    >>> line.get_label(), [round(float(e), 6) for e in line.get_ydata()]
    ('forward difference', [0.31, 0.0301])
    """
    function(f, "f")
    x0 = real(x, "x")
    d = real(exact, "exact")
    hs = (
        [10.0**-k for k in range(1, 17)]
        if steps is None
        else _check_steps(steps, "steps")
    )
    names = _check_methods(methods)
    lowest = real(floor, "floor")
    if lowest <= 0:
        raise ValueError(f"floor must be positive, got {lowest!r}")
    _check_axes(ax)

    estimators: dict[str, Callable[[float], float]] = {
        "forward": lambda h: forward_difference(f, x0, eps=h),
        "central": lambda h: central_difference(f, x0, eps=h),
        "complex": lambda h: complex_step(f, x0, h=h),
    }
    fig, ax = _figure_and_axes(ax)
    markers = {"forward": "o", "central": "s", "complex": "^"}
    clipped = False
    # Steps that x + h cannot represent are refused by the differences: leave a gap there.
    kept = [h for h in hs if _step_moves(x0, h)]
    for name in names:
        steps = hs if name == "complex" else kept
        errors = [abs(estimators[name](h) - d) for h in steps]
        clipped = clipped or any(e < lowest for e in errors)
        shown = [max(e, lowest) for e in errors]
        ax.loglog(steps, shown, marker=markers[name], label=_METHODS[name])
    refused = [h for h in hs if h not in kept]
    if refused and names != ["complex"]:
        label = "steps refused: $x + h$ does not move $x$ by $h$"
        ax.axvspan(min(refused) / 2, max(refused) * 1.5, color="0.9", label=label)
    floor_label = f"error below {lowest:g} (or 0)" if clipped else "_floor"
    ax.axhline(lowest, color="0.5", linestyle=":", linewidth=1, label=floor_label)
    ax.set_xlabel("step size $h$")
    ax.set_ylabel("absolute error $|D_h - f'(x)|$")
    ax.legend(loc="best", fontsize="small")
    return fig


def _step_moves(x: float, h: float) -> bool:
    """Whether the finite differences accept the step ``h`` at ``x``."""
    try:
        moves(x, h, "h")
    except ValueError:
        return False
    return True


# -- Gradient descent and other curves -------------------------------------------------------


def plot_descent(
    f: Callable[[float], float],
    trajectories: Mapping[str, Sequence[float]],
    *,
    xlim: tuple[float, float] | None = None,
    xlabel: str = "$w$",
    ylabel: str = "$J(w)$",
    ax: Axes | None = None,
) -> Figure:
    """Draw the curve of ``f`` and the steps of gradient descent on it.

    Each trajectory is the list of parameters :math:`w_0, w_1, \\dots` visited by
    :math:`w \\leftarrow w - \\alpha\\, f'(w)` for one learning rate. Its points
    :math:`(w_k, f(w_k))` are marked and joined in order, so a small rate creeps down one
    side of the curve and a large one jumps from side to side.

    Parameters
    ----------
    f : Callable[[float], float]
        The function being minimised, called with one float at a time. Where it raises an
        ``ArithmeticError`` or ``ValueError`` the curve has a gap.
    trajectories : Mapping[str, Sequence[float]]
        Legend label (for example ``"$\\alpha = 0.1$"``) to the parameters visited, in order.
    xlim : tuple[float, float] or None, optional
        Range of the x axis; by default every visited point plus a tenth of their spread.
    xlabel, ylabel : str, optional
        Axis labels (mathtext allowed).
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an argument is not of the documented type, or ``f`` does not
        return a real number.
    ValueError
        If ``trajectories`` or one of its sequences is empty, a number is not finite, ``xlim``
        is not increasing, or ``f`` is not finite at a visited point.

    Examples
    --------
    >>> fig = plot_descent(lambda w: w**2, {"rate 0.1": [3, 2.4, 1.92]})
    >>> line = fig.axes[0].get_lines()[1]
    >>> line.get_label(), [round(float(y), 4) for y in line.get_ydata()]
    ('rate 0.1', [9.0, 5.76, 3.6864])
    """
    function(f, "f")
    paths = _check_series(trajectories, "trajectories")
    every = [w for path in paths.values() for w in path]
    limits = _check_xlim(xlim) or _limits_around(every, 0.1, "trajectories")
    _check_axes(ax)

    fig, ax = _figure_and_axes(ax)
    y_range = _draw_curve(ax, f, limits, ylabel)
    for i, (name, path) in enumerate(paths.items()):
        ys = [_evaluate(f, w, finite=True) for w in path]
        ax.plot(
            path,
            ys,
            "o-",
            color=f"C{i % 9 + 1}",
            markersize=4,
            linewidth=1,
            label=name,
        )
    _set_ylim_to_curve(ax, y_range)
    ax.set_xlim(*limits)
    _set_labels(ax, xlabel, ylabel)
    ax.legend(loc="best", fontsize="small")
    return fig


def plot_curves(
    series: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str,
    x: Sequence[float] | None = None,
    logx: bool = False,
    logy: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """Plot one or more named series as lines, for loss curves and cost comparisons.

    Parameters
    ----------
    series : Mapping[str, Sequence[float]]
        Legend label to the y values of that line.
    xlabel, ylabel : str
        Axis labels (mathtext allowed).
    x : Sequence[float] or None, optional
        The x values shared by every series (each series must then have the same length);
        by default ``0, 1, 2, ...`` (the step number).
    logx, logy : bool, optional
        Use a log scale on that axis; every value on it must then be positive.
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If an argument is not of the documented type.
    ValueError
        If ``series`` or one of its sequences is empty, a number is not finite, a series and
        ``x`` differ in length, or a value on a log axis is not positive.

    Examples
    --------
    >>> fig = plot_curves({"loss": [4.0, 1.0, 0.25]}, xlabel="step", ylabel="loss", logy=True)
    >>> ax = fig.axes[0]
    >>> ax.get_yscale(), [float(x) for x in ax.get_lines()[0].get_xdata()]
    ('log', [0.0, 1.0, 2.0])
    """
    lines = _check_series(series, "series")
    xs = None if x is None else _check_reals(x, "x")
    flag(logx, "logx")
    flag(logy, "logy")
    _check_axes(ax)
    for name, ys in lines.items():
        if xs is not None and len(ys) != len(xs):
            raise ValueError(
                f"series[{name!r}] must have one value per x ({len(xs)}), got {len(ys)}"
            )
        if logy and min(ys) <= 0:
            raise ValueError(f"series[{name!r}] must be positive with logy=True")
    if logx and xs is not None and min(xs) <= 0:
        raise ValueError("x must be positive with logx=True")
    if logx and xs is None:
        raise ValueError("logx=True needs positive x values: pass x")

    fig, ax = _figure_and_axes(ax)
    for name, ys in lines.items():
        xv: Sequence[float] = range(len(ys)) if xs is None else xs
        ax.plot(
            xv, ys, marker="o" if len(ys) <= 30 else "", markersize=4, label=name
        )
    ax.set_xscale("log" if logx else "linear")
    ax.set_yscale("log" if logy else "linear")
    _set_labels(ax, xlabel, ylabel)
    ax.legend(loc="best", fontsize="small")
    return fig


# -- Functions of two variables --------------------------------------------------------------

_FIELD_SAMPLES = 101  # grid points per axis for the contour lines


def _check_points(points: object) -> list[tuple[float, float]]:
    pairs = []
    for i, point in enumerate(
        sequence(points, "points", "(x, y) pairs", empty=True)
    ):
        if not isinstance(point, tuple | list) or len(point) != 2:
            raise type_error(f"points[{i}]", "a pair (x, y) of real numbers", point)
        pairs.append(
            (real(point[0], f"points[{i}][0]"), real(point[1], f"points[{i}][1]"))
        )
    return pairs


def _evaluate_2d(f: Callable[[float, float], float], x: float, y: float) -> float:
    """``f(x, y)`` as a float, or nan where ``f`` is undefined (a hole in the contours)."""
    try:
        z = f(x, y)
    except (ArithmeticError, ValueError):
        return math.nan
    if not is_real(z):
        raise type_error(f"f({x!r}, {y!r})", "a real number", z)
    return float(unwrap(z))  # type: ignore[arg-type]


def _gradient_at(
    f: Callable[[float, float], float],
    gradient: Callable[[float, float], Sequence[float]] | None,
    x: float,
    y: float,
) -> tuple[float, float]:
    """The gradient at ``(x, y)``: ``gradient(x, y)`` if given, else central differences."""
    if gradient is None:
        gx, gy = numerical_gradient(f, [x, y])
        return gx, gy
    value = gradient(x, y)
    name = f"gradient({x!r}, {y!r})"
    pair = sequence(value, name, "two real numbers", empty=True)
    if len(pair) != 2:
        raise value_error(name, "two real numbers", value)
    return real(pair[0], f"{name}[0]"), real(pair[1], f"{name}[1]")


def plot_gradient_field(
    f: Callable[[float, float], float],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    gradient: Callable[[float, float], Sequence[float]] | None = None,
    points: Sequence[tuple[float, float]] = (),
    arrows: int = 7,
    levels: int | Sequence[float] = 10,
    xlabel: str = "$w_1$",
    ylabel: str = "$w_2$",
    ax: Axes | None = None,
) -> Figure:
    """Draw the contour lines of a function of two variables and its gradient as arrows.

    A contour line joins the points where ``f`` takes one value, like the lines of equal height
    on a map. At each point of an ``arrows`` by ``arrows`` grid an arrow shows the gradient
    :math:`\\nabla f = (\\partial f / \\partial x, \\partial f / \\partial y)`: it points uphill, in
    the direction in which ``f`` grows fastest, and it is perpendicular to the contour line
    through its foot. All arrows share one scale, chosen so that the longest fills 0.9 of the
    grid spacing, so their lengths compare the steepness at different places. Both axes use the
    same scale, so right angles look right.

    Parameters
    ----------
    f : Callable[[float, float], float]
        The function, called with two floats at a time. Where it raises an ``ArithmeticError`` or
        ``ValueError`` the contours have a hole.
    xlim, ylim : tuple[float, float]
        The ranges of the two axes, ``(low, high)``.
    gradient : Callable[[float, float], Sequence[float]] or None, optional
        ``gradient(x, y)`` returns the two partial derivatives at ``(x, y)``. By default they
        are :func:`derivatives.epsilon.numerical_gradient` of ``f`` (central differences).
    points : Sequence[tuple[float, float]], optional
        Points whose gradient is drawn as a highlighted arrow (same scale) and given in the
        legend.
    arrows : int, optional
        Number of arrows along each axis of the grid, at least 2.
    levels : int or Sequence[float], optional
        Roughly how many contour lines to draw (matplotlib picks round values), or the values
        of ``f`` on the lines.
    xlabel, ylabel : str, optional
        Axis labels (mathtext allowed).
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the plot.

    Raises
    ------
    TypeError
        If ``f`` or ``gradient`` is not callable, an argument is not of the documented type, or
        ``f`` or ``gradient`` does not return real numbers.
    ValueError
        If a number is not finite, a range is not increasing, ``arrows`` is less than 2,
        ``levels`` is less than 1 or empty, or the gradient cannot be computed at an arrow's foot.

    Examples
    --------
    >>> fig = plot_gradient_field(
    ...     lambda x, y: x**2 + 3 * y**2, (-3, 3), (-2, 2), points=[(2, 1)], arrows=5
    ... )
    >>> field, marked = fig.axes[0].collections[-2:]
    >>> len(field.U), marked.get_label()
    (25, 'gradient at $(2, 1)$: $(4, 6)$')
    """
    function(f, "f")
    xs0 = _check_interval(xlim, "xlim")
    ys0 = _check_interval(ylim, "ylim")
    if gradient is not None:
        function(gradient, "gradient")
    marked = _check_points(points)
    arrows = integer(arrows, "arrows", minimum=2, maximum=_MAX_ARROWS)
    if isinstance(levels, Sequence | np.ndarray) and not isinstance(levels, str):
        listed = sorted(set(_check_reals(levels, "levels")))
        if len(listed) > _MAX_LEVELS:
            raise value_error("levels", f"at most {_MAX_LEVELS} heights", levels)
        heights: int | list[float] = listed
    else:
        heights = integer(levels, "levels", minimum=1, maximum=_MAX_LEVELS)
    _check_axes(ax)

    fig, ax = _figure_and_axes(ax)
    gx = np.linspace(*xs0, _FIELD_SAMPLES)
    gy = np.linspace(*ys0, _FIELD_SAMPLES)
    z = np.array([[_evaluate_2d(f, float(x), float(y)) for x in gx] for y in gy])
    contours = ax.contour(gx, gy, z, levels=heights, colors="C0", linewidths=1)
    ax.clabel(contours, fontsize="small")

    # Arrow feet: a grid inset by half a cell, so that no arrow starts on the frame.
    ax_feet = np.linspace(*xs0, 2 * arrows + 1)[1::2]
    ay_feet = np.linspace(*ys0, 2 * arrows + 1)[1::2]
    feet = [(float(x), float(y)) for y in ay_feet for x in ax_feet]
    vectors = np.array([_gradient_at(f, gradient, x, y) for x, y in feet])
    marked_vectors = np.array([_gradient_at(f, gradient, x, y) for x, y in marked])
    longest = float(np.max(np.hypot(vectors[:, 0], vectors[:, 1])))
    spacing = min(ax_feet[1] - ax_feet[0], ay_feet[1] - ay_feet[0])
    scale = 0.9 * spacing / longest if longest > 0 else 1.0
    foot_x, foot_y = np.array(feet).T
    ax.quiver(
        foot_x,
        foot_y,
        scale * vectors[:, 0],
        scale * vectors[:, 1],
        angles="xy",
        scale_units="xy",
        scale=1,
        color="C1",
        width=0.004,
        label="gradient (uphill)",
    )
    for i, ((x, y), (u, v)) in enumerate(zip(marked, marked_vectors, strict=True)):
        colour = f"C{(i + 3) % 10}"
        ax.plot([x], [y], "o", color=colour, markersize=6, zorder=4, label="_point")
        ax.quiver(
            [x],
            [y],
            [scale * u],
            [scale * v],
            angles="xy",
            scale_units="xy",
            scale=1,
            color=colour,
            width=0.012,
            zorder=4,
            label=f"gradient at $({x:.4g}, {y:.4g})$: $({u:.4g}, {v:.4g})$",
        )
    ax.set_xlim(*xs0)
    ax.set_ylim(*ys0)
    ax.set_aspect("equal")
    _set_labels(ax, xlabel, ylabel)
    # Below the axes, so that it hides no contour line.
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize="small"
    )
    return fig


# -- Bar charts ------------------------------------------------------------------------------


def plot_bars(
    series: Mapping[str, Sequence[float]],
    *,
    categories: Sequence[str],
    ylabel: str,
    xlabel: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Draw a grouped bar chart: one group per category, one bar per series in each group.

    Made for comparisons such as "correct digits of each method, function by function": the
    categories (functions) run along the x axis, and within each group the bars of the series
    (methods) stand side by side in the order of ``series``, each series in its own colour.
    The legend sits above the axes, so it never hides a bar.

    Parameters
    ----------
    series : Mapping[str, Sequence[float]]
        Legend label to the bar heights of that series, one per category.
    categories : Sequence[str]
        The label of each group, shown under it (mathtext allowed). With more than six groups
        the labels are slanted so that they do not collide.
    ylabel : str
        Label of the y axis (mathtext allowed).
    xlabel : str, optional
        Label of the x axis.
    ax : Axes or None, optional
        Axes to draw on; by default a new figure is made.

    Returns
    -------
    Figure
        The figure that holds the chart.

    Raises
    ------
    TypeError
        If an argument is not of the documented type.
    ValueError
        If ``series`` or ``categories`` is empty, a number is not finite, or a series does not
        have one value per category.

    Examples
    --------
    >>> fig = plot_bars(
    ...     {"forward": [3.2, 3.5], "backprop": [16.0, 15.8]},
    ...     categories=["$w^2$", "$e^w$"],
    ...     ylabel="correct digits",
    ... )
    >>> ax = fig.axes[0]
    >>> [round(float(bar.get_height()), 1) for bar in ax.patches]
    [3.2, 3.5, 16.0, 15.8]
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['$w^2$', '$e^w$']
    """
    bars = _check_series(series, "series")
    categories = [
        check_label(name, f"categories[{i}]")
        for i, name in enumerate(sequence(categories, "categories", "strings"))
    ]
    _check_axes(ax)
    for name, heights in bars.items():
        if len(heights) != len(categories):
            expected = f"a sequence of one value per category ({len(categories)})"
            raise value_error(f"series[{name!r}]", expected, heights)

    fig, ax = _figure_and_axes(ax)
    width = 0.8 / len(bars)
    centres = np.arange(len(categories), dtype=float)
    for i, (name, heights) in enumerate(bars.items()):
        offset = (i - (len(bars) - 1) / 2) * width
        ax.bar(centres + offset, heights, width, color=f"C{i % 10}", label=name)
    slanted = len(categories) > 6
    ax.set_xticks(
        centres,
        list(categories),
        rotation=30 if slanted else 0,
        ha="right" if slanted else "center",
        rotation_mode="anchor",
    )
    ax.set_xlim(-0.6, len(categories) - 0.4)
    ax.xaxis.grid(False)
    _set_labels(ax, xlabel, ylabel)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=min(len(bars), 4),
        fontsize="small",
        frameon=False,
    )
    return fig
