"""Derivatives three ways: by nudging the input, exactly with SymPy, and by backpropagation.

The package behind the lessons, one module per job:

- :mod:`derivatives.epsilon`: nudge the input and measure (finite differences).
- :mod:`derivatives.adaptive`: the estimator behind ``derivative(f, x)``, with its error.
- :mod:`derivatives.symbolic`: exact derivatives with SymPy.
- :mod:`derivatives.chain_rule`: the backpropagation engine, :class:`~derivatives.chain_rule.Value`.
- :mod:`derivatives.forward_mode`: forward mode, :class:`~derivatives.forward_mode.Dual` numbers.
- :mod:`derivatives.nn`: a small network of values, gradient descent and gradient checking.
- :mod:`derivatives.homemade`: checks an engine or network built by hand against the package.
- :mod:`derivatives.datasets`: small seeded data sets (two moons) and a training/held-out split.
- :mod:`derivatives.tensor`: the same networks as matrices, with NumPy.
- :mod:`derivatives.plotting`: the figures of the lessons.
- :mod:`derivatives.exercises`: graph exercises with answer keys, and a backprop stepper.

The names used most are also available at the top level. Importing the package loads neither
SymPy, NumPy nor matplotlib: the symbolic, datasets, exercises, tensor and plotting modules load
when first used.

>>> from derivatives import Value, nudge
>>> round(nudge(lambda w: w**2, 3).k, 9)
6.001
>>> w = Value(3.0, label="w")
>>> J = w**2
>>> J.backward()
>>> w.grad
6.0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from derivatives import (
    adaptive,
    chain_rule,
    display,
    epsilon,
    forward_mode,
    homemade,
    nn,
)
from derivatives.chain_rule import (
    Value,
    backward,
    graph_table,
    topological_order,
    zero_grad,
)
from derivatives.epsilon import (
    DerivativeEstimate,
    central_difference,
    complex_step,
    derivative,
    derivative_estimate,
    forward_difference,
    nudge,
    numerical_gradient,
    partial_difference,
)
from derivatives.forward_mode import Dual, forward_mode_gradient
from derivatives.nn import MLP, gradient_check, sgd_step

if TYPE_CHECKING:
    from derivatives import datasets, exercises, plotting, symbolic, tensor
    from derivatives.symbolic import to_sympy

__all__ = [
    "MLP",
    "DerivativeEstimate",
    "Dual",
    "Value",
    "adaptive",
    "backward",
    "central_difference",
    "chain_rule",
    "complex_step",
    "datasets",
    "derivative",
    "derivative_estimate",
    "display",
    "epsilon",
    "exercises",
    "forward_difference",
    "forward_mode",
    "forward_mode_gradient",
    "gradient_check",
    "graph_table",
    "homemade",
    "nn",
    "nudge",
    "numerical_gradient",
    "partial_difference",
    "plotting",
    "sgd_step",
    "symbolic",
    "tensor",
    "to_sympy",
    "topological_order",
    "zero_grad",
]
# Names whose modules import SymPy, NumPy or matplotlib: loaded on first use (PEP 562).
_LAZY = {
    "datasets": "derivatives.datasets",
    "exercises": "derivatives.exercises",
    "plotting": "derivatives.plotting",
    "symbolic": "derivatives.symbolic",
    "tensor": "derivatives.tensor",
}
_LAZY_NAMES = {"to_sympy": "derivatives.symbolic"}


def __getattr__(name: str) -> Any:
    # importlib.metadata alone takes longer than the whole engine
    if name == "__version__":
        return importlib.import_module("importlib.metadata").version("derivatives")
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'derivatives' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
