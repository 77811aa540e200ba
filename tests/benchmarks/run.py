"""`make bench`: every speed and accuracy target, measured in one run, as tables.

Runs the benchmarks listed below one after another and exits non-zero if any target is missed.
The engine's timings are compared as ratios within this run; the live-mode and classifier targets
are seconds on the machine that runs them.
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
    "bench_tensor.py",
    "bench_build.py",
    "bench_live.py",
    "bench_classifier.py",
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
