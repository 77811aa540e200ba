"""Check yourself: graph exercises with instant feedback, and a backprop stepper.

:func:`graph_exercise` turns a graph of :class:`~derivatives.chain_rule.Value` into boxes to
fill in (each node's value, its local derivatives, its gradient) with their answer keys: the
values and gradients are the engine's own (:func:`~derivatives.chain_rule.backward`), and for
each box the wrong answers that come from a known mistake get their own reply (a shared node's
second path forgotten, the upstream gradient dropped, a ratio of costs taken for a derivative, a
sign slip); any other wrong answer gets a hint with a nudge measured by
:func:`~derivatives.epsilon.nudge`. :func:`backprop_stepper` records the backward pass one node
at a time, with ``+=`` and, for comparison, with ``=``.

Both return objects that a page displays: their HTML carries the keys as JSON, and the site's
script (``exercises.js``) checks what a reader types against them, in the browser, with no Python.
In a downloaded notebook that script does not run: there an exercise shows its answers in a
folded table, and the stepper lists its steps in a folded list.
"""

from __future__ import annotations

import html
import json
import math
import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from derivatives._validate import (
    choice,
    flag,
    instance,
    integer,
    sequence,
    text,
    value_error,
)
from derivatives.chain_rule import Value, backward, topological_order, zero_grad
from derivatives.display import typeset
from derivatives.epsilon import Nudge, nudge

__all__ = [
    "BackpropStepper",
    "GraphExercise",
    "StepLine",
    "backprop_steps",
    "backprop_stepper",
    "exercise_key",
    "graph_exercise",
    "practice_exercise",
    "random_graph",
]

FIELDS = ("value", "local", "grad")
TOLERANCE = 2e-4  # relative: four significant digits count as right
EPS = 0.001  # the course's nudge
JSONDict = dict[str, Any]

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SYMBOLS = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "/"}
_UNARY: dict[str, Callable[[float], float]] = {
    "neg": lambda x: -x,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
}
_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
}


def _num(x: float) -> str:
    """A number as the exercises print it: up to six significant digits, a true minus."""
    return typeset(x, ".6g")


def _apply(node: Value, inputs: Sequence[float]) -> float:
    """The operation of `node` on `inputs` (its parents' values): the forward pass again."""
    if node.op in _BINARY:
        return _BINARY[node.op](inputs[0], inputs[1])
    if node.op in _UNARY:
        return _UNARY[node.op](inputs[0])
    if node.op.startswith("**") and node.number is not None:
        return float(inputs[0] ** float(node.number))
    raise value_error("root", "a graph of the lessons' operations", node.op)


def _rerun(order: Sequence[Value], node: Value, value: float) -> float:
    """The output (last of `order`) recomputed with `node` set to `value`."""
    data = {n: n.data for n in order}
    data[node] = value
    seen = False
    for n in order:
        seen = seen or n is node
        if seen and n is not node and n.parents:
            data[n] = _apply(n, [data[p] for p in n.parents])
    return data[order[-1]]


def _formula(node: Value, names: dict[Value, str]) -> str:
    """How `node` is computed, as text: ``c = w × x``."""
    args = [names[p] for p in node.parents]
    if node.op in _SYMBOLS:
        right = f"{args[0]} {_SYMBOLS[node.op]} {args[1]}"
    elif node.op == "neg":
        right = f"\u2212{args[0]}"
    elif node.op.startswith("**"):  # c**2 as c², c**-1 as c⁻¹, c**0.5 as c**0.5
        power = node.op[2:]
        exponent = (
            power.translate(_SUPERSCRIPTS) if power.lstrip("-").isdigit() else ""
        )
        right = args[0] + (exponent or f"**{power}".replace("-", "\u2212"))
    else:
        right = f"{node.op}({args[0]})"
    return f"{names[node]} = {right}"


