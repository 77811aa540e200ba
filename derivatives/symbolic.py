"""Exact derivatives with SymPy.

Nudging ``w`` by a small ``eps`` *estimates* a derivative; a computer algebra
system *derives* it, applying the differentiation rules (power, product,
quotient, chain) to the formula itself. The answer is another formula, such as
``2*w`` for ``w**2``, which can then be evaluated exactly at any point:
``-1/w**2`` at ``w = 2`` is the fraction ``-1/4``, where nudging ``w`` by
``0.001`` estimates ``-0.249875...``.

These helpers are thin wrappers around :func:`sympy.diff`, ``subs`` and
:func:`sympy.lambdify`. They accept SymPy expressions (and plain numbers as
constants), never strings: no helper turns text into an expression.

- :func:`derivative` -- the n-th derivative of an expression.
- :func:`evaluate` -- substitute exact values for every free symbol.
- :func:`gradient` -- all partial derivatives, in the order asked for.
- :func:`as_function` -- a fast numerical function (NumPy) of an expression.
- :func:`to_sympy` -- the formula that a graph of :class:`~derivatives.chain_rule.Value`
  computes, so that SymPy can check what backpropagation found.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import sympy

from derivatives._validate import (
    describe,
    integer,
    is_real,
    number,
    type_error,
    unwrap,
    value_error,
)
from derivatives.chain_rule import Value, topological_order

__all__ = ["as_function", "derivative", "evaluate", "gradient", "to_sympy"]

# SymPy differentiates once per order: bound the work
_MAX_ORDER = 100
# Bounds on what SymPy is given, checked before it starts. Its work grows with the size of an
# expression written out as a tree (a formula that reuses a subexpression 60 times over can
# have 2**60 nodes), it recurses once per level (RecursionError past about 200 levels, in
# printing too), its automatic evaluation of functions nested in functions (tanh of tanh of
# ...) grows exponentially with the nesting, and exact powers grow with the exponent.
_MAX_NODES = 20_000
_MAX_DEPTH = 150
_MAX_NESTING = 8
_MAX_EXPONENT = 10_000
# A derivative of order n is refused once one of lower order has more nodes than this and
# than expr (each order costs more than the one before: x**x grows without end).
_MAX_DERIVED = 500
# SymPy rewrites the conditions of a Piecewise nested in a Piecewise even unevaluated: the
# time to_sympy takes grows exponentially with the number of ReLUs in a row.
_MAX_BRANCHES = 8

_NOT_FINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def _as_number(value: object, name: str) -> sympy.Expr:
    """``value`` as an exact SymPy real number: SymPy constants such as ``pi`` are kept."""
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Number):
        if not (isinstance(value, sympy.Expr) and value.is_number):
            raise type_error(name, "a real number", value)
        if value.has(*_NOT_FINITE):
            raise value_error(name, "a finite real number", value)
        if not value.is_real:
            raise type_error(name, "a real number", value)
        return value
    if isinstance(value, sympy.Number) and value.has(*_NOT_FINITE):
        raise value_error(name, "a finite real number", value)
    return _sympy_number(number(value, name))


def _sympy_number(exact: int | float | Fraction) -> sympy.Expr:
    if isinstance(exact, Fraction):
        return sympy.Rational(exact.numerator, exact.denominator)
    return sympy.Integer(exact) if isinstance(exact, int) else sympy.Float(exact)


def _check_expr(expr: object) -> sympy.Expr:
    """Return ``expr`` as a SymPy expression; plain numbers become constants."""
    if isinstance(expr, sympy.Expr):
        if any(leaf in _NOT_FINITE for leaf in _leaves(expr)):
            raise value_error("expr", "a formula without nan or infinities", expr)
        return expr
    if is_real(expr):
        return _as_number(unwrap(expr), "expr")
    raise type_error("expr", "a SymPy expression", expr)


def _leaves(expr: sympy.Basic) -> set[sympy.Basic]:
    """The distinct nodes without arguments (symbols, numbers) of ``expr``, without recursion."""
    seen: set[sympy.Basic] = set()
    leaves: set[sympy.Basic] = set()
    pending = [expr]
    while pending:
        node = pending.pop()
        if node not in seen:
            seen.add(node)
            pending.extend(node.args)
            if not node.args:
                leaves.add(node)
    return leaves


class _Work(NamedTuple):
    """An expression's size written out as a tree, its depth, its nesting of functions."""

    nodes: int
    depth: int
    nesting: int  # of functions (tanh, exp, Piecewise ...) in one another
    branches: int  # of Piecewise in one another


