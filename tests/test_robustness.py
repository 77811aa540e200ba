"""Robustness across the whole package: no text is ever evaluated, every public name refuses
nonsense with a clear error, and the site builds offline to the same bytes."""

from __future__ import annotations

import ast
import filecmp
import inspect
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import derivatives
from tests.test_site import DOCS, PUBLIC_MODULES, ROOT, SPHINX, site  # noqa: F401  (the built-site fixture)

PACKAGE = ROOT / "derivatives"
EVALUATES_TEXT = {
    "eval",
    "exec",
    "compile",
    "sympify",
    "parse_expr",
    "__import__",
    "S",
}


def public_callables() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for module_name in PUBLIC_MODULES:
        module = getattr(derivatives, module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not (
                isinstance(obj, type) and issubclass(obj, tuple)
            ):
                found.append((f"{module_name}.{name}", obj))
    return found


def test_no_code_path_evaluates_a_string() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else getattr(func, "attr", "")
                )
                assert name not in EVALUATES_TEXT, (
                    f"{path.name}:{node.lineno} calls {name}"
                )


CALLABLES = public_callables()


@pytest.mark.parametrize(
    ("name", "function"), CALLABLES, ids=[name for name, _ in CALLABLES]
)
def test_every_public_name_refuses_text(
    name: str, function: Callable[..., Any]
) -> None:
    """Text in place of every required argument: a TypeError or ValueError naming an argument."""
    signature = inspect.signature(function).parameters.values()
    required = [p for p in signature if p.default is inspect.Parameter.empty]
    params = [
        p
        for p in required
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    keywords = {p.name: "w**2" for p in required if p.kind is p.KEYWORD_ONLY}
    if (
        not params
    ):  # nothing required: pass text as the first optional argument instead
        params = [next(iter(signature))]
    with pytest.raises((TypeError, ValueError)) as caught:
        function(*["w**2"] * len(params), **keywords)
    message = str(caught.value)
    assert any(p.name in message for p in params) or "str" in message, (
        name,
        message,
    )
    assert "w**2" not in message or "got" in message, (name, message)


def _network_namespace_works() -> bool:
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not (unshare and ip):
        return False
    probe = subprocess.run(
        [unshare, "--net", ip, "-o", "link"], capture_output=True, text=True
    )
    return probe.returncode == 0


def test_offline_clean_build_is_byte_identical(site: Path, tmp_path: Path) -> None:  # noqa: F811
    """A second clean build, with no network at all, produces the same site byte for byte."""
    out = tmp_path / "html"
    env = {**os.environ, "DERIVATIVES_CACHE": str(tmp_path / "cache")}
    build = [*SPHINX, str(DOCS), str(out)]
    if _network_namespace_works():
        # A fresh network namespace: only a loopback interface, which kernels need.
        script = (
            'ip link set lo up && test "$(ip -o link | wc -l)" = 1 && exec "$@"'
        )
        build = ["unshare", "--net", "sh", "-c", script, "sh", *build]
    else:  # pragma: no cover - machines that forbid namespaces still check reproducibility
        assert os.environ.get("CI") != "true", "CI must check the offline build"
    run = subprocess.run(build, cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    skip = {".buildinfo", ".buildinfo.bak", ".doctrees"}  # Sphinx's bookkeeping
    first = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    second = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    first = [p for p in first if not skip & set(p.parts)]
    second = [p for p in second if not skip & set(p.parts)]
    assert first == second
    different = [
        str(p) for p in first if not filecmp.cmp(site / p, out / p, shallow=False)
    ]
    assert different == [], f"not reproducible: {different[:10]}"


def test_a_print_cut_by_a_pause_is_one_output_in_the_build_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages' kernels send printed text when the cell ends: a pause inside one print (as a
    busy machine makes) no longer cuts it into two outputs, which the build printed on two lines."""
    import nbformat
    from nbclient import NotebookClient

    profile = tmp_path / "profile_default"
    profile.mkdir()
    shutil.copy(ROOT / "conf" / "ipython_kernel_config.py", profile)
    notebook = nbformat.v4.new_notebook()
    code = 'import time\nprint("0.01", end="")\ntime.sleep(0.5)\nprint(" [0.887]")'
    notebook.cells.append(nbformat.v4.new_code_cell(code))
    monkeypatch.setenv(
        "IPYTHONDIR", str(tmp_path)
    )  # the kernel reads the build's config
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [(o["output_type"], o["text"]) for o in outputs] == [
        ("stream", "0.01 [0.887]\n")
    ]
