"""myst_nb.glue for live mode: values are kept; a glued figure is shown under its cell, since the
page's copy of it does not change when the reader edits the code."""

from __future__ import annotations

from typing import Any

import _derivatives_live

glued: dict[str, Any] = {}


def glue(name: str, variable: Any, display: bool = True) -> None:
    glued[name] = variable
    if display:
        _derivatives_live.display(variable)
    elif _derivatives_live._is_figure(variable):
        _derivatives_live.display(variable, "glued")
