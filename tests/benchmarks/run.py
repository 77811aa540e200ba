"""`make bench`: every speed and accuracy target, measured in one run, as tables.

Runs the derivative, engine and build benchmarks one after another and exits non-zero if any
target is missed. Timings are compared as ratios within this run, never against fixed seconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "bench_import.py",
    "bench_derivative.py",
    "bench_symbolic.py",
    "bench_engine.py",
    "bench_build.py",
    "bench_live.py",
    "bench_exercises.py",
)


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)]).returncode:
            failed.append(name)
    print(
        "\nAll targets hold."
        if not failed
        else f"\nTargets missed in: {', '.join(failed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
