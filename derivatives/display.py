"""Numbers and tables as the lessons print them: a true minus sign and typeset powers of ten.

Python writes ``-5.999`` with a hyphen and ``1e-08`` in e-notation; typeset text uses the minus
sign U+2212 and ``10⁻⁸``. :func:`typeset` turns a number into that text, :func:`table` a list of
rows into a Markdown table of such text, for pages that show results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from derivatives._validate import real, sequence, text, value_error

__all__ = ["table", "typeset"]

MINUS = "\u2212"
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_E_NOTATION = r"^(-?)([0-9.]+)e([+-]?)0*([0-9]+)$"
# A format specification for a float: [[fill]align][sign][z][#][0][width][,_][.precision][type]
_SPEC = r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[eEfFgGn%]?"
# Widths and precisions past this make strings nobody reads (and can exhaust memory).
_MAX_DIGITS = 100


def typeset(x: object, spec: str = "g") -> str:
    """`x` formatted with `spec`, with a true minus and powers of ten typeset.

    Parameters
    ----------
    x : real number
        The number.
    spec : str, default "g"
        A format specification, as for ``format(x, spec)``.

    Returns
    -------
    str
        ``format(x, spec)`` with each hyphen-minus replaced by U+2212, and e-notation written
        as ``m×10ⁿ`` (just ``10ⁿ`` when the mantissa is 1).

    Examples
    --------
    >>> typeset(-5.999, ".3f")
    '−5.999'
    >>> typeset(1e-8), typeset(2.5e-11), typeset(-3e20)
    ('10⁻⁸', '2.5×10⁻¹¹', '−3×10²⁰')
    """
    written = format(real(x, "x"), _spec(spec))
    match = re.match(_E_NOTATION, written)
    if match:
        sign, mantissa, exponent_sign, exponent = match.groups()
        power = "10" + (("-" if exponent_sign == "-" else "") + exponent).translate(
            _SUPERSCRIPTS
        )
        written = sign + (
            power if mantissa in ("1", "1.0") else f"{mantissa}×{power}"
        )
    return written.replace("-", MINUS)


def _spec(spec: object) -> str:
    """`spec` if it is a format specification for a float with a readable width."""
    checked = text(spec, "spec")
    match = re.fullmatch(_SPEC, checked, re.DOTALL)
    if match is None:
        raise value_error(
            "spec", "a format specification for a float, such as '.3f'", spec
        )
    if any(int(part or 0) > _MAX_DIGITS for part in match.groups()):
        raise value_error(
            "spec",
            f"a format with a width and precision of at most {_MAX_DIGITS}",
            spec,
        )
    return checked


def _cell(cell: object, spec: str, name: str) -> str:
    """A table cell: text with its pipes escaped, or a number through typeset."""
    if isinstance(cell, str):
        return cell.replace("|", "\\|")
    return typeset(real(cell, name), spec)


def table(
    header: Sequence[str], rows: Sequence[Sequence[object]], spec: str = "g"
) -> str:
    """A Markdown table: numbers through :func:`typeset` with `spec`, anything else as text.

    Examples
    --------
    >>> print(table(["w", "k"], [[3, 6.001], [-3, -5.999]]))
    | w | k |
    | ---: | ---: |
    | 3 | 6.001 |
    | −3 | −5.999 |

    A ``|`` in a cell is escaped, so that it does not start a new column.
    """
    _spec(spec)
    names = [
        _cell(text(h, f"header[{i}]"), spec, f"header[{i}]")
        for i, h in enumerate(sequence(header, "header", "str"))
    ]
    lines = ["| " + " | ".join(names) + " |", "|" + " ---: |" * len(names)]
    for i, row in enumerate(sequence(rows, "rows", "rows", empty=True)):
        cells = sequence(row, f"rows[{i}]", "cells")
        if len(cells) != len(names):
            raise value_error(f"rows[{i}]", f"a row of {len(names)} cells", row)
        shown = [_cell(c, spec, f"rows[{i}][{j}]") for j, c in enumerate(cells)]
        lines.append("| " + " | ".join(shown) + " |")
    return "\n".join(lines)
