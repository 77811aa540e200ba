"""Derivatives three ways: by nudging the input, exactly with SymPy, and by backpropagation.

The package behind the lessons, one module per part:

- :mod:`derivatives.epsilon`: nudge the input and measure (finite differences).
- :mod:`derivatives.symbolic`: exact derivatives with SymPy.
- :mod:`derivatives.chain_rule`: backpropagation from scratch, with
  :class:`~derivatives.chain_rule.Value`.
- :mod:`derivatives.plotting`: the figures of the lessons.

The names used most are also available at the top level, for example

>>> from derivatives import Value, nudge
>>> round(nudge(lambda w: w**2, 3).k, 9)
6.001
>>> w = Value(3.0, label="w")
>>> J = w**2
>>> J.backward()
>>> w.grad
6.0
"""

from importlib.metadata import version

from derivatives import chain_rule, epsilon, plotting, symbolic
from derivatives.chain_rule import MLP, Value, graph_table, to_sympy, topological_order
from derivatives.epsilon import (
    central_difference,
    complex_step,
    forward_difference,
    nudge,
    numerical_gradient,
    partial_difference,
)

__all__ = [
    "MLP",
    "Value",
    "central_difference",
    "chain_rule",
    "complex_step",
    "epsilon",
    "forward_difference",
    "graph_table",
    "nudge",
    "numerical_gradient",
    "partial_difference",
    "plotting",
    "symbolic",
    "to_sympy",
    "topological_order",
]
__version__ = version("derivatives")
