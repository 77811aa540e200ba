"""How long `from derivatives import Value` takes, beside a bare interpreter and micrograd.

Each command runs in a fresh interpreter, several times, in this one run; the best time of
each is printed. Target: importing the engine adds no heavy library, so it costs about what
micrograd's engine costs, far from the seconds of SymPy, NumPy and matplotlib together.
"""

from __future__ import annotations

import subprocess
import sys
import time

REPEATS = 9
COMMANDS = {
    "python -c pass": "pass",
    "import micrograd.engine": "import micrograd.engine",
    "from derivatives import Value": "from derivatives import Value",
    "import sympy, numpy, matplotlib.figure": "import sympy, numpy, matplotlib.figure",
}


def best_time(code: str) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    best = {name: best_time(code) for name, code in COMMANDS.items()}
    print(f"  {'command':<40}{'best of ' + str(REPEATS):>14}")
    for name, seconds in best.items():
        print(f"  {name:<40}{seconds * 1e3:>11.1f} ms")
    base = best["python -c pass"]
    ours = best["from derivatives import Value"] - base
    theirs = best["import micrograd.engine"] - base
    heavy = best["import sympy, numpy, matplotlib.figure"] - base
    print(
        f"  derivatives adds {ours * 1e3:.1f} ms, micrograd {theirs * 1e3:.1f} ms,"
    )
    print(f"  SymPy + NumPy + matplotlib {heavy * 1e3:.1f} ms")
    ok = ours < heavy / 5
    print(
        f"  target: derivatives adds under a fifth of the heavy libraries' time: {ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
