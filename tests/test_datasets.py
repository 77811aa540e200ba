"""Tests of derivatives.datasets (two moons, the split) and of the classifier figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from derivatives.datasets import make_moons, split
from derivatives.nn import MLP
from derivatives.plotting import mlp_scores, plot_decision_boundary
from tests.test_package import loaded_after


def test_noiseless_moons_lie_on_their_half_circles() -> None:
    """Each class on its own unit half circle: upper half around (-0.5, -0.25), lower half
    around (0.5, 0.25), evenly spaced from end to end."""
    points, labels = make_moons(41, noise=0.0, seed=3)
    upper, lower = points[labels == -1], points[labels == 1]
    assert (len(upper), len(lower)) == (21, 20)
    for part, centre, side in ((upper, (-0.5, -0.25), 1), (lower, (0.5, 0.25), -1)):
        dx, dy = part[:, 0] - centre[0], part[:, 1] - centre[1]
        assert np.allclose(np.hypot(dx, dy), 1.0, atol=1e-12)
        assert np.all(side * dy >= -1e-12)  # the upper or the lower half
        angles = np.sort(np.arctan2(side * dy, side * dx))
        assert angles[0] == pytest.approx(0, abs=1e-12)
        assert angles[-1] == pytest.approx(math.pi, abs=1e-12)
        assert np.allclose(np.diff(angles), math.pi / (len(part) - 1))


def test_moons_are_mirror_images_through_the_origin() -> None:
    points, labels = make_moons(50, noise=0.0)
    upper = {tuple(np.round(p, 9)) for p in points[labels == -1]}
    lower = {tuple(np.round(-p, 9)) for p in points[labels == 1]}
    assert upper == lower
    assert np.allclose(points.mean(axis=0), 0.0, atol=1e-12)


def test_noise_has_the_asked_standard_deviation() -> None:
    """The difference between noisy and noiseless points (same seed, same order) is the noise:
    its standard deviation in each coordinate is `noise`, within sampling error."""
    clean, labels = make_moons(4000, noise=0.0, seed=7)
    noisy, noisy_labels = make_moons(4000, noise=0.2, seed=7)
    assert np.array_equal(labels, noisy_labels)
    moved = noisy - clean
    # The standard error of a standard deviation estimated from n samples is sd / sqrt(2n).
    assert np.allclose(moved.std(axis=0), 0.2, atol=5 * 0.2 / math.sqrt(8000))
    assert np.allclose(moved.mean(axis=0), 0.0, atol=5 * 0.2 / math.sqrt(4000))


def test_moons_are_reproducible_and_shuffled() -> None:
    a, la = make_moons(100, noise=0.1, seed=5)
    b, lb = make_moons(100, noise=0.1, seed=5)
    c, _ = make_moons(100, noise=0.1, seed=6)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)
    assert (
        0 < np.sum(la[:50] == -1) < 50
    )  # the classes are mixed, not in two blocks
    # labels: the platform's default integer, which NumPy prints without a dtype
    assert a.shape == (100, 2) and a.dtype == np.float64 and la.dtype == np.int_


def test_split_partitions_the_examples() -> None:
    points, labels = make_moons(101, noise=0.1, seed=2)
    parts = split(points, labels, held_out=0.3, seed=4)
    assert len(parts.test_points) == round(0.3 * 101) == 30
    assert len(parts.train_points) == 71
    together = np.vstack([parts.train_points, parts.test_points])
    rows = sorted(map(tuple, together))
    assert rows == sorted(
        map(tuple, points)
    )  # every example once, in exactly one part
    # each point keeps its own label
    label_of = {tuple(p): y for p, y in zip(points, labels, strict=True)}
    for part_points, part_labels in (parts[:2], parts[2:]):
        assert [label_of[tuple(p)] for p in part_points] == part_labels.tolist()
    again = split(points, labels, held_out=0.3, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(parts, again, strict=True))


def test_split_keeps_one_example_in_each_part() -> None:
    parts = split([[0.0, 0.0], [1.0, 1.0]], [1, -1], held_out=0.01)
    assert len(parts.train_points) == len(parts.test_points) == 1


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: make_moons(1),
            ValueError,
            "n_points must be an integer of at least 2",
        ),
        (
            lambda: make_moons(2.5),
            TypeError,
            "n_points must be an integer, got float",
        ),
        (
            lambda: make_moons(10, noise=-0.1),
            ValueError,
            "noise must be a number of at",
        ),
        (
            lambda: make_moons(10, noise="a"),
            TypeError,
            "noise must be a real number",
        ),
        (lambda: make_moons(10, seed=1.5), TypeError, "seed must be an integer"),
        (
            lambda: split([[0, 0], [1, 1]], [1]),
            ValueError,
            "labels must be a 1-d array",
        ),
        (
            lambda: split([[0, 0]], [1]),
            ValueError,
            "points must be at least 2 examples",
        ),
        (
            lambda: split(3.0, [1]),
            ValueError,
            "points must be an array with one example",
        ),
        (
            lambda: split([[0, 0], [1, 1]], [1, -1], 1.0),
            ValueError,
            "held_out must be a",
        ),
        (
            lambda: split([[0, 0], [1, 1]], [1, -1], "x"),
            TypeError,
            "held_out must be a",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(
    call: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_the_data_sets_load_numpy_only_when_used() -> None:
    assert loaded_after("import derivatives") == []
    assert loaded_after("import derivatives; derivatives.datasets.make_moons") == [
        "numpy"
    ]


# The figure of a classifier.


def float_score(net: MLP, x: float, y: float) -> float:
    """The network's output with plain floats and math.tanh, straight from the formula."""
    values = [x, y]
    for layer in net.layers:
        sums = [
            sum(w.data * v for w, v in zip(n.weights, values, strict=True))
            + n.bias.data
            for n in layer.neurons
        ]
        act = {
            "tanh": math.tanh,
            "relu": lambda z: max(z, 0.0),
            "linear": lambda z: z,
        }
        values = [act[layer.neurons[0].activation](z) for z in sums]
    return values[0]


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_mlp_scores_are_the_networks_outputs(activation: str) -> None:
    net = MLP(2, [5, 3, 1], seed=4, activation=activation)
    points, _ = make_moons(30, noise=0.3, seed=1)
    scores = mlp_scores(net, points)
    graph = [net(p).data for p in points.tolist()]
    by_hand = [float_score(net, *p) for p in points.tolist()]
    assert np.allclose(scores, graph, rtol=0, atol=1e-12)
    assert np.allclose(scores, by_hand, rtol=0, atol=1e-12)


