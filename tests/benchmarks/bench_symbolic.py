"""to_sympy on the graphs that once took minutes: each must take well under a second.

A 12-deep tanh chain and a 100-deep sigmoid chain (SymPy's automatic evaluation of nested
functions made these exponential) and a sum of 4,000 inputs (quadratic when built one `+` at a
time). Best of several runs, in this run. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from derivatives import Value, to_sympy

REPEATS = 5
TARGET = 1.0  # seconds


def chain(depth: int, step: Callable[[Value], Value]) -> Value:
    out = Value(0.3, label="x")
    for _ in range(depth):
        out = step(out)
    return out


def wide_sum(n: int) -> Value:
    xs = [Value(float(i), label=f"x{i}") for i in range(n)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total


def best_time(root: Value) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        to_sympy(root)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    cases = {
        "12-deep tanh chain": chain(12, Value.tanh),
        "100-deep sigmoid chain": chain(100, Value.sigmoid),
        "sum of 4,000 inputs": wide_sum(4000),
    }
    print(f"  {'to_sympy of':<26}{'best of ' + str(REPEATS):>12}")
    ok = True
    for name, root in cases.items():
        seconds = best_time(root)
        ok = ok and seconds < TARGET
        print(f"  {name:<26}{seconds * 1e3:>9.1f} ms")
    print(f"  every case under {TARGET:g} s: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
