"""Backpropagation from scratch: scalar reverse-mode automatic differentiation.

A :class:`Value` wraps one number. Every operation on values (``+ - * / **``, unary ``-``,
``exp``, ``log``, ``tanh``, ``relu``, ``sigmoid``) returns a new value that remembers

* ``parents``: its operands, in order (``a + a`` has the parents ``(a, a)``), and
* ``local_grads``: the derivative of the result with respect to each operand, computed
  during the forward pass (for ``a * b`` they are ``(b.data, a.data)``).

The values form a computation graph with the inputs as leaves. :meth:`Value.backward`
applies the chain rule to it. It visits the nodes from the output back to the inputs in
reverse :func:`topological_order`, so that a node has collected the contributions of every
path through it before it passes its own gradient on::

    parent.grad += local_grad * node.grad

A node used on several paths therefore gets the sum of their contributions. The order is
what matters: :func:`naive_backward` runs the same update while walking the graph path by
path, and counts shared nodes more than once.

:func:`graph_table` lists a graph node by node, :func:`to_sympy` turns it into a formula so
that SymPy can check the gradients, and :class:`MLP` is a small network built from values.
:func:`sgd_step` takes one step of gradient descent, and :func:`gradient_check` compares
every gradient of a graph with a central difference.

Examples
--------
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> e = a * b + a
>>> e.backward()
>>> e.data, a.grad, b.grad
(-4.0, -2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers
import operator
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import NamedTuple, SupportsFloat, TypeAlias

import sympy

from derivatives.epsilon import central_difference, relative_error

__all__ = [
    "MLP",
    "GradientCheck",
    "Layer",
    "Neuron",
    "NodeRow",
    "Value",
    "gradient_check",
    "graph_table",
    "naive_backward",
    "sgd_step",
    "to_sympy",
    "topological_order",
]

Number: TypeAlias = SupportsFloat
"""A real number: ``int``, ``float``, ``fractions.Fraction`` or a NumPy scalar (not ``bool``)."""

_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
_NAIVE_MAX_STEPS = 400  # keeps naive_backward's recursion far from Python's limit


class Value:
    """One number in a computation graph, with the gradient of the output with respect to it.

    Parameters
    ----------
    data : int, float, fractions.Fraction or NumPy scalar
        The number; it must be real and finite.
    label : str, optional
        A name shown in tables and figures, and the symbol used by :func:`to_sympy`.
        It can be set later: ``e = a * b; e.label = "e"``.

    Attributes
    ----------
    data : float
        The forward value.
    grad : float
        d(output)/d(this node) after the output's :meth:`backward`; 0.0 before.
    label : str
        The node's name ("" if none).
    op : str
        The operation that produced the node: "" for a leaf, else "+", "-", "*", "/",
        ``"**p"`` (for example ``"**2"``), "neg", "exp", "log", "tanh", "relu" or "sigmoid".
    parents : tuple of Value
        The operands, in order.
    local_grads : tuple of float
        d(this node)/d(parent) for each parent, from the forward pass.

    Raises
    ------
    TypeError
        If `data` is not a real number (``bool``, ``str`` and ``complex`` are not) or
        `label` is not a ``str``.
    ValueError
        If `data` is nan or infinite.

    Notes
    -----
    Plain numbers mix with values on either side (``2 * v``, ``1 - v``, ``v + 1``): they
    enter the graph as constant leaves labelled with the number. An exponent must be a
    plain number. Values compare and hash by identity.

    Examples
    --------
    >>> a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    >>> e = a * b
    >>> e.label = "e"
    >>> e
    Value(data=-6.0, grad=0.0, label='e')
    >>> e.op, [p.label for p in e.parents], e.local_grads
    ('*', ['a', 'b'], (-3.0, 2.0))
    >>> d = e + c
    >>> d.backward()
    >>> a.grad, b.grad, c.grad
    (-3.0, 2.0, 1.0)
    >>> (1 - a / 4) ** 2
    Value(data=0.25, grad=0.0, label='')
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "_number")
    __array_ufunc__ = None  # NumPy scalars on the left defer to Value's reflected operators

    data: float
    grad: float
    label: str
    op: str
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]
    _number: int | float | Fraction | None  # a constant leaf's number or a power's exponent

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = float(_real(data, "data"))
        self.grad = 0.0
        self.label = _check_label(label)
        self.op = ""
        self.parents = ()
        self.local_grads = ()
        self._number = None

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r}, label={self.label!r})"

    # Arithmetic. For an operand it does not know, ``v + x`` returns NotImplemented (so that
    # x's type may handle it) and ``x + v``, Python's last try, raises a TypeError naming
    # both types.

    def __add__(self, other: Value | Number) -> Value:
        """Return ``self + other``; both local derivatives are 1."""
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _node(self.data + o.data, "+", (self, o), (1.0, 1.0))

    def __sub__(self, other: Value | Number) -> Value:
        """Return ``self - other``; the local derivatives are 1 and -1."""
        o = _operand(other)
        if o is None:
            return NotImplemented
        return _node(self.data - o.data, "-", (self, o), (1.0, -1.0))

    def __mul__(self, other: Value | Number) -> Value:
        """Return ``self * other``; each local derivative is the other operand."""
        o = _operand(other)
        if o is None:  # not NotImplemented: "v * 'ab'" would become a string repetition error
            raise _unsupported("*", self, other)
        return _node(self.data * o.data, "*", (self, o), (o.data, self.data))

    def __truediv__(self, other: Value | Number) -> Value:
        """Return ``self / other``; the local derivatives are 1/b and -a/b**2."""
        o = _operand(other)
        if o is None:
            return NotImplemented
        if o.data == 0:
            raise ZeroDivisionError(f"cannot divide by a denominator equal to zero, got {o.data!r}")
        q = self.data / o.data
        return _node(q, "/", (self, o), (1.0 / o.data, -q / o.data))

    def __pow__(self, exponent: Number) -> Value:
        """Return ``self ** exponent`` for a plain-number exponent.

        The local derivative is ``exponent * self ** (exponent - 1)``. A negative base needs
        an integer exponent (ValueError), zero a non-negative one (ZeroDivisionError).
        """
        p = _exponent(exponent)
        data, local = _power(self.data, p)
        out = _node(data, f"**{p}", (self,), (local,))
        out._number = p
        return out

    def __radd__(self, other: Number) -> Value:
        """Return ``other + self``."""
        o = _operand(other)
        if o is None:
            raise _unsupported("+", other, self)
        return o + self

    def __rsub__(self, other: Number) -> Value:
        """Return ``other - self``."""
        o = _operand(other)
        if o is None:
            raise _unsupported("-", other, self)
        return o - self

    def __rmul__(self, other: Number) -> Value:
        """Return ``other * self``."""
        o = _operand(other)
        if o is None:
            raise _unsupported("*", other, self)
        return o * self

    def __rtruediv__(self, other: Number) -> Value:
        """Return ``other / self``."""
        o = _operand(other)
        if o is None:
            raise _unsupported("/", other, self)
        return o / self

    def __rpow__(self, base: Number) -> Value:
        """Refuse ``base ** value``: exponents must be plain numbers."""
        if _operand(base) is None:
            return NotImplemented
        raise TypeError(
            "exponent must be a real number, got Value; write (v * math.log(base)).exp() "
            "for base ** v"
        )

    def __neg__(self) -> Value:
        """Return ``-self``; the local derivative is -1."""
        return _node(-self.data, "neg", (self,), (-1.0,))

    # Functions of one value.

    def exp(self) -> Value:
        """Return e raised to this value.

        Returns
        -------
        Value
            ``exp(data)``; its local derivative is ``exp(data)`` itself.

        Raises
        ------
        OverflowError
            If the result is too large for a float (data above about 709.78).

        Examples
        --------
        >>> Value(0.0).exp()
        Value(data=1.0, grad=0.0, label='')
        """
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) is too large for a float") from None
        return _node(data, "exp", (self,), (data,))

    def log(self) -> Value:
        """Return the natural logarithm of this value.

        Returns
        -------
        Value
            ``log(data)``; its local derivative is ``1 / data``.

        Raises
        ------
        ValueError
            If data is zero or negative.

        Examples
        --------
        >>> x = Value(4.0)
        >>> y = x.log()
        >>> y.backward()
        >>> round(y.data, 6), x.grad
        (1.386294, 0.25)
        """
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data!r}")
        return _node(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def tanh(self) -> Value:
        """Return the hyperbolic tangent of this value.

        Returns
        -------
        Value
            ``tanh(data)``, between -1 and 1; its local derivative is ``1 - tanh(data)**2``.
            Stable for large inputs: ``tanh(1000)`` is 1.0 with derivative 0.0.

        Examples
        --------
        >>> x = Value(1000.0)
        >>> y = x.tanh()
        >>> y.backward()
        >>> y.data, x.grad
        (1.0, 0.0)
        """
        z = math.exp(-2.0 * abs(self.data))  # in (0, 1]: cannot overflow
        # 4z / (1 + z)**2 equals 1 - tanh**2 but keeps its digits when tanh is near +-1
        return _node(math.tanh(self.data), "tanh", (self,), (4.0 * z / (1.0 + z) ** 2,))

    def relu(self) -> Value:
        """Return ``max(0, data)``, the rectified linear unit.

        Returns
        -------
        Value
            The data if positive, else 0.0; the local derivative is 1.0 for positive data
            and 0.0 otherwise (0.0 at exactly zero, by convention).

        Examples
        --------
        >>> Value(-2.0).relu().data, Value(3.0).relu().data
        (0.0, 3.0)
        """
        positive = self.data > 0
        return _node(self.data if positive else 0.0, "relu", (self,), (float(positive),))

    def sigmoid(self) -> Value:
        """Return the logistic function ``1 / (1 + exp(-data))``.

        Returns
        -------
        Value
            A number between 0 and 1; its local derivative is ``s * (1 - s)``. Computed
            without overflow: ``sigmoid(-1000)`` is 0.0 with derivative 0.0.

        Examples
        --------
        >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
        (0.5, 0.0)
        """
        z = math.exp(-abs(self.data))  # in (0, 1]: cannot overflow
        near_one, near_zero = 1.0 / (1.0 + z), z / (1.0 + z)  # they add up to 1
        s, rest = (near_one, near_zero) if self.data >= 0 else (near_zero, near_one)
        return _node(s, "sigmoid", (self,), (s * rest,))  # s * (1 - s), without cancellation

    def backward(self) -> None:
        """Fill ``.grad`` of every node of this value's graph with d(self)/d(node).

        The grads of all nodes in the graph are first reset to 0, this node's grad is set
        to 1, and then, in reverse topological order, each node adds
        ``local_grad * node.grad`` to each of its parents. A node reached along several
        paths therefore gets the sum of their contributions.

        Because of the reset, calling ``backward()`` twice gives the same grads as calling
        it once. PyTorch instead accumulates into ``.grad`` across calls, which is why
        training loops there call ``optimizer.zero_grad()``. To combine two outputs that
        share nodes, add them and call ``backward()`` on the sum.

        Examples
        --------
        >>> a = Value(3.0, label="a")
        >>> b = a + a
        >>> b.backward()
        >>> b.backward()
        >>> a.grad
        2.0
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad += local * node.grad


def _node(
    data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]
) -> Value:
    """Make the result of an operation (skipping ``Value.__init__``'s input checks)."""
    if not math.isfinite(data) or not all(map(math.isfinite, local_grads)):
        raise OverflowError(
            f"the result of '{op}' is not finite: data {data!r}, local derivatives {local_grads!r}"
        )
    out = object.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = op
    out.parents = parents
    out.local_grads = local_grads
    out._number = None
    return out


def _power(x: float, p: int | float | Fraction) -> tuple[float, float]:
    """Return ``x ** p`` and its derivative ``p * x ** (p - 1)`` as floats."""
    if x < 0 and not float(p).is_integer():
        raise ValueError(f"a negative base needs an integer exponent: ({x!r}) ** {p} is not real")
    if x == 0 and p < 0:
        raise ZeroDivisionError(f"0.0 ** {p} divides by zero")
    if x == 0 and 0 < p < 1:
        raise ValueError(f"the derivative of x ** {p} is infinite at x = 0.0")
    if p == 0:
        return 1.0, 0.0
    try:
        return x ** float(p), float(p) * x ** (float(p) - 1)
    except OverflowError:
        raise OverflowError(f"({x!r}) ** {p} is too large for a float") from None


# Input checks, one helper per kind.


def _real(x: object, name: str) -> int | float | Fraction:
    """Return `x` as an exact Python number; reject non-real and non-finite input."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    if isinstance(x, numbers.Integral):
        exact: int | float | Fraction = int(x)
    elif isinstance(x, numbers.Rational):
        exact = Fraction(x)
    else:
        exact = float(x)
    try:
        finite = math.isfinite(exact)
    except OverflowError:  # an int or Fraction beyond the float range
        finite = False
    if not finite:
        raise ValueError(f"{name} must be a finite real number, got {x!r}")
    return exact


def _operand(other: object) -> Value | None:
    """Return `other` as a Value (numbers become labelled constant leaves), or None if it is
    neither a Value nor a real number."""
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        return None
    number = _real(other, "operand")
    leaf = _node(float(number), "", (), ())
    leaf.label = str(number)
    leaf._number = number
    return leaf


def _unsupported(symbol: str, left: object, right: object) -> TypeError:
    return TypeError(
        f"unsupported operand type(s) for {symbol}: "
        f"'{type(left).__name__}' and '{type(right).__name__}'"
    )


def _exponent(exponent: object) -> int | float | Fraction:
    """Check that an exponent is a plain finite real number (not a Value)."""
    if isinstance(exponent, Value):
        raise TypeError("exponent must be a real number, got Value")
    return _real(exponent, "exponent")


def _check_label(label: object) -> str:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    return label


def _check_value(node: object, name: str) -> Value:
    if not isinstance(node, Value):
        raise TypeError(f"{name} must be a Value, got {type(node).__name__}")
    return node


def _check_count(n: object, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _check_sizes(sizes: object) -> list[int]:
    if not isinstance(sizes, Sequence) or isinstance(sizes, str):
        raise TypeError(f"layer_sizes must be a sequence of integers, got {type(sizes).__name__}")
    if not sizes:
        raise ValueError("layer_sizes must name at least one layer, got an empty sequence")
    return [_check_count(n, f"layer_sizes[{k}]") for k, n in enumerate(sizes)]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    return int(seed)


def _check_activation(activation: object) -> str:
    if not isinstance(activation, str) or activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
    return activation


def _check_rng(rng: object) -> random.Random:
    if not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
    return rng


def _check_inputs(xs: object, n_inputs: int) -> Sequence[Value | Number]:
    if not isinstance(xs, Sequence) or isinstance(xs, str):
        raise TypeError(f"xs must be a sequence of numbers or Values, got {type(xs).__name__}")
    if len(xs) != n_inputs:
        raise ValueError(f"xs must have {n_inputs} inputs, got {len(xs)}")
    return xs


# The graph as a whole.


def topological_order(root: Value) -> list[Value]:
    """List the nodes of `root`'s graph so that every node comes after its parents.

    A depth-first search that follows ``parents`` in order and appends a node once all its
    parents are listed: inputs first, `root` last, and the same order on every run. It keeps
    its own stack instead of recursing, so graphs of any depth work: the order is the one
    of the recursive ``visit(node)`` that visits each unseen parent, then appends `node`.

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    list of Value
        Each node of the graph once.

    Raises
    ------
    TypeError
        If `root` is not a Value.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> c = a * b
    >>> c.label = "c"
    >>> d = c + a
    >>> d.label = "d"
    >>> [node.label for node in topological_order(d)]
    ['a', 'b', 'c', 'd']
    """
    _check_value(root, "root")
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
            for parent in reversed(node.parents):  # reversed: the first parent pops first
                if parent not in seen:
                    stack.append((parent, False))
    return order


def naive_backward(root: Value) -> None:
    """Backpropagate WITHOUT a topological order: a deliberately wrong version for teaching.

    After resetting the grads and setting ``root.grad = 1``, it recurses from `root`: each
    node adds ``local_grad * node.grad`` to each parent and immediately recurses into that
    parent. A node reached along two paths passes its gradient on after the first path,
    before the second has arrived, and passes it again (now larger) after the second: its
    inputs get too much. On a tree, where every node has one path to the output, the result
    is right. :meth:`Value.backward` is the correct version.

    It takes one step per path through the graph, a number that can grow exponentially,
    so it only accepts small graphs.

    Parameters
    ----------
    root : Value
        The output node.

    Raises
    ------
    TypeError
        If `root` is not a Value.
    ValueError
        If the walk would take more than 400 steps; nothing is changed then.

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> d = x + 1          # d = 4, used twice below
    >>> e = d * d          # de/dx = 2 * d = 8
    >>> naive_backward(e)
    >>> x.grad             # wrong: d passed on 4 after the first path, then 8 again
    12.0
    >>> e.backward()
    >>> x.grad
    8.0
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
        node.grad = 0.0
    root.grad = 1.0
    _push_to_parents(root)


def _push_to_parents(node: Value) -> None:
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        parent.grad += local * node.grad
        _push_to_parents(parent)


class NodeRow(NamedTuple):
    """One node of a computation graph, as a row of :func:`graph_table`.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> graph_table(a.exp())[1]
    NodeRow(label='n1', op='exp', data=20.085536923187668, parents=('a',), \
local_grads=(20.085536923187668,), grad=0.0)
    """

    label: str
    """The node's label, or "n<position>" for an unlabelled node."""
    op: str
    """The operation ("" for a leaf)."""
    data: float
    """The forward value."""
    parents: tuple[str, ...]
    """The names of the node's parents."""
    local_grads: tuple[float, ...]
    """d(node)/d(parent) for each parent."""
    grad: float
    """d(output)/d(node), once ``backward()`` has run."""


def graph_table(root: Value) -> list[NodeRow]:
    """Describe `root`'s graph node by node, inputs first.

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    list of NodeRow
        One row per node in :func:`topological_order`. An unlabelled node is named
        ``n<i>`` after its position ``i`` in that order; a constant that entered through an
        operation (the 2 in ``2 * a``) is labelled with its number.

    Raises
    ------
    TypeError
        If `root` is not a Value.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = a * b + 1
    >>> L.label = "L"
    >>> L.backward()
    >>> for row in graph_table(L):
    ...     print(row.label, row.op, row.data, row.parents, row.local_grads, row.grad)
    a  2.0 () () -3.0
    b  -3.0 () () 2.0
    n2 * -6.0 ('a', 'b') (-3.0, 2.0) 1.0
    1  1.0 () () 1.0
    L + -5.0 ('n2', '1') (1.0, 1.0) 1.0
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


_SYMPY_OPS: dict[str, Callable[..., sympy.Expr]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "neg": operator.neg,
    "exp": sympy.exp,
    "log": sympy.log,
    "tanh": sympy.tanh,
    "relu": lambda x: sympy.Piecewise((x, x > 0), (0, True)),
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
}


def to_sympy(root: Value) -> sympy.Expr:
    """Rebuild the formula that `root`'s graph computes, as a SymPy expression.

    Each labelled leaf becomes ``sympy.Symbol(label)``; constants (the 2 in ``2 * a``) and
    exponents become SymPy numbers (``Integer``, ``Rational`` for a ``Fraction``, ``Float``).
    ``relu`` becomes a ``Piecewise`` whose derivative at 0 is 0, as in :meth:`Value.relu`.
    Differentiating the result with SymPy and substituting the leaves' data reproduces the
    grads of :meth:`Value.backward`. (SymPy 1.13 and later treat ``Integer(6) == 6.0`` as
    False: compare ``float(...)`` with a grad, or substitute the float data.)

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    sympy.Expr
        The expression.

    Raises
    ------
    TypeError
        If `root` is not a Value.
    ValueError
        If a leaf has no label, two different leaves share a label, or a node's ``op`` is
        not one that :class:`Value` produces.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = (a * b + 1) ** 2 / 2
    >>> expr = to_sympy(L)
    >>> expr
    (a*b + 1)**2/2
    >>> L.backward()
    >>> sa, sb = sympy.symbols("a b")
    >>> sympy.diff(expr, sa).subs({sa: 2, sb: -3}), a.grad
    (15, 15.0)
    """
    exprs: dict[Value, sympy.Expr] = {}
    leaves: dict[str, Value] = {}
    for node in topological_order(root):
        if node.parents:
            exprs[node] = _sympy_op(node)(*(exprs[p] for p in node.parents))
        elif node._number is not None:
            exprs[node] = _sympy_number(node._number)
        elif not node.label:
            raise ValueError(f"every leaf needs a label for to_sympy, got an unlabelled {node!r}")
        elif leaves.setdefault(node.label, node) is not node:
            raise ValueError(f"two different leaves are labelled {node.label!r}")
        else:
            exprs[node] = sympy.Symbol(node.label)
    return exprs[root]


def _sympy_op(node: Value) -> Callable[..., sympy.Expr]:
    if node.op.startswith("**") and node._number is not None:
        exponent = _sympy_number(node._number)
        return lambda x: x**exponent
    if node.op not in _SYMPY_OPS:
        raise ValueError(f"op must be one that Value produces, got {node.op!r}")
    return _SYMPY_OPS[node.op]


def _sympy_number(number: int | float | Fraction) -> sympy.Expr:
    if isinstance(number, Fraction):
        return sympy.Rational(number.numerator, number.denominator)
    return sympy.Integer(number) if isinstance(number, int) else sympy.Float(number)


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
        n = _check_count(n_inputs, "n_inputs")
        self.activation = _check_activation(activation)
        rng = random.Random(0) if rng is None else _check_rng(rng)
        self.weights = [Value(rng.uniform(-1, 1), _name(name, f"w{i}")) for i in range(n)]
        self.bias = Value(0.0, _name(name, "b"))

    def __call__(self, xs: Sequence[Value | Number]) -> Value:
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
        _check_inputs(xs, len(self.weights))
        total = sum((w * x for w, x in zip(self.weights, xs, strict=True)), self.bias)
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
        n = _check_count(n_outputs, "n_outputs")
        rng = random.Random(0) if rng is None else _check_rng(rng)
        self.neurons = [Neuron(n_inputs, activation, rng, _name(name, f"n{j}")) for j in range(n)]

    def __call__(self, xs: Sequence[Value | Number]) -> list[Value]:
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
        sizes = [_check_count(n_inputs, "n_inputs"), *_check_sizes(layer_sizes)]
        rng = random.Random(_check_seed(seed))
        _check_activation(activation)
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[k], sizes[k + 1], "linear" if k == last else activation, rng, f"L{k + 1}")
            for k in range(last + 1)
        ]

    def __call__(self, xs: Sequence[Value | Number]) -> Value | list[Value]:
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


# Learning and checking.


def sgd_step(params: Sequence[Value], lr: Number) -> None:
    """Move every parameter one step downhill: ``p.data -= lr * p.grad``.

    This is the update of gradient descent, ``w <- w - lr * dJ/dw``, applied to each parameter
    once the cost's :meth:`Value.backward` has filled in the grads. Only ``data`` changes. The
    grads stay until the next ``backward()``, which resets them before it accumulates, so a
    training loop needs no separate step that zeroes them (PyTorch's ``zero_grad``).

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
    checked = _check_params(params)
    rate = float(_real(lr, "lr"))
    if rate <= 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
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
    """d(loss)/d(parameter) from :meth:`Value.backward`."""
    numerical: float
    """The same derivative from a central difference."""
    relative_error: float
    """:func:`~derivatives.epsilon.relative_error` of the two."""


def gradient_check(
    loss: Callable[[], Value], params: Sequence[Value], eps: Number | None = None
) -> list[GradientCheck]:
    """Compare each parameter's backprop gradient with a central difference.

    ``loss`` runs the forward pass: a function without arguments that builds the graph from the
    parameters' current ``data`` and returns its output. It is called once and backpropagated;
    then, for each parameter in turn, its ``data`` is moved to ``data + h`` and ``data - h``
    and ``loss()`` is called again, giving
    :func:`~derivatives.epsilon.central_difference` ``(loss(+h) - loss(-h)) / (2h)``.

    In float64 a correct backward pass and a central difference typically agree to a relative
    error well below 1e-7; an error above about 1e-3 points at a bug. (A kink such as ReLU's
    corner within ``h`` of the point also breaks the agreement.)

    Parameters
    ----------
    loss : callable
        ``loss()`` returns a :class:`Value` computed from the parameters' current data.
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
    if not callable(loss):
        raise TypeError(f"loss must be callable, got {type(loss).__name__}")
    checked = _check_params(params)
    if not checked:
        raise ValueError("params must hold at least one Value, got an empty sequence")

    def forward() -> Value:
        out = loss()
        if not isinstance(out, Value):
            raise TypeError(f"loss() must return a Value, got {type(out).__name__}")
        return out

    for p in checked:
        p.grad = 0.0  # a parameter outside the graph keeps no stale gradient
    forward().backward()
    backprop = [p.grad for p in checked]
    rows = []
    for i, (p, grad) in enumerate(zip(checked, backprop, strict=True)):
        saved = p.data

        def moved(t: float, p: Value = p) -> float:
            p.data = t
            return forward().data

        try:
            numerical = central_difference(moved, saved, eps)
        finally:
            p.data = saved
        label = p.label or f"params[{i}]"
        rows.append(GradientCheck(label, grad, numerical, relative_error(numerical, grad)))
    return rows


def _check_params(params: object) -> list[Value]:
    if not isinstance(params, Sequence) or isinstance(params, str):
        raise TypeError(f"params must be a sequence of Values, got {type(params).__name__}")
    checked = [_check_value(p, f"params[{i}]") for i, p in enumerate(params)]
    if len(set(checked)) != len(checked):
        raise ValueError("params must not repeat a parameter")
    return checked
