"""The two-moons network, scalar engine against matrices: the same gradients, and the speed-up.

The network of the tensors lesson, a 2-16-16-1 tanh MLP (337 parameters) with the mean hinge
loss on the two-moons points, gives one gradient two ways: with ``Value`` (a forward pass over
every point and one backward pass) and with :mod:`derivatives.tensor` (a forward pass over the
batch and three matrix products per layer). Both must agree; the matrix form must be more than
SPEED_UP_FLOOR times faster, the floor the lesson states. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from derivatives.nn import MLP
from derivatives.tensor import (
    Dense,
    backward,
    forward,
    hinge_loss,
    make_moons,
    matrices,
)

SPEED_UP_FLOOR = 100  # the lesson asserts and states this floor
REPEATS = 3


def best_time(work: Callable[[], object], number: int = 1) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(number):
            work()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def measure(n_points: int) -> tuple[float, float, bool]:
    """One gradient at `n_points` points, timed both ways; whether the two agree."""
    points, labels = make_moons(n_points, noise=0.1, seed=0)
    net = MLP(2, [16, 16, 1], seed=0)
    layers = matrices(net)
    xs, ys = points.tolist(), labels.tolist()

    def by_values() -> None:
        net.zero_grad()
        loss = sum((1 - y * net(x)).relu() for x, y in zip(xs, ys, strict=True))
        (loss / len(xs)).backward()

    def by_matrices() -> list[Dense]:
        outputs = forward(layers, points)
        return backward(layers, outputs, hinge_loss(outputs[-1], labels)[1])

    by_values()
    same = all(
        np.allclose(m.weights, s.weights, rtol=1e-12, atol=1e-14)
        and np.allclose(m.bias, s.bias, rtol=1e-12, atol=1e-14)
        for m, s in zip(by_matrices(), matrices(net, "grad"), strict=True)
    )
    return best_time(by_values), best_time(by_matrices, number=50), same


def main() -> int:
    rows = []
    for n_points in (100, 200, 400):
        t_values, t_matrices, same = measure(n_points)
        rows.append((n_points, t_values, t_matrices, t_values / t_matrices, same))
    ok = all(same and ratio > SPEED_UP_FLOOR for *_, ratio, same in rows)

    print(
        "Two moons, MLP 2-16-16-1 tanh (337 parameters), one gradient of the hinge loss"
    )
    print(
        f"  {'points':>6}{'Value':>12}{'matrices':>12}{'speed-up':>10}  same gradients"
    )
    for n_points, t_values, t_matrices, ratio, same in rows:
        print(
            f"  {n_points:>6}{t_values * 1e3:>9.1f} ms{t_matrices * 1e3:>9.3f} ms"
            f"{ratio:>9.0f}x  {same}"
        )
    print(f"  target: matrices more than {SPEED_UP_FLOOR}x faster at every size")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
