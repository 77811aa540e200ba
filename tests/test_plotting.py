"""Tests for derivatives.plotting: the figures hold the numbers the lessons talk about.

Every check reads the plotted data back from the figure and compares it with a value worked
out by hand or recomputed here from the formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402
from matplotlib.path import Path  # noqa: E402

from derivatives.chain_rule import Value, topological_order  # noqa: E402
from derivatives.plotting import (  # noqa: E402
    plot_curves,
    plot_descent,
    plot_gradient_field,
    plot_graph,
    plot_secants,
    plot_step_error,
    plot_tangents,
)
from tests.test_chain_rule import lecture_graph as engine_graph  # noqa: E402


def J(w):
    return w**2


def lines_labelled(fig, prefix):
    return [
        line
        for line in fig.axes[0].get_lines()
        if line.get_label().startswith(prefix)
    ]


def xy(line):
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


def slope_of(line):
    xs, ys = xy(line)
    return (ys[-1] - ys[0]) / (xs[-1] - xs[0])


def svg_bytes(fig):
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "derivatives-test"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# -- Tangents --------------------------------------------------------------------------------

# The lecture: J(w) = w**2 has slope 2w, so 6 at 3, 4 at 2 and -6 at -3.
LECTURE = [(3.0, 6.0), (2.0, 4.0), (-3.0, -6.0)]


def test_tangent_lines_are_point_slope_lines():
    points, slopes = zip(*LECTURE, strict=True)
    fig = plot_tangents(J, points, slopes, xlabel="$w$", ylabel="$J(w)$")
    tangents = lines_labelled(fig, "tangent")
    assert len(tangents) == 3
    for line, (x0, s) in zip(tangents, LECTURE, strict=True):
        xs, ys = xy(line)
        assert xs[0] < x0 < xs[-1]
        np.testing.assert_allclose(ys, x0**2 + s * (xs - x0), rtol=0, atol=1e-12)
        assert line.get_label() == f"tangent at ${x0:g}$: slope ${s:g}$"


def test_tangent_points_are_marked_on_the_curve():
    fig = plot_tangents(J, [3, 2, -3], [6, 4, -6])
    marks = [
        xy(line) for line in fig.axes[0].get_lines() if line.get_marker() == "o"
    ]
    assert [(float(xs[0]), float(ys[0])) for xs, ys in marks] == [
        (3, 9),
        (2, 4),
        (-3, 9),
    ]


def test_curve_is_the_function():
    fig = plot_tangents(J, [3, 2, -3], [6, 4, -6])
    xs, ys = xy(fig.axes[0].get_lines()[0])
    assert (xs[0], xs[-1]) == fig.axes[0].get_xlim()
    np.testing.assert_allclose(ys, xs**2)


def test_default_slopes_are_the_derivative():
    fig = plot_tangents(J, [3, 2, -3])
    slopes = [slope_of(line) for line in lines_labelled(fig, "tangent")]
    np.testing.assert_allclose(slopes, [6, 4, -6], atol=1e-6)


def test_curve_has_a_gap_where_f_is_undefined():
    # J = 1/w: slope -1/w**2 = -1/4 at w = 2 and at w = -2; the sample at w = 0 is left out.
    fig = plot_tangents(lambda w: 1 / w, [-2, 2], [-0.25, -0.25])
    xs, ys = xy(fig.axes[0].get_lines()[0])
    assert np.isnan(ys[xs == 0]).all() and np.isnan(ys).sum() == 1
    for line, x0 in zip(lines_labelled(fig, "tangent"), [-2, 2], strict=True):
        lx, ly = xy(line)
        np.testing.assert_allclose(ly, 1 / x0 - 0.25 * (lx - x0), atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    a=st.floats(-5, 5).filter(lambda v: abs(v) > 0.1),
    b=st.floats(-5, 5),
    x0=st.floats(-5, 5),
)
def test_default_tangent_slope_of_any_parabola(a, b, x0):
    fig = plot_tangents(lambda x: a * x**2 + b * x, [x0])
    (line,) = lines_labelled(fig, "tangent")
    assert slope_of(line) == pytest.approx(2 * a * x0 + b, abs=1e-5)


# -- Secants ---------------------------------------------------------------------------------


def cube(x):
    return x**3


def test_secant_slopes_are_difference_quotients():
    steps = (1, 0.5, 0.25, 0.1)
    fig = plot_secants(cube, 1.0, steps, slope=3.0)
    secants = lines_labelled(fig, "secant")
    assert len(secants) == len(steps)
    for line, h in zip(secants, steps, strict=True):
        quotient = (cube(1.0 + h) - cube(1.0)) / h
        assert slope_of(line) == pytest.approx(quotient, rel=1e-12)
        # (x + h)**3 - x**3 = 3x**2 h + 3x h**2 + h**3, so at x = 1 the slope is 3 + 3h + h**2.
        assert slope_of(line) == pytest.approx(3 + 3 * h + h**2, rel=1e-12)
        xs, ys = xy(line)
        np.testing.assert_allclose(ys, 1 + quotient * (xs - 1), atol=1e-12)


def test_secants_approach_the_tangent():
    fig = plot_secants(J, 3.0)
    (tangent,) = lines_labelled(fig, "tangent")
    assert slope_of(tangent) == pytest.approx(6, abs=1e-6)
    gaps = [abs(slope_of(line) - 6) for line in lines_labelled(fig, "secant")]
    # ((3 + h)**2 - 9) / h = 6 + h: the gap is the step itself.
    np.testing.assert_allclose(gaps, [1, 0.5, 0.25, 0.1], rtol=1e-9)


def test_secant_end_points_lie_on_the_curve():
    fig = plot_secants(J, 3.0, [1, 0.5])
    marks = [
        xy(line) for line in fig.axes[0].get_lines() if line.get_marker() == "o"
    ]
    assert [(float(xs[0]), float(ys[0])) for xs, ys in marks] == [
        (4, 16),
        (3.5, 12.25),
        (3, 9),
    ]


@settings(max_examples=25, deadline=None)
@given(x0=st.floats(-10, 10), h=st.floats(1e-3, 2))
def test_secant_slope_of_a_square_is_2x_plus_h(x0, h):
    fig = plot_secants(J, x0, [h], slope=2 * x0)
    (line,) = lines_labelled(fig, "secant")
    assert slope_of(line) == pytest.approx(2 * x0 + h, abs=1e-8)


# -- Error against step size -----------------------------------------------------------------


def blog(x):
    return 3 * x**2 - 4 * x + 5  # derivative 6x - 4, so 14 at x = 3


ESTIMATES = {
    "forward difference": lambda f, x, h: (f(x + h) - f(x)) / h,
    "central difference": lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
    "complex step": lambda f, x, h: f(complex(x, h)).imag / h,
}


def test_step_error_points_are_absolute_errors():
    fig = plot_step_error(blog, 3.0, 14.0)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    for label, estimate in ESTIMATES.items():
        # 3 + 1e-16 rounds to 3: the differences refuse that step, the complex step takes it.
        last = 17 if label == "complex step" else 16
        steps = [10.0**-k for k in range(1, last)]
        xs, ys = xy(lines[label])
        assert list(xs) == steps
        expected = [max(abs(estimate(blog, 3.0, h) - 14.0), 1e-17) for h in steps]
        np.testing.assert_allclose(ys, expected, rtol=1e-6)
    assert (fig.axes[0].get_xscale(), fig.axes[0].get_yscale()) == ("log", "log")


def test_steps_that_do_not_move_x_are_marked_refused():
    fig = plot_step_error(blog, 3.0, 14.0, steps=[1e-3, 1e-16], methods=["forward"])
    (band,) = fig.axes[0].patches
    low, high = band.get_x(), band.get_x() + band.get_width()
    assert low < 1e-16 < high and high < 1e-3 and 3.0 + 1e-16 == 3.0
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert any("refused" in text for text in legend)


def test_forward_error_of_the_blog_function_is_3h():
    # (f(3 + h) - f(3)) / h = 14 + 3h exactly, so truncation error is 3h for large steps.
    fig = plot_step_error(
        blog, 3.0, 14.0, steps=[0.1, 0.01, 0.001], methods=["forward"]
    )
    (line,) = fig.axes[0].get_lines()[:1]
    np.testing.assert_allclose(xy(line)[1], [0.3, 0.03, 0.003], rtol=1e-6)


def test_exact_zero_errors_sit_on_the_floor():
    # A straight line: every step gives the slope 2 exactly (0.5 and 0.25 are exact in binary).
    fig = plot_step_error(lambda x: 2 * x, 1.0, 2.0, steps=[0.5, 0.25], floor=1e-15)
    for line in lines_labelled(fig, ("forward", "central", "complex")):
        assert list(xy(line)[1]) == [1e-15, 1e-15]
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend[-1] == "error below 1e-15 (or 0)"


def test_floor_is_not_in_the_legend_when_no_error_is_below_it():
    fig = plot_step_error(blog, 3.0, 14.0, steps=[0.1], methods=["forward"])
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend == ["forward difference"]


def test_complex_step_has_no_round_off_for_sine():
    fig = plot_step_error(
        np.sin, 1.0, math.cos(1.0), methods=["complex", "forward"]
    )
    lines = {line.get_label(): xy(line)[1] for line in fig.axes[0].get_lines()}
    assert max(lines["complex step"][7:]) < 1e-15  # steps 1e-8 and below
    assert lines["forward difference"][-1] > 1e-2  # 1 + 1e-16 rounds back to 1


# -- Computation graph -----------------------------------------------------------------------


def lecture_graph():
    """L = (a*b + c) * f with a = 2, b = -3, c = 10, f = -2: the graph of the engine's tests."""
    return engine_graph()["L"]


