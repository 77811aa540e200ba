"""Value keeps the sign of huge integer powers and checks data and label on assignment."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from derivatives import Value


@pytest.mark.parametrize("n", [2**53 + 1, 2**60 + 3, 10**20 + 1])
def test_odd_powers_of_minus_one_stay_negative(n: int) -> None:
    # (-1)**n is -1 for odd n: exactly, with Python's integers as the independent route
    assert (-1) ** n == -1
    out = Value(-1.0) ** n
    assert out.data == -1.0
    out.backward()  # d/dx x**n = n * x**(n - 1) = n at x = -1 (n - 1 is even)
    assert out.parents[0].grad == float(n)


@pytest.mark.parametrize("n", [2**53, 2**60 + 2])
def test_even_powers_of_minus_one_are_one(n: int) -> None:
    assert (Value(-1.0) ** n).data == 1.0 == float(Fraction(-1) ** n)


@pytest.mark.parametrize(
    ("name", "value", "error", "message"),
    [
        ("data", "x", TypeError, "data must be a real number, got str 'x'"),
        (
            "data",
            math.nan,
            ValueError,
            "data must be a finite real number, got float nan",
        ),
        ("data", True, TypeError, "data must be a real number, got bool True"),
        ("label", 3, TypeError, "label must be a str, got int 3"),
    ],
)
def test_assignment_is_checked_like_the_constructor(
    name: str, value: object, error: type[Exception], message: str
) -> None:
    v = Value(1.0, label="a")
    with pytest.raises(error, match=f"^{message}$"):
        setattr(v, name, value)
    assert (v.data, v.label) == (1.0, "a")  # unchanged
    with pytest.raises(error, match=f"^{message}$"):
        Value(value, "a") if name == "data" else Value(1.0, value)  # type: ignore[arg-type]
