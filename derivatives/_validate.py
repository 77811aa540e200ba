"""Argument checks for every public function of the package: one rule per kind of argument.

Every message has one form, ``"<name> must be <what was expected>, got <type> <value>"``, for
example ``"w must be a real number, got str 'a'"``. A wrong kind of argument raises
``TypeError``; the right kind with a wrong value (nan, a negative step, an empty list) raises
``ValueError``.

What counts as a real number, everywhere: ``int``, ``float``, ``fractions.Fraction``, and
anything registered as :class:`numbers.Real` (NumPy scalars such as ``np.float64`` and
``np.int64``, SymPy numbers such as ``Integer(2)`` and ``Rational(1, 3)``), and 0-d arrays
holding one of these. Not ``bool`` (nor NumPy's), ``complex``, ``str`` or ``Decimal``. It must be
finite: nan, infinities and integers too large for a float are refused.

This module imports nothing heavy, and nothing of the package.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

T = TypeVar("T")
Exact = int | float | Fraction

_REPR_LIMIT = 60


def describe(value: object) -> str:
    """``"<type> <repr>"``, the repr cut to a readable length."""
    text = repr(value)
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return f"{type(value).__name__} {text}"


def type_error(name: str, expected: str, value: object) -> TypeError:
    """The TypeError for an argument of the wrong kind."""
    return TypeError(f"{name} must be {expected}, got {describe(value)}")


def value_error(name: str, expected: str, value: object) -> ValueError:
    """The ValueError for an argument of the right kind with a wrong value."""
    return ValueError(f"{name} must be {expected}, got {describe(value)}")


def unsupported(
    symbol: str, kind: str, other: object, reflected: bool
) -> TypeError:
    """Python's own TypeError for an operator between `kind` and a type it does not know."""
    names = [kind, type(other).__name__]
    left, right = reversed(names) if reflected else names
    return TypeError(
        f"unsupported operand type(s) for {symbol}: '{left}' and '{right}'"
    )


def unwrap(value: object) -> object:
    """The number inside a 0-d array (NumPy's or any with ``ndim`` and ``item``)."""
    if getattr(value, "ndim", None) == 0 and callable(getattr(value, "item", None)):
        return value.item()  # type: ignore[attr-defined]
    return value


def is_real(value: object) -> bool:
    """Whether `value` is a real number by the rule above (finite or not)."""
    value = unwrap(value)
    bool_like = isinstance(value, bool) or type(value).__name__ in ("bool_", "bool")
    return isinstance(value, numbers.Real) and not bool_like


def number(value: object, name: str) -> Exact:
    """`value` as an exact Python number (``int``, ``Fraction`` or ``float``), finite."""
    unwrapped = unwrap(value)
    if not is_real(unwrapped):
        raise type_error(name, "a real number", value)
    exact: Exact
    if isinstance(unwrapped, numbers.Integral):
        exact = int(unwrapped)
    elif isinstance(unwrapped, numbers.Rational):
        exact = Fraction(int(unwrapped.numerator), int(unwrapped.denominator))
    else:
        exact = float(unwrapped)  # type: ignore[arg-type]
    try:
        finite = math.isfinite(exact)
    except OverflowError:  # an int or Fraction beyond the float range
        finite = False
    if not finite:
        raise value_error(name, "a finite real number", value)
    return exact


def real(value: object, name: str) -> float:
    """`value` as a finite float."""
    return float(number(value, name))


def positive(value: object, name: str) -> float:
    """`value` as a positive finite float (a step, a learning rate)."""
    x = real(value, name)
    if x <= 0:
        raise value_error(name, "a positive number", value)
    return x


def integer(
    value: object, name: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """`value` as an ``int`` (any integral type but ``bool``), within the bounds given."""
    unwrapped = unwrap(value)
    if not is_real(unwrapped) or not isinstance(unwrapped, numbers.Integral):
        raise type_error(name, "an integer", value)
    n = operator.index(unwrapped)
    if maximum is not None and not (minimum or 0) <= n <= maximum:
        raise value_error(
            name, f"an integer from {minimum or 0} to {maximum}", value
        )
    if minimum is not None and n < minimum:
        raise value_error(name, f"an integer of at least {minimum}", value)
    return n


def coordinate(value: object, name: str, size: int) -> int:
    """`value` as the index of one coordinate of a point of `size` coordinates."""
    position = integer(value, name)
    if not 0 <= position < size:
        raise value_error(
            name, f"in range({size}) for a point of {size} coordinates", value
        )
    return position


def complex_number(value: object, name: str) -> complex:
    """`value` as a complex number (any number but a ``bool``; real ones included)."""
    value = unwrap(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Complex):
        raise type_error(name, "a complex number", value)
    return complex(value)


def function(value: object, name: str) -> Callable[..., Any]:
    """`value` if it is callable."""
    if not callable(value):
        raise type_error(name, "callable", value)
    return value


def text(value: object, name: str) -> str:
    """`value` if it is a ``str``."""
    if not isinstance(value, str):
        raise type_error(name, "a str", value)
    return value


def flag(value: object, name: str) -> bool:
    """`value` if it is a ``bool`` (NumPy's included)."""
    if not isinstance(unwrap(value), bool):
        raise type_error(name, "True or False", value)
    return bool(value)


def instance(value: object, kind: type[T], name: str, expected: str) -> T:
    """`value` if it is an instance of `kind`."""
    if not isinstance(value, kind):
        raise type_error(name, expected, value)
    return value


def choice(value: object, name: str, choices: Sequence[T]) -> T:
    """The entry of `choices` equal to `value` (a ``str`` or an integer, not a ``bool``)."""
    value = unwrap(value)
    allowed = isinstance(value, str | numbers.Integral) and not isinstance(
        value, bool
    )
    if not allowed or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise value_error(name, f"one of {listed}", value)
    return choices[list(choices).index(value)]  # type: ignore[arg-type]


def sequence(
    value: object, name: str, expected: str, *, empty: bool = False
) -> Sequence[Any]:
    """`value` if it is a sequence (a list, a tuple, a 1-d array; not a string)."""
    if getattr(value, "ndim", None) == 1:
        value = list(value)  # type: ignore[call-overload]
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise type_error(name, f"a sequence of {expected}", value)
    if not empty and len(value) == 0:
        raise value_error(name, f"a non-empty sequence of {expected}", value)
    return value


def reals(value: object, name: str) -> list[float]:
    """`value` as a non-empty list of finite floats."""
    items = sequence(value, name, "real numbers")
    return [real(x, f"{name}[{i}]") for i, x in enumerate(items)]