# Forward values and dL/dnode worked out by hand: dL/da = b*f, dL/db = a*f, dL/de = dL/dd = f.
HAND = {
    "a": (2, 6),
    "b": (-3, -4),
    "c": (10, -2),
    "f": (-2, 4),
    "e": (-6, -2),
    "d": (4, -2),
    "L": (-8, 1),
}


def boxes_and_arrows(fig):
    patches = fig.axes[0].patches
    boxes = [p for p in patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in patches if isinstance(p, FancyArrowPatch)]
    return boxes, arrows


def texts_by_label(fig):
    return {t.get_text().split("\n")[0].split(" ")[0]: t for t in fig.axes[0].texts}


def test_graph_has_a_box_per_node_and_an_arrow_per_operand():
    L = lecture_graph()
    fig = plot_graph(L)
    nodes = topological_order(L)
    boxes, arrows = boxes_and_arrows(fig)
    assert len(boxes) == len(nodes) == 7
    assert len(arrows) == sum(len(n.parents) for n in nodes) == 6


def test_graph_shows_values_then_gradients():
    L = lecture_graph()
    before = texts_by_label(plot_graph(L))
    assert sorted(before) == sorted(HAND)
    for label, (data, _) in HAND.items():
        assert f"data {data:g}" in before[label].get_text()
        assert "grad" not in before[label].get_text()
    L.backward()
    after = texts_by_label(plot_graph(L))
    for label, (data, grad) in HAND.items():
        assert after[label].get_text().split("\n")[1:] == [
            f"data {data:g}",
            f"grad {grad:g}",
        ]


