"""Backpropagation from scratch: a small engine for derivatives of scalar computations.

A :class:`Value` wraps one number. Every operation on values returns a new value that
remembers its ``parents`` (the operands, in order: ``a + a`` has the parents ``(a, a)``) and its
``local_grads``, the derivative of the result with respect to each parent, worked out during the
forward pass (for ``a * b`` they are ``(b.data, a.data)``). The values form a computation graph
with the inputs as leaves.

:func:`backward` applies the chain rule to that graph. It visits the nodes from the output back
to the inputs in reverse :func:`topological_order`, so that a node has collected the
contributions of every path through it before it passes its own gradient on::

    parent.grad += local_grad * node.grad

A node used on several paths gets the sum of their contributions. The order is what matters:
:func:`naive_backward` runs the same update path by path, and counts shared nodes more than
once. :func:`graph_table` lists a graph node by node. Plain numbers mix with values on either
side (``2 * v``) as constant leaves; an exponent must be a plain number. An operation whose
result or local derivative is not finite raises ``OverflowError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from derivatives._rules import power as _power
from derivatives._validate import (
    Exact,
    instance,
    is_real,
    number,
    real,
    sequence,
    text,
    type_error,
    unsupported,
)

__all__ = [
    "NodeRow",
    "Value",
    "backward",
    "graph_table",
    "naive_backward",
    "topological_order",
    "zero_grad",
]


class Value:
    """One number in a computation graph, and the output's gradient with respect to it.

    Parameters
    ----------
    data : real number
        The forward value, finite; it can be set later, with the same checks.
    label : str, optional
        A name for tables, figures and :func:`~derivatives.symbolic.to_sympy`.

    Attributes
    ----------
    grad : float
        d(output)/d(node) once the output's :meth:`backward` has run; 0.0 before.
    op, parents, local_grads : str, tuple of Value, tuple of float
        How the node was made ("" for a leaf, else ``"+"``, ``"**2"``, ``"exp"``...),
        its operands, and its derivative with respect to each operand.
    number : int, float, Fraction or None
        The exact number of a constant leaf (the 2 of ``2 * a``) or an exponent.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> e = a * b
    >>> e.backward()
    >>> e.op, e.local_grads, (a.grad, b.grad)
    ('*', (-3.0, 2.0), (-3.0, 2.0))
    """

    __slots__ = "_data", "grad", "_label", "op", "parents", "local_grads", "number"
    __array_ufunc__ = None  # NumPy scalars on the left defer to Value's r-operators

    def __init__(self, data: object, label: str = "") -> None:
        self.data = data
        self.label = label
        self.grad = 0.0
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self.number: Exact | None = None

    @property
    def data(self) -> float:
        """The forward value."""
        return self._data

    @data.setter
    def data(self, value: object) -> None:
        self._data = real(value, "data")

    @property
    def label(self) -> str:
        """The node's name."""
        return self._label

    @label.setter
    def label(self, value: object) -> None:
        self._label = text(value, "label")

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad}, label={self.label!r})"

    def __add__(self, other: object) -> Value:
        """``self + other``: both local derivatives are 1."""
        o = _operand(other, "+")
        return _node(self.data + o.data, "+", (self, o), (1.0, 1.0))

    def __sub__(self, other: object) -> Value:
        """``self - other``: the local derivatives are 1 and -1."""
        o = _operand(other, "-")
        return _node(self.data - o.data, "-", (self, o), (1.0, -1.0))

    def __mul__(self, other: object) -> Value:
        """``self * other``: each local derivative is the other operand."""
        o = _operand(other, "*")
        return _node(self.data * o.data, "*", (self, o), (o.data, self.data))

    def __truediv__(self, other: object) -> Value:
        """``self / other``: the local derivatives are 1/other and -self/other**2."""
        o = _operand(other, "/")
        if o.data == 0:
            raise ZeroDivisionError(f"cannot divide by zero, got {o.data}")
        q = self.data / o.data
        return _node(q, "/", (self, o), (1.0 / o.data, -q / o.data))

    def __pow__(self, exponent: object) -> Value:
        """``self ** p`` for a number p: the local derivative is p * self**(p - 1)."""
        p = number(exponent, "exponent")
        data, local = _power(self.data, p)
        out = _node(data, f"**{p}", (self,), (local,))
        out.number = p
        return out

    def __neg__(self) -> Value:
        """``-self``: the local derivative is -1."""
        return _node(-self.data, "neg", (self,), (-1.0,))

    def __radd__(self, other: object) -> Value:  # other + self
        return _operand(other, "+", reflected=True) + self

    def __rsub__(self, other: object) -> Value:  # other - self
        return _operand(other, "-", reflected=True) - self

    def __rmul__(self, other: object) -> Value:  # other * self
        return _operand(other, "*", reflected=True) * self

    def __rtruediv__(self, other: object) -> Value:  # other / self
        return _operand(other, "/", reflected=True) / self

    def __rpow__(self, base: object) -> Value:
        """Refuse ``base ** value``: write ``(value * math.log(base)).exp()``."""
        if not is_real(base):
            return NotImplemented
        expected = "a real number, not a Value (write (v * log(b)).exp())"
        raise type_error("exponent", expected, self)

    def exp(self) -> Value:
        """e raised to this value: the local derivative is the result itself."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) is too large") from None
        return _node(out, "exp", (self,), (out,))

    def log(self) -> Value:
        """The natural logarithm: the local derivative is 1/data."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data!r}")
        return _node(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def tanh(self) -> Value:
        """The hyperbolic tangent: the local derivative is 1 - tanh**2."""
        z = math.exp(-2.0 * abs(self.data))  # 4z/(1 + z)**2 is 1 - tanh**2, exactly
        slope = 4.0 * z / (1.0 + z) ** 2  # (no cancellation when tanh is near 1)
        return _node(math.tanh(self.data), "tanh", (self,), (slope,))

    def relu(self) -> Value:
        """``max(0, data)``: the local derivative is 1 for positive data, else 0."""
        return _node(max(self.data, 0.0), "relu", (self,), (float(self.data > 0),))

    def sigmoid(self) -> Value:
        """``1 / (1 + exp(-data))``: the local derivative is s * (1 - s)."""
        z = math.exp(-abs(self.data))  # in (0, 1]: cannot overflow
        big, small = 1 / (1 + z), z / (1 + z)  # they add up to 1
        s, rest = (big, small) if self.data >= 0 else (small, big)
        return _node(s, "sigmoid", (self,), (s * rest,))  # rest is 1 - s, exactly

    def backward(self) -> None:
        """Backpropagate from this value: see :func:`backward`."""
        backward(self)


def _node(
    data: float, op: str, parents: tuple[Value, ...], grads: tuple[float, ...]
) -> Value:
    """A new node, made without the constructor's checks; its numbers must be finite."""
    if not math.isfinite(data) or not all(map(math.isfinite, grads)):
        raise OverflowError(
            f"the result of '{op}' is not finite: data {data!r}, local derivatives {grads!r}"
        )
    out = object.__new__(Value)
    out._data, out.grad, out._label, out.number = data, 0.0, "", None
    out.op, out.parents, out.local_grads = op, parents, grads
    return out


def _operand(other: object, symbol: str, reflected: bool = False) -> Value:
    """`other` as a Value: a plain number becomes a constant leaf labelled with it."""
    if isinstance(other, Value):
        return other
    if not is_real(other):
        raise unsupported(symbol, "Value", other, reflected)
    leaf = _node(real(other, "operand"), "", (), ())
    leaf.number = number(other, "operand")
    leaf._label = str(leaf.number)
    return leaf


def topological_order(root: Value) -> list[Value]:
    """List the nodes of `root`'s graph so that every node comes after its parents.

    A depth-first search that lists a node once all its parents are listed: inputs first,
    `root` last, the same order on every run. Its own stack replaces recursion, so a graph
    of any depth works.

    Returns
    -------
    list of Value
        Each node of the graph once.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> d = a * b + a
    >>> [node.label or node.op for node in topological_order(d)]
    ['a', 'b', '*', '+']
    """
    instance(root, Value, "root", "a Value")
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [(root, False)]  # (node, are its parents listed already?)
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))  # comes back after the parents pushed next
            for parent in reversed(node.parents):  # so the first parent pops first
                if parent not in seen:
                    stack.append((parent, False))
    return order