def test_the_sigmoid_layer_is_computed_as_the_engine_does() -> None:
    net = MLP(2, [4, 1], seed=2, activation="sigmoid")
    points = [[0.3, -2.0], [-1.5, 0.5]]
    assert np.allclose(
        mlp_scores(net, points), [net(p).data for p in points], atol=1e-12
    )


def test_the_figure_marks_exactly_the_misclassified_points() -> None:
    net = MLP(2, [3, 1], seed=0)
    points, labels = make_moons(40, noise=0.2, seed=0)
    fig = plot_decision_boundary(points, labels, net)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    wrong = [
        i
        for i, p in enumerate(points.tolist())
        if (net(p).data > 0) != (labels[i] > 0)
    ]
    rings = next(c for c in ax.collections if c.get_label() == "misclassified")
    assert sorted(map(tuple, rings.get_offsets())) == sorted(
        map(tuple, points[wrong])
    )
    assert 0 < len(wrong) < 40
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["class \u22121", "class +1", "misclassified"]


def test_the_boundary_is_where_the_score_changes_sign() -> None:
    """A linear unit with known weights: score = x - y, boundary the line y = x."""
    net = MLP(2, [1], seed=0)
    (w0, w1), bias = net.layers[0].neurons[0].weights, net.layers[0].neurons[0].bias
    w0.data, w1.data, bias.data = 1.0, -1.0, 0.0
    fig = plot_decision_boundary([[1.0, -1.0], [-1.0, 1.0]], [1, -1], net)
    ax = fig.axes[0]
    boundary = next(c for c in ax.collections if c.get_label() == "misclassified")
    assert len(boundary.get_offsets()) == 0  # both points on their side
    lines = [
        path.vertices
        for c in ax.collections
        if hasattr(c, "get_paths") and c.get_linewidths()[0] == 1.5
        for path in c.get_paths()
        if len(path.vertices)
    ]
    vertices = np.vstack(lines)
    assert np.allclose(vertices[:, 0], vertices[:, 1], atol=1e-9)


def test_without_a_network_only_the_points_are_drawn() -> None:
    fig = plot_decision_boundary([[0.0, 0.0], [1.0, 1.0]], [-1, 1], title="data")
    ax = fig.axes[0]
    assert [c.get_label() for c in ax.collections] == ["class \u22121", "class +1"]
    assert ax.get_title() == "data"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"points": [[0, 0, 0]], "labels": [1]},
            ValueError,
            "points must be an array of shape",
        ),
        (
            {"points": [[0, math.nan]], "labels": [1]},
            ValueError,
            "points must be finite",
        ),
        ({"points": "ab", "labels": [1]}, TypeError, "points must be an array"),
        (
            {"points": [[0, 0]], "labels": [0]},
            ValueError,
            "labels must be one label per point",
        ),
        (
            {"points": [[0, 0]], "labels": [1, 1]},
            ValueError,
            "labels must be one label",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "net": MLP(3, [1])},
            ValueError,
            "net must be an MLP",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "net": MLP(2, [2])},
            ValueError,
            "net must be an MLP",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "net": "net"},
            TypeError,
            "net must be an MLP",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "title": 3},
            TypeError,
            "title must be a str",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "legend": 1},
            TypeError,
            "legend must be True",
        ),
        (
            {"points": [[0, 0]], "labels": [1], "ax": "ax"},
            TypeError,
            "ax must be a matplotlib",
        ),
    ],
)
def test_the_figure_refuses_bad_arguments_by_name(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        plot_decision_boundary(**kwargs)  # type: ignore[arg-type]


def test_mlp_scores_refuses_a_network_of_the_wrong_shape() -> None:
    with pytest.raises(
        ValueError, match="net must be an MLP with 2 inputs and 1 output"
    ):
        mlp_scores(MLP(2, [3, 2]), [[0.0, 0.0]])
    with pytest.raises(ValueError, match="points must be an array of shape"):
        mlp_scores(MLP(2, [1]), [0.0, 0.0, 0.0])
