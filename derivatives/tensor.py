"""Layers as matrices: the networks of :mod:`derivatives.nn` in NumPy, forward and backward.

A layer of ``n_out`` neurons that read ``n_in`` inputs is a weight matrix ``W`` of shape
``(n_out, n_in)``, row ``j`` holding neuron ``j``'s weights, and a bias vector ``b`` of length
``n_out``. For a batch ``X``, one example per row, the layer computes ``X @ W.T + b`` and applies
its activation. The backward pass of the layer is three matrix products: with ``D`` the gradient
of the loss with respect to the layer's sums (one row per example), ``dW = D.T @ X``,
``db = D.sum(axis=0)`` and ``dX = D @ W``.

:func:`matrices` reads the layers of an :class:`~derivatives.nn.MLP` (its values or its
gradients), :func:`forward` and :func:`backward` run the network on a batch, :func:`hinge_loss`
is the classification loss of the lessons (the two-moons data set is
:func:`derivatives.datasets.make_moons`).
NumPy is imported with this module, which ``import derivatives`` does not load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from derivatives._validate import (
    choice,
    instance,
    sequence,
    type_error,
    value_error,
)
from derivatives.nn import MLP

__all__ = [
    "Dense",
    "backward",
    "forward",
    "hinge_loss",
    "matrices",
]

Array = npt.NDArray[np.float64]
_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class Dense(NamedTuple):
    """One layer as arrays: weights ``(n_out, n_in)``, bias ``(n_out,)``, activation name.

    Examples
    --------
    >>> layer = Dense(np.array([[1.0, -2.0]]), np.array([0.5]), "relu")
    >>> forward([layer], np.array([[3.0, 1.0]]))[-1]
    array([[1.5]])
    """

    weights: Array
    """Row ``j`` holds the weights of neuron ``j``."""
    bias: Array
    """One bias per neuron."""
    activation: str
    """``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"linear"``."""


def matrices(net: MLP, field: str = "data") -> list[Dense]:
    """The layers of `net` as arrays: each neuron's weights a row, its bias an entry.

    Parameters
    ----------
    net : MLP
        The network.
    field : {"data", "grad"}, optional
        Read the parameters' values, or the gradients a backward pass left in them.

    Returns
    -------
    list of Dense
        One per layer, in order, with copies of the numbers (changing them leaves `net` as it
        is).

    Raises
    ------
    TypeError
        If `net` is not an :class:`~derivatives.nn.MLP`.
    ValueError
        If `field` is neither "data" nor "grad".

    Examples
    --------
    >>> net = MLP(3, [4, 1], seed=0)
    >>> [layer.weights.shape for layer in matrices(net)]
    [(4, 3), (1, 4)]
    >>> matrices(net)[0].weights[2, 1] == net.layers[0].neurons[2].weights[1].data
    np.True_
    """
    checked = instance(net, MLP, "net", "an MLP")
    name = choice(field, "field", ("data", "grad"))
    layers = []
    for layer in checked.layers:
        rows = [[getattr(w, name) for w in n.weights] for n in layer.neurons]
        bias = [getattr(n.bias, name) for n in layer.neurons]
        activation = layer.neurons[0].activation
        layers.append(Dense(np.array(rows), np.array(bias), activation))
    return layers


def forward(layers: Sequence[Dense], X: npt.ArrayLike) -> list[Array]:
    """Run the layers on the batch `X`: the input, then each layer's output.

    Parameters
    ----------
    layers : sequence of Dense
        The network, for example ``matrices(net)``.
    X : numpy.typing.ArrayLike
        The examples, one per row: shape ``(n, n_in)``.

    Returns
    -------
    list of numpy.ndarray
        ``[X, A1, A2, ...]``: ``A[k] = activation(A[k-1] @ W.T + b)`` for layer ``k``; the
        last is the network's output, one row per example.

    Raises
    ------
    TypeError
        If `layers` is not a sequence of Dense or `X` is not an array of numbers.
    ValueError
        If the shapes do not fit together or `X` holds nan or an infinity.

    Examples
    --------
    >>> net = MLP(2, [3, 1], seed=0)
    >>> out = forward(matrices(net), [[1.0, -2.0]])[-1]
    >>> bool(abs(out[0, 0] - net([1.0, -2.0]).data) < 1e-15)
    True
    """
    checked = _layers(layers)
    outputs = [_matrix(X, "X", checked[0].weights.shape[1])]
    for layer in checked:
        sums = outputs[-1] @ layer.weights.T + layer.bias
        outputs.append(_activate(sums, layer.activation))
    return outputs


def backward(
    layers: Sequence[Dense], outputs: Sequence[Array], grad: npt.ArrayLike
) -> list[Dense]:
    """The gradients of a loss with respect to every weight and bias, layer by layer.

    Parameters
    ----------
    layers : sequence of Dense
        The network.
    outputs : sequence of numpy.ndarray
        What :func:`forward` returned for these layers.
    grad : numpy.typing.ArrayLike
        The gradient of the loss with respect to the network's output, shaped like it.

    Returns
    -------
    list of Dense
        For each layer, the gradients of its weights and biases (summed over the examples),
        shaped like the layer.

    Raises
    ------
    TypeError
        If an argument is not of the kind described.
    ValueError
        If the shapes do not fit together.

    Examples
    --------
    One linear layer ``s = 2 x + 1`` and the loss ``s``: ``dL/dW = x``, ``dL/db = 1``.

    >>> layer = Dense(np.array([[2.0]]), np.array([1.0]), "linear")
    >>> outs = forward([layer], [[3.0]])
    >>> grads = backward([layer], outs, [[1.0]])
    >>> grads[0].weights, grads[0].bias
    (array([[3.]]), array([1.]))
    """
    checked = _layers(layers)
    outs = sequence(outputs, "outputs", "arrays")
    if len(outs) != len(checked) + 1:
        raise value_error(
            "outputs", f"a sequence of {len(checked) + 1} arrays", outputs
        )
    outs = [_matrix(out, f"outputs[{k}]") for k, out in enumerate(outs)]
    upstream = _matrix(grad, "grad", outs[-1].shape[1])
    if upstream.shape != outs[-1].shape:
        raise value_error("grad", f"an array of shape {outs[-1].shape}", grad)
    grads = []
    for k in range(len(checked) - 1, -1, -1):
        layer, inputs, out = checked[k], outs[k], outs[k + 1]
        delta = upstream * _slope(out, layer.activation)  # the gradient of the sums
        grads.append(Dense(delta.T @ inputs, delta.sum(axis=0), layer.activation))
        upstream = delta @ layer.weights  # the gradient of this layer's inputs
    return grads[::-1]


def hinge_loss(scores: npt.ArrayLike, labels: npt.ArrayLike) -> tuple[float, Array]:
    """The mean hinge loss ``max(0, 1 - y s)`` and its gradient with respect to the scores.

    Parameters
    ----------
    scores : numpy.typing.ArrayLike
        The network's score ``s`` of each example: shape ``(n,)`` or ``(n, 1)``.
    labels : numpy.typing.ArrayLike
        Each example's class, -1 or +1: shape ``(n,)``.

    Returns
    -------
    loss : float
        The mean of ``max(0, 1 - y s)`` over the examples.
    grad : numpy.ndarray
        Its gradient, shaped like `scores`: ``-y / n`` where ``1 - y s > 0``, else 0 (as the
        backward pass of ``relu`` gives it).

    Raises
    ------
    TypeError
        If `scores` or `labels` is not an array of numbers.
    ValueError
        If the shapes differ or a label is not -1 or +1.

    Examples
    --------
    >>> hinge_loss([2.0, 0.5, -1.0], [1, 1, 1])
    (0.8333333333333334, array([ 0.        , -0.33333333, -0.33333333]))
    """
    s = np.asarray(_numbers(scores, "scores"))
    flat = s.reshape(-1) if s.ndim == 2 and s.shape[1] == 1 else s
    y = _numbers(labels, "labels")
    if flat.ndim != 1 or y.shape != flat.shape:
        raise value_error("labels", f"an array of shape {flat.shape}", labels)
    if not np.all(np.abs(y) == 1):
        raise value_error("labels", "an array of -1 and +1", labels)
    margins = 1 - y * flat
    active = margins > 0
    grad = np.where(active, -y, 0.0) / len(flat)
    return float(np.where(active, margins, 0.0).mean()), grad.reshape(s.shape)


def _activate(sums: Array, activation: str) -> Array:
    if activation == "tanh":
        return np.tanh(sums)
    if activation == "relu":
        return np.where(sums > 0, sums, 0.0)
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-sums))
    return sums


def _slope(out: Array, activation: str) -> Array:
    """The activation's derivative, from its output (as ``Value`` stores it)."""
    if activation == "tanh":
        return 1 - out**2
    if activation == "relu":
        return (out > 0).astype(np.float64)
    if activation == "sigmoid":
        return out * (1 - out)
    return np.ones_like(out)


