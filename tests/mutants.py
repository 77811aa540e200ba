"""Small faults planted in the package, to show that the tests notice each of them.

`tests/conftest.py` plants the one named by the DERIVATIVES_MUTANT environment variable before
any test module is imported; `tests/test_mutants.py` runs the suite once per mutant and expects
it to fail.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from derivatives import chain_rule, epsilon, symbolic


def _scaled(function: Callable[..., Any], factor: float) -> Callable[..., Any]:
    @functools.wraps(function)
    def mutant(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs) * factor

    return mutant


def _forward_off() -> None:
    epsilon.forward_difference = _scaled(epsilon.forward_difference, 1.001)


def _central_off() -> None:
    epsilon.central_difference = _scaled(epsilon.central_difference, 1.001)


def _derivative_plus_constant() -> None:
    original = symbolic.derivative

    @functools.wraps(original)
    def mutant(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **kwargs) + 1

    symbolic.derivative = mutant


def _backward_scales_leaves() -> None:
    original = chain_rule.Value.backward

    def mutant(self: chain_rule.Value) -> None:
        original(self)
        for node in chain_rule.topological_order(self):
            if not node.parents:
                node.grad *= 1.01

    chain_rule.Value.backward = mutant  # type: ignore[method-assign]


def _tanh_off() -> None:
    original = chain_rule.Value.tanh

    def mutant(self: chain_rule.Value) -> chain_rule.Value:
        out = original(self)
        out.data *= 1.001
        return out

    chain_rule.Value.tanh = mutant  # type: ignore[method-assign]


MUTANTS: dict[str, Callable[[], None]] = {
    "forward difference off by 0.1%": _forward_off,
    "central difference off by 0.1%": _central_off,
    "symbolic derivative off by a constant": _derivative_plus_constant,
    "backward scales the inputs' gradients": _backward_scales_leaves,
    "tanh off in the third digit": _tanh_off,
}


def plant(name: str) -> None:
    """Plant the mutant called `name` (a key of MUTANTS)."""
    MUTANTS[name]()
