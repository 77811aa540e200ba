"""A small neural network made of :class:`~derivatives.chain_rule.Value` objects, and its checks.

:class:`Neuron`, :class:`Layer` and :class:`MLP` build, from values, the networks of the
lessons: each call runs a forward pass whose graph
:meth:`~derivatives.chain_rule.Value.backward` can then differentiate.
:func:`sgd_step` takes one step of gradient descent and :func:`gradient_check` compares every
gradient of a graph with a central difference.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import NamedTuple

from derivatives._rules import central, default_step
from derivatives._validate import (
    choice,
    function,
    instance,
    integer,
    positive,
    real,
    sequence,
    type_error,
    value_error,
)
from derivatives.chain_rule import Value, zero_grad
from derivatives.epsilon import relative_error

__all__ = ["MLP", "GradientCheck", "Layer", "Neuron", "gradient_check", "sgd_step"]

_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# Every parameter is a Value of its own: a network of this many is already slow to train.
_MAX_PARAMETERS = 100_000


# A tiny network.

_ACTIVATION_METHODS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


def _name(prefix: str, part: str) -> str:
    return f"{prefix}.{part}" if prefix else part


class Neuron:
    """One unit: ``activation(w[0] * x[0] + ... + w[n-1] * x[n-1] + b)``.

    Parameters
    ----------
    n_inputs : int
        Number of inputs (and weights).
    activation : {"tanh", "relu", "sigmoid", "linear"}, optional
        Applied to the weighted sum; "linear" applies nothing.
    rng : random.Random, optional
        Source of the initial weights, each ``rng.uniform(-1, 1)``; the bias starts at 0.
        Defaults to ``random.Random(0)``.
    name : str, optional
        Prefix of the parameters' labels (``w0``, ``w1``, ..., ``b``).

    Raises
    ------
    TypeError
        If `n_inputs` is not an integer or `rng` is not a ``random.Random``.
    ValueError
        If `n_inputs` is below 1 or `activation` is unknown.

    Examples
    --------
    >>> n = Neuron(2, activation="relu")
    >>> [p.label for p in n.parameters()]
    ['w0', 'w1', 'b']
    >>> n.weights[0].data = 1.0
    >>> n.weights[1].data = -2.0
    >>> n([3.0, 1.0]).data
    1.0
    """

    __slots__ = ("weights", "bias", "activation")

    def __init__(
        self,
        n_inputs: int,
        activation: str = "tanh",
        rng: random.Random | None = None,
        name: str = "",
    ) -> None:
        n = integer(n_inputs, "n_inputs", minimum=1, maximum=_MAX_PARAMETERS - 1)
        self.activation = choice(activation, "activation", _ACTIVATIONS)
        rng = random.Random(0) if rng is None else _rng(rng)
        self.weights = [
            Value(rng.uniform(-1, 1), _name(name, f"w{i}")) for i in range(n)
        ]
        self.bias = Value(0.0, _name(name, "b"))

    def __call__(self, xs: Sequence[Value | float]) -> Value:
        """Return the neuron's output for the inputs `xs`.

        Parameters
        ----------
        xs : sequence of Value or number
            One input per weight.

        Returns
        -------
        Value
            ``activation(w · xs + b)``, the root of a new graph over the parameters.

        Raises
        ------
        TypeError
            If `xs` is not a sequence or holds something that is not a number or a Value.
        ValueError
            If `xs` does not have one input per weight.
        """
        _inputs(xs, len(self.weights))
        total = sum(
            (w * x for w, x in zip(self.weights, xs, strict=True)), self.bias
        )
        if self.activation == "linear":
            return total
        return _ACTIVATION_METHODS[self.activation](total)

    def __repr__(self) -> str:
        return f"Neuron({len(self.weights)}, activation={self.activation!r})"

    def parameters(self) -> list[Value]:
        """Return the weights followed by the bias."""
        return [*self.weights, self.bias]


class Layer:
    """`n_outputs` neurons that all read the same `n_inputs` inputs.

    Parameters
    ----------
    n_inputs, n_outputs : int
        Inputs of each neuron, and number of neurons.
    activation : {"tanh", "relu", "sigmoid", "linear"}, optional
        The neurons' activation.
    rng : random.Random, optional
        Source of the initial weights (see :class:`Neuron`).
    name : str, optional
        Prefix of the parameters' labels: neuron ``j`` is named ``n<j>``.

    Raises
    ------
    TypeError, ValueError
        As for :class:`Neuron`, also for `n_outputs`.

    Examples
    --------
    >>> layer = Layer(3, 2, activation="linear")
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    __slots__ = ("neurons",)

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str = "tanh",
        rng: random.Random | None = None,
        name: str = "",
    ) -> None:
        top = _MAX_PARAMETERS
        inputs = integer(n_inputs, "n_inputs", minimum=1, maximum=top - 1)
        n = integer(n_outputs, "n_outputs", minimum=1, maximum=top)
        if (inputs + 1) * n > top:
            raise value_error(
                "n_outputs",
                f"at most {top // (inputs + 1)} for {inputs} inputs (at most {top} "
                f"parameters)",
                n_outputs,
            )
        rng = random.Random(0) if rng is None else _rng(rng)
        self.neurons = [
            Neuron(n_inputs, activation, rng, _name(name, f"n{j}"))
            for j in range(n)
        ]

    def __call__(self, xs: Sequence[Value | float]) -> list[Value]:
        """Return each neuron's output for the inputs `xs`."""
        return [neuron(xs) for neuron in self.neurons]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return f"Layer({len(first.weights)}, {len(self.neurons)}, activation={first.activation!r})"

    def parameters(self) -> list[Value]:
        """Return every neuron's parameters, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """A multilayer perceptron: layers of neurons, the last one linear.

    Parameters
    ----------
    n_inputs : int
        Number of inputs.
    layer_sizes : sequence of int
        Number of neurons in each layer; the last entry is the number of outputs.
    seed : int, optional
        Seed of the ``random.Random`` that draws the initial weights.
    activation : {"tanh", "relu", "sigmoid", "linear"}, optional
        Activation of every layer except the last.

    Raises
    ------
    TypeError
        If `n_inputs`, an entry of `layer_sizes` or `seed` is not an integer, or
        `layer_sizes` is not a sequence.
    ValueError
        If a size is below 1, `layer_sizes` is empty or `activation` is unknown.

    Examples
    --------
    >>> net = MLP(2, [16, 16, 1])
    >>> len(net.parameters())
    337
    >>> [p.label for p in net.parameters()[:3]]
    ['L1.n0.w0', 'L1.n0.w1', 'L1.n0.b']
    >>> y = net([1.0, -2.0])
    >>> y.backward()
    >>> y.op, net.parameters()[-1].grad
    ('+', 1.0)
    """

    __slots__ = ("layers",)

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        seed: int = 0,
        activation: str = "tanh",
    ) -> None:
        top = _MAX_PARAMETERS
        sizes = [integer(n_inputs, "n_inputs", minimum=1, maximum=top)]
        for k, size in enumerate(sequence(layer_sizes, "layer_sizes", "integers")):
            sizes.append(integer(size, f"layer_sizes[{k}]", minimum=1, maximum=top))
        count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))
        if count > _MAX_PARAMETERS:
            raise value_error(
                "layer_sizes",
                f"sizes that give at most {_MAX_PARAMETERS} parameters with n_inputs="
                f"{sizes[0]} (these give {count})",
                layer_sizes,
            )
        rng = random.Random(integer(seed, "seed"))
        choice(activation, "activation", _ACTIVATIONS)
        last = len(sizes) - 2
        self.layers = [
            Layer(
                sizes[k],
                sizes[k + 1],
                "linear" if k == last else activation,
                rng,
                f"L{k + 1}",
            )
            for k in range(last + 1)
        ]

    def __call__(self, xs: Sequence[Value | float]) -> Value | list[Value]:
        """Return the network's output for the inputs `xs`.

        Parameters
        ----------
        xs : sequence of Value or number
            One input per network input.

        Returns
        -------
        Value or list of Value
            A Value if the last layer has one neuron, else one Value per neuron.

        Raises
        ------
        TypeError, ValueError
            As for :meth:`Neuron.__call__`.
        """
        outs = self.layers[0](xs)
        for layer in self.layers[1:]:
            outs = layer(outs)
        return outs[0] if len(outs) == 1 else outs

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        return f"MLP({len(self.layers[0].neurons[0].weights)}, {sizes})"

    def parameters(self) -> list[Value]:
        """Return every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0, before the next backward pass."""
        zero_grad(self.parameters())


# Learning and checking.


def sgd_step(params: Sequence[Value], lr: float) -> None:
    """Move every parameter one step downhill: ``p.data -= lr * p.grad``.

    This is the update of gradient descent, ``w <- w - lr * dJ/dw``, applied to each parameter
    once the cost's :meth:`~derivatives.chain_rule.Value.backward` has filled in the grads. Only
    ``data`` changes. The grads stay: ``backward()`` adds to them, so a training loop calls
    :func:`~derivatives.chain_rule.zero_grad` (or :meth:`MLP.zero_grad`) before each backward
    pass, as a PyTorch loop calls ``optimizer.zero_grad()``.

    Parameters
    ----------
    params : sequence of Value
        The parameters, each at most once, for example ``MLP.parameters()``.
    lr : int, float, fractions.Fraction or NumPy scalar
        The learning rate (the step size ``alpha``), positive and finite.

    Raises
    ------
    TypeError
        If `params` is not a sequence of Values or `lr` is not a real number.
    ValueError
        If `lr` is not positive and finite, or a parameter appears twice in `params`.
    OverflowError
        If a step would make a parameter infinite; then no parameter is changed.

    Examples
    --------
    One step on ``J = w**2`` from ``w = 3``, where ``dJ/dw = 6``:

    >>> w = Value(3.0, label="w")
    >>> J = w**2
    >>> J.backward()
    >>> sgd_step([w], 0.1)
    >>> w.data  # 3 - 0.1 * 6
    2.4
    """
    checked = _params(params)
    rate = positive(lr, "lr")
    updated = [p.data - rate * p.grad for p in checked]
    for p, value in zip(checked, updated, strict=True):
        if not math.isfinite(value):
            raise OverflowError(
                f"the step makes {p.label or 'a parameter'} non-finite: "
                f"{p.data!r} - {rate!r} * {p.grad!r}"
            )
    for p, value in zip(checked, updated, strict=True):
        p.data = value


class GradientCheck(NamedTuple):
    """One parameter's row of :func:`gradient_check`.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> gradient_check(lambda: a * a, [a])[0]._fields
    ('label', 'backprop', 'numerical', 'relative_error')
    """

    label: str
    """The parameter's label, or ``params[i]`` for an unlabelled one."""
    backprop: float
    """d(loss)/d(parameter) from :meth:`~derivatives.chain_rule.Value.backward`."""
    numerical: float
    """The same derivative from a central difference."""
    relative_error: float
    """:func:`~derivatives.epsilon.relative_error` of the two."""