def _numbers(value: object, name: str) -> Array:
    if isinstance(value, str | bytes):
        raise type_error(name, "an array of real numbers", value)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nesting
        raise type_error(name, "an array of real numbers", value) from None
    if raw.dtype.kind not in "iuf":  # text, booleans, objects, complex numbers
        raise type_error(name, "an array of real numbers", value)
    array = raw.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise value_error(name, "an array of finite numbers", value)
    return array


def _matrix(value: object, name: str, columns: int | None = None) -> Array:
    array = _numbers(value, name)
    if array.ndim != 2 or (columns is not None and array.shape[1] != columns):
        width = "n" if columns is None else str(columns)
        raise value_error(name, f"a 2-d array of shape (n, {width})", value)
    return array


def _layers(layers: object) -> list[Dense]:
    items = sequence(layers, "layers", "Dense layers")
    checked: list[Dense] = []
    for k, item in enumerate(items):
        layer = instance(item, Dense, f"layers[{k}]", "a Dense")
        weights = _matrix(layer.weights, f"layers[{k}].weights")
        bias = _numbers(layer.bias, f"layers[{k}].bias")
        if bias.shape != (weights.shape[0],):
            raise value_error(
                f"layers[{k}].bias",
                f"an array of shape ({weights.shape[0]},)",
                bias,
            )
        if checked and weights.shape[1] != checked[-1].weights.shape[0]:
            expected = f"an array of {checked[-1].weights.shape[0]} columns"
            raise value_error(f"layers[{k}].weights", expected, weights)
        activation = choice(
            layer.activation, f"layers[{k}].activation", _ACTIVATIONS
        )
        checked.append(Dense(weights, bias, activation))
    return checked
