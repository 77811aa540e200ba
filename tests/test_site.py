"""The built site: every page present, every public name documented, failures never published."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import derivatives

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SPHINX = [
    sys.executable,
    "-m",
    "sphinx",
    "-c",
    str(ROOT / "conf"),
    "-n",
    "-W",
    "--keep-going",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site `make html` built, or a fresh build when pytest runs on its own."""
    built = os.environ.get("DERIVATIVES_SITE")
    if built:
        return (ROOT / built).resolve()
    out = tmp_path_factory.mktemp("html")
    subprocess.run([*SPHINX, str(DOCS), str(out)], cwd=ROOT, check=True)
    return out


def pages() -> list[str]:
    return sorted(p.stem for p in DOCS.glob("*.md"))


@pytest.mark.parametrize("name", pages())
def test_every_page_is_built(site: Path, name: str) -> None:
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    assert "<h1" in html


# The modules whose public names the API page documents and the robustness tests probe.
PUBLIC_MODULES = (
    "epsilon",
    "adaptive",
    "symbolic",
    "chain_rule",
    "nn",
    "homemade",
    "datasets",
    "forward_mode",
    "tensor",
    "plotting",
    "display",
    "exercises",
)


def test_api_documents_every_public_name(site: Path) -> None:
    html = (site / "api.html").read_text(encoding="utf-8")
    for module_name in PUBLIC_MODULES:
        module = getattr(derivatives, module_name)
        for name in module.__all__:
            anchor = f'id="derivatives.{module_name}.{name}"'
            assert anchor in html, (
                f"{module_name}.{name} is missing from the API page"
            )


def test_api_shows_types_and_numpydoc_sections(site: Path) -> None:
    html = (site / "api.html").read_text(encoding="utf-8")
    section = html.split('id="derivatives.epsilon.forward_difference"', 1)[1][:6000]
    assert (
        "Parameters" in section
        and "Return type" not in section
        or "Returns" in section
    )
    assert re.search(r"eps.*float", section, re.S), (
        "parameter types come from the type hints"
    )


def test_no_execution_failure_or_local_path_is_published(site: Path) -> None:
    for path in site.rglob("*"):
        if (
            path.suffix in {".html", ".txt", ".ipynb", ".js", ".log"}
            and path.is_file()
        ):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert str(ROOT) not in text, (
                f"{path.relative_to(site)} shows a local path"
            )
            assert "Traceback (most recent call last)" not in text, (
                path.relative_to(site)
            )
    assert not list(site.rglob("*.err.log")), (
        "execution failure reports must not be published"
    )


HEADER = (
    "---\njupytext:\n  text_representation:\n    format_name: myst\n"
    "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
)


@pytest.mark.site  # builds a site of its own
def test_a_failing_cell_fails_make_html_naming_page_and_cell(
    tmp_path: Path,
) -> None:
    """`make html` on pages one of which has a failing claim: the build fails and says where."""
    docs = tmp_path / "docs"
    docs.mkdir()
    others = [f"page{n}" for n in range(4)]
    toctree = "```{toctree}\n" + "\n".join([*others, "broken"]) + "\n```\n"
    (docs / "index.md").write_text("# Home\n\n" + toctree, encoding="utf-8")
    for name in others:
        cell = f"```{{code-cell}} python3\n{len(name)} + 1\n```\n"
        (docs / f"{name}.md").write_text(
            f"{HEADER}# {name}\n\n{cell}", encoding="utf-8"
        )
    claim = "```{code-cell} python3\nk = 6.001\nassert abs(k - 7) < 1e-2, 'k is not 7'\n```\n"
    (docs / "broken.md").write_text(
        f"{HEADER}# Broken\n\n{claim}", encoding="utf-8"
    )
    env = {**os.environ, "DERIVATIVES_CACHE": str(tmp_path / "cache")}
    command = [
        "make",
        "--no-print-directory",
        "html",
        f"DOCS={docs}",
        f"SITE={tmp_path / 'html'}",
    ]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert (
        "broken.md" in log and "k is not 7" in log and "assert abs(k - 7)" in log
    ), log[-3000:]
    assert "Site built" not in log


def test_no_repository_buttons_while_pyproject_names_no_repository(
    site: Path,
) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "github.com" not in html and "edit-this-page" not in html


@pytest.mark.site  # builds a site of its own
def test_repository_buttons_follow_pyproject_and_branch_main(
    tmp_path: Path,
) -> None:
    """Naming a repository in pyproject.toml is all it takes to show its buttons."""
    for name in ("conf", "derivatives"):
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(
        ROOT / "README.md", tmp_path
    )  # the package's wheel for live mode reads it
    url = "https://github.com/example/derivatives"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = pyproject.replace(
        "[project.urls]\n", f'[project.urls]\nRepository = "{url}"\n'
    )
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "# Home\n\nText.\n", encoding="utf-8"
    )
    out = tmp_path / "html"
    command = [*SPHINX[:3], "-c", str(tmp_path / "conf"), *SPHINX[5:]]
    subprocess.run(
        [*command, str(tmp_path / "docs"), str(out)], cwd=tmp_path, check=True
    )
    html = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in html
    assert f"{url}/edit/main/docs/index.md" in html
    assert f"{url}/issues" in html


CORE_PATH = [
    "what-is-a-derivative",
    "symbolic",
    "partial-derivatives",
    "computation-graph",
    "backprop",
    "larger-network",
    "gradient-descent",
    "classifier",
]
DEEP_DIVES = ["step-size", "three-ways", "forward-reverse", "tensors"]
LESSONS = [*CORE_PATH, *DEEP_DIVES]


def test_index_links_the_lessons_in_reading_order(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    body = html.split('id="the-lessons"', 1)[1]
    positions = [body.find(f'href="{name}.html"') for name in LESSONS]
    assert -1 not in positions and positions == sorted(positions)
    assert sorted(p.stem for p in DOCS.glob("*.md")) == sorted(
        [*LESSONS, "index", "api"]
    )


@pytest.mark.parametrize("number", range(len(LESSONS)))
def test_each_lesson_is_complete(number: int) -> None:
    """Glued values, hidden checks, a figure, a summary, folded exercises, a link onward."""
    name = LESSONS[number]
    source = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    assert source.count("{glue:text}") >= 5, "numbers in the prose are glued"
    hidden = source.split(":tags: [remove-cell]")[1:]
    assert sum("assert " in cell.split("```", 1)[0] for cell in hidden) >= 3, (
        "claims are checked"
    )
    assert "{glue:figure}" in source, "at least one captioned figure"
    assert "## Summary" in source and "## Exercises" in source
    assert source.index("## Summary") < source.index("## Exercises")
    assert "tags: [hide-cell]" in source.split("## Exercises", 1)[1], (
        "folded, executed solutions"
    )
    following = LESSONS[number + 1] if number + 1 < len(LESSONS) else "api"
    assert f"{{doc}}`{following}`" in source or f"<{following}>`" in source, (
        "links onward"
    )
    assert "derivatives." in source and (
        "{func}`" in source or "{class}`" in source
    ), "links API"


def test_api_links_back_to_every_lesson(site: Path) -> None:
    html = (site / "api.html").read_text(encoding="utf-8")
    assert all(f'href="{name}.html"' in html for name in LESSONS)