def _work(expr: sympy.Basic, done: dict[sympy.Basic, _Work] | None = None) -> _Work:
    """Measure ``expr`` without recursion, visiting each distinct subexpression once.

    `done` holds the subexpressions already measured (to_sympy measures as it builds).
    """
    done = {} if done is None else done
    pending: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while pending:
        node, expanded = pending.pop()
        if node in done:
            continue
        if not expanded:
            pending.append((node, True))
            pending.extend((arg, False) for arg in node.args if arg not in done)
            continue
        parts = [done[arg] for arg in node.args]
        function = isinstance(node, sympy.Function)
        branch = isinstance(node, sympy.Piecewise)
        done[node] = _Work(
            min(1 + sum(p.nodes for p in parts), _MAX_NODES + 1),
            1 + max((p.depth for p in parts), default=0),
            int(function) + max((p.nesting for p in parts), default=0),
            int(branch) + max((p.branches for p in parts), default=0),
        )
    return done[expr]


def _too_much(work: _Work, nodes: int = _MAX_NODES) -> str | None:
    """What in `work` is past the bounds for SymPy's differentiation, or None."""
    if work.nodes > nodes:
        return f"more than {nodes} nodes written out as a tree"
    if work.depth > _MAX_DEPTH:
        return f"{work.depth} levels deep"
    if work.nesting > _MAX_NESTING:
        return f"{work.nesting} functions nested in one another"
    return None


_BOUNDS = (
    f"a formula of at most {_MAX_NODES} nodes written out as a tree, at most {_MAX_DEPTH} "
    f"levels deep, with at most {_MAX_NESTING} functions nested in one another"
)
_GRAPH_BOUNDS = (
    f"a graph whose formula has at most {_MAX_NODES} nodes written out as a tree (a node "
    f"used twice is written twice), at most {_MAX_DEPTH} levels deep, with at most "
    f"{_MAX_BRANCHES} ReLUs in a row"
)


def _check_work(expr: sympy.Expr, name: str) -> None:
    """Refuse an expression on which SymPy would take hours or recurse too deep."""
    found = _too_much(_work(expr))
    if found is not None:
        # its repr alone could take as long as the work refused
        raise ValueError(
            f"{name} must be {_BOUNDS}, got {type(expr).__name__} of {found}"
        )


def _check_exponents(expr: sympy.Expr) -> None:
    """Refuse an exact power too large to compute (``x**(10**10)`` at ``x = 2``)."""
    for power in expr.atoms(sympy.Pow):
        exponent = power.exp
        if exponent.is_Rational and abs(exponent) > _MAX_EXPONENT:
            raise ValueError(
                f"expr must have exponents of at most {_MAX_EXPONENT} in size to be "
                f"evaluated exactly, got Pow with exponent {exponent}"
            )


def _check_symbol(value: object, name: str) -> sympy.Symbol:
    if not isinstance(value, sympy.Symbol):
        raise type_error(name, "a SymPy Symbol", value)
    return value


def _check_order(n: object) -> int:
    order = integer(n, "n")
    if not 0 <= order <= _MAX_ORDER:
        raise value_error("n", f"an integer from 0 to {_MAX_ORDER}", n)
    return order


def _check_variables(variables: object) -> tuple[sympy.Symbol, ...]:
    if not isinstance(variables, (list, tuple)):
        raise type_error("variables", "a list or tuple of SymPy Symbols", variables)
    if not variables:
        raise value_error(
            "variables", "a non-empty list or tuple of SymPy Symbols", variables
        )
    symbols = tuple(
        _check_symbol(v, f"variables[{i}]") for i, v in enumerate(variables)
    )
    if len(set(symbols)) != len(symbols):
        raise value_error("variables", "distinct SymPy Symbols", variables)
    return symbols


