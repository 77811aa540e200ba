"""The rule for text that the figures draw: its ``$...$`` parts must be valid mathtext.

matplotlib parses mathtext only when a figure is drawn, so a bad label would fail long after
the call that made the figure; the figures check their text when called.
"""

from __future__ import annotations

from matplotlib.cbook import is_math_text
from matplotlib.mathtext import MathTextParser

from derivatives._validate import text, value_error

_PARSER = MathTextParser("path")


def check_label(label: object, name: str) -> str:
    """`label` if it is a str whose ``$...$`` parts matplotlib can typeset."""
    checked = text(label, name)
    if is_math_text(checked):
        try:
            _PARSER.parse(checked)
        except ValueError:
            raise value_error(
                name, "text whose $...$ parts are valid mathtext", label
            ) from None
    return checked
