"""Accuracy, cost and speed of ``derivatives.epsilon.derivative`` next to SciPy and numdifftools.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_derivative.py

For each of 13 functions the script prints the relative error of the derivative against the
exact value from SymPy, the number of points at which the function was evaluated, and the time
per call, for ``derivative(f, x)``, ``scipy.differentiate.derivative(f, x)`` and
``numdifftools.Derivative(f)(x)``, all with their default settings. It exits with status 1 if
``derivative`` misses its target: a median relative error above 1e-13 or more than six
evaluations for any function.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numdifftools
import numpy as np
import scipy.differentiate
import sympy as sp

from derivatives.epsilon import derivative

MAX_MEDIAN_ERROR = 1e-13
MAX_EVALUATIONS = 6
TIMING_SECONDS = 0.05  # spent timing each method on each function

x = sp.Symbol("x")
TARGETS: list[tuple[str, sp.Expr, float]] = [
    ("w**2", x**2, 3.0),
    ("w**3", x**3, 2.0),
    ("1/w", 1 / x, 2.0),
    ("3x**2 - 4x + 5", 3 * x**2 - 4 * x + 5, 3.0),
    ("exp", sp.exp(x), 1.0),
    ("sin", sp.sin(x), 1.0),
    ("tanh", sp.tanh(x), 0.5),
    ("log", sp.log(x), 0.1),
    ("sqrt", sp.sqrt(x), 1e-3),
    ("x**10", x**10, 1.5),
    ("sigmoid", 1 / (1 + sp.exp(-x)), 0.5),
    ("exp/sqrt(sin**3 + cos**3)", sp.exp(x) / sp.sqrt(sp.sin(x) ** 3 + sp.cos(x) ** 3), 1.5),
    ("sin(100x)", sp.sin(100 * x), 0.3),
]


@dataclass
class Result:
    estimate: float
    error: float  # relative; inf when the estimate is nan or inf
    evaluations: int
    seconds: float


class Counted:
    """Wraps a function and counts the points it is evaluated at (arrays count element-wise)."""

    def __init__(self, f: Callable[..., object]) -> None:
        self.f = f
        self.points = 0

    def __call__(self, t: Any) -> object:
        self.points += int(np.size(t))
        return self.f(t)


def ours(f: Callable[[float], object], point: float) -> float:
    return derivative(f, point)


def scipy_default(f: Callable[..., object], point: float) -> float:
    return float(scipy.differentiate.derivative(f, point).df)


def numdifftools_default(f: Callable[..., object], point: float) -> float:
    return float(numdifftools.Derivative(f)(point))


METHODS: list[tuple[str, Callable[[Callable[..., object], float], float], str]] = [
    ("derivative", ours, "math"),
    ("scipy", scipy_default, "numpy"),
    ("numdifftools", numdifftools_default, "numpy"),
]


def measure(
    method: Callable[[Callable[..., object], float], float],
    f: Callable[..., object],
    point: float,
    exact: float,
) -> Result:
    """One call counted and compared with ``exact``, then repeated calls timed."""
    counted = Counted(f)
    estimate = method(counted, point)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < TIMING_SECONDS:
        method(f, point)
        calls += 1
    seconds = (time.perf_counter() - start) / calls
    error = abs(estimate - exact) / abs(exact) if math.isfinite(estimate) else math.inf
    return Result(estimate, error, counted.points, seconds)


def run() -> dict[str, list[Result]]:
    results: dict[str, list[Result]] = {name: [] for name, _, _ in METHODS}
    for _, expr, point in TARGETS:
        exact = float(sp.diff(expr, x).subs(x, sp.Rational(point)).evalf(40))
        for name, method, modules in METHODS:
            f = sp.lambdify(x, expr, modules)
            results[name].append(measure(method, f, point, exact))
    return results


def cell(error: float, evaluations: float, seconds: float) -> str:
    shown = f"{error:9.1e}" if math.isfinite(error) else f"{'failed':>9}"
    return f"{shown} {evaluations:5g} {seconds * 1e6:9.1f}"


def print_table(results: dict[str, list[Result]]) -> None:
    """One row per function, one group of columns per method, medians last."""
    names = [name for name, _, _ in METHODS]
    labels = [f"{label} at {point:g}" for label, _, point in TARGETS]
    width = max(len(label) for label in labels)
    print(f"{'':{width}}  " + "  ".join(f"{name:^25}" for name in names))
    columns = f"{'rel.err':>9} {'evals':>5} {'us/call':>9}"
    print(f"{'function':{width}}  " + "  ".join(columns for _ in names))
    for i, label in enumerate(labels):
        row = [results[name][i] for name in names]
        print(
            f"{label:{width}}  " + "  ".join(cell(r.error, r.evaluations, r.seconds) for r in row)
        )
    medians = [
        cell(
            statistics.median(r.error for r in results[name]),
            statistics.median(r.evaluations for r in results[name]),
            statistics.median(r.seconds for r in results[name]),
        )
        for name in names
    ]
    print(f"{'median':{width}}  " + "  ".join(medians))
    print("(failed: the estimate is nan, for example because a step left the domain of f)")


def main() -> int:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # SciPy and numdifftools warn when a step leaves a domain
        results = run()
    print_table(results)
    ours_results = results["derivative"]
    median = statistics.median(r.error for r in ours_results)
    most = max(r.evaluations for r in ours_results)
    failures = []
    if not median <= MAX_MEDIAN_ERROR:
        failures.append(f"median relative error {median:.1e} > {MAX_MEDIAN_ERROR:.0e}")
    if most > MAX_EVALUATIONS:
        failures.append(f"{most} evaluations > {MAX_EVALUATIONS}")
    for failure in failures:
        print(f"FAIL: derivative(): {failure}", file=sys.stderr)
    if not failures:
        print(f"OK: derivative() median relative error {median:.1e}, at most {most} evaluations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