def _grads(order: Sequence[Value]) -> dict[Value, float]:
    """d(output)/d(node) for every node, by the engine's backward pass; ``.grad`` restored."""
    saved = [node.grad for node in order]
    zero_grad([node for node in order if not node.parents])
    backward(order[-1])
    grads = {node: node.grad for node in order}
    for node, grad in zip(order, saved, strict=True):
        node.grad = grad
    return grads


class StepLine(NamedTuple):
    """One update of a backward step: ``parent.grad += local * node.grad``, before and after."""

    parent: str
    local: float
    node_grad: float
    before: float
    after: float


def _names(order: Sequence[Value]) -> dict[Value, str]:
    """Each node's label as drawn: its label, or ``n<position>`` when it has none."""
    return {node: node.label or f"n{i}" for i, node in enumerate(order)}


def _run(
    root: Value, assign: bool
) -> tuple[list[tuple[str, list[StepLine]]], dict[Value, float]]:
    """The backward pass on a copy of the grads: its steps, and the grads it ends with."""
    order = topological_order(root)
    names = _names(order)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    steps = [(names[root], [StepLine(names[root], 1.0, 1.0, 0.0, 1.0)])]
    for node in reversed(order):
        lines = []
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            before = grads[parent]
            update = local * grads[node]
            grads[parent] = update if assign else before + update
            lines.append(
                StepLine(names[parent], local, grads[node], before, grads[parent])
            )
        if lines:
            steps.append((names[node], lines))
    return steps, grads


def backprop_steps(
    root: Value, assign: bool = False
) -> list[tuple[str, list[StepLine]]]:
    """The backward pass of `root`'s graph, one node at a time, without touching ``.grad``.

    The first step sets the output's grad to 1; each next one is a node, in reverse
    :func:`~derivatives.chain_rule.topological_order`, with one :class:`StepLine` per parent.
    With ``assign=True`` each line runs ``parent.grad = local * node.grad`` instead of ``+=``.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> b = a + a
    >>> b.label = "b"
    >>> for node, lines in backprop_steps(b):
    ...     print(node, [(line.parent, line.before, line.after) for line in lines])
    b [('b', 0.0, 1.0)]
    b [('a', 0.0, 1.0), ('a', 1.0, 2.0)]
    """
    instance(root, Value, "root", "a Value")
    return _run(root, flag(assign, "assign"))[0]


def _check_labels(order: Sequence[Value]) -> dict[Value, str]:
    """The names of the nodes; every node but a constant needs its own label."""
    names = _names(order)
    asked = [n for n in order if not _constant(n)]
    labels = [n.label for n in asked]
    if "" in labels or len(set(labels)) != len(labels):
        raise value_error(
            "root", "a graph whose nodes have distinct labels", sorted(labels)
        )
    return names


def _constant(node: Value) -> bool:
    return not node.parents and node.number is not None


def _uses(node: Value, order: Sequence[Value]) -> list[tuple[Value, int]]:
    """Each place `node` is used: (the node it feeds, which operand it is there)."""
    return [
        (user, slot)
        for user in order
        for slot, parent in enumerate(user.parents)
        if parent is node
    ]


def _close(x: float, y: float) -> bool:
    """Too near to tell apart from what the page counts as right (twice its tolerance)."""
    return abs(x - y) <= 2 * TOLERANCE * max(abs(x), abs(y)) + 1e-4


def _mistakes(
    answer: float, candidates: Sequence[tuple[float, str]]
) -> list[JSONDict]:
    """The candidates that differ from the answer and from each other, first one kept."""
    kept: list[JSONDict] = []
    for value, reply in candidates:
        finite = math.isfinite(value)
        if finite and not _close(value, answer):
            if not any(_close(value, k["value"]) for k in kept):
                kept.append({"value": value, "text": reply})
    return kept


Candidates = list[tuple[float, str]]


