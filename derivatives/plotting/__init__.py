"""Figures for the lessons: tangents, secants, step-size error, computation graphs, classifiers.

A derivative is a slope, and most of what the lessons say about it can be seen on a picture:
the tangent line that touches a curve at one point, the secants through two nearby points that
turn into that tangent as the nudge shrinks, the error of a finite difference as the step goes
from 0.1 down to 1e-16, and the graph of operations that backpropagation walks from the output
back to the inputs. A classifier is seen on the plane of its inputs: where it says one class,
where the other, and the decision boundary between them.

Every function here returns a :class:`matplotlib.figure.Figure`. None of them calls
``plt.show()`` or changes ``matplotlib.rcParams``: figures are built with the object API
(``Figure()`` and ``fig.subplots()``), so nothing leaks into pyplot's global state, and the same
input always draws the same picture. Colours come from the default ``tab10`` cycle, which reads
on light and on dark pages. Functions that draw on one set of axes accept ``ax=`` to draw into an
existing figure instead.
"""

from derivatives.plotting.classify import mlp_scores, plot_decision_boundary
from derivatives.plotting.figures import (
    plot_bars,
    plot_curves,
    plot_descent,
    plot_gradient_field,
    plot_secants,
    plot_step_error,
    plot_tangents,
)
from derivatives.plotting.graph import plot_graph

__all__ = [
    "mlp_scores",
    "plot_bars",
    "plot_curves",
    "plot_decision_boundary",
    "plot_descent",
    "plot_gradient_field",
    "plot_graph",
    "plot_secants",
    "plot_step_error",
    "plot_tangents",
]