def backward(root: Value) -> None:
    """Add d(root)/d(node) to ``.grad`` of every leaf of `root`'s graph; fill the other nodes.

    Nodes made by an operation start from 0 in each call, ``root.grad`` from 1; then each node,
    output first, adds ``local_grad * node.grad`` to each parent's grad. Leaves are not reset:
    as in PyTorch, a second call (or another output's) adds to their grads, so a training loop
    calls :func:`zero_grad` before each backward pass.

    Raises
    ------
    OverflowError
        If a gradient is not finite; the leaves' grads are then left as they were.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> b = a + a
    >>> backward(b)
    >>> a.grad
    2.0
    >>> backward(b)  # leaves accumulate
    >>> a.grad
    4.0
    """
    order = topological_order(root)
    leaves = [node for node in order if not node.parents]
    before = [leaf.grad for leaf in leaves]
    for node in order:
        if node.parents:
            node.grad = 0.0
    root.grad += 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad
    if not all(math.isfinite(node.grad) for node in order):
        for leaf, grad in zip(leaves, before, strict=True):
            leaf.grad = grad
        raise OverflowError("a gradient of this graph is not finite (too large)")


def zero_grad(params: Sequence[Value]) -> None:
    """Set ``.grad`` of each of `params` to 0, before the next backward pass.

    Examples
    --------
    >>> w = Value(3.0)
    >>> (w * w).backward()
    >>> zero_grad([w])
    >>> w.grad
    0.0
    """
    for i, p in enumerate(sequence(params, "params", "Values", empty=True)):
        instance(p, Value, f"params[{i}]", "a Value").grad = 0.0


