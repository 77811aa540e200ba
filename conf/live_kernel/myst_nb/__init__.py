"""myst_nb.glue for live mode: values are kept, and a figure glued for the page is sent with its
name, so that live mode draws it in place of the page's copy."""

from __future__ import annotations

from typing import Any

import _derivatives_live

glued: dict[str, Any] = {}


def glue(name: str, variable: Any, display: bool = True) -> None:
    glued[name] = variable
    if display:
        _derivatives_live.display(variable)
    elif _derivatives_live._is_figure(variable):
        _derivatives_live.display(variable, "glued", name=name)