def _grad_box(
    node: Value,
    order: Sequence[Value],
    names: dict[Value, str],
    grads: dict[Value, float],
) -> JSONDict:
    """The box for d(output)/d(node): its key, its known mistakes, its hint."""
    root = order[-1]
    out, name = names[root], names[node]
    measured = nudge(lambda t: _rerun(order, node, t), node.data, EPS)
    hint = (
        f"Measure it: raise {name} by {_num(EPS)}, from {_num(measured.w)} to "
        f"{_num(measured.w + EPS)}, and recompute: {out} goes from {_num(measured.f_w)} "
        f"to {_num(measured.f_w_eps)}, so {out} moves about "
        f"{_num(measured.k)} times as far as {name}."
    )
    box = {
        "node": name,
        "field": "grad",
        "name": f"gradient of {name}, \u2202{out}/\u2202{name}",
        "answer": grads[node],
        "hint": hint,
    }
    if node is root:
        start = f"The output's own gradient starts the pass: \u2202{out}/\u2202{out} is 1."
        return box | {
            "right": f"Right: nudging {out} by \u03b5 moves {out} by \u03b5.",
            "mistakes": _mistakes(grads[node], [(0.0, start)]),
        }
    uses = _uses(node, order)
    terms = " + ".join(
        f"{_num(user.local_grads[slot])} \u00d7 {_num(grads[user])}"
        for user, slot in uses
    )
    candidates = (
        _chain_mistakes(node, order, names, grads)
        + [
            (
                -grads[node],
                "Right size, wrong sign: check each local derivative's sign.",
            )
        ]
        + _nudge_mistakes(out, name, measured)
    )
    return box | {
        "right": f"Right: {name}.grad = {terms}.",
        "mistakes": _mistakes(grads[node], candidates),
        "hint": "Not this. " + hint,
    }


def _chain_mistakes(
    node: Value,
    order: Sequence[Value],
    names: dict[Value, str],
    grads: dict[Value, float],
) -> Candidates:
    """A path of a shared node forgotten; the gradient from upstream dropped."""
    name, root = names[node], order[-1]
    uses = _uses(node, order)
    users = ", ".join(names[user] for user, _ in uses)
    shares = [user.local_grads[slot] * grads[user] for user, slot in uses]
    candidates: Candidates = []
    if len(uses) > 1:
        path = (
            f"That is one path's share. {name} is used {len(uses)} times (by {users}): "
            f"each use adds its local derivative \u00d7 the user's gradient, "
            f"{name}.grad += local \u00d7 node.grad, and the shares add up."
        )
        candidates += [(share, path) for share in shares]
        candidates += [(sum(shares) - share, path) for share in shares]
    dropped = (
        f"That is the local derivative alone. The chain rule multiplies it by the "
        f"gradient that arrives from {users}: {name}.grad += local \u00d7 node.grad."
    )
    candidates.append((sum(user.local_grads[slot] for user, slot in uses), dropped))
    further = [(user, slot) for user, slot in uses if user is not root]
    if further:  # the local derivative times the next one only
        two = [
            user.local_grads[slot] * _first_local(user, order)
            for user, slot in further
        ]
        candidates.append((sum(two), dropped))
    return candidates


def _nudge_mistakes(out: str, name: str, measured: Nudge) -> Candidates:
    """A nudge misread: a ratio of outputs, a change not divided by the step, an estimate."""
    candidates: Candidates = []
    if measured.f_w != 0:
        ratio = (
            f"That is {out}({name} + \u03b5) / {out}({name}), a ratio of two outputs. "
            f"A derivative is the change over the step: ({out}({name} + \u03b5) "
            f"\u2212 {out}({name})) / \u03b5."
        )
        candidates.append((measured.f_w_eps / measured.f_w, ratio))
    undivided = (
        f"That is how far {out} moves when {name} moves by \u03b5 = {_num(EPS)}: "
        "divide by \u03b5."
    )
    estimate = (
        "Close: that is the nudge's estimate, off by a little because \u03b5 is "
        "not zero. The backward pass gives the exact value."
    )
    return [*candidates, (measured.change, undivided), (measured.k, estimate)]


def _first_local(node: Value, order: Sequence[Value]) -> float:
    """The local derivative on the first edge out of `node` (0 for the output)."""
    uses = _uses(node, order)
    if not uses:
        return 0.0
    user, slot = uses[0]
    return user.local_grads[slot]