_NAIVE_MAX_STEPS = 400  # keeps naive_backward's recursion far from Python's limit


def naive_backward(root: Value) -> None:
    """Backpropagate WITHOUT a topological order: a deliberately wrong version, for teaching.

    Each node adds ``local_grad * node.grad`` to each parent and at once recurses into it. A
    node reached along two paths passes its gradient on after the first path and again after
    the second: its inputs get too much (on a tree the result is right). One step per path
    can grow exponentially, so graphs needing over 400 steps are refused (ValueError).

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> d = x + 1
    >>> naive_backward(d * d)  # d(d*d)/dx = 2 * d = 8, but d passes on 4, then 8 again
    >>> x.grad
    12.0
    """
    order = topological_order(root)
    paths = dict.fromkeys(order, 0)  # number of paths from root to each node
    paths[root] = 1
    for node in reversed(order):
        for parent in node.parents:
            paths[parent] += paths[node]
    steps = sum(paths[node] * len(node.parents) for node in order)
    if steps > _NAIVE_MAX_STEPS:
        raise ValueError(
            f"naive_backward is for small teaching graphs: this one needs {steps} steps, "
            f"more than {_NAIVE_MAX_STEPS}"
        )
    for node in order:
        if node.parents:
            node.grad = 0.0
    root.grad += 1.0
    _push_to_parents(root)


def _push_to_parents(node: Value) -> None:
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        parent.grad += local * node.grad
        _push_to_parents(parent)


class NodeRow(NamedTuple):
    """A row of :func:`graph_table`: one node, its parents named, and its numbers."""

    label: str  # the node's label, or "n<position>" for an unlabelled node
    op: str
    data: float
    parents: tuple[str, ...]
    local_grads: tuple[float, ...]
    grad: float


def graph_table(root: Value) -> list[NodeRow]:
    """Describe `root`'s graph node by node, in :func:`topological_order`.

    Returns
    -------
    list of NodeRow
        One row per node; an unlabelled node is named ``n<i>`` after its position ``i``.

    Examples
    --------
    >>> a = Value(2.0, label="a")
    >>> L = a * 3 + 1
    >>> L.backward()
    >>> for row in graph_table(L):
    ...     print(*row)
    a  2.0 () () 3.0
    3  3.0 () () 2.0
    n2 * 6.0 ('a', '3') (3.0, 2.0) 1.0
    1  1.0 () () 1.0
    n4 + 7.0 ('n2', '1') (1.0, 1.0) 1.0
    """
    order = topological_order(root)
    names = {node: node.label or f"n{i}" for i, node in enumerate(order)}
    return [
        NodeRow(
            names[node],
            node.op,
            node.data,
            tuple(names[p] for p in node.parents),
            node.local_grads,
            node.grad,
        )
        for node in order
    ]
