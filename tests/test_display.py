"""Tests of derivatives.display: typeset and table, and the messages of their refusals."""

from __future__ import annotations

import pytest

from derivatives.display import table, typeset


@pytest.mark.parametrize(
    ("x", "spec", "expected"),
    [
        (
            -1.5,
            ">8.2f",
            "   −1.50",
        ),  # width and sign: format's own, then the true minus
        (12345.678, ",.1f", "12,345.7"),
        (0.25, ".0%", "25%"),
        (3e-9, ".0e", "3×10⁻⁹"),
    ],
)
def test_typeset_follows_format(x: float, spec: str, expected: str) -> None:
    assert typeset(x, spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "q",
            r"^spec must be a format specification for a float, such as '\.3f', got str 'q'$",
        ),
        (
            "10000000000",
            r"^spec must be a format with a width and precision of at most 100, "
            r"got str '10000000000'$",
        ),
        (
            ".101f",
            r"^spec must be a format with a width and precision of at most 100, got str '\.101f'$",
        ),
        ("d", r"^spec must be a format specification for a float"),
    ],
)
def test_typeset_refuses_a_bad_or_huge_format_spec_by_name(
    spec: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        typeset(1.0, spec)
    with pytest.raises(ValueError, match=message):
        table(["a"], [[1.0]], spec)


def test_a_width_of_a_hundred_is_allowed() -> None:
    assert len(typeset(1.0, "100.1f")) == 100


def test_table_names_the_bad_cell() -> None:
    with pytest.raises(
        TypeError,
        match=r"^rows\[1\]\[2\] must be a real number, got NoneType None$",
    ):
        table(["a", "b", "c"], [[1, 2, 3], [4, 5, None]])
    with pytest.raises(
        ValueError,
        match=r"^rows\[0\]\[0\] must be a finite real number, got float nan$",
    ):
        table(["a"], [[float("nan")]])


def test_table_escapes_pipes_so_that_columns_stay_columns() -> None:
    lines = table(["x | y", "k"], [["|x|", -1.0]]).splitlines()
    assert lines[0] == r"| x \| y | k |"
    assert lines[2] == "| \\|x\\| | \u22121 |"
    # every line splits into the same number of columns at the unescaped pipes
    assert {line.replace(r"\|", "").count("|") for line in lines} == {3}