def _local_box(
    node: Value, slot: int, order: Sequence[Value], names: dict[Value, str]
) -> JSONDict:
    """The box for d(node)/d(its operand number `slot`)."""
    parent, name = node.parents[slot], names[node]
    pname = names[parent]
    answer = node.local_grads[slot]
    inputs = [p.data for p in node.parents]

    def moved(t: float) -> float:
        return _apply(node, [t if i == slot else x for i, x in enumerate(inputs)])

    measured = nudge(moved, parent.data, EPS)
    which = (
        ""
        if len(set(node.parents)) == len(node.parents)
        else f" (operand {slot + 1})"
    )
    candidates = [(-answer, "Right size, wrong sign.")]
    if node.op == "*":
        candidates.insert(
            0,
            (
                parent.data,
                f"That is {pname} itself. In a product, nudging one factor moves the "
                f"result by the other factor times the nudge.",
            ),
        )
    return {
        "node": name,
        "field": "local",
        "parent": pname,
        "slot": slot,
        "name": f"local derivative \u2202{name}/\u2202{pname}{which}",
        "answer": answer,
        "right": f"Right: {_formula(node, names)}, and nudging {pname} moves {name} "
        f"{_num(answer)} times as far.",
        "mistakes": _mistakes(answer, candidates),
        "hint": f"Not this. Measure it: raise {pname}{which} by {_num(EPS)} in "
        f"{_formula(node, names)}: {name} goes from {_num(measured.f_w)} to "
        f"{_num(measured.f_w_eps)}, about {_num(measured.k)} times the nudge.",
    }


def _value_box(node: Value, names: dict[Value, str]) -> JSONDict:
    """The box for the forward value of `node`."""
    name = names[node]
    given = ", ".join(
        f"{names[p]} = {_num(p.data)}" for p in dict.fromkeys(node.parents)
    )
    return {
        "node": name,
        "field": "value",
        "name": f"value of {name}",
        "answer": node.data,
        "right": f"Right: {_formula(node, names)} = {_num(node.data)}.",
        "mistakes": _mistakes(
            node.data,
            [(-node.data, "Right size, wrong sign: check the minus signs.")],
        ),
        "hint": f"Not this. Compute {_formula(node, names)} with {given}.",
    }


def exercise_key(
    root: Value, title: str, fields: Sequence[str] = FIELDS
) -> JSONDict:
    """The answer keys of an exercise on `root`'s graph, as the page's script reads them.

    Parameters
    ----------
    root : Value
        The output of a graph whose nodes, constants apart, have distinct labels.
    title : str
        What the exercise asks, shown above its boxes.
    fields : sequence of str, optional
        Which boxes to ask for, among ``"value"`` (node values), ``"local"`` (local
        derivatives) and ``"grad"`` (gradients); all three by default.

    Returns
    -------
    dict
        ``title``, ``output`` and ``rows``: one row per node, output first (the order of the
        backward pass), each with its ``formula``, its value, and its boxes; a box has the
        ``answer`` and the replies to its known mistakes.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> e = a * b
    >>> e.label = "e"
    >>> key = exercise_key(e, "Find the gradients.", fields=["grad"])
    >>> [(box["node"], box["answer"]) for row in key["rows"] for box in row["boxes"]]
    [('e', 1.0), ('b', 2.0), ('a', -3.0)]
    """
    instance(root, Value, "root", "a Value")
    text(title, "title")
    wanted = [
        choice(f, f"fields[{i}]", FIELDS)
        for i, f in enumerate(sequence(fields, "fields", "field names"))
    ]
    order = topological_order(root)
    names = _check_labels(order)
    grads = _grads(order)
    rows = []
    for node in reversed(order):
        boxes: list[JSONDict] = []
        if node.parents and "value" in wanted:
            boxes.append(_value_box(node, names))
        if node.parents and "local" in wanted:
            boxes += [
                _local_box(node, i, order, names) for i in range(len(node.parents))
            ]
        if not _constant(node) and "grad" in wanted:
            boxes.append(_grad_box(node, order, names, grads))
        rows.append(
            {
                "node": names[node],
                "formula": _formula(node, names) if node.parents else "",
                "kind": "constant"
                if _constant(node)
                else "input"
                if not node.parents
                else "op",
                "value": node.data,
                "shown": _num(node.data),
                "boxes": boxes,
            }
        )
    return {
        "title": title,
        "output": names[root],
        "tolerance": TOLERANCE,
        "rows": rows,
    }


