"""Forward-mode differentiation: carry a derivative forward with every value (dual numbers).

A :class:`Dual` is a pair: a ``value`` and a ``tangent``, the derivative of that value with
respect to one chosen input. Seed the input with tangent 1 and every other number with 0; each
operation then computes its result and, in the same step, the tangent of its result, by the
chain rule taken forwards::

    out.tangent = sum(local_grad * parent.tangent for each parent)

The local derivatives are the ones :class:`~derivatives.chain_rule.Value` stores for the
backward pass (``b`` and ``a`` for ``a * b``), so each rule below is one line that mirrors one
operation of ``Value``. No graph is kept: one pass gives the derivative of every output with
respect to the one seeded input, and :func:`forward_mode_gradient` makes one pass per input.

This is not nudging: :func:`derivatives.epsilon.forward_gradient` estimates each partial
derivative with a finite difference, while a tangent is exact up to rounding. The input checks
and error messages are those of ``Value``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import SupportsFloat

from derivatives._rules import power as _power
from derivatives._validate import (
    function,
    instance,
    is_real,
    number,
    real,
    reals,
    type_error,
    unsupported,
)

__all__ = ["Dual", "forward_mode_gradient"]


# Each operation below mirrors the one of Value in derivatives/chain_rule.py line by line, on
# purpose: the forward-mode lesson shows the two side by side, and checks that they match.


class Dual:
    """A number and its derivative with respect to one input: forward-mode differentiation.

    Parameters
    ----------
    value : real number
        The number, finite.
    tangent : real number, default 0.0
        d(value)/d(input): 1.0 for the input being differentiated, 0.0 for any other.

    Examples
    --------
    >>> w = Dual(3.0, tangent=1.0)
    >>> J = w**2
    >>> J.value, J.tangent
    (9.0, 6.0)
    """

    __slots__ = ("_value", "_tangent")
    __array_ufunc__ = (
        None  # a NumPy scalar on the left defers to Dual's reflected operators
    )

    def __init__(self, value: object, tangent: object = 0.0) -> None:
        self._value = real(value, "value")
        self._tangent = real(tangent, "tangent")

    @property
    def value(self) -> float:
        """The number."""
        return self._value

    @property
    def tangent(self) -> float:
        """Its derivative with respect to the seeded input."""
        return self._tangent

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    def __add__(self, other: object) -> Dual:
        """``self + other``: the tangents add (local derivatives 1 and 1)."""
        o = _operand(other, "+")
        return _forward(self.value + o.value, "+", (self, o), (1.0, 1.0))

    def __sub__(self, other: object) -> Dual:
        """``self - other``: the tangents subtract (local derivatives 1 and -1)."""
        o = _operand(other, "-")
        return _forward(self.value - o.value, "-", (self, o), (1.0, -1.0))

    def __mul__(self, other: object) -> Dual:
        """``self * other``: each tangent times the other operand, summed."""
        o = _operand(other, "*")
        return _forward(self.value * o.value, "*", (self, o), (o.value, self.value))

    def __truediv__(self, other: object) -> Dual:
        """``self / other``: local derivatives 1/other and -self/other**2."""
        o = _operand(other, "/")
        if o.value == 0:
            raise ZeroDivisionError(f"cannot divide by zero, got {o.value}")
        q = self.value / o.value
        return _forward(q, "/", (self, o), (1.0 / o.value, -q / o.value))

    def __pow__(self, exponent: object) -> Dual:
        """``self ** p`` for a plain number p: the tangent times p * self**(p - 1)."""
        p = number(exponent, "exponent")
        # x**p and p * x**(p - 1), as for Value
        value, local = _power(self.value, p)
        return _forward(value, f"**{p}", (self,), (local,))

    def __neg__(self) -> Dual:
        """``-self``: the tangent times -1."""
        return _forward(-self.value, "neg", (self,), (-1.0,))

    def __radd__(self, other: object) -> Dual:  # other + self
        return _operand(other, "+", reflected=True) + self

    def __rsub__(self, other: object) -> Dual:  # other - self
        return _operand(other, "-", reflected=True) - self

    def __rmul__(self, other: object) -> Dual:  # other * self
        return _operand(other, "*", reflected=True) * self

    def __rtruediv__(self, other: object) -> Dual:  # other / self
        return _operand(other, "/", reflected=True) / self

    def __rpow__(self, base: object) -> Dual:
        """Refuse ``base ** dual``, as ``Value`` does: write ``(d * math.log(base)).exp()``."""
        if not is_real(base):
            return NotImplemented
        raise type_error(
            "exponent", "a real number, not a Dual (write (d * log(b)).exp())", self
        )

    def exp(self) -> Dual:
        """e raised to this value: the tangent times the result itself."""
        try:
            out = math.exp(self.value)
        except OverflowError:
            raise OverflowError(f"exp({self.value!r}) is too large") from None
        return _forward(out, "exp", (self,), (out,))

    def log(self) -> Dual:
        """The natural logarithm: the tangent times 1/value."""
        if self.value <= 0:
            raise ValueError(f"log needs a positive value, got {self.value!r}")
        return _forward(math.log(self.value), "log", (self,), (1.0 / self.value,))

    def tanh(self) -> Dual:
        """The hyperbolic tangent: the tangent times 1 - tanh**2."""
        # 4z/(1 + z)**2 is 1 - tanh**2, exactly
        z = math.exp(-2.0 * abs(self.value))
        slope = 4.0 * z / (1.0 + z) ** 2  # as Value computes it
        return _forward(math.tanh(self.value), "tanh", (self,), (slope,))

    def relu(self) -> Dual:
        """``max(0, value)``: the tangent if value is positive, else 0."""
        return _forward(
            max(self.value, 0.0), "relu", (self,), (float(self.value > 0),)
        )

    def sigmoid(self) -> Dual:
        """``1 / (1 + exp(-value))``: the tangent times s * (1 - s)."""
        z = math.exp(-abs(self.value))  # s and 1 - s, as Value computes them
        big, small = 1 / (1 + z), z / (1 + z)
        s, rest = (big, small) if self.value >= 0 else (small, big)
        return _forward(s, "sigmoid", (self,), (s * rest,))


def _forward(
    value: float,
    op: str,
    parents: tuple[Dual, ...],
    grads: tuple[float, ...],
) -> Dual:
    """A new Dual; its tangent sums local derivative times tangent over the parents."""
    tangent = sum(g * p.tangent for p, g in zip(parents, grads, strict=True))
    if not (math.isfinite(value) and math.isfinite(tangent)):
        numbers = f"value {value!r}, tangent {tangent!r}"
        raise OverflowError(f"the result of '{op}' is not finite: {numbers}")
    out = object.__new__(Dual)  # skips the checks of __init__
    out._value, out._tangent = value, float(tangent)
    return out


def _operand(other: object, symbol: str, reflected: bool = False) -> Dual:
    """`other` as a Dual: a plain number is a constant, with tangent 0."""
    if isinstance(other, Dual):
        return other
    if not is_real(other):
        raise unsupported(symbol, "Dual", other, reflected)
    return _forward(real(other, "operand"), "", (), ())


def forward_mode_gradient(
    f: Callable[..., object], point: Sequence[SupportsFloat]
) -> list[float]:
    """Every partial derivative of ``f`` at ``point``, exactly, by one forward pass per input.

    Pass ``i`` calls ``f`` on duals whose tangents are 1 for coordinate ``i`` and 0 for the
    others, and reads the tangent of the result. With ``P`` inputs that is ``P`` passes, each
    costing a small multiple of one evaluation; backpropagation needs one backward pass per
    output instead. Not a finite difference: for the nudging gradient, which estimates each
    slope from ``P + 1`` evaluations, see :func:`derivatives.epsilon.forward_gradient`.

    Parameters
    ----------
    f : callable
        A function of several numbers, called as ``f(*duals)``, built from the operations of
        :class:`Dual` (those of :class:`~derivatives.chain_rule.Value`), returning a
        :class:`Dual`. A plain number is refused: it has lost the tangents.
    point : sequence of real numbers
        The point, one coordinate per argument of ``f``.

    Returns
    -------
    list of float
        d f / d(coordinate i) at ``point``, for each ``i``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``point`` is not a sequence of real numbers, or ``f``
        returns something other than a Dual.
    ValueError
        If ``point`` is empty or has a non-finite coordinate.

    Examples
    --------
    The course's ``L = (a*b + c) * f`` at ``a = 2, b = -3, c = 10, f = -2``, four passes:

    >>> forward_mode_gradient(lambda a, b, c, f: (a * b + c) * f, [2, -3, 10, -2])
    [6.0, -4.0, -2.0, 4.0]
    """
    function(f, "f")
    coordinates = reals(point, "point")
    slopes = []
    for i in range(len(coordinates)):
        seeded = [
            Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(coordinates)
        ]
        out = instance(
            f(*seeded), Dual, "f(*point)", "a Dual computed from its arguments"
        )
        slopes.append(out.tangent)
    return slopes
