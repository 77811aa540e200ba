"""The package as a whole: light imports, an engine small enough to read, one rule for input."""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

import derivatives
from derivatives import MLP, Value, nudge
from derivatives.plotting import plot_graph, plot_secants

PACKAGE = Path(derivatives.__file__).parent
HEAVY = ("sympy", "numpy", "matplotlib")


def loaded_after(code: str) -> list[str]:
    """The heavy libraries that `code` leaves in sys.modules of a fresh interpreter."""
    report = f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"{code}\nimport json, sys\n{report}"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        "import derivatives",
        "from derivatives import Value, nudge, forward_difference",
        "from derivatives import MLP, sgd_step, gradient_check, derivative",
        "import derivatives.chain_rule",
    ],
)
def test_the_engine_and_nudging_load_no_heavy_library(code: str) -> None:
    assert loaded_after(code) == []


def test_symbolic_and_plotting_names_load_their_libraries_on_first_use() -> None:
    symbolic = loaded_after("import derivatives; derivatives.to_sympy")
    assert "sympy" in symbolic and "matplotlib" not in symbolic
    assert "matplotlib" in loaded_after(
        "import derivatives; derivatives.plotting.plot_graph"
    )


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'plotter'"):
        derivatives.plotter  # noqa: B018


def test_every_public_name_is_importable() -> None:
    for name in derivatives.__all__:
        assert getattr(derivatives, name) is not None


def test_the_engine_module_is_small_and_imports_nothing_heavy() -> None:
    source = (PACKAGE / "chain_rule.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    value = next(
        n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Value"
    )
    assert value.end_lineno is not None
    # Goals with headroom, not today's sizes: the API page shows the engine to be read in one
    # sitting (about 150 and 430 lines today), so Value stays within 180 lines and its module,
    # docstrings and the graph helpers included, within 480; past that, split before adding.
    assert value.end_lineno - value.lineno + 1 <= 180
    assert len(source.splitlines()) <= 480
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module)]
        )
    }
    assert imported.isdisjoint(HEAVY)


def test_the_nudging_module_holds_the_nudges_and_stays_readable() -> None:
    source = (PACKAGE / "epsilon.py").read_text(encoding="utf-8")
    defined = {
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
    }
    # What the lessons teach, and nothing else public: the estimator's machinery lives in
    # adaptive.py, shared private rules in _rules.py, argument checks in _validate.py.
    assert defined == {
        "Nudge",
        "nudge",
        "forward_difference",
        "central_difference",
        "complex_step",
        "derivative",
        "partial_difference",
        "numerical_gradient",
        "forward_gradient",
        "relative_error",
    }
    # Goals with headroom, as for the engine: past these, split before adding.
    assert len(source.splitlines()) <= 700
    adaptive = (PACKAGE / "adaptive.py").read_text(encoding="utf-8")
    assert len(adaptive.splitlines()) <= 700


def test_method_docstrings_of_value_are_short() -> None:
    for name, member in vars(Value).items():
        doc = getattr(member, "__doc__", None) or ""
        if callable(member) and doc and not name.startswith("__init"):
            assert len(doc.strip().splitlines()) <= 3, name


# One rule, one message: the inconsistencies of the old per-module checks.


def square(w: float) -> float:
    return w * w


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda x: Value(x), "data"),
        (lambda x: nudge(square, x), "w"),
        (lambda x: plot_secants(square, x), "x"),
    ],
)
def test_text_is_refused_with_the_same_message_everywhere(
    call: object, name: str
) -> None:
    with pytest.raises(
        TypeError, match=f"^{name} must be a real number, got str 'a'$"
    ):
        call("a")  # type: ignore[operator]


@pytest.mark.parametrize(
    "x",
    [
        3,
        3.0,
        Fraction(3),
        np.float64(3.0),
        np.int64(3),
        np.array(3.0),
        sympy.Integer(3),
    ],
)
def test_every_kind_of_real_number_is_accepted_everywhere(x: object) -> None:
    assert Value(x).data == 3.0  # type: ignore[arg-type]
    assert nudge(square, x, 0.5).k == 6.5  # type: ignore[arg-type]  # ((3.5)**2 - 9) / 0.5
    fig = plot_secants(square, x, steps=[0.5])  # type: ignore[arg-type]
    assert fig.axes


def test_numpy_integers_count_everywhere() -> None:
    net = MLP(np.int64(2), [np.int64(3), 1])
    assert len(net.parameters()) == 3 * 3 + 4
    a = Value(1.0, label="a")
    fig = plot_graph(a * 2 + 1, max_nodes=np.int64(10))
    assert fig.axes


@pytest.mark.parametrize(
    ("attribute", "bad", "error", "message"),
    [
        ("data", "x", TypeError, "data must be a real number, got str 'x'"),
        (
            "data",
            math.nan,
            ValueError,
            "data must be a finite real number, got float nan",
        ),
        ("data", True, TypeError, "data must be a real number, got bool True"),
        ("label", 3, TypeError, "label must be a str, got int 3"),
    ],
)
def test_assignment_is_checked_like_the_constructor(
    attribute: str, bad: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{message}$"):
        Value(**{"data": 1.0, "label": "a"} | {attribute: bad})  # type: ignore[arg-type]
    v = Value(1.0, label="a")
    with pytest.raises(error, match=f"^{message}$"):
        setattr(v, attribute, bad)
    assert (v.data, v.label) == (1.0, "a")  # unchanged


@pytest.mark.parametrize(
    "p", [3, 2**53 + 1, 2**60 + 3, 10**20 + 1, 2**53, 2**60 + 2, -(2**53) - 1]
)
def test_integer_powers_of_a_negative_base_keep_their_sign(p: int) -> None:
    """(-1)**p is -1 for odd p, also past 2**53 where floats stop telling odd from even."""
    out = Value(-1.0) ** p
    out.backward()
    assert out.data == (-1) ** abs(p)  # exact integer arithmetic
    assert out.parents[0].grad == float(p * (-1) ** abs(p - 1))