def _json(data: object) -> str:
    """JSON for a script element: no ``</`` that could end the element early."""
    dumped = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return dumped.replace("</", "<\\/")


def _answers_table(key: JSONDict) -> str:
    """The answers as a plain HTML table, for where the script does not run."""
    head = "<tr><th>node</th><th>computed as</th><th>box</th><th>answer</th></tr>"
    body = []
    for row in key["rows"]:
        for box in row["boxes"]:
            cells = [
                row["node"],
                row["formula"] or "input",
                box["name"],
                _num(box["answer"]),
            ]
            body.append(
                "<tr>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                + "</tr>"
            )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


class GraphExercise:
    """A graph exercise that a page displays: boxes, keys, feedback (see the module's notes)."""

    def __init__(self, key: JSONDict, pool: Sequence[JSONDict] = ()) -> None:
        expected = "a dict made by exercise_key"
        self.key = instance(key, dict, "key", expected)
        self.pool = [
            instance(k, dict, f"pool[{i}]", expected)
            for i, k in enumerate(sequence(pool, "pool", "keys", empty=True))
        ]

    def _repr_html_(self) -> str:
        """The exercise's markup: its title, its keys as JSON, the answers folded."""
        data = {"exercise": self.key, "pool": self.pool}
        return (
            '<div class="graph-exercise">'
            f'<p class="ge-title"><strong>Try it.</strong> {html.escape(self.key["title"])}</p>'
            '<details class="ge-answers"><summary>Answers</summary>'
            f"{_answers_table(self.key)}</details>"
            f'<script type="application/json" class="ge-data">{_json(data)}</script>'
            "</div>"
        )

    def __repr__(self) -> str:
        return f"GraphExercise({self.key['title']!r}, {len(self.pool)} practice graphs)"


def graph_exercise(
    root: Value, title: str, fields: Sequence[str] = FIELDS
) -> GraphExercise:
    """An exercise on `root`'s graph for a page to display; see :func:`exercise_key`.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> e = a * b
    >>> e.label = "e"
    >>> graph_exercise(e, "Find the gradients.")
    GraphExercise('Find the gradients.', 0 practice graphs)
    """
    return GraphExercise(exercise_key(root, title, fields))


_LEAF_VALUES = (-3, -2, -1, 1, 2, 3)


def random_graph(seed: int) -> Value:
    """A small random graph of the lessons' operations (+, −, ×, a square), from a seed.

    Two or three inputs (a, b, c) with small integer values, three operations (d, e, and
    the output L); every input is used, and one node may be used twice.

    Examples
    --------
    >>> L = random_graph(0)
    >>> [(v.label, v.op, v.data) for v in topological_order(L)][2:]
    [('d', '+', -2.0), ('c', '', -1.0), ('e', '*', 2.0), ('L', '*', -4.0)]
    """
    rng = random.Random(integer(seed, "seed"))
    while True:  # small numbers only: draw again (from the same generator) past 50
        root = _draw(rng)
        order = topological_order(root)
        grads = _grads(order)
        if max(abs(n.data) + abs(grads[n]) for n in order) <= _LARGEST:
            return root


_LARGEST = 50