def _check_values(values: object) -> dict[sympy.Symbol, sympy.Expr]:
    if not isinstance(values, Mapping):
        raise type_error(
            "values", "a mapping from SymPy Symbols to numbers", values
        )
    checked = {}
    for key, value in values.items():
        symbol = _check_symbol(key, "each key of values")
        checked[symbol] = _assumed(
            symbol, _as_number(value, f"values[{symbol}]"), value
        )
    return checked


def _assumed(symbol: sympy.Symbol, number: sympy.Expr, value: object) -> sympy.Expr:
    """``number`` if it agrees with what ``symbol`` assumes (positive, integer, ...)."""
    stated = getattr(symbol, "_assumptions_orig", {})
    for key, wanted in [*stated.items(), *sorted(symbol.assumptions0.items())]:
        if getattr(number, f"is_{key}", None) is (not wanted):
            held = key if wanted else f"not {key}"
            raise value_error(
                f"values[{symbol}]",
                f"a number that is {held}, as {symbol} assumes",
                value,
            )
    return number


def _check_covered(expr: sympy.Expr, given: object, name: str) -> None:
    """Raise if ``expr`` has a free symbol that ``given`` does not contain."""
    symbols = (leaf for leaf in _leaves(expr) if isinstance(leaf, sympy.Symbol))
    missing = sorted(str(s) for s in symbols if s not in given)  # type: ignore[operator]
    if missing:
        listed = ", ".join(missing)
        expected = f"a mapping with a value for each free symbol of expr (missing {listed})"
        if name == "variables":
            expected = (
                f"Symbols covering the free symbols of expr (missing {listed})"
            )
        raise value_error(name, expected, given)


