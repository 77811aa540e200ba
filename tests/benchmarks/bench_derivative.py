"""Accuracy, cost and speed of ``derivatives.epsilon.derivative`` next to SciPy and numdifftools.

Run from the repository root:

    .venv/bin/python tests/benchmarks/bench_derivative.py

For each of 13 functions the script prints the relative error of the derivative against the
exact value from SymPy, the number of points at which the function was evaluated, and the time
per call, for ``derivative(f, x)``, ``scipy.differentiate.derivative(f, x)`` and
``numdifftools.Derivative(f)(x)``, all with their default settings. It exits with status 1 if
``derivative`` misses its target: a median relative error above 1e-13 or a median of more than
nine evaluations.

A second, harder set is scored "right within 1e-8, or refused": large |x|, points beside poles,
domain edges, infinite slopes, points where f is undefined, kinks (where symmetric stencils
cancel the two slopes), jumps, a value off the limit of its neighbours, steps that alias a
fast oscillation, and smooth cases. Each method's
answer is right (within 1e-8 relative of the exact value, where there is one), refused (it
raised, or returned nan or inf, or SciPy reported no success) or wrong. ``derivative`` must
never be wrong.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numdifftools
import numpy as np
import scipy.differentiate
import sympy as sp

from derivatives.epsilon import derivative

MAX_MEDIAN_ERROR = 1e-13
MAX_MEDIAN_EVALUATIONS = 9
RIGHT = 1e-8  # relative error of a right answer in the hard set
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
    (
        "exp/sqrt(sin**3 + cos**3)",
        sp.exp(x) / sp.sqrt(sp.sin(x) ** 3 + sp.cos(x) ** 3),
        1.5,
    ),
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
    result = scipy.differentiate.derivative(f, point)
    return float(result.df) if bool(result.success) else math.nan


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
    error = (
        abs(estimate - exact) / abs(exact) if math.isfinite(estimate) else math.inf
    )
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
            f"{label:{width}}  "
            + "  ".join(cell(r.error, r.evaluations, r.seconds) for r in row)
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
    print(
        "(failed: the estimate is nan, for example because a step left the domain of f)"
    )


# -- The hard set: right within 1e-8, or refused --------------------------------------------------

# (label, expression, point): the exact derivative is SymPy's at the float's exact value; None
# where f has no derivative at the point (a right answer is then a refusal).
HARD: list[tuple[str, sp.Expr, float, bool]] = [
    ("exp", sp.exp(x), 700.0, True),
    ("exp", sp.exp(x), -700.0, True),
    ("exp", sp.exp(x), 300.0, True),
    ("sin", sp.sin(x), 1e3, True),
    ("sin", sp.sin(x), 1e4, True),
    ("sin", sp.sin(x), 1e5, True),
    ("cos", sp.cos(x), 3e4, True),
    ("x**3 - x", x**3 - x, 1e5, True),
    ("x**2", x**2, -1e5, True),
    ("1/(x - 1)", 1 / (x - 1), 1.001, True),
    ("1/(x - 1)", 1 / (x - 1), 0.9999, True),
    ("tan", sp.tan(x), 1.5707963, True),
    ("log", sp.log(x), 1e-9, True),
    ("log(x - 1)", sp.log(x - 1), 1 + 1e-6, True),
    ("sqrt", sp.sqrt(x), 1e-12, True),
    ("asin", sp.asin(x), 1 - 1e-9, True),
    ("sqrt", sp.sqrt(x), 0.0, False),
    ("asin", sp.asin(x), 1.0, False),
    ("cbrt", sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3), 0.0, False),
    ("1/x", 1 / x, 0.0, False),
    ("log|x|", sp.log(sp.Abs(x)), 0.0, False),
    ("sign", sp.sign(x), 0.0, False),
    ("tanh", sp.tanh(x), 0.5, True),
    ("sigmoid", 1 / (1 + sp.exp(-x)), -3.0, True),
    ("x*exp(-x**2)", x * sp.exp(-(x**2)), 0.7, True),
    # kinks: the central quotients of |x| at 0 are all 0
    ("|x|", sp.Abs(x), 0.0, False),
    ("max(x, 0)", sp.Max(x, 0), 0.0, False),
    ("|x|**(2/3)", sp.Abs(x) ** sp.Rational(2, 3), 0.0, False),
    ("|x - 1| + x**2", sp.Abs(x - 1) + x**2, 1.0, False),
    (
        "x*sin(1/x), 0 at 0",
        sp.Piecewise((x * sp.sin(1 / x), sp.Ne(x, 0)), (0, True)),
        0.0,
        False,
    ),
    # jumps, and a hole filled with another value
    ("floor(1000x)", sp.floor(1000 * x), 0.5, False),
    ("floor", sp.floor(x), 2.0, False),
    (
        "sin(x)/x, 5 at 0",
        sp.Piecewise((sp.sin(x) / x, sp.Ne(x, 0)), (5, True)),
        0.0,
        False,
    ),
    # steps on the scale of x alias a fast oscillation; the argument 50 * x is rounded
    ("sin(50x)", sp.sin(50 * x), 1000.0, True),
    ("sin(124.07x)", sp.sin(sp.Float(10**2.09375) * x), 1e4, True),
    ("exp(sin(300x))", sp.exp(sp.sin(300 * x)), 31.6, True),
    ("log(1 + x**2)", sp.log(1 + x**2), 2.0, True),
]


@dataclass
class Score:
    right: int = 0
    refused: int = 0
    wrong: int = 0
    evaluations: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    wrong_cases: list[str] = field(default_factory=list)


def score_hard() -> dict[str, Score]:
    scores = {name: Score() for name, _, _ in METHODS}
    for label, expr, point, defined in HARD:
        exact = None
        if defined:
            exact = float(sp.diff(expr, x).subs(x, sp.Rational(point)).evalf(40))
        for name, method, modules in METHODS:
            f = sp.lambdify(x, expr, modules)
            counted, start = Counted(f), time.perf_counter()
            try:
                estimate = method(counted, point)
            except (ValueError, ZeroDivisionError, OverflowError):
                estimate = math.nan
            score = scores[name]
            score.seconds.append(time.perf_counter() - start)
            score.evaluations.append(counted.points)
            if not math.isfinite(estimate):
                score.refused += 1
            elif exact is not None and abs(estimate - exact) <= RIGHT * abs(exact):
                score.right += 1
            else:
                score.wrong += 1
                score.wrong_cases.append(f"{label} at {point:g}")
    return scores


def print_hard(scores: dict[str, Score]) -> None:
    print(
        f"\nHard set: {len(HARD)} cases, right within {RIGHT:g} relative, or refused"
    )
    print(
        f"{'method':14} {'right':>5} {'refused':>7} {'wrong':>5} "
        f"{'median evals':>12} {'ms/case':>8}"
    )
    for name, score in scores.items():
        evals = statistics.median(score.evaluations)
        ms = 1e3 * statistics.median(score.seconds)
        print(
            f"{name:14} {score.right:5d} {score.refused:7d} {score.wrong:5d} {evals:12g} {ms:8.2f}"
        )
    for name, score in scores.items():
        if score.wrong_cases:
            print(f"  wrong for {name}: {', '.join(score.wrong_cases)}")


def main() -> int:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter(
            "ignore"
        )  # SciPy and numdifftools warn when a step leaves a domain
        results = run()
        hard = score_hard()
    print_table(results)
    print_hard(hard)
    ours_results = results["derivative"]
    median = statistics.median(r.error for r in ours_results)
    evaluations = statistics.median(r.evaluations for r in ours_results)
    failures = []
    if not median <= MAX_MEDIAN_ERROR:
        failures.append(
            f"median relative error {median:.1e} > {MAX_MEDIAN_ERROR:.0e}"
        )
    if evaluations > MAX_MEDIAN_EVALUATIONS:
        failures.append(
            f"median {evaluations:g} evaluations > {MAX_MEDIAN_EVALUATIONS}"
        )
    if hard["derivative"].wrong:
        failures.append(f"{hard['derivative'].wrong} wrong answers in the hard set")
    for failure in failures:
        print(f"FAIL: derivative(): {failure}", file=sys.stderr)
    if not failures:
        print(
            f"OK: derivative() median relative error {median:.1e}, median {evaluations:g} "
            f"evaluations; hard set: {hard['derivative'].right} right, "
            f"{hard['derivative'].refused} refused, none wrong"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
