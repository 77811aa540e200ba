"""The backprop engine against micrograd, on the same network with the same weights.

A 2-16-16-1 ReLU network (337 parameters) and a batch of inputs: forward, loss, backward, timed
for both engines in this run. The two must also compute the same loss and gradients. Then a
100 000-node chain backpropagates. Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from micrograd import nn as mg_nn

from derivatives import MLP, Value

SAMPLES = 40
REPEATS = 7


def data(seed: int = 1) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(SAMPLES)]
    ys = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in xs]
    return xs, ys


def step(net: object, xs: list[list[float]], ys: list[float]) -> object:
    """One forward pass over the batch, a squared-error loss and one backward pass."""
    loss = sum(((net(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)), start=0.0)  # type: ignore[operator]
    loss.backward()  # type: ignore[attr-defined]
    return loss


def best_time(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    xs, ys = data()
    ours = MLP(2, [16, 16, 1], seed=0, activation="relu")
    theirs = mg_nn.MLP(2, [16, 16, 1])
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        q.data = p.data

    def micrograd_step() -> object:
        theirs.zero_grad()  # both accumulate into leaves, as PyTorch does
        return step(theirs, xs, ys)

    def our_step() -> object:
        ours.zero_grad()
        return step(ours, xs, ys)

    loss_ours, loss_theirs = our_step(), micrograd_step()
    same_loss = abs(loss_ours.data - loss_theirs.data) <= 1e-9 * abs(
        loss_theirs.data
    )  # type: ignore[attr-defined]
    same_grads = all(
        abs(p.grad - q.grad) <= 1e-9 * max(1.0, abs(q.grad))
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True)
    )

    t_ours = best_time(our_step)
    t_theirs = best_time(micrograd_step)
    ratio = t_ours / t_theirs

    chain_length = 100_000
    x = Value(1.0, label="x")
    start = time.perf_counter()
    node = x
    for _ in range(chain_length):
        node = node * 1.000001
    node.backward()
    t_chain = time.perf_counter() - start
    chain_ok = abs(x.grad - 1.000001**chain_length) <= 1e-9 * x.grad

    print(
        f"Engine: MLP 2-16-16-1 ({len(ours.parameters())} parameters), {SAMPLES} samples"
    )
    print(f"  {'engine':<12}{'best of ' + str(REPEATS):>14}")
    print(f"  {'derivatives':<12}{t_ours * 1e3:>11.1f} ms")
    print(f"  {'micrograd':<12}{t_theirs * 1e3:>11.1f} ms")
    print(f"  ratio derivatives / micrograd: {ratio:.2f} (target <= 1.0)")
    print(f"  same loss: {same_loss}, same gradients: {same_grads}")
    print(
        f"  {chain_length}-node chain: built and backpropagated in {t_chain:.2f} s, "
        f"gradient correct: {chain_ok}"
    )
    return 0 if ratio <= 1.0 and same_loss and same_grads and chain_ok else 1


if __name__ == "__main__":
    sys.exit(main())
