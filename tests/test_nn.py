"""Tests of derivatives.nn: the network, gradient descent and gradient checking."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy

from derivatives.chain_rule import Value, zero_grad
from derivatives.nn import MLP, Layer, Neuron, gradient_check
from derivatives.symbolic import to_sympy


def float_forward(
    net: MLP, xs: list[float], sums: list[float] | None = None
) -> list[float]:
    """The network's outputs with plain floats, straight from the formula; the weighted sums
    before each activation are appended to `sums` if given."""
    acts = {"tanh": math.tanh, "relu": lambda z: max(z, 0.0), "linear": lambda z: z}
    for layer in net.layers:
        zs = [
            sum(w.data * x for w, x in zip(n.weights, xs, strict=True))
            + n.bias.data
            for n in layer.neurons
        ]
        if sums is not None:
            sums.extend(zs)
        xs = [acts[n.activation](z) for n, z in zip(layer.neurons, zs, strict=True)]
    return xs


def two_layer_relu(params: dict[str, Value]) -> Value:
    """J = (relu(w2 * relu(w1 * x + b1) + b2) - y)**2 / 2 with x = 1, y = 5."""
    a1 = (params["w1"] * 1.0 + params["b1"]).relu()
    a2 = (params["w2"] * a1 + params["b2"]).relu()
    return (a2 - 5.0) ** 2 / 2


def test_mlp_has_337_parameters() -> None:
    net = MLP(2, [16, 16, 1])
    assert (
        len(net.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    )
    labels = [p.label for p in net.parameters()]
    assert len(set(labels)) == 337


def test_mlp_is_seeded() -> None:
    rng = random.Random(7)
    first = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
    net = MLP(2, [3, 1], seed=7)
    assert [w.data for w in net.layers[0].neurons[0].weights] == first
    assert net.layers[0].neurons[0].bias.data == 0.0
    again = MLP(2, [3, 1], seed=7)
    assert [p.data for p in net.parameters()] == [
        p.data for p in again.parameters()
    ]
    assert [p.data for p in MLP(2, [3, 1], seed=8).parameters()] != [
        p.data for p in net.parameters()
    ]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_gradients_match_central_differences(activation: str) -> None:
    net = MLP(3, [4, 4, 1], seed=5, activation=activation)
    assert [layer.neurons[0].activation for layer in net.layers] == [
        activation,
        activation,
        "linear",
    ]
    xs = [0.5, -1.0, 2.0]
    sums: list[float] = []
    float_forward(net, xs, sums)
    assert (
        min(abs(z) for z in sums) > 1e-3
    )  # no ReLU sits on its kink, where nudges disagree
    y = net(xs)
    assert isinstance(y, Value)
    loss = (y - 1.0) ** 2
    loss.backward()
    assert y.data == pytest.approx(float_forward(net, xs)[0], rel=1e-12)
    h = 1e-6
    for p in net.parameters():
        saved = p.data
        p.data = saved + h
        up = (float_forward(net, xs)[0] - 1.0) ** 2
        p.data = saved - h
        down = (float_forward(net, xs)[0] - 1.0) ** 2
        p.data = saved
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_mlp_to_sympy_with_labelled_inputs() -> None:
    net = MLP(2, [2, 1], seed=1)
    xs = [Value(0.3, label="x0"), Value(-0.7, label="x1")]
    y = net(xs)
    assert isinstance(y, Value)
    y.backward()
    expr = to_sympy(y)
    symbols = {s.name: s for s in expr.free_symbols}
    nodes = {p.label: p for p in [*xs, *net.parameters()]}
    assert set(symbols) == set(nodes)
    point = {symbols[k]: nodes[k].data for k in symbols}
    for name, s in symbols.items():
        assert float(sympy.diff(expr, s).subs(point)) == pytest.approx(
            nodes[name].grad, abs=1e-12
        )


def test_mlp_with_several_outputs_returns_a_list() -> None:
    net = MLP(2, [3, 2])
    out = net([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    assert [o.data for o in out] == pytest.approx(
        float_forward(net, [1.0, 2.0]), rel=1e-12
    )


def test_network_parts() -> None:
    neuron = Neuron(2, "sigmoid", random.Random(0), "u")
    neuron.weights[0].data, neuron.weights[1].data, neuron.bias.data = (
        1.0,
        -2.0,
        0.5,
    )
    out = neuron([3, Value(1.0)])
    assert out.data == pytest.approx(1 / (1 + math.exp(-1.5)))  # 3 - 2 + 0.5 = 1.5
    assert [p.label for p in neuron.parameters()] == ["u.w0", "u.w1", "u.b"]
    layer = Layer(3, 2, activation="linear")
    assert len(layer([1, 2, 3])) == 2 and len(layer.parameters()) == 8
    assert repr(neuron) == "Neuron(2, activation='sigmoid')"
    assert repr(layer) == "Layer(3, 2, activation='linear')"
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2, [16, 16, 1])"


def test_training_reduces_the_loss() -> None:
    net = MLP(2, [4, 1], seed=0)
    data = [([1.0, 0.0], 1.0), ([0.0, 1.0], -1.0), ([1.0, 1.0], 0.0)]

    def loss() -> Value:
        total = Value(0.0)
        for x, y in data:
            out = net(x)
            assert isinstance(out, Value)
            total = total + (out - y) ** 2
        return total

    first = loss().data
    for _ in range(30):
        total = loss()
        total.backward()
        for p in net.parameters():
            p.data -= 0.05 * p.grad
    assert loss().data < first / 4


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda: Neuron(0),
            ValueError,
            "n_inputs must be an integer from 1 to 99999, got int 0$",
        ),
        (
            lambda: Neuron(2.0),
            TypeError,
            "n_inputs must be an integer, got float 2.0$",
        ),
        (
            lambda: Neuron(True),
            TypeError,
            "n_inputs must be an integer, got bool True$",
        ),
        (
            lambda: Neuron(2, "softmax"),
            ValueError,
            r"activation must be one of 'tanh', 'relu', 'sigmoid', 'linear', got str 'softmax'$",
        ),
        (
            lambda: Neuron(2, rng=42),
            TypeError,
            "rng must be a random.Random, got int 42$",
        ),
        (
            lambda: Layer(2, -1),
            ValueError,
            "n_outputs must be an integer from 1 to 100000, got int -1$",
        ),
        (
            lambda: MLP(2, []),
            ValueError,
            r"layer_sizes must be a non-empty sequence of integers, got list \[\]$",
        ),
        (
            lambda: MLP(2, 16),
            TypeError,
            "layer_sizes must be a sequence of integers, got int 16$",
        ),
        (
            lambda: MLP(2, "16"),
            TypeError,
            "layer_sizes must be a sequence of integers, got str '16'$",
        ),
        (
            lambda: MLP(2, [16, 0]),
            ValueError,
            r"layer_sizes\[1\] must be an integer from 1 to 100000, got int 0$",
        ),
        (
            lambda: MLP(2, [16, 1.5]),
            TypeError,
            r"layer_sizes\[1\] must be an integer, got float 1.5$",
        ),
        (
            lambda: MLP(-2, [1]),
            ValueError,
            "n_inputs must be an integer from 1 to 100000, got int -2$",
        ),
        (
            lambda: MLP(2, [1], seed=1.5),
            TypeError,
            "seed must be an integer, got float 1.5$",
        ),
        (
            lambda: MLP(2, [1], seed=True),
            TypeError,
            "seed must be an integer, got bool True$",
        ),
        (
            lambda: MLP(2, [1], activation=None),
            ValueError,
            r"activation must be one of .*, got NoneType None$",
        ),
        (
            lambda: MLP(2, [1])([1.0]),
            ValueError,
            r"xs must be a sequence of 2 inputs, got list \[1.0\]$",
        ),
        (
            lambda: MLP(2, [1])("ab"),
            TypeError,
            "xs must be a sequence of numbers or Values, got str 'ab'",
        ),
        (
            lambda: MLP(2, [1])(3.0),
            TypeError,
            "xs must be a sequence of numbers or Values, got float 3.0",
        ),
        (
            lambda: MLP(2, [1])(["a", 1.0]),
            TypeError,
            r"xs\[0\] must be a real number, got str 'a'$",
        ),
    ],
)
def test_network_bad_input(
    build: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        build()


def test_sgd_step_follows_the_closed_form_on_w_squared() -> None:
    from derivatives.nn import sgd_step

    # w <- w - lr * 2w = (1 - 2 lr) w, so after t steps w = (1 - 2 lr)**t * w0
    for lr in (0.1, 0.4, 0.9, 1.1):
        w = Value(3.0, label="w")
        for _ in range(12):
            J = w**2
            zero_grad([w])
            J.backward()
            sgd_step([w], lr)
        assert w.data == pytest.approx((1 - 2 * lr) ** 12 * 3.0, rel=1e-12)


def test_sgd_step_moves_each_parameter_by_lr_times_its_grad() -> None:
    from derivatives.nn import sgd_step

    net = MLP(3, [4, 1], seed=1)
    xs, ys = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5]], [1.0, -1.0]
    loss = sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2
    loss.backward()
    params = net.parameters()
    before = [(p.data, p.grad) for p in params]
    sgd_step(params, Fraction(1, 20))
    for p, (data, grad) in zip(params, before, strict=True):
        assert p.data == data - 0.05 * grad
        assert p.grad == grad  # grads are left alone
    after = sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2
    assert after.data < loss.data  # a small step downhill lowers the loss


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([Value(1.0)], 0), ValueError, "lr must be a positive number, got int 0$"),
        (
            ([Value(1.0)], -0.1),
            ValueError,
            "lr must be a positive number, got float -0.1$",
        ),
        (
            ([Value(1.0)], math.inf),
            ValueError,
            "lr must be a finite real number, got float inf$",
        ),
        (
            ([Value(1.0)], "0.1"),
            TypeError,
            "lr must be a real number, got str '0.1'$",
        ),
        (
            (Value(1.0), 0.1),
            TypeError,
            r"params must be a sequence of Values, got Value Value\(data=1.0, grad=0.0, label=''\)",
        ),
        (([1.0], 0.1), TypeError, r"params\[0\] must be a Value, got float 1.0$"),
    ],
)
def test_sgd_step_bad_input(
    args: tuple[object, object], error: type[Exception], message: str
) -> None:
    from derivatives.nn import sgd_step

    with pytest.raises(error, match=f"^{message}$"):
        sgd_step(*args)  # type: ignore[arg-type]


def test_sgd_step_rejects_repeats_and_overflow_without_changing_anything() -> None:
    from derivatives.nn import sgd_step

    w = Value(1.0, label="w")
    with pytest.raises(
        ValueError, match="^params must be a sequence without repeats, got list "
    ):
        sgd_step([w, w], 0.1)
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    a.grad, b.grad = 1.0, -1e308
    with pytest.raises(OverflowError, match="^the step makes b non-finite"):
        sgd_step([a, b], 1e10)
    assert (a.data, b.data) == (1.0, 2.0)


def test_gradient_check_two_layer_network() -> None:
    from derivatives.nn import GradientCheck, gradient_check

    params = {
        n: Value(v, label=n)
        for n, v in [("w1", 2.0), ("b1", 0.0), ("w2", 3.0), ("b2", 1.0)]
    }
    rows = gradient_check(lambda: two_layer_relu(params), list(params.values()))
    assert all(isinstance(row, GradientCheck) for row in rows)
    # by hand: dJ/da2 = 7 - 5 = 2; dJ/dw2 = 2 * a1 = 4; dJ/db2 = 2; dJ/dw1 = dJ/db1 = 2 * w2 * x = 6
    assert [(row.label, row.backprop) for row in rows] == [
        ("w1", 6.0),
        ("b1", 6.0),
        ("w2", 4.0),
        ("b2", 2.0),
    ]
    for row in rows:
        assert row.numerical == pytest.approx(row.backprop, rel=1e-8)
        assert row.relative_error < 1e-8
    # the parameters are restored, and hold their backprop grads
    assert [p.data for p in params.values()] == [2.0, 0.0, 3.0, 1.0]
    assert [p.grad for p in params.values()] == [6.0, 6.0, 4.0, 2.0]


def test_gradient_check_catches_a_wrong_local_derivative() -> None:
    from derivatives.nn import gradient_check

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")

    def buggy() -> Value:
        out = a * b
        out.local_grads = (a.data, a.data)  # wrong: d(ab)/da is b, not a
        return out

    rows = gradient_check(buggy, [a, b])
    assert rows[0].backprop == 2.0 and rows[0].numerical == pytest.approx(-3.0)
    assert rows[0].relative_error == pytest.approx(5 / 3)  # |-3 - 2| / 3
    assert rows[1].relative_error < 1e-9  # d(ab)/db = a is right


def test_gradient_check_mlp_and_unused_parameter() -> None:
    from derivatives.nn import gradient_check

    net = MLP(3, [4, 4, 1], seed=0)
    unused = Value(5.0, label="unused")
    unused.grad = 123.0  # stale
    xs, ys = [[2.0, 3.0, -1.0], [0.5, 1.0, 1.0]], [1.0, -1.0]

    def loss() -> Value:
        return sum((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)) / 2

    rows = gradient_check(loss, [*net.parameters(), unused], eps=1e-5)
    assert len(rows) == len(net.parameters()) + 1
    assert max(row.relative_error for row in rows[:-1]) < 1e-6
    assert rows[-1] == ("unused", 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((3.0, [Value(1.0)]), TypeError, "loss must be callable, got float 3.0$"),
        (
            (lambda: 1.0, [Value(1.0)]),
            TypeError,
            "loss\\(\\) must be a Value, got float 1.0$",
        ),
        (
            (lambda: Value(1.0), []),
            ValueError,
            r"params must be a non-empty sequence of Values, got list \[\]$",
        ),
        (
            (lambda: Value(1.0), "ab"),
            TypeError,
            "params must be a sequence of Values, got str 'ab'$",
        ),
        (
            (lambda: Value(1.0), [Value(1.0)], 0.0),
            ValueError,
            "eps must be a positive number, got float 0.0$",
        ),
    ],
)
def test_gradient_check_bad_input(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    from derivatives.nn import gradient_check

    with pytest.raises(error, match=f"^{message}"):
        gradient_check(*args)  # type: ignore[arg-type]


def test_gradient_check_restores_data_when_loss_fails() -> None:
    from derivatives.nn import gradient_check

    w = Value(1e-7, label="w")  # log(w - h) is undefined for the default step
    with pytest.raises(ValueError, match="could not be evaluated"):
        gradient_check(lambda: w.log(), [w], eps=1e-3)
    assert w.data == 1e-7


# Sizes have limits; a bad input is named.


def test_a_network_past_the_parameter_limit_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=r"^layer_sizes\[0\] must be an integer from 1 to 100000, got int 1000000$",
    ):
        MLP(2, [10**6, 10**6])
    with pytest.raises(
        ValueError,
        match=r"^layer_sizes must be sizes that give at most 100000 parameters with "
        r"n_inputs=2 \(these give 1004000\), got list \[1000, 1000\]$",
    ):
        MLP(2, [1000, 1000])  # (2 + 1) * 1000 + (1000 + 1) * 1000 = 1004000
    with pytest.raises(
        ValueError, match=r"^n_outputs must be at most 99 for 1000 inputs"
    ):
        Layer(1000, 1000)
    with pytest.raises(
        ValueError, match=r"^n_inputs must be an integer from 1 to 99999"
    ):
        Neuron(10**9)
    # just inside the limit: (99 + 1) * 1000 = 100000 parameters
    assert len(Layer(99, 1000).parameters()) == 100_000


@pytest.mark.parametrize(
    ("xs", "error", "message"),
    [
        (["a", 1.0], TypeError, r"^xs\[0\] must be a real number, got str 'a'$"),
        (
            [1.0, None],
            TypeError,
            r"^xs\[1\] must be a real number, got NoneType None$",
        ),
        ([1.0, float("inf")], ValueError, r"^xs\[1\] must be a finite real number"),
    ],
)
def test_an_mlp_names_the_bad_input(
    xs: list[object], error: type[Exception], message: str
) -> None:
    net = MLP(2, [3, 1])
    with pytest.raises(error, match=message):
        net(xs)  # type: ignore[arg-type]
    assert isinstance(net([1.0, Value(2.0)]), Value)


def test_gradient_check_calls_the_loss_twice_per_parameter_and_once_more() -> None:
    w, b = Value(2.0, label="w"), Value(-1.0, label="b")
    calls = []

    def loss() -> Value:
        calls.append((w.data, b.data))
        return (w * 3.0 + b) ** 2

    rows = gradient_check(loss, [w, b])
    assert len(calls) == 2 * 2 + 1
    # d/dw (3w + b)**2 = 6 (3w + b) = 30, d/db = 2 (3w + b) = 10, by hand
    assert [round(r.numerical, 6) for r in rows] == [30.0, 10.0]
    assert [r.backprop for r in rows] == [30.0, 10.0]