def gradient_check(
    loss: Callable[[], Value], params: Sequence[Value], eps: float | None = None
) -> list[GradientCheck]:
    """Compare each parameter's backprop gradient with a central difference.

    ``loss`` runs the forward pass: a function without arguments that builds the graph from the
    parameters' current ``data`` and returns its output. It is called once and backpropagated;
    then, for each parameter in turn, its ``data`` is moved to ``data + h`` and ``data - h``
    and ``loss()`` is called again, giving
    :func:`~derivatives.epsilon.central_difference` ``(loss(+h) - loss(-h)) / (2h)``: for
    ``P`` parameters, ``2P + 1`` calls of ``loss`` in all.

    In float64 a correct backward pass and a central difference typically agree to a relative
    error well below 1e-7; an error above about 1e-3 points at a bug. (A kink such as ReLU's
    corner within ``h`` of the point also breaks the agreement.)

    Parameters
    ----------
    loss : callable
        ``loss()`` returns a :class:`~derivatives.chain_rule.Value` computed from the
        parameters' current data.
    params : sequence of Value
        The parameters to check, each at most once. One that ``loss`` does not use gets
        backprop gradient 0.
    eps : real number, optional
        The step ``h``; by default the near-optimal step of
        :func:`~derivatives.epsilon.central_difference`, scaled to each parameter.

    Returns
    -------
    list of GradientCheck
        One row per parameter, in order: label, backprop gradient, numerical gradient and
        their relative error. Afterwards every parameter has its original ``data`` and its
        backprop ``grad``.

    Raises
    ------
    TypeError
        If `loss` is not callable or does not return a Value, `params` is not a sequence of
        Values, or `eps` is not a real number.
    ValueError
        If `params` is empty or repeats a parameter, `eps` is not positive and finite, or
        ``loss()`` fails at a nudged point.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> rows = gradient_check(lambda: a * b + a, [a, b])
    >>> [(row.label, row.backprop, round(row.numerical, 9)) for row in rows]
    [('a', -2.0, -2.0), ('b', 2.0, 2.0)]
    >>> max(row.relative_error for row in rows) < 1e-7
    True
    """
    function(loss, "loss")
    checked = _params(params)
    step = None if eps is None else positive(eps, "eps")

    def forward() -> Value:
        out = loss()
        if not isinstance(out, Value):
            raise type_error("loss()", "a Value", out)
        return out

    zero_grad(checked)  # backward() adds to the parameters' grads
    forward().backward()
    backprop = [p.grad for p in checked]
    rows = []
    for i, (p, grad) in enumerate(zip(checked, backprop, strict=True)):
        saved = p.data

        def moved(t: float, p: Value = p) -> float:
            p.data = t
            return forward().data

        try:
            # f at the parameters is known from the forward pass: two values per parameter
            h = default_step(2, max(abs(saved), 1.0)) if step is None else step
            numerical = central(moved, saved, h)
        finally:
            p.data = saved
        label = p.label or f"params[{i}]"
        rows.append(
            GradientCheck(label, grad, numerical, relative_error(numerical, grad))
        )
    return rows


def _rng(rng: object) -> random.Random:
    return instance(rng, random.Random, "rng", "a random.Random")


def _inputs(xs: object, n_inputs: int) -> Sequence[Value | float]:
    checked = sequence(xs, "xs", "numbers or Values", empty=True)
    if len(checked) != n_inputs:
        raise value_error("xs", f"a sequence of {n_inputs} inputs", xs)
    for i, x in enumerate(checked):
        if not isinstance(x, Value):
            real(x, f"xs[{i}]")
    return checked


def _params(params: object) -> list[Value]:
    items = sequence(params, "params", "Values")
    checked = [
        instance(p, Value, f"params[{i}]", "a Value") for i, p in enumerate(items)
    ]
    if len(set(checked)) != len(checked):
        raise value_error("params", "a sequence without repeats", params)
    return checked
