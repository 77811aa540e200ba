"""The figure of a classifier: labelled points in the plane and the network's decision boundary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from derivatives._validate import (
    flag,
    instance,
    text,
    type_error,
    value_error,
)
from derivatives.nn import MLP
from derivatives.plotting.figures import _figure_and_axes

__all__ = ["mlp_scores", "plot_decision_boundary"]

_GRID = 151  # grid points per axis where the network is evaluated
_PAD = 0.4  # margin around the points, in data units
_CLASSES = {
    -1: ("C0", "o"),
    1: ("C1", "^"),
}  # colour and marker: shape tells them apart too
_Array = npt.NDArray[np.float64]
_ACTIVATIONS: dict[str, Callable[[_Array], _Array]] = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}


def _check_net(net: object, name: str = "net") -> MLP:
    checked = instance(net, MLP, name, "an MLP with 2 inputs and 1 output")
    n_inputs = len(checked.layers[0].neurons[0].weights)
    if n_inputs != 2 or len(checked.layers[-1].neurons) != 1:
        raise value_error(name, "an MLP with 2 inputs and 1 output", net)
    return checked


def _check_data(
    points: object, labels: object
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Points as an (n, 2) float array and labels as n entries of -1 or +1, n >= 1."""
    try:
        xy = np.asarray(points, dtype=float)
        y = np.asarray(labels)
    except (TypeError, ValueError):
        raise type_error("points", "an array of shape (n, 2)", points) from None
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) == 0:
        raise value_error("points", "an array of shape (n, 2) with n >= 1", points)
    if not np.all(np.isfinite(xy)):
        raise value_error("points", "finite coordinates", points)
    if y.shape != (len(xy),) or not np.all(np.isin(y, (-1, 1))):
        raise value_error(
            "labels", f"one label per point ({len(xy)}), each -1 or +1", labels
        )
    return xy, y.astype(np.int64)


def mlp_scores(net: MLP, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The output of `net` at many points at once, computed with NumPy from its parameters.

    The same arithmetic as calling ``net([x, y]).data`` for each point, a layer at a time for
    all the points together; no graph is built, so a grid of thousands of points takes
    milliseconds.

    Parameters
    ----------
    net : MLP
        A network with 2 inputs and 1 output.
    points : numpy.ndarray or sequence
        The points, one row ``(x, y)`` each: shape (n, 2).

    Returns
    -------
    ndarray of shape (n,)
        The network's output at each point.

    Raises
    ------
    TypeError
        If `net` is not an MLP.
    ValueError
        If `net` does not have 2 inputs and 1 output, or `points` is not of shape (n, 2)
        with finite entries.

    Examples
    --------
    >>> net = MLP(2, [4, 1], seed=1)
    >>> scores = mlp_scores(net, [[0.5, -1.0], [2.0, 0.0]])
    >>> bool(abs(scores[0] - net([0.5, -1.0]).data) < 1e-12)
    True
    """
    _check_net(net)
    xy, _ = _check_data(points, np.ones(len(np.atleast_2d(points)), np.int64))
    out = xy
    for layer in net.layers:
        weights = np.array([[w.data for w in n.weights] for n in layer.neurons])
        biases = np.array([n.bias.data for n in layer.neurons])
        out = _ACTIVATIONS[layer.neurons[0].activation](out @ weights.T + biases)
    return np.asarray(out[:, 0], dtype=np.float64)


def plot_decision_boundary(
    points: npt.ArrayLike,
    labels: npt.ArrayLike,
    net: MLP | None = None,
    *,
    title: str = "",
    legend: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Draw labelled points and, given a network, where it says +1 and where -1.

    Class -1 is drawn as blue circles, class +1 as orange triangles. With `net`, the plane is
    shaded by the sign of the network's output (light blue where it is negative, light orange
    where it is positive), the line where the output is 0, the decision boundary, is drawn in
    black, and every point on the wrong side of it is ringed in black.

    Parameters
    ----------
    points : numpy.ndarray or sequence
        The points, one row ``(x, y)`` each: shape (n, 2).
    labels : numpy.ndarray or sequence
        The class of each point, -1 or +1: shape (n,).
    net : MLP or None, optional
        A network with 2 inputs and 1 output that classifies a point by the sign of its
        output; by default only the points are drawn.
    title : str, optional
        The axes' title.
    legend : bool, optional
        Whether to add a legend (classes and, with `net`, the misclassified points).
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
        If `points` is not of shape (n, 2) with finite entries, a label is not -1 or +1 or
        the counts differ, or `net` does not have 2 inputs and 1 output.

    Examples
    --------
    >>> net = MLP(2, [4, 1], seed=0)
    >>> fig = plot_decision_boundary([[0.0, 1.0], [1.0, -0.5]], [-1, 1], net)
    >>> len(fig.axes[0].collections) > 2
    True
    """
    xy, y = _check_data(points, labels)
    if net is not None:
        _check_net(net)
    text(title, "title")
    flag(legend, "legend")
    if ax is not None:
        instance(ax, Axes, "ax", "a matplotlib Axes or None")
    fig, ax = _figure_and_axes(ax, layout="constrained")
    low, high = xy.min(axis=0) - _PAD, xy.max(axis=0) + _PAD
    if net is not None:
        _draw_regions(ax, net, low, high)
    for label, (colour, marker) in _CLASSES.items():
        mine = xy[y == label]
        ax.scatter(
            mine[:, 0],
            mine[:, 1],
            s=22,
            c=colour,
            marker=marker,
            edgecolors="white",
            linewidths=0.5,
            label=f"class {label:+d}".replace("-", "\u2212"),
            zorder=3,
        )
    if net is not None:
        wrong = xy[np.sign(mlp_scores(net, xy)) != y]
        ax.scatter(
            wrong[:, 0],
            wrong[:, 1],
            s=110,
            facecolors="none",
            edgecolors="black",
            linewidths=1.4,
            label="misclassified",
            zorder=4,
        )
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="lower left", fontsize="small", framealpha=0.9)
    return fig


def _draw_regions(
    ax: Axes, net: MLP, low: npt.NDArray[Any], high: npt.NDArray[Any]
) -> None:
    """Shade the plane by the sign of the network's output and draw where it is 0."""
    gx, gy = np.meshgrid(
        np.linspace(low[0], high[0], _GRID), np.linspace(low[1], high[1], _GRID)
    )
    scores = mlp_scores(net, np.column_stack([gx.ravel(), gy.ravel()]))
    grid = scores.reshape(gx.shape)
    reach = float(np.abs(grid).max()) + 1.0
    ax.contourf(
        gx, gy, grid, levels=[-reach, 0.0, reach], colors=["C0", "C1"], alpha=0.18
    )
    if grid.min() < 0 < grid.max():
        ax.contour(gx, gy, grid, levels=[0.0], colors="black", linewidths=1.5)
