"""Tests of derivatives.tensor: layers as matrices agree with the scalar engine, with central
differences and with autograd; the moons data set and every refusal."""

from __future__ import annotations

import subprocess
import sys

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

import derivatives
from derivatives.chain_rule import Value
from derivatives.epsilon import central_difference
from derivatives.nn import MLP
from derivatives.tensor import (
    Dense,
    backward,
    forward,
    hinge_loss,
    matrices,
)

ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]


def batch(n: int = 5, width: int = 3, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, width))


def test_matrices_hold_each_neuron_in_a_row() -> None:
    net = MLP(3, [4, 2], seed=3)
    layers = matrices(net)
    assert [layer.weights.shape for layer in layers] == [(4, 3), (2, 4)]
    assert [layer.activation for layer in layers] == ["tanh", "linear"]
    for layer, arrays in zip(net.layers, layers, strict=True):
        for j, neuron in enumerate(layer.neurons):
            assert arrays.weights[j].tolist() == [w.data for w in neuron.weights]
            assert arrays.bias[j] == neuron.bias.data
    arrays.weights[0, 0] = 99.0  # a copy: the network keeps its weights
    assert net.layers[1].neurons[0].weights[0].data != 99.0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_gives_the_scalar_networks_outputs(activation: str) -> None:
    net = MLP(3, [4, 4, 2], seed=2, activation=activation)
    X = batch()
    outputs = forward(matrices(net), X)
    assert len(outputs) == 4 and np.array_equal(outputs[0], X)
    by_values = [[v.data for v in net(row)] for row in X.tolist()]
    assert np.allclose(outputs[-1], by_values, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_gives_the_scalar_engines_gradients(activation: str) -> None:
    """The loss sum(G * outputs) over a batch: the engine backpropagates it value by value."""
    net = MLP(3, [4, 4, 2], seed=4, activation=activation)
    X = batch(6)
    G = np.random.default_rng(2).normal(size=(6, 2))
    layers = matrices(net)
    by_matrices = backward(layers, forward(layers, X), G)
    loss = sum(
        (
            g * out
            for row, gs in zip(X.tolist(), G.tolist(), strict=True)
            for g, out in zip(gs, net(row), strict=True)
        ),
        Value(0.0),
    )
    net.zero_grad()
    loss.backward()
    for m, s in zip(by_matrices, matrices(net, "grad"), strict=True):
        assert m.weights.shape == s.weights.shape and m.activation == s.activation
        assert np.allclose(m.weights, s.weights, rtol=1e-12, atol=1e-14)
        assert np.allclose(m.bias, s.bias, rtol=1e-12, atol=1e-14)


def test_backward_matches_central_differences() -> None:
    layers = matrices(MLP(2, [3, 1], seed=5))
    X = batch(4, 2)

    def loss() -> float:
        return float((forward(layers, X)[-1] ** 2).sum() / 2)

    out = forward(layers, X)
    grads = backward(layers, out, out[-1])  # d(sum(s**2) / 2)/ds = s
    for layer, g in zip(layers, grads, strict=True):
        for array, slope in ((layer.weights, g.weights), (layer.bias, g.bias)):
            for index in np.ndindex(array.shape):
                saved = array[index]

                def moved(
                    t: float,
                    index: tuple[int, ...] = index,
                    array: np.ndarray = array,
                ) -> float:
                    array[index] = t
                    return loss()

                estimate = central_difference(moved, saved)
                array[index] = saved
                assert abs(estimate - slope[index]) < 1e-8


def test_backward_matches_autograd() -> None:
    layers = matrices(MLP(3, [5, 1], seed=6))
    X, y = batch(8), np.sign(batch(8, 1, seed=3))[:, 0]

    def loss(params: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        a = X
        for k, (W, b) in enumerate(params):
            z = a @ W.T + b
            a = anp.tanh(z) if k == 0 else z
        return anp.mean(anp.maximum(0.0, 1 - y * a[:, 0]))

    params = [(layer.weights, layer.bias) for layer in layers]
    by_autograd = grad(loss)(params)
    outputs = forward(layers, X)
    value, g = hinge_loss(outputs[-1], y)
    assert abs(value - loss(params)) < 1e-15
    for (dW, db), m in zip(by_autograd, backward(layers, outputs, g), strict=True):
        assert np.allclose(dW, m.weights, rtol=1e-13, atol=1e-15)
        assert np.allclose(db, m.bias, rtol=1e-13, atol=1e-15)


def test_hinge_loss_by_hand_and_by_the_engine() -> None:
    loss, g = hinge_loss([2.0, 0.5, -1.0], [1, 1, -1])
    # margins 1 - y*s: -1, 0.5, 0 -> losses 0, 0.5, 0 (the last exactly at the kink)
    assert loss == 0.5 / 3
    assert g.tolist() == [0.0, -1 / 3, 0.0]
    scores = [Value(s) for s in (2.0, 0.5, -1.0, -0.25)]
    labels = [1, 1, -1, 1]
    total = (
        sum(
            ((1 - y * s).relu() for s, y in zip(scores, labels, strict=True)),
            Value(0.0),
        )
        / 4
    )
    total.backward()
    loss, g = hinge_loss(np.array([[2.0], [0.5], [-1.0], [-0.25]]), labels)
    assert g.shape == (4, 1)
    assert loss == total.data and g[:, 0].tolist() == [s.grad for s in scores]


def test_importing_the_package_loads_no_numpy_and_tensor_loads_on_use() -> None:
    code = (
        "import sys, derivatives; print('numpy' in sys.modules); "
        "derivatives.tensor; print('numpy' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "True"]
    assert "tensor" in derivatives.__all__


def good_layers() -> list[Dense]:
    return matrices(MLP(2, [3, 1], seed=0))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: matrices("net"), TypeError, "net must be an MLP, got str 'net'"),
        (
            lambda: matrices(MLP(1, [1]), "value"),
            ValueError,
            "field must be one of",
        ),
        (
            lambda: forward("w", [[1.0, 2.0]]),
            TypeError,
            "layers must be a sequence",
        ),
        (
            lambda: forward([1], [[1.0, 2.0]]),
            TypeError,
            "layers[0] must be a Dense",
        ),
        (
            lambda: forward(good_layers(), [1.0, 2.0]),
            ValueError,
            "X must be a 2-d array",
        ),
        (lambda: forward(good_layers(), [[1.0]]), ValueError, "of shape (n, 2)"),
        (
            lambda: forward(good_layers(), [[1.0, "2"]]),
            TypeError,
            "X must be an array of",
        ),
        (
            lambda: forward(good_layers(), [[True, False]]),
            TypeError,
            "X must be an array of",
        ),
        (
            lambda: forward(good_layers(), [[np.nan, 0]]),
            ValueError,
            "finite numbers",
        ),
        (
            lambda: forward(good_layers()[::-1], [[1.0]]),
            ValueError,
            "layers[1].weights",
        ),
        (
            lambda: forward(
                [good_layers()[0]._replace(bias=np.zeros(2))], [[1.0, 2.0]]
            ),
            ValueError,
            "layers[0].bias must be an array of shape (3,)",
        ),
        (
            lambda: forward(
                [good_layers()[0]._replace(activation="elu")], [[1, 2]]
            ),
            ValueError,
            "layers[0].activation must be one of",
        ),
        (
            lambda: backward(good_layers(), [np.zeros((1, 2))], [[1.0]]),
            ValueError,
            "outputs must be a sequence of 3 arrays",
        ),
        (
            lambda: backward(
                good_layers(), forward(good_layers(), [[1, 2]]), [[1, 2]]
            ),
            ValueError,
            "grad must be a 2-d array of shape (n, 1)",
        ),
        (
            lambda: hinge_loss([1.0, 2.0], [1]),
            ValueError,
            "labels must be an array of shape",
        ),
        (
            lambda: hinge_loss([1.0], [0]),
            ValueError,
            "labels must be an array of -1 and +1",
        ),
        (
            lambda: hinge_loss("s", [1]),
            TypeError,
            "scores must be an array of real numbers",
        ),
    ],
)
def test_refusals_name_the_argument(
    call: object, error: type, message: str
) -> None:
    with pytest.raises(error) as caught:
        call()  # type: ignore[operator]
    assert message in str(caught.value)
    assert "got" in str(caught.value)
