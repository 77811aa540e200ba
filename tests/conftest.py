"""Shared test set-up: matplotlib without a display, and the mutant a mutation run asks for."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

if os.environ.get("DERIVATIVES_MUTANT"):
    from tests.mutants import plant

    plant(os.environ["DERIVATIVES_MUTANT"])
