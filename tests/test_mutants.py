"""Wrong numbers cannot pass: each planted fault makes the test suite fail.

Each run imports the package with one small fault planted (see `tests/mutants.py`) and runs the
unit and agreement tests; every run must end in failed tests, not in passing or in an error of
the harness itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mutants import MUTANTS

ROOT = Path(__file__).resolve().parents[1]
# Reruns the unit suites once per fault: `make test` runs it, `make check` does not.
pytestmark = pytest.mark.mutation
SUITE = [
    "tests/test_epsilon.py",
    "tests/test_symbolic.py",
    "tests/test_chain_rule.py",
    "tests/test_agreement.py",
]


def run_suite(mutant: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DERIVATIVES_MUTANT": mutant}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        *SUITE,
    ]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_the_suite_catches(mutant: str) -> None:
    run = run_suite(mutant)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, (
        run.stdout[-2000:] + run.stderr[-2000:]
    )
    assert " failed" in run.stdout