def test_graph_shows_operations():
    text = {
        k: t.get_text().split("\n")[0]
        for k, t in texts_by_label(plot_graph(lecture_graph())).items()
    }
    assert (text["a"], text["e"], text["d"], text["L"]) == (
        "a",
        "e (*)",
        "d (+)",
        "L (*)",
    )


def test_unlabelled_nodes_show_their_operation_or_nothing():
    fig = plot_graph(Value(2.0) * 3, show_grad=False)
    assert [t.get_text() for t in fig.axes[0].texts] == [
        "data 2",
        "3\ndata 3",
        "(*)\ndata 6",
    ]


def test_show_grad_overrides_the_default():
    L = lecture_graph()
    assert "grad 0" in texts_by_label(plot_graph(L, show_grad=True))["a"].get_text()
    L.backward()
    assert (
        "grad" not in texts_by_label(plot_graph(L, show_grad=False))["a"].get_text()
    )


def test_node_used_twice_gets_two_arrows():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    fig = plot_graph(b)
    boxes, arrows = boxes_and_arrows(fig)
    assert (len(boxes), len(arrows)) == (2, 2)
    assert (
        texts_by_label(fig)["a"].get_text() == "a\ndata 3\ngrad 2"
    )  # db/da = 1 + 1


def test_inputs_are_left_of_the_operations_they_feed():
    L = lecture_graph()
    where = {k: t.get_position() for k, t in texts_by_label(plot_graph(L)).items()}
    for node in topological_order(L):
        for parent in node.parents:
            assert where[parent.label][0] < where[node.label][0]
    assert max(x for x, _ in where.values()) == where["L"][0]
    assert [k for k, (x, _) in where.items() if x == where["L"][0]] == ["L"]


def test_graph_figure_is_deterministic():
    first = svg_bytes(plot_graph(lecture_graph()))
    second = svg_bytes(plot_graph(lecture_graph()))
    assert first == second


def named(value, label):
    value.label = label
    return value


