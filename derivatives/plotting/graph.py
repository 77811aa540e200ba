"""The computation graph of a :class:`~derivatives.chain_rule.Value`, drawn with matplotlib.

Inputs stand on the left and the output on the right (or, for a graph too wide for a page,
inputs at the top and the output at the bottom); each node is a box with its label,
operation, value and (once computed) gradient, and each operand an arrow to its result. The
layout is computed here, without Graphviz, so the figures need nothing outside PyPI.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple, TypeAlias

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from derivatives._validate import instance, integer, positive, type_error
from derivatives.chain_rule import Value, topological_order
from derivatives.plotting._mathtext import check_label

__all__ = ["plot_graph"]

# Sizes in inches, which are also the data units of the graph's axes.
_FONT = 9  # points
_CHAR = 0.6 * _FONT / 72  # width of a monospace character
_LINE = 1.25 * _FONT / 72  # height of a line of text
_GAP = (0.55, 0.3)  # space between columns, and between boxes in a column


# id() of a node, or (link, column) of a bend point
_Key: TypeAlias = int | tuple[int, int]


class _Link(NamedTuple):
    """The arrow from one operand to its result; it bends once in each column it crosses."""

    parent: Value
    child: Value
    bends: tuple[tuple[int, int], ...]

    def chain(self) -> list[_Key]:
        """What the arrow passes through: operand, bend points, result."""
        return [id(self.parent), *self.bends, id(self.child)]


def _columns(nodes: list[Value]) -> dict[int, int]:
    """Column of each node (by ``id``), nodes given inputs first.

    An operation sits in the column given by the longest path from an input to it, so every
    arrow points right and the output is alone in the last column. An input sits just left of
    the first operation that uses it, so the arrow to that operation is short.
    """
    column: dict[int, int] = {}
    for node in nodes:
        column[id(node)] = 1 + max(
            (column[id(p)] for p in node.parents), default=-1
        )
    first_use: dict[int, int] = {}
    for node in nodes:
        for p in node.parents:
            if not p.parents:
                first_use[id(p)] = min(
                    first_use.get(id(p), column[id(node)]), column[id(node)]
                )
    column.update({key: c - 1 for key, c in first_use.items()})
    return column


def _links(nodes: list[Value], column: dict[int, int]) -> list[_Link]:
    """One link per operand: ``a + a`` gives two."""
    pairs = [(p, node) for node in nodes for p in node.parents]
    return [
        _Link(p, c, tuple((i, k) for k in range(column[id(p)] + 1, column[id(c)])))
        for i, (p, c) in enumerate(pairs)
    ]


def _rows(
    columns: list[list[_Key]],
    left: dict[_Key, list[_Key]],
    right: dict[_Key, list[_Key]],
) -> dict[_Key, float]:
    """Row of every node and bend point, each column centred on zero.

    Columns start in topological order; then one sweep left to right moves each item towards
    the mean row of its neighbours on the left, and one sweep right to left towards those on
    the right. Ties keep the previous order, so the layout is the same on every call.
    """
    row: dict[_Key, float] = {}

    def place(column: list[_Key]) -> None:
        for i, key in enumerate(column):
            row[key] = (len(column) - 1) / 2 - i

    def towards(column: list[_Key], neighbours: dict[_Key, list[_Key]]) -> None:
        def target(key: _Key) -> float:
            near = neighbours.get(key, [])
            return float(np.mean([row[k] for k in near])) if near else row[key]

        column.sort(key=lambda key: -target(key))  # stable: ties keep their order
        place(column)

    for column in columns:
        place(column)
    for column in columns[1:]:
        towards(column, left)
    for column in reversed(columns[:-1]):
        towards(column, right)
    return row


def _layout(
    nodes: list[Value],
) -> tuple[dict[_Key, tuple[int, float]], list[_Link]]:
    """Column and row of every node and bend point, and the links to draw."""
    column = _columns(nodes)
    links = _links(nodes, column)
    columns: list[list[_Key]] = [[] for _ in range(max(column.values()) + 1)]
    for node in nodes:
        columns[column[id(node)]].append(id(node))
    left: dict[_Key, list[_Key]] = {}
    right: dict[_Key, list[_Key]] = {}
    for link in links:
        for bend in link.bends:
            columns[bend[1]].append(bend)
        for a, b in itertools.pairwise(link.chain()):
            right.setdefault(a, []).append(b)
            left.setdefault(b, []).append(a)
    row = _rows(columns, left, right)
    return {
        key: (c, row[key]) for c, keys in enumerate(columns) for key in keys
    }, links


def _ports(
    groups: dict[int, list[tuple[float, int]]], side: float
) -> dict[int, float]:
    """Spread the arrow ends along one side of each box: link number to offset along it.

    ``groups`` maps a box to ``(position at the other end, link number)`` for each arrow;
    the arrow going furthest gets the end with the largest offset, so arrows do not cross
    at the box. ``side`` is the length of the side.
    """
    offsets: dict[int, float] = {}
    for ends in groups.values():
        gap = min(0.15, side / (len(ends) + 1))
        for i, (_, number) in enumerate(
            sorted(ends, key=lambda end: (-end[0], end[1]))
        ):
            offsets[number] = ((len(ends) - 1) / 2 - i) * gap
    return offsets


def _node_text(node: Value, show_grad: bool) -> str:
    """``label (op)``, then ``data ...`` and, if asked, ``grad ...``, one per line."""
    title = f"{node.label} ({node.op})".strip() if node.op else node.label
    lines = [title] if title else []
    lines.append(f"data {node.data:.4g}")
    if show_grad:
        lines.append(f"grad {node.grad:.4g}")
    return "\n".join(lines)


def _draw_node(
    ax: Axes,
    centre: tuple[float, float],
    size: tuple[float, float],
    text: str,
    colour: str,
) -> None:
    """A rounded box of ``size`` at ``centre``, tinted with ``colour``, holding ``text``."""
    (x, y), (width, height) = centre, size
    box = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0,rounding_size=0.12",
        facecolor=to_rgba(colour, 0.18),
        edgecolor=colour,
        linewidth=1.2,
    )
    ax.add_patch(box)
    ax.text(
        x, y, text, ha="center", va="center", family="monospace", fontsize=_FONT
    )


def _draw_links(
    ax: Axes,
    links: list[_Link],
    at: dict[_Key, tuple[float, float]],
    size: tuple[float, float],
    down: bool,
) -> None:
    """Draw each link from its operand's box to its result's box, through its bend points;
    ``at`` holds centres of boxes and bend points. Arrows leave a box on its right side and
    enter on the left, or, drawn ``down``, leave at the bottom and enter at the top."""
    w, h = size
    # the coordinate along the side where arrows meet a box
    along = 0 if down else 1
    leaving: dict[int, list[tuple[float, int]]] = {}
    entering: dict[int, list[tuple[float, int]]] = {}
    for i, link in enumerate(links):
        chain = link.chain()
        # Drawn down, the leftmost arrow takes the leftmost end: order by -x, then flip.
        sign = -1 if down else 1
        leaving.setdefault(id(link.parent), []).append(
            (sign * at[chain[1]][along], i)
        )
        entering.setdefault(id(link.child), []).append(
            (sign * at[chain[-2]][along], i)
        )
    side = w if down else h
    start, end = _ports(leaving, side), _ports(entering, side)

    def point(key: _Key, offset: float, edge: float) -> tuple[float, float]:
        x, y = at[key]
        return (
            (x - offset, y + edge * h / 2)
            if down
            else (x + edge * w / 2, y + offset)
        )

    for i, link in enumerate(links):
        edge = -1 if down else 1  # which side of a box an arrow leaves from
        points = [point(id(link.parent), start[i], edge)]
        for bend in link.bends:
            points += [point(bend, 0.0, -edge), point(bend, 0.0, edge)]
        points.append(point(id(link.child), end[i], -edge))
        arrow = FancyArrowPatch(
            path=Path(points),
            arrowstyle="-|>",
            mutation_scale=12,
            color="0.45",
            linewidth=1.2,
        )
        ax.add_patch(arrow)


def plot_graph(
    root: Value,
    *,
    show_grad: bool | None = None,
    max_nodes: int = 40,
    max_width: float = 9.5,
) -> Figure:
    """Draw the computation graph that produced ``root``, inputs on the left.

    Each node is a box with its label, its operation (nothing for an input), its value
    (``data``) and, once :meth:`~derivatives.chain_rule.Value.backward` has run, its gradient.
    An arrow goes from each operand to the node it feeds; an operand used twice, as in
    ``b = a + a``, gets two arrows.

    An operation sits in the column given by the longest path from an input to it, so the
    output is alone in the rightmost column; an input sits just left of the first operation
    that uses it. An arrow that skips columns passes between the boxes on its way. Within a
    column, boxes are ordered to keep arrows short and uncrossed. The layout depends only on
    the graph, so the same graph always gives the same picture; it reads best up to about
    fifteen nodes.

    A graph whose columns would make the figure wider than ``max_width`` inches is drawn
    top to bottom instead: inputs at the top, the output alone at the bottom, arrows
    pointing down. A long chain then grows taller rather than shrinking to fit a page,
    and its text stays the size of the text of every other graph.

    Parameters
    ----------
    root : Value
        The output node.
    show_grad : bool or None, optional
        Whether to print gradients. ``None`` (the default) prints them when some node has a
        non-zero gradient, that is after ``backward()``.
    max_nodes : int, optional
        Refuse graphs with more nodes than this: a picture of thousands of boxes is unreadable
        and slow to draw.
    max_width : float, optional
        The widest figure, in inches, drawn left to right; a wider graph is drawn top to
        bottom. The default suits a text column about 9 inches (900 pixels) wide.

    Returns
    -------
    Figure
        A new figure sized to the graph.

    Raises
    ------
    TypeError
        If ``root`` is not a :class:`~derivatives.chain_rule.Value`, ``show_grad`` is not a
        bool or None, ``max_nodes`` is not an int or ``max_width`` not a real number.
    ValueError
        If ``max_nodes`` is less than 1, the graph has more nodes than ``max_nodes``, or
        ``max_width`` is not positive.

    Examples
    --------
    >>> from derivatives.chain_rule import Value
    >>> a = Value(2.0, label="a")
    >>> b = a + a
    >>> b.label = "b"
    >>> b.backward()
    >>> fig = plot_graph(b)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['a\\ndata 2\\ngrad 2', 'b (+)\\ndata 4\\ngrad 1']
    >>> from matplotlib.patches import FancyArrowPatch
    >>> sum(isinstance(patch, FancyArrowPatch) for patch in fig.axes[0].patches)
    2
    """
    instance(root, Value, "root", "a Value")
    if show_grad is not None and not isinstance(show_grad, bool):
        raise type_error("show_grad", "True, False or None", show_grad)
    max_nodes = integer(max_nodes, "max_nodes", minimum=1)
    max_width = positive(max_width, "max_width")
    nodes = topological_order(root)
    if len(nodes) > max_nodes:
        raise ValueError(
            f"root's graph has {len(nodes)} nodes, more than max_nodes={max_nodes}"
        )
    grads = any(n.grad != 0 for n in nodes) if show_grad is None else show_grad

    grid, links = _layout(nodes)
    for i, node in enumerate(nodes):
        check_label(node.label, f"the label of node {i} ({node.label!r})")
    texts = {id(n): _node_text(n, grads) for n in nodes}
    widest = max(len(line) for text in texts.values() for line in text.split("\n"))
    w, h = max(0.9, _CHAR * widest + 0.3), _LINE * (2 + grads) + 0.2
    columns = max(c for c, _ in grid.values()) + 1
    down = columns * (w + _GAP[0]) - _GAP[0] + 0.2 > max_width
    # columns become rows, top to bottom; a column's top box goes to the left
    if down:
        at = {
            key: (-r * (w + _GAP[1]), -c * (h + _GAP[1] + 0.1))
            for key, (c, r) in grid.items()
        }
    else:
        at = {
            key: (c * (w + _GAP[0]), r * (h + _GAP[1]))
            for key, (c, r) in grid.items()
        }
    xs, ys = [x for x, _ in at.values()], [y for _, y in at.values()]
    left, right = min(xs) - w / 2 - 0.1, max(xs) + w / 2 + 0.1
    bottom, top = min(ys) - h / 2 - 0.1, max(ys) + h / 2 + 0.1

    fig = Figure(figsize=(right - left, top - bottom))
    # the axes fill the figure: one data unit is one inch
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()
    for node in nodes:
        colour = "C2" if node is root else ("C1" if node.op else "C0")
        _draw_node(ax, at[id(node)], (w, h), texts[id(node)], colour)

    _draw_links(ax, links, at, (w, h), down)
    return fig