def _as_array(value: object, name: str) -> npt.NDArray[np.inexact[Any]]:
    """Return ``value`` as a finite float or complex array, or raise."""
    array = np.asarray(value)
    if array.dtype.kind not in "iufc":
        raise TypeError(
            f"{name} must be a real or complex number or array, got {describe(value)}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array.astype(np.result_type(array.dtype, np.float64))


def derivative(
    expr: sympy.Expr | float, var: sympy.Symbol, n: int = 1
) -> sympy.Expr:
    """Differentiate ``expr`` ``n`` times with respect to ``var``.

    The result is what :func:`sympy.diff` returns; it is not passed through
    :func:`sympy.simplify`, which can take very long on large expressions.

    Parameters
    ----------
    expr : sympy.Expr or int or float or fractions.Fraction
        The expression to differentiate. A plain number is a constant.
    var : sympy.Symbol
        The variable to differentiate with respect to.
    n : int, default 1
        The order of the derivative, from 0 (``expr`` itself) to 100.

    Returns
    -------
    sympy.Expr
        The n-th derivative of ``expr``.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a real number (strings are
        never parsed), ``var`` is not a Symbol, or ``n`` is not an int.
    ValueError
        If ``n`` is negative or larger than 100.

    Examples
    --------
    >>> import sympy
    >>> w = sympy.Symbol("w")
    >>> derivative(w**3, w)
    3*w**2
    >>> derivative(1 / w, w)
    -1/w**2
    >>> derivative(w**5, w, n=3)
    60*w**2
    """
    checked = _check_expr(expr)
    symbol = _check_symbol(var, "var")
    order = _check_order(n)
    _check_work(checked, "expr")
    result = checked
    grown = max(_MAX_DERIVED, _work(checked).nodes)
    # one order at a time, each checked before the next
    for k in range(1, order + 1):
        result = sympy.diff(result, symbol)
        found = _too_much(_work(result), grown)
        if found is not None and k < order:
            raise ValueError(
                f"n must be at most {k} for this expr, whose derivatives grow (derivative "
                f"{k + 1} would follow one of {found}), got int {order}"
            )
    return result


def evaluate(
    expr: sympy.Expr | float, values: Mapping[sympy.Symbol, object]
) -> sympy.Expr:
    """Substitute an exact value for every free symbol of ``expr``.

    Integers become :class:`sympy.Integer`, fractions become
    :class:`sympy.Rational` and floats become :class:`sympy.Float`, so a
    calculation on exact inputs stays exact.

    Parameters
    ----------
    expr : sympy.Expr or int or float or fractions.Fraction
        The expression to evaluate.
    values : Mapping[sympy.Symbol, number]
        A finite real value (int, float, Fraction or SymPy number such as
        ``sympy.pi``) for each free symbol of ``expr``. Extra symbols are
        ignored, so one mapping can serve several expressions.

    Returns
    -------
    sympy.Expr
        The value of ``expr``, usually a SymPy number.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a real number, ``values`` is
        not a mapping, a key is not a Symbol, or a value is not a real number.
    ValueError
        If a value is infinite or nan, a free symbol of ``expr`` has no value,
        or ``expr`` is undefined or infinite there (such as ``1/w`` at 0).

    Examples
    --------
    >>> import sympy
    >>> from fractions import Fraction
    >>> w = sympy.Symbol("w")
    >>> evaluate(derivative(1 / w, w), {w: 2})
    -1/4
    >>> evaluate(w**2, {w: Fraction(1, 3)})
    1/9
    >>> evaluate(w**2, {w: 0.5})
    0.250000000000000
    """
    checked = _check_expr(expr)
    exact = _check_values(values)
    _check_covered(checked, exact, "values")
    _check_work(checked, "expr")
    _check_exponents(checked)
    result = checked.subs(exact)
    if result.has(*_NOT_FINITE):
        raise ValueError(f"expr is undefined or infinite at {exact}: got {result}")
    return result


def gradient(
    expr: sympy.Expr | float,
    variables: list[sympy.Symbol] | tuple[sympy.Symbol, ...],
) -> list[sympy.Expr]:
    """Return the partial derivatives of ``expr``, one per variable.

    Parameters
    ----------
    expr : sympy.Expr or int or float or fractions.Fraction
        The expression to differentiate.
    variables : list or tuple of sympy.Symbol
        The distinct variables, in the order the partials are wanted.

    Returns
    -------
    list of sympy.Expr
        ``[d expr / d variables[0], d expr / d variables[1], ...]``.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a real number, ``variables``
        is not a list or tuple, or one of its items is not a Symbol.
    ValueError
        If ``variables`` is empty or names a symbol twice.

    Examples
    --------
    >>> import sympy
    >>> a, b, c = sympy.symbols("a b c")
    >>> gradient(a * b + c, [a, b, c])
    [b, a, 1]
    >>> gradient(a * b + a * c**2, [a, c])
    [b + c**2, 2*a*c]
    """
    checked = _check_expr(expr)
    symbols = _check_variables(variables)
    _check_work(checked, "expr")
    return [sympy.diff(checked, v) for v in symbols]


def as_function(
    expr: sympy.Expr | float, *variables: sympy.Symbol
) -> Callable[..., float | complex | npt.NDArray[np.inexact[Any]]]:
    """Turn ``expr`` into a numerical function of ``variables`` (via NumPy).

    The function takes one argument per variable, in order. Arguments may be
    numbers or arrays; they broadcast against each other like NumPy arrays,
    and a constant ``expr`` is broadcast to their shape. Ints become floats.
    Division by zero and the like follow NumPy (``inf`` or ``nan`` with a
    ``RuntimeWarning``).

    Unlike :func:`sympy.lambdify`, no source code is generated: the formula
    is walked once, each SymPy operation looked up (by its class, never by its
    name) in a fixed table of NumPy functions, and the steps are run in order
    at each call. A symbol may have any name (``pi``, ``exp``, ``lambda``);
    anything outside the table is refused here, not when the function runs.

    Parameters
    ----------
    expr : sympy.Expr or int or float or fractions.Fraction
        An explicit formula built from ``+ - * / **``, numbers, SymPy's
        constants (``pi``, ``E``, ``I``), the elementary functions (``exp``,
        ``log``, trigonometric, hyperbolic and their inverses), ``Abs``,
        ``sign``, ``floor``, ``ceiling``, ``Max``, ``Min``, ``Heaviside``,
        ``re``, ``im``, ``conjugate`` and ``Piecewise`` with comparisons.
    *variables : sympy.Symbol
        The distinct arguments of the function; every free symbol of
        ``expr`` must be among them.

    Returns
    -------
    Callable
        ``f(*args)``, returning a Python ``float`` (``complex`` for complex
        input) when every argument is a scalar, and a new NumPy array otherwise.
        It raises ``TypeError`` for a wrong number of arguments or an argument
        that is not a real or complex number or array, and ``ValueError`` for
        non-finite arguments or shapes that do not broadcast.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a real number, contains a
        function or object outside the table (an undefined function ``f(w)``,
        a ``Derivative``, ``zeta``, ``gamma``: the message names it), or a
        variable is not a Symbol.
    ValueError
        If no variable is given, one is repeated, a free symbol of ``expr`` is
        not among them, or a constant of ``expr`` is not a finite float
        (``nan``, ``zoo``, ``10**400``).

    Examples
    --------
    >>> import numpy as np
    >>> import sympy
    >>> w = sympy.Symbol("w")
    >>> f = as_function(derivative(w**3, w), w)
    >>> f(2.0)
    12.0
    >>> f(np.array([0.0, 1.0, 2.0]))
    array([ 0.,  3., 12.])
    >>> as_function(derivative(2 * w, w), w)(np.array([-1.0, 0.0, 5.0]))
    array([2., 2., 2.])

    A symbol named ``pi`` is a variable like any other:

    >>> r = sympy.Symbol("pi")
    >>> as_function(sympy.pi * r**2, r)(2.0) == np.pi * 4
    True
    """
    checked = _check_expr(expr)
    symbols = _check_variables(variables)
    _check_covered(checked, symbols, "variables")
    steps = _compile(checked, symbols)
    names = ", ".join(str(s) for s in symbols)

    def function(
        *args: npt.ArrayLike,
    ) -> float | complex | npt.NDArray[np.inexact[Any]]:
        if len(args) != len(symbols):
            raise TypeError(
                f"expected {len(symbols)} argument(s) ({names}), got {len(args)}"
            )
        arrays = [_as_array(a, str(s)) for a, s in zip(args, symbols, strict=True)]
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(
                f"arguments ({names}) must broadcast to one shape, got {shapes}"
            ) from None
        out = np.asarray(_run(steps, arrays))
        result = np.broadcast_to(out, shape).astype(
            np.result_type(out.dtype, np.float64)
        )
        if result.ndim > 0:
            return result
        return (
            complex(result[()]) if result.dtype.kind == "c" else float(result[()])
        )

    return function


# -- The fixed table of as_function: SymPy classes to NumPy functions ---------------------------

Step = tuple[Callable[..., Any], tuple[int, ...]]


def _sum(*terms: Any) -> Any:
    return functools.reduce(np.add, terms)


def _product(*factors: Any) -> Any:
    return functools.reduce(np.multiply, factors)


def _power(base: Any, exponent: Any) -> Any:
    return np.power(base, exponent)


def _piecewise(*pieces: Any) -> Any:
    values, conditions = pieces[0::2], pieces[1::2]
    shape = np.broadcast_shapes(*(np.shape(p) for p in pieces))
    chosen = np.select(
        [np.broadcast_to(c, shape) for c in conditions],
        [np.broadcast_to(v, shape) for v in values],
        default=np.nan,
    )
    return chosen


def _heaviside(x: Any, *at_zero: Any) -> Any:
    return np.heaviside(x, at_zero[0] if at_zero else 0.5)


_NUMPY: dict[type, Callable[..., Any]] = {
    sympy.Add: _sum,
    sympy.Mul: _product,
    sympy.Pow: _power,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.cot: lambda x: 1 / np.tan(x),
    sympy.sec: lambda x: 1 / np.cos(x),
    sympy.csc: lambda x: 1 / np.sin(x),
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.atan2: np.arctan2,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
    sympy.floor: np.floor,
    sympy.ceiling: np.ceil,
    sympy.Max: lambda *xs: functools.reduce(np.maximum, xs),
    sympy.Min: lambda *xs: functools.reduce(np.minimum, xs),
    sympy.Heaviside: _heaviside,
    sympy.re: np.real,
    sympy.im: np.imag,
    sympy.conjugate: np.conjugate,
    sympy.Piecewise: _piecewise,
    sympy.StrictGreaterThan: np.greater,
    sympy.GreaterThan: np.greater_equal,
    sympy.StrictLessThan: np.less,
    sympy.LessThan: np.less_equal,
    sympy.Equality: np.equal,
    sympy.Unequality: np.not_equal,
    sympy.And: lambda *xs: functools.reduce(np.logical_and, xs),
    sympy.Or: lambda *xs: functools.reduce(np.logical_or, xs),
    sympy.Not: np.logical_not,
}


def _children(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The operands of ``node``; a Piecewise's are its values and conditions, in turn."""
    if isinstance(node, sympy.Piecewise):
        return tuple(part for pair in node.args for part in pair.args)
    return tuple(node.args)


def _constant(node: sympy.Basic) -> complex | bool | None:
    """The value of a number, a constant such as ``pi`` or a truth value; None otherwise."""
    if node is sympy.true or node is sympy.false:
        return bool(node)
    if node.args or not (isinstance(node, sympy.Expr) and node.is_number):
        return None
    if node in _NOT_FINITE:
        raise value_error("expr", "a formula with finite constants", node)
    value = complex(node.evalf())
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        raise value_error("expr", "a formula whose constants fit a float", node)
    return value.real if value.imag == 0 else value


def _compile(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> list[Step]:
    """``expr`` as steps run in order; the first ``len(symbols)`` values are the arguments.

    Iterative (no recursion limit) and shared subexpressions are computed once.
    """
    index: dict[sympy.Basic, int] = {s: i for i, s in enumerate(symbols)}
    steps: list[Step] = []
    pending: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while pending:
        node, ready = pending.pop()
        if node in index:
            continue
        value = _constant(node)
        if value is not None:
            steps.append((functools.partial(_identity, value), ()))
        elif not ready:
            if type(node) not in _NUMPY:
                name = getattr(node, "func", type(node)).__name__
                raise type_error(
                    "expr",
                    f"built from functions as_function can compute (not {name})",
                    node,
                )
            pending.append((node, True))
            pending.extend((child, False) for child in reversed(_children(node)))
            continue
        else:
            args = tuple(index[child] for child in _children(node))
            steps.append((_NUMPY[type(node)], args))
        index[node] = len(symbols) + len(steps) - 1
    steps.append((_identity, (index[expr],)))
    return steps


def _identity(value: Any) -> Any:
    return value


def _run(steps: list[Step], arguments: list[Any]) -> Any:
    values = list(arguments)
    for function, args in steps:
        values.append(function(*(values[i] for i in args)))
    return values[-1]


def _neg(x: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(sympy.Integer(-1), x, evaluate=False)


def _inverse(x: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(x, sympy.Integer(-1), evaluate=False)


_SYMPY_OPS: dict[str, Callable[..., sympy.Expr]] = {
    "-": lambda x, y: sympy.Add(x, _neg(y), evaluate=False),
    "*": lambda x, y: sympy.Mul(x, y, evaluate=False),
    "/": lambda x, y: sympy.Mul(x, _inverse(y), evaluate=False),
    "neg": _neg,
    "exp": lambda x: sympy.exp(x, evaluate=False),
    "log": lambda x: sympy.log(x, evaluate=False),
    "tanh": lambda x: sympy.tanh(x, evaluate=False),
    "relu": lambda x: sympy.Piecewise(
        (x, sympy.StrictGreaterThan(x, 0, evaluate=False)),
        (0, True),
        evaluate=False,
    ),
    "sigmoid": lambda x: _inverse(
        sympy.Add(
            sympy.Integer(1), sympy.exp(_neg(x), evaluate=False), evaluate=False
        )
    ),
}


def to_sympy(root: Value) -> sympy.Expr:
    """Rebuild the formula that `root`'s graph computes, as a SymPy expression.

    Each labelled leaf becomes ``sympy.Symbol(label)``; constants (the 2 in ``2 * a``) and
    exponents become SymPy numbers (``Integer``, ``Rational`` for a ``Fraction``, ``Float``).
    ``relu`` becomes a ``Piecewise`` whose derivative at 0 is 0, as in
    :meth:`~derivatives.chain_rule.Value.relu`. Differentiating the result with SymPy and
    substituting the leaves' data reproduces the grads of
    :meth:`~derivatives.chain_rule.Value.backward`. (SymPy 1.13 and later treat ``Integer(6) ==
    6.0`` as False: compare ``float(...)`` with a grad, or substitute the float data.)

    The expression is built as the graph is, without SymPy's automatic simplification
    (``evaluate=False``), one node at a time and without recursion, and a chain of sums
    becomes one ``Add``: the time grows in proportion to the size of the graph, even for
    deep chains of ``tanh`` or ``sigmoid`` and sums of thousands of terms. Unsimplified
    expressions compare by structure: call ``.doit()`` for SymPy's usual form before
    comparing with ``==``.

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    sympy.Expr
        The expression.

    Raises
    ------
    TypeError
        If `root` is not a Value.
    ValueError
        If a leaf has no label, two different leaves share a label, or a node's ``op`` is
        not one that :class:`~derivatives.chain_rule.Value` produces.

    Examples
    --------
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = (a * b + 1) ** 2 / 2
    >>> expr = to_sympy(L)
    >>> expr
    (a*b + 1)**2/2
    >>> L.backward()
    >>> sa, sb = sympy.symbols("a b")
    >>> sympy.diff(expr, sa).subs({sa: 2, sb: -3}), a.grad
    (15, 15.0)
    """
    order = topological_order(root)
    uses = collections.Counter(p for node in order for p in node.parents)
    exprs: dict[Value, sympy.Expr] = {}
    # terms of "+" nodes not yet made into an Add
    sums: dict[Value, list[sympy.Expr]] = {}
    leaves: dict[str, Value] = {}

    def expr_of(node: Value) -> sympy.Expr:
        if node in sums:
            exprs[node] = sympy.Add(*sums.pop(node), evaluate=False)
        return exprs[node]

    measured: dict[sympy.Basic, _Work] = {}
    _check_relus(order)
    for node in order:
        for parent in node.parents:
            if parent in exprs:
                _check_graph_work(expr_of(parent), measured)
        if node.op == "+":
            terms: list[sympy.Expr] = []
            # a sum used once joins this one: a chain is one Add
            for p in node.parents:
                terms.extend(
                    sums.pop(p) if p in sums and uses[p] == 1 else [expr_of(p)]
                )
            sums[node] = terms
        elif node.parents:
            exprs[node] = _sympy_op(node)(*(expr_of(p) for p in node.parents))
        elif node.number is not None:
            exprs[node] = _sympy_number(node.number)
        elif not node.label:
            raise value_error("every leaf", "labelled for to_sympy", node)
        elif leaves.setdefault(node.label, node) is not node:
            raise value_error("each leaf's label", "unique for to_sympy", node)
        else:
            exprs[node] = sympy.Symbol(node.label)
    result = expr_of(root)
    _check_graph_work(result, measured)
    return result


def _check_relus(order: list[Value]) -> None:
    """Refuse a graph with more ReLUs in a row than SymPy can nest, before building any."""
    run: dict[Value, int] = {}
    for node in order:
        before = max((run[p] for p in node.parents), default=0)
        run[node] = before + (node.op == "relu")
        if run[node] > _MAX_BRANCHES:
            raise ValueError(
                f"root must be {_GRAPH_BOUNDS}, got a graph of {run[node]} or more ReLUs "
                f"in a row"
            )


def _check_graph_work(expr: sympy.Expr, measured: dict[sympy.Basic, _Work]) -> None:
    """Refuse a graph whose formula is past the bounds SymPy can work with."""
    work = _work(expr, measured)
    found = None
    if work.nodes > _MAX_NODES:
        found = f"more than {_MAX_NODES} nodes"
    elif work.depth > _MAX_DEPTH:
        found = f"{work.depth} levels"
    elif work.branches > _MAX_BRANCHES:
        found = f"{work.branches} ReLUs in a row"
    if found is not None:
        raise ValueError(f"root must be {_GRAPH_BOUNDS}, got a graph of {found}")


def _sympy_op(node: Value) -> Callable[..., sympy.Expr]:
    if node.op.startswith("**") and node.number is not None:
        exponent = _sympy_number(node.number)
        return lambda x: sympy.Pow(x, exponent, evaluate=False)
    if node.op not in _SYMPY_OPS:
        raise value_error("op", "one that Value produces", node.op)
    return _SYMPY_OPS[node.op]