def lesson_graphs():
    """The graphs the lessons draw, built afresh, after backward()."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    w, x, bias, y = (
        Value(v, label=n)
        for v, n in [(2.0, "w"), (-2.0, "x"), (8.0, "b"), (2.0, "y")]
    )
    x1, x2, w1, w2 = (
        Value(v, label=n)
        for v, n in [(2.0, "x1"), (0.0, "x2"), (-3.0, "w1"), (1.0, "w2")]
    )
    n = named(named(x1 * w1, "x1w1") + named(x2 * w2, "x2w2"), "s") + Value(
        6.8813735870195432, "b"
    )
    graphs = {
        "L": lecture_graph(),
        "d = ab + ac^2": named(
            named(a * b, "ab") + named(a * named(c**2, "c2"), "ac2"), "d"
        ),
        "J": named(
            0.5
            * named(
                named(named(named(w * x, "wx") + bias, "z") - y, "r") ** 2, "sq"
            ),
            "J",
        ),
        "neuron": named(named(n, "n").tanh(), "o"),
    }
    for root in graphs.values():
        root.backward()
    return graphs


def arrow_points(arrow):
    """The arrow as drawn (line and head), without the closing vertex.

    It starts exactly on the operand's box; its tip, the rightmost point, stops within a
    line width of the result's box.
    """
    path = arrow.get_path()
    return [
        v
        for v, code in zip(path.vertices, path.codes, strict=True)
        if code != Path.CLOSEPOLY
    ]


TIP = 0.03  # inches: how far from a box edge the tip of an arrow head may end


def assert_misses_every_box(points, boxes):
    """No point of the polyline, sampled finely, lies inside a box (beyond TIP)."""
    for p, q in zip(points, points[1:], strict=False):
        for t in np.linspace(0, 1, 41):
            x, y = p + t * (q - p)
            for b in boxes:
                across = b.get_x() + TIP < x < b.get_x() + b.get_width() - TIP
                down = b.get_y() + TIP < y < b.get_y() + b.get_height() - TIP
                assert not (across and down)


@pytest.mark.parametrize("name", list(lesson_graphs()))
def test_arrows_never_cross_a_box(name):
    root = lesson_graphs()[name]
    boxes, arrows = boxes_and_arrows(plot_graph(root))
    assert len(arrows) == sum(len(n.parents) for n in topological_order(root))
    for arrow in arrows:
        assert_misses_every_box(arrow_points(arrow), boxes)


@pytest.mark.parametrize("name", list(lesson_graphs()))
def test_arrows_go_from_operand_to_result(name):
    root = lesson_graphs()[name]
    fig = plot_graph(root)
    boxes, arrows = boxes_and_arrows(fig)
    texts = fig.axes[0].texts

    def label_in(box):
        centre = [
            box.get_x() + box.get_width() / 2,
            box.get_y() + box.get_height() / 2,
        ]
        (text,) = [t for t in texts if np.allclose(t.get_position(), centre)]
        return text.get_text().split("\n")[0].split(" ")[0]

    def label_of_box(point, edge_of, tolerance):
        (found,) = [
            label_in(b)
            for b in boxes
            if abs(point[0] - edge_of(b)) <= tolerance
            and b.get_y() < point[1] < b.get_y() + b.get_height()
        ]
        return found

    drawn = [
        (
            label_of_box(
                arrow_points(a)[0], lambda b: b.get_x() + b.get_width(), 1e-9
            ),
            label_of_box(
                max(arrow_points(a), key=lambda v: v[0]), lambda b: b.get_x(), TIP
            ),
        )
        for a in arrows
    ]
    expected = [
        (p.label, n.label) for n in topological_order(root) for p in n.parents
    ]
    assert sorted(drawn) == sorted(expected)


def test_graph_of_a_single_input():
    fig = plot_graph(Value(1.5, label="x"))
    boxes, arrows = boxes_and_arrows(fig)
    assert (len(boxes), len(arrows)) == (1, 0)
    assert fig.axes[0].texts[0].get_text() == "x\ndata 1.5"


# -- Gradient descent and curves -------------------------------------------------------------


def test_descent_steps_sit_on_the_curve():
    # w <- w - 0.1 * 2w = 0.8 w: 3, 2.4, 1.92 with J = 9, 5.76, 3.6864.
    fig = plot_descent(
        J, {r"$\alpha = 0.1$": [3, 2.4, 1.92], r"$\alpha = 0.9$": [3, -2.4]}
    )
    (slow,) = lines_labelled(fig, r"$\alpha = 0.1$")
    (fast,) = lines_labelled(fig, r"$\alpha = 0.9$")
    np.testing.assert_allclose(xy(slow)[1], [9, 5.76, 3.6864])
    np.testing.assert_allclose(xy(fast)[1], [9, 5.76])
    low, high = fig.axes[0].get_xlim()
    assert low < -2.4 and high > 3


def test_curves_plot_the_given_numbers():
    fig = plot_curves(
        {"nudging": [10, 20, 40], "backprop": [11, 12, 14]},
        x=[1, 2, 4],
        xlabel="$P$",
        ylabel="steps",
        logx=True,
        logy=True,
    )
    ax = fig.axes[0]
    lines = {line.get_label(): xy(line) for line in ax.get_lines()}
    assert [list(v) for v in lines["nudging"]] == [[1, 2, 4], [10, 20, 40]]
    assert [list(v) for v in lines["backprop"]] == [[1, 2, 4], [11, 12, 14]]
    assert (ax.get_xscale(), ax.get_yscale(), ax.get_xlabel()) == (
        "log",
        "log",
        "$P$",
    )


def test_curves_default_x_is_the_step_number():
    fig = plot_curves({"loss": [3.0, 2.0]}, xlabel="step", ylabel="loss")
    assert list(xy(fig.axes[0].get_lines()[0])[0]) == [0, 1]


# -- Figures in general ----------------------------------------------------------------------


def every_figure():
    return [
        plot_tangents(J, [3, 2, -3]),
        plot_secants(J, 3.0),
        plot_step_error(blog, 3.0, 14.0),
        plot_graph(lecture_graph()),
        plot_descent(J, {"a": [3, 2.4]}),
        plot_curves({"loss": [1.0, 0.5]}, xlabel="step", ylabel="loss"),
    ]


def test_no_global_state_changes():
    plt.close("all")
    before = dict(matplotlib.rcParams)
    figures = every_figure()
    assert all(isinstance(fig, Figure) for fig in figures)
    assert plt.get_fignums() == []
    assert dict(matplotlib.rcParams) == before


def test_every_figure_is_deterministic():
    first = [svg_bytes(fig) for fig in every_figure()]
    second = [svg_bytes(fig) for fig in every_figure()]
    assert first == second


def test_drawing_into_given_axes():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plot_tangents(J, [3], [6], ax=left) is fig
    assert plot_curves({"loss": [1.0]}, xlabel="s", ylabel="l", ax=right) is fig
    assert len(lines_labelled(fig, "tangent")) == 1


# -- Bad input -------------------------------------------------------------------------------

chain = Value(1.0, label="x0")
for _ in range(41):
    chain = chain + chain  # one new node per step: 42 in all

BAD = [
    (
        plot_tangents,
        ("abc", [1]),
        {},
        TypeError,
        "f must be callable, got str 'abc'",
    ),
    (
        plot_tangents,
        (J, []),
        {},
        ValueError,
        "points must be a non-empty sequence of real numbers, got list []",
    ),
    (
        plot_tangents,
        (J, 3),
        {},
        TypeError,
        "points must be a sequence of real numbers, got int 3",
    ),
    (
        plot_tangents,
        (J, "3"),
        {},
        TypeError,
        "points must be a sequence of real numbers, got str '3'",
    ),
    (
        plot_tangents,
        (J, [1, math.nan]),
        {},
        ValueError,
        "points[1] must be a finite real number, got float nan",
    ),
    (
        plot_tangents,
        (J, [True]),
        {},
        TypeError,
        "points[0] must be a real number, got bool True",
    ),
    (
        plot_tangents,
        (J, [1, 2], [2]),
        {},
        ValueError,
        "slopes must have one value per point (2), got 1",
    ),
    (
        plot_tangents,
        (J, [1]),
        {"xlim": (2, 1)},
        ValueError,
        "xlim must be a pair with low < high, got tuple (2, 1)",
    ),
    (
        plot_tangents,
        (J, [1]),
        {"xlim": 3},
        TypeError,
        "xlim must be a pair (low, high) of real numbers, got int 3",
    ),
    (
        plot_tangents,
        (J, [1]),
        {"xlim": (0, math.inf)},
        ValueError,
        "xlim[1] must be a finite real number, got float inf",
    ),
    (
        plot_tangents,
        (J, [1]),
        {"ax": "left"},
        TypeError,
        "ax must be a matplotlib Axes or None, got str 'left'",
    ),
    (
        plot_tangents,
        (lambda x: "y", [1], [2]),
        {},
        TypeError,
        "f(0.0) must be a real number, got str 'y'",
    ),
    (
        plot_tangents,
        (lambda x: 1 / x if x else math.inf, [0], [1]),
        {},
        ValueError,
        "f must be finite at the points drawn, got f(0.0) = inf",
    ),
    (
        plot_secants,
        (J, math.inf),
        {},
        ValueError,
        "x must be a finite real number, got float inf",
    ),
    (plot_secants, (J, "3"), {}, TypeError, "x must be a real number, got str '3'"),
    (
        plot_secants,
        (J, 3, [1, 0]),
        {},
        ValueError,
        "steps[1] must be a positive number, got int 0",
    ),
    (
        plot_secants,
        (J, 3, [-0.1]),
        {},
        ValueError,
        "steps[0] must be a positive number, got float -0.1",
    ),
    (
        plot_secants,
        (J, 3, [1], False),
        {},
        TypeError,
        "slope must be a real number, got bool False",
    ),
    (plot_secants, (None, 3), {}, TypeError, "f must be callable, got None"),
    (
        plot_step_error,
        (math.sin, 1.0, math.cos(1.0)),
        {},
        TypeError,
        "f must accept complex numbers for the complex step",
    ),
    (
        plot_step_error,
        (J, 1.0, math.nan),
        {},
        ValueError,
        "exact must be a finite real number, got float nan",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0, []),
        {},
        ValueError,
        "steps must be a non-empty sequence of positive numbers, got list []",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0),
        {"methods": ["backward"]},
        ValueError,
        "methods[0] must be one of 'forward', 'central', 'complex', got str 'backward'",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0),
        {"methods": []},
        ValueError,
        "methods must be a non-empty sequence of method names, got list []",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0),
        {"methods": "forward"},
        TypeError,
        "methods must be a sequence of method names, got str 'forward'",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0),
        {"methods": ["forward", "forward"]},
        ValueError,
        "methods must be a sequence without repeats, got list ['forward', 'forward']",
    ),
    (
        plot_step_error,
        (J, 1.0, 2.0),
        {"floor": 0},
        ValueError,
        "floor must be positive, got 0.0",
    ),
    (plot_graph, (3.0,), {}, TypeError, "root must be a Value, got float 3.0"),
    (
        plot_graph,
        (Value(1.0),),
        {"show_grad": 1},
        TypeError,
        "show_grad must be True, False or None, got int 1",
    ),
    (
        plot_graph,
        (Value(1.0),),
        {"max_nodes": 0},
        ValueError,
        "max_nodes must be an integer of at least 1, got int 0",
    ),
    (
        plot_graph,
        (Value(1.0),),
        {"max_nodes": 2.0},
        TypeError,
        "max_nodes must be an integer, got float 2.0",
    ),
    (
        plot_graph,
        (chain,),
        {},
        ValueError,
        "root's graph has 42 nodes, more than max_nodes=40",
    ),
    (
        plot_descent,
        (J, {}),
        {},
        ValueError,
        "trajectories must be a non-empty mapping, got dict {}",
    ),
    (
        plot_descent,
        (J, [3, 2]),
        {},
        TypeError,
        "trajectories must be a mapping of names to sequences, got list [3, 2]",
    ),
    (
        plot_descent,
        (J, {"a": []}),
        {},
        ValueError,
        "trajectories['a'] must be a non-empty sequence of real numbers, got list []",
    ),
    (
        plot_descent,
        (J, {1: [3]}),
        {},
        TypeError,
        "each key of trajectories must be a str, got int 1",
    ),
    (
        plot_descent,
        (J, {"a": [3, math.inf]}),
        {},
        ValueError,
        "trajectories['a'][1] must be a finite real number, got float inf",
    ),
    (
        plot_curves,
        ({"loss": [1, 0]},),
        {"xlabel": "s", "ylabel": "l", "logy": True},
        ValueError,
        "series['loss'] must be positive with logy=True",
    ),
    (
        plot_curves,
        ({"loss": [1, 2]},),
        {"xlabel": "s", "ylabel": "l", "x": [1]},
        ValueError,
        "series['loss'] must have one value per x (1), got 2",
    ),
    (
        plot_curves,
        ({"loss": [1]},),
        {"xlabel": "s", "ylabel": "l", "logx": True},
        ValueError,
        "logx=True needs positive x values: pass x",
    ),
    (
        plot_curves,
        ({"loss": [1]},),
        {"xlabel": "s", "ylabel": "l", "x": [0], "logx": True},
        ValueError,
        "x must be positive with logx=True",
    ),
    (
        plot_curves,
        ({"loss": [1]},),
        {"xlabel": "s", "ylabel": "l", "logy": "yes"},
        TypeError,
        "logy must be True or False, got str 'yes'",
    ),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "error", "message"), BAD)
def test_bad_input_is_refused_with_a_clear_message(
    function, args, kwargs, error, message
):
    with pytest.raises(error, match=re.escape(message)):
        function(*args, **kwargs)


# -- Gradient fields -------------------------------------------------------------------------


def bowl(x, y):
    return x**2 + 3 * y**2


def field_and_marked(fig):
    quivers = [c for c in fig.axes[0].collections if type(c).__name__ == "Quiver"]
    return quivers[0], quivers[1:]


def test_gradient_arrows_are_the_gradient_on_one_scale():
    fig = plot_gradient_field(bowl, (-3, 3), (-2, 2), arrows=6)
    field, _ = field_and_marked(fig)
    feet = np.asarray(field.XY, float)
    drawn = np.column_stack([field.U, field.V])
    exact = np.column_stack(
        [2 * feet[:, 0], 6 * feet[:, 1]]
    )  # the gradient by hand
    assert len(feet) == 36
    scale = np.linalg.norm(drawn, axis=1) / np.linalg.norm(exact, axis=1)
    assert np.allclose(scale, scale[0], rtol=1e-6)
    assert np.allclose(drawn, scale[0] * exact, rtol=1e-6, atol=1e-9)
    # The longest arrow fills 0.9 of the spacing between feet (1 along x, 2/3 along y).
    assert np.isclose(np.linalg.norm(drawn, axis=1).max(), 0.9 * 2 / 3)


def test_gradient_arrows_are_perpendicular_to_the_contour_lines():
    fig = plot_gradient_field(bowl, (-3, 3), (-2, 2), levels=[7.0])
    contour = next(
        c for c in fig.axes[0].collections if type(c).__name__ != "Quiver"
    )
    vertices = contour.get_paths()[0].vertices
    assert np.allclose(bowl(vertices[:, 0], vertices[:, 1]), 7.0, rtol=2e-3)
    # Near (2, 1) on the level line 7 the contour runs along (-6, 4), across the gradient (4, 6).
    i = np.argmin(np.hypot(vertices[:, 0] - 2, vertices[:, 1] - 1))
    tangent = vertices[i + 1] - vertices[i - 1]
    assert (
        abs(np.dot(tangent, [4, 6])) / (np.linalg.norm(tangent) * np.hypot(4, 6))
        < 1e-2
    )


def test_marked_points_share_the_scale_and_are_in_the_legend():
    fig = plot_gradient_field(bowl, (-3, 3), (-2, 2), points=[(2, 1), (-1, 0.5)])
    field, marked = field_and_marked(fig)
    i = int(np.argmax(np.abs(field.XY[:, 0])))
    scale = field.U[i] / (2 * field.XY[i, 0])  # the field is 2x along x
    assert len(marked) == 2
    assert np.allclose([marked[0].U[0], marked[0].V[0]], [4 * scale, 6 * scale])
    assert np.allclose([marked[1].U[0], marked[1].V[0]], [-2 * scale, 3 * scale])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [
        "gradient (uphill)",
        "gradient at $(2, 1)$: $(4, 6)$",
        "gradient at $(-1, 0.5)$: $(-2, 3)$",
    ]


def test_a_given_gradient_is_used_instead_of_differences():
    fig = plot_gradient_field(
        bowl, (0, 1), (0, 1), gradient=lambda x, y: (1.0, 0.0), arrows=2
    )
    field, _ = field_and_marked(fig)
    assert np.allclose(field.V, 0) and np.allclose(field.U, 0.9 * 0.5)


def test_gradient_field_axes_are_equal_and_figure_is_deterministic():
    fig = plot_gradient_field(bowl, (-3, 3), (-2, 2), points=[(2, 1)])
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-2.0, 2.0)
    assert svg_bytes(fig) == svg_bytes(
        plot_gradient_field(bowl, (-3, 3), (-2, 2), points=[(2, 1)])
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"xlim": (1, 1)},
            ValueError,
            "xlim must be a pair with low < high, got tuple (1, 1)",
        ),
        (
            {"ylim": 3},
            TypeError,
            "ylim must be a pair (low, high) of real numbers, got int 3",
        ),
        (
            {"arrows": 1},
            ValueError,
            "arrows must be an integer from 2 to 50, got int 1",
        ),
        (
            {"levels": 0},
            ValueError,
            "levels must be an integer from 1 to 100, got int 0",
        ),
        (
            {"points": [(1, 2, 3)]},
            TypeError,
            "points[0] must be a pair (x, y) of real numbers",
        ),
        (
            {"gradient": "grad"},
            TypeError,
            "gradient must be callable, got str 'grad'",
        ),
        (
            {"gradient": lambda x, y: 1.0},
            TypeError,
            "gradient(-0.8571428571428572, -0.8571428571428572) must be a sequence of two "
            "real numbers, got float 1.0",
        ),
        (
            {"f": lambda x, y: "high"},
            TypeError,
            "f(-1.0, -1.0) must be a real number, got str 'high'",
        ),
    ],
)
def test_gradient_field_refuses_bad_input(kwargs, error, message):
    arguments = {"f": bowl, "xlim": (-1, 1), "ylim": (-1, 1), **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        plot_gradient_field(**arguments)


# -- plot_bars ---------------------------------------------------------------------------------


def test_bars_hold_the_heights_grouped_by_category():
    from derivatives.plotting import plot_bars

    heights = {
        "forward": [3.2, 3.5, 2.9],
        "central": [7.0, 7.4, 6.8],
        "backprop": [16.0] * 3,
    }
    fig = plot_bars(
        heights, categories=["$w^2$", "$e^w$", "$1/w$"], ylabel="correct digits"
    )
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 9  # one bar per series and category
    # series after series, in order, each bar as high as its value
    expected = [v for values in heights.values() for v in values]
    assert [float(bar.get_height()) for bar in bars] == pytest.approx(expected)
    # the bars of one category sit side by side around its tick, in the order of the series
    centres = [bar.get_x() + bar.get_width() / 2 for bar in bars]
    for k in range(3):
        group = centres[k::3]
        assert group == sorted(group)
        assert np.mean(group) == pytest.approx(k)
        assert max(group) - min(group) < 0.8
    # one colour per series, the legend names them
    colours = [bar.get_facecolor() for bar in bars]
    assert colours[0] == colours[1] == colours[2] != colours[3]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(heights)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "$w^2$",
        "$e^w$",
        "$1/w$",
    ]
    assert ax.get_ylabel() == "correct digits"


def test_bars_slant_many_category_labels_and_draw_into_given_axes():
    from derivatives.plotting import plot_bars

    fig = Figure()
    ax = fig.subplots()
    names = [f"f{i}" for i in range(8)]
    assert (
        plot_bars({"a": list(range(8))}, categories=names, ylabel="y", ax=ax) is fig
    )
    assert all(label.get_rotation() == 30 for label in ax.get_xticklabels())
    few = plot_bars({"a": [1.0, 2.0]}, categories=["p", "q"], ylabel="y").axes[0]
    assert all(label.get_rotation() == 0 for label in few.get_xticklabels())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"series": {}},
            ValueError,
            "series must be a non-empty mapping, got dict {}",
        ),
        (
            {"series": {"a": [1.0]}},
            ValueError,
            "series['a'] must be a sequence of one value per category (2), got list [1.0]",
        ),
        (
            {"series": {"a": [1.0, math.nan]}},
            ValueError,
            "series['a'][1] must be a finite",
        ),
        (
            {"categories": "pq"},
            TypeError,
            "categories must be a sequence of strings",
        ),
        (
            {"categories": []},
            ValueError,
            "categories must be a non-empty sequence of strings, got list []",
        ),
        (
            {"categories": ["p", 2]},
            TypeError,
            "categories[1] must be a str, got int 2",
        ),
    ],
)
def test_bars_refuse_bad_input(kwargs, error, message):
    from derivatives.plotting import plot_bars

    arguments = {
        "series": {"a": [1.0, 2.0]},
        "categories": ["p", "q"],
        "ylabel": "y",
        **kwargs,
    }
    with pytest.raises(error, match=re.escape(message)):
        plot_bars(**arguments)


# -- Wide graphs grow taller (plot_graph's max_width) -----------------------------------------


def two_layer_network():
    """The larger-network lesson: J = (relu(w2 relu(w1 x + b1) + b2) - y)**2 / 2, 10 columns."""
    x, y, w1, b1, w2, b2 = (
        Value(v, label=n)
        for v, n in [
            (1.0, "x"),
            (5.0, "y"),
            (2.0, "w1"),
            (0.0, "b1"),
            (3.0, "w2"),
            (1.0, "b2"),
        ]
    )
    a1 = named(named(named(w1 * x, "p1") + b1, "z1").relu(), "a1")
    a2 = named(named(named(w2 * a1, "p2") + b2, "z2").relu(), "a2")
    J = named(named(named(a2 - y, "e") ** 2, "e2") / 2, "J")
    J.backward()
    return J


def box_label(fig, box):
    centre = [box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2]
    (text,) = [
        t for t in fig.axes[0].texts if np.allclose(t.get_position(), centre)
    ]
    return text.get_text().split("\n")[0].split(" ")[0]


def test_a_graph_too_wide_for_max_width_is_drawn_top_to_bottom():
    J = two_layer_network()
    across = plot_graph(J, max_width=100.0)
    down = plot_graph(J)
    (wide, short), (narrow, tall) = across.get_size_inches(), down.get_size_inches()
    # Ten columns of boxes at least 0.9 inch wide, 0.55 inch apart, do not fit in 9.5 inches;
    # the same boxes stacked in ten rows do, and the figure grows taller instead.
    assert wide > 10 * 0.9 + 9 * 0.55 > 9.5 >= narrow and tall > wide / 2 > short
    # The text keeps its size: same texts, same font, in both drawings.
    texts = [[t.get_text() for t in fig.axes[0].texts] for fig in (across, down)]
    assert texts[0] == texts[1]
    assert {t.get_fontsize() for t in down.axes[0].texts} == {9.0}
    where = {k: t.get_position() for k, t in texts_by_label(down).items()}
    for node in topological_order(J):  # every operand above the node it feeds
        for parent in node.parents:
            assert where[parent.label][1] > where[node.label][1]
    assert [
        k for k, (_, y) in where.items() if y == min(y for _, y in where.values())
    ] == ["J"]


def test_top_to_bottom_arrows_go_from_bottom_of_operand_to_top_of_result():
    J = two_layer_network()
    fig = plot_graph(J)
    boxes, arrows = boxes_and_arrows(fig)
    drawn = []
    for arrow in arrows:
        points = arrow_points(arrow)
        start, tip = points[0], min(points, key=lambda v: v[1])
        (source,) = [
            b
            for b in boxes
            if abs(start[1] - b.get_y()) < 1e-9
            and b.get_x() < start[0] < b.get_x() + b.get_width()
        ]
        (target,) = [
            b
            for b in boxes
            if abs(tip[1] - (b.get_y() + b.get_height())) <= TIP
            and b.get_x() < tip[0] < b.get_x() + b.get_width()
        ]
        drawn.append((box_label(fig, source), box_label(fig, target)))
        assert_misses_every_box(points, boxes)
    expected = [(p.label, n.label) for n in topological_order(J) for p in n.parents]
    assert sorted(drawn) == sorted(expected)


@pytest.mark.parametrize(
    ("max_width", "error", "message"),
    [
        ("9", TypeError, "max_width must be a real number, got str '9'"),
        (0, ValueError, "max_width must be a positive number, got int 0"),
        (
            math.inf,
            ValueError,
            "max_width must be a finite real number, got float inf",
        ),
    ],
)
def test_graph_refuses_a_bad_max_width(max_width, error, message):
    with pytest.raises(error, match=re.escape(message)):
        plot_graph(Value(1.0), max_width=max_width)


# -- Ranges that cannot be drawn are refused, naming the argument (issue 11) --------------------


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (
            lambda: plot_tangents(lambda w: w, [-1e308, 1e308], [1, 1]),
            r"^points\[0\] must be at most 1e\+306 in size, for matplotlib to lay out its "
            r"axes, got float -1e\+308$",
        ),
        (
            lambda: plot_secants(lambda w: w, 0.0, [1e308]),
            r"^steps must be within a range that float64 can draw, got list \[1e\+308\]$",
        ),
        (
            lambda: plot_descent(lambda w: w * w, {"a": [-1e308, 1e308]}),
            r"^trajectories\['a'\]\[0\] must be at most 1e\+306 in size",
        ),
        (
            lambda: plot_tangents(
                lambda w: 1e308 if w > 0 else -1e308, [-1.0, 1.0], [0, 0]
            ),
            r"^f must be within a range that float64 can draw, got tuple \(-1e\+308, 1e\+308\)$",
        ),
    ],
)
def test_ranges_that_cannot_be_drawn_are_refused(
    draw: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        draw()  # type: ignore[operator]


def test_plot_tangents_refuses_a_point_where_f_is_undefined() -> None:
    with pytest.raises(
        ValueError,
        match=r"^f could not be evaluated at 0\.0: float division by zero$",
    ):
        plot_tangents(
            lambda w: 1 / w, [0.0], [1.0]
        )  # the slope given, f(0) still needed
    with pytest.raises(ValueError, match=r"^f is undefined at x=0\.0: "):
        plot_tangents(
            lambda w: 1 / w, [0.0]
        )  # the slope computed: derivative() refuses


def test_a_single_far_point_is_drawn_around_itself() -> None:
    fig = plot_tangents(lambda w: 2 * w, [1e300], [2.0])
    low, high = fig.axes[0].get_xlim()
    assert low < 1e300 < high and math.isfinite(high - low)


# Checked when called, not when drawn: bad mathtext, values near the float64 limit, sizes.


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (
            lambda: plot_tangents(J, [1.0], xlabel="$x^$"),
            r"^xlabel must be text whose \$\.\.\.\$ parts are valid mathtext, got str '\$x\^\$'$",
        ),
        (
            lambda: plot_curves({"$a^$": [1.0, 2.0]}, xlabel="step", ylabel="loss"),
            r"^each key of series must be text whose \$\.\.\.\$ parts are valid mathtext",
        ),
        (
            lambda: plot_graph(Value(2.0, label="$x^$") * 2),
            r"^the label of node 0 \('\$x\^\$'\) must be text whose",
        ),
        (
            lambda: plot_curves(
                {"loss": [1e307, 1.7e308]}, xlabel="step", ylabel="loss"
            ),
            r"^series\['loss'\]\[0\] must be at most 1e\+306 in size",
        ),
        (
            lambda: plot_gradient_field(
                lambda x, y: x * y, (-1, 1), (-1, 1), arrows=10**4
            ),
            r"^arrows must be an integer from 2 to 50, got int 10000$",
        ),
        (
            lambda: plot_gradient_field(
                lambda x, y: x * y, (-1, 1), (-1, 1), levels=10**7
            ),
            r"^levels must be an integer from 1 to 100, got int 10000000$",
        ),
        (
            lambda: plot_gradient_field(
                lambda x, y: x * y,
                (-1, 1),
                (-1, 1),
                levels=[i / 1000 for i in range(101)],
            ),
            r"^levels must be at most 100 heights, got list",
        ),
    ],
)
def test_figures_refuse_at_call_time(
    draw: Callable[[], Figure],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        draw()


def test_a_single_dollar_is_text_and_valid_mathtext_is_drawn() -> None:
    fig = plot_tangents(J, [1.0], xlabel="cost in $", ylabel="$\\alpha^2$")
    fig.savefig(io.BytesIO(), format="svg")
    assert fig.axes[0].get_xlabel() == "cost in $"


def test_plot_tangents_refuses_a_point_without_a_derivative() -> None:
    with pytest.raises(
        ValueError, match=r"^f has no derivative at x=0\.0: the one-sided slopes"
    ):
        plot_tangents(abs, [0.0])
    fig = plot_tangents(
        abs, [-1.0, 2.0]
    )  # either side of the kink, slopes -1 and 1
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1:]
    assert labels == ["tangent at $-1$: slope $-1$", "tangent at $2$: slope $1$"]
