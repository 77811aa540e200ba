"""Small seeded data sets for the lessons: two moons, and a split into training and held-out parts.

:func:`make_moons` draws two interleaving half circles, one per class, with Gaussian noise;
:func:`split` sets part of a data set aside before training, so that the model can be judged on
points it has never seen. Both take a seed: the same arguments give the same arrays, bit for bit.
Only NumPy is needed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from derivatives._validate import integer, real, value_error

__all__ = ["Split", "make_moons", "split"]

Points = npt.NDArray[np.float64]
Labels = npt.NDArray[
    np.int_
]  # the default integer: printed without a dtype everywhere


def make_moons(
    n_points: int = 200, noise: float = 0.1, seed: int = 0
) -> tuple[Points, Labels]:
    """Two interleaving half circles of points, labelled -1 and +1, with Gaussian noise.

    Both half circles have radius 1. Class -1 lies on the upper half of the circle around
    (-0.5, -0.25), class +1 on the lower half of the circle around (0.5, 0.25): each is the
    other turned half a turn about the origin, so the data are centred on (0, 0). (This is
    scikit-learn's ``make_moons`` moved by (-0.5, -0.25).) Along each arc the points are evenly
    spaced; then each is moved by Gaussian noise of standard deviation `noise` in x and in y.
    No straight line separates the two classes. The points come in a random order.

    Parameters
    ----------
    n_points : int, optional
        Number of points, at least 2; class -1 gets the extra one of an odd number.
    noise : real number, optional
        Standard deviation of the noise, 0 or more.
    seed : int, optional
        Seed of the generator (``numpy.random.default_rng``).

    Returns
    -------
    points : ndarray of shape (n_points, 2)
        The points, one row ``(x, y)`` each.
    labels : ndarray of shape (n_points,)
        The class of each point, -1 or +1.

    Raises
    ------
    TypeError
        If `n_points` or `seed` is not an integer, or `noise` is not a real number.
    ValueError
        If `n_points` is below 2 or `noise` is negative.

    Examples
    --------
    >>> points, labels = make_moons(6, noise=0.0)
    >>> points.shape, sorted(labels.tolist())
    ((6, 2), [-1, -1, -1, 1, 1, 1])
    >>> upper = points[labels == -1]
    >>> bool(np.allclose(np.hypot(upper[:, 0] + 0.5, upper[:, 1] + 0.25), 1.0))
    True
    """
    n = integer(n_points, "n_points", minimum=2)
    sd = real(noise, "noise")
    if sd < 0:
        raise value_error("noise", "a number of at least 0", noise)
    rng = np.random.default_rng(integer(seed, "seed"))
    n_upper = n - n // 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n // 2)
    upper = np.column_stack([np.cos(t_upper) - 0.5, np.sin(t_upper) - 0.25])
    lower = np.column_stack([0.5 - np.cos(t_lower), 0.25 - np.sin(t_lower)])
    points = np.vstack([upper, lower]) + rng.normal(0.0, sd, size=(n, 2))
    labels = np.concatenate([-np.ones(n_upper, np.int_), np.ones(n // 2, np.int_)])
    order = rng.permutation(n)
    return points[order], labels[order]


class Split(NamedTuple):
    """The two parts of :func:`split`: training points and labels, then held-out ones."""

    train_points: Points
    """The points to train on, one row each."""
    train_labels: Labels
    """Their labels."""
    test_points: Points
    """The points held out of training, one row each."""
    test_labels: Labels
    """Their labels."""


def split(
    points: npt.ArrayLike,
    labels: npt.ArrayLike,
    held_out: float = 0.25,
    seed: int = 0,
) -> Split:
    """Split a data set at random into a training part and a held-out part.

    Parameters
    ----------
    points : numpy.ndarray or sequence
        The examples, one per row: n of them, of shape (n, 2) for points in the plane.
    labels : numpy.ndarray or sequence
        One label per example, of shape (n,).
    held_out : real number, optional
        Fraction of the examples set aside, strictly between 0 and 1; the held-out part gets
        ``round(held_out * n)`` of them, and each part at least one.
    seed : int, optional
        Seed of the shuffle.

    Returns
    -------
    Split
        ``(train_points, train_labels, test_points, test_labels)``: every example in exactly
        one part, each part in the random order of the shuffle.

    Raises
    ------
    TypeError
        If `held_out` is not a real number or `seed` is not an integer.
    ValueError
        If `points` and `labels` differ in length, there are fewer than 2 examples, or
        `held_out` is not strictly between 0 and 1.

    Examples
    --------
    >>> points, labels = make_moons(100, seed=1)
    >>> parts = split(points, labels, held_out=0.25)
    >>> parts.train_points.shape, parts.test_points.shape
    ((75, 2), (25, 2))
    """
    x, y = np.asarray(points), np.asarray(labels)
    fraction = real(held_out, "held_out")
    if not 0 < fraction < 1:
        raise value_error(
            "held_out", "a fraction strictly between 0 and 1", held_out
        )
    if x.ndim == 0:
        raise value_error("points", "an array with one example per row", points)
    if y.ndim != 1 or len(x) != len(y):
        raise value_error(
            "labels", f"a 1-d array with one label per point ({len(x)})", labels
        )
    n = len(y)
    if n < 2:
        raise value_error("points", "at least 2 examples", points)
    n_test = min(max(round(fraction * n), 1), n - 1)
    order = np.random.default_rng(integer(seed, "seed")).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Split(x[train], y[train], x[test], y[test])