def _draw(rng: random.Random) -> Value:
    """One random graph: d from two inputs, then e and L, each using the node before."""
    inputs = [
        Value(rng.choice(_LEAF_VALUES), label=n)
        for n in "abc"[: rng.choice((2, 3))]
    ]
    unused = inputs[2:]
    nodes: list[Value] = list(inputs)
    last = inputs[0] * inputs[1] if rng.random() < 0.5 else inputs[0] + inputs[1]
    for label in ("d", "e", "L"):
        if label != "d":
            kinds = ("+", "-", "*", "*") + (
                ("**2",) if label == "e" and not unused else ()
            )
            kind = rng.choice(kinds)
            if kind == "**2":
                last = last**2
            else:
                other = unused.pop() if unused else rng.choice(nodes)
                pair = (last, other) if rng.random() < 0.5 else (other, last)
                last = _BINARY_VALUE[kind](*pair)
        last.label = label
        nodes.append(last)
    return last


_BINARY_VALUE: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
}


def practice_exercise(
    seed: int = 0, count: int = 24, fields: Sequence[str] = FIELDS
) -> GraphExercise:
    """An exercise on :func:`random_graph` graphs: `count` of them, keys made here.

    The page shows the first; its "New graph" control moves on to the next.

    Examples
    --------
    >>> practice_exercise(seed=1, count=3)
    GraphExercise('Fill in the boxes of graph 1 of 3.', 3 practice graphs)
    """
    first = integer(seed, "seed")
    n = integer(count, "count", minimum=1)
    pool = [
        exercise_key(
            random_graph(first + i),
            f"Fill in the boxes of graph {i + 1} of {n}.",
            fields,
        )
        for i in range(n)
    ]
    return GraphExercise(pool[0], pool)


class BackpropStepper:
    """A backward pass to step through on a page, with ``+=`` and with ``=``."""

    def __init__(self, root: Value, title: str) -> None:
        order = topological_order(root)
        self.title = text(title, "title")
        self.names = _names(order)
        self.order = order
        self.steps = backprop_steps(root)
        self.assigned = backprop_steps(root, assign=True)
        self.differ = next(
            (
                i
                for i, (s, t) in enumerate(
                    zip(self.steps, self.assigned, strict=True)
                )
                if s != t
            ),
            None,
        )

    def data(self) -> JSONDict:
        """The steps as the page's script reads them."""

        def lines(step: list[StepLine]) -> list[JSONDict]:
            return [line._asdict() for line in step]

        return {
            "title": self.title,
            "nodes": [
                {
                    "node": self.names[n],
                    "value": n.data,
                    "formula": _formula(n, self.names) if n.parents else "",
                }
                for n in self.order
            ],
            "steps": [{"node": n, "lines": lines(s)} for n, s in self.steps],
            "assigned": [{"node": n, "lines": lines(s)} for n, s in self.assigned],
            "differ": self.differ,
        }

    def _repr_html_(self) -> str:
        """The stepper's markup: its steps as JSON, and folded as a list."""
        items = "".join(
            f"<li>{html.escape(node)}: "
            + "; ".join(
                f"{line.parent}.grad {_num(line.before)} \u2192 {_num(line.after)}"
                for line in step
            )
            + "</li>"
            for node, step in self.steps
        )
        return (
            '<div class="backprop-stepper">'
            f'<p class="bs-title"><strong>Step through.</strong> {html.escape(self.title)}</p>'
            f'<details class="bs-list"><summary>All steps</summary><ol>{items}</ol></details>'
            f'<script type="application/json" class="bs-data">{_json(self.data())}</script>'
            "</div>"
        )

    def __repr__(self) -> str:
        return f"BackpropStepper({self.title!r}, {len(self.steps)} steps)"


def backprop_stepper(root: Value, title: str) -> BackpropStepper:
    """A stepper through the backward pass of `root`'s graph, for a page to display.

    Examples
    --------
    >>> a = Value(3.0, label="a")
    >>> b = a + a
    >>> b.label = "b"
    >>> s = backprop_stepper(b, "b = a + a")
    >>> s, s.differ
    (BackpropStepper('b = a + a', 2 steps), 1)
    """
    instance(root, Value, "root", "a Value")
    return BackpropStepper(root, text(title, "title"))
