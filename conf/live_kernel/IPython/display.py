"""IPython.display for live mode: the display objects the lessons build, shown by the kernel."""

from __future__ import annotations

from typing import Any

import _derivatives_live


def display(*objs: Any, **kwargs: Any) -> None:
    for obj in objs:
        _derivatives_live.display(obj)


class DisplayObject:
    def __init__(self, data: str = "") -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<IPython.core.display.{type(self).__name__} object>"


class Markdown(DisplayObject):
    def _repr_markdown_(self) -> str:
        return self.data


class HTML(DisplayObject):
    def _repr_html_(self) -> str:
        return self.data


class SVG(DisplayObject):
    def _repr_svg_(self) -> str:
        return self.data


class Latex(DisplayObject):
    def _repr_latex_(self) -> str:
        return self.data


class Math(DisplayObject):
    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.data.strip().strip('$')}$"
