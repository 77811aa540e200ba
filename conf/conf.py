"""Sphinx configuration of the derivatives site.

Used as ``sphinx-build -c conf docs build/html``: ``docs/`` holds content only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tomllib
import warnings
from importlib.metadata import distribution
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.cache.db import create_db
from myst_nb.sphinx_ext import add_global_html_resources

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "derivatives"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# sphinx-autodoc-typehints still calls an API that Sphinx 10 removes; it works on this Sphinx.
warnings.filterwarnings(
    "ignore",
    message=".*set_application.*is deprecated",
    module="sphinx_autodoc_typehints",
)

# -- Reproducibility ----------------------------------------------------------
# Kernels are child processes and inherit this environment: matplotlib reads the
# rc file (fixed SVG hash salt, no dates), IPython reads the kernel profile below.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
os.environ["MATPLOTLIBRC"] = str(Path(__file__).with_name("matplotlibrc"))
os.environ["PYTHONHASHSEED"] = "0"

_IPYTHONDIR = ROOT / "build" / ".ipython"
_kernel_config = _IPYTHONDIR / "profile_default" / "ipython_kernel_config.py"
_kernel_config.parent.mkdir(parents=True, exist_ok=True)
_kernel_config.write_text(
    (Path(__file__).with_name("ipython_kernel_config.py")).read_text(
        encoding="utf-8"
    ),
    encoding="utf-8",
)
os.environ["IPYTHONDIR"] = str(_IPYTHONDIR)

# -- Project -------------------------------------------------------------------
project = "derivatives"
author = "the derivatives authors"
copyright = "the derivatives authors"
release = version = PYPROJECT["project"]["version"]

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_autodoc_typehints",
    "sphinx_copybutton",
    "sphinx_design",
]

# -- Live mode (conf/live.py): the lessons' code runs in the reader's browser ----------------------
sys.path.insert(0, str(Path(__file__).parent))
extensions.append("live")

exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]
root_doc = "index"
nitpicky = True
# Types from other projects: no inventories are fetched (the build is offline),
# so their names are shown without a link instead of failing the nitpicky build.
nitpick_ignore_regex = [
    (r"py:.*", r"(sympy|matplotlib|numpy|collections\.abc|typing|fractions)\..*"),
    (
        r"py:.*",
        r"(Callable|Sequence|Mapping|Iterable|Iterator|NamedTuple|Expr|Symbol|Figure|Axes)",
    ),
    (
        r"py:.*",
        r"(float|int|str|bool|complex|object|list|tuple|dict|None|Fraction|Real|Any)",
    ),
    (r"py:.*", r"random\..*"),
    # Plain-words types of numpydoc "Parameters" sections ("float, optional", "real number").
    (
        r"py:class",
        r"(optional|callable|sequence|mapping|(real )?numbers?|NumPy scalar|default .*)",
    ),
    (r"py:class", r"([{\"].*|.*[}\"])"),
]

# -- MyST and MyST-NB ------------------------------------------------------------
myst_enable_extensions = [
    "dollarmath",
    "amsmath",
    "colon_fence",
    "deflist",
    "substitution",
]
myst_heading_anchors = 3

nb_execution_mode = "cache"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# Markdown that cells display (tables, $math$) is parsed as MyST, like the pages themselves.
nb_render_markdown_format = "myst"


def _package_hash() -> str:
    """A digest of the package's source: the execution cache is keyed on it."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PACKAGE_HASH = _package_hash()
# MyST-NB's cache key covers a page's code, not the package it imports: a new
# cache per package version means no page is ever published from stale output.
nb_execution_cache_path = str(
    Path(os.environ.get("DERIVATIVES_CACHE", ROOT / "build" / ".jupyter_cache"))
    / PACKAGE_HASH
)
# `make html` reads pages in parallel (-j auto). Two processes that both find no cache database
# would both create it and one would fail: create it here, once, before any of them starts.
Path(nb_execution_cache_path).mkdir(parents=True, exist_ok=True)
create_db(nb_execution_cache_path)

# -- Autodoc -------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
typehints_use_rtype = False
typehints_defaults = "comma"
always_document_param_types = True

# -- Math without a network ----------------------------------------------------
# Sphinx loads MathJax from a CDN by default, which fails offline. MathJax 3 is
# taken from a PyPI distribution and only the files the site uses are shipped.


def _offline_mathjax() -> Path:
    """Copy MathJax's TeX-to-HTML bundle and its fonts into the build directory."""
    mathjax = Path(
        str(distribution("sphinx-mathjax-offline").locate_file(_MATHJAX))
    )
    target = ROOT / "build" / ".mathjax"
    for name in ("tex-chtml.js", "output/chtml/fonts/woff-v2"):
        source, copy = mathjax / name, target / "mathjax" / name
        if source.is_dir():
            shutil.copytree(source, copy, dirs_exist_ok=True)
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
    return target


_MATHJAX = "sphinx-mathjax-offline/static/mathjax"
mathjax_path = "mathjax/tex-chtml.js"
# Without MathJax's menu a formula is not a tab stop: the keyboard goes from link to link.
mathjax3_config = {"options": {"enableMenu": False}}

# -- HTML ------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "derivatives"
html_last_updated_fmt = None
html_static_path = ["_static", str(_offline_mathjax())]
html_logo = "_static/logo.svg"
html_favicon = "_static/logo.svg"
html_css_files = ["derivatives.css", "exercises.css"]
# The sidebar buttons on a phone, figures at full size (deferred: runs before the themes bind);
# graph exercises and the backprop stepper (derivatives.exercises): keys in the page, no Python.
html_js_files = [
    ("reading.js", {"defer": "defer"}),
    ("exercises.js", {"defer": "defer"}),
]
html_context = {
    "default_mode": "auto"
}  # light or dark, as the reader's system prefers
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "logo": {"text": "derivatives"},
}
# The repository is named in one place, pyproject.toml's [project.urls]. While it
# names none, the repository, edit and issue buttons stay hidden: no invented URL.
REPOSITORY = PYPROJECT["project"].get("urls", {}).get("Repository", "")
if REPOSITORY:
    html_theme_options |= {
        "repository_url": REPOSITORY,
        "repository_branch": "main",
        "path_to_docs": "docs",
        "use_repository_button": True,
        "use_edit_page_button": True,
        "use_issues_button": True,
    }
copybutton_prompt_text = r">>> |\.\.\. |\$ |In \[\d*\]: | {2,5}\.\.\.: | {5,8}: "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos, .gp, .go"


def _outdated_on_package_change(app, env, added, changed, removed):  # type: ignore[no-untyped-def]
    """Re-read every page when the package changed since the last build."""
    if getattr(env, "derivatives_package_hash", None) == PACKAGE_HASH:
        return []
    env.derivatives_package_hash = PACKAGE_HASH
    return sorted(env.found_docs)


def _keep_reports_out_of_the_site(app, exception):  # type: ignore[no-untyped-def]
    """MyST-NB writes execution tracebacks into the output: move them beside it."""
    reports = Path(app.outdir) / "reports"
    if reports.is_dir():
        kept = Path(app.outdir).parent / "reports"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.move(reports, kept)


def _merged_streams(outputs: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    """Join consecutive outputs of one stream: how a kernel splits what a cell prints depends on
    timing, and the downloaded notebook must not."""
    merged: list[dict] = []  # type: ignore[type-arg]
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.get("output_type") == last.get("output_type") == "stream"
            and output.get("name") == last.get("name")
        ):
            last["text"] = "".join(last["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def _outputs_from_cache(content: dict) -> dict:  # type: ignore[type-arg]
    """The executed notebook from the execution cache: MyST-NB writes the page's notebook without
    its outputs when it takes them from the cache instead of running the page."""
    notebook = nbformat.from_dict(content)
    try:
        _, merged = get_cache(nb_execution_cache_path).merge_match_into_notebook(
            notebook
        )
    except KeyError:  # not in the cache: the page has no outputs to show
        return content
    content = json.loads(nbformat.writes(merged))
    # Glued values are left out, as MyST-NB takes them out when it runs a page.
    for cell in content["cells"]:
        if "outputs" in cell:
            cell["outputs"] = [
                o
                for o in cell["outputs"]
                if "scrapbook" not in o.get("metadata", {})
            ]
    return content


def _offer_notebook_download(app, pagename, templatename, context, doctree):  # type: ignore[no-untyped-def]
    """Put each executed page beside its source, so the download menu offers the .ipynb."""
    notebook = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not notebook.is_file():
        return
    content = json.loads(notebook.read_text(encoding="utf-8"))
    if not any(cell.get("outputs") for cell in content["cells"]):
        content = _outputs_from_cache(content)
    for number, cell in enumerate(content["cells"]):
        # reading Markdown gives random ids: number them instead
        cell["id"] = f"cell-{number}"
        if "outputs" in cell:
            cell["outputs"] = _merged_streams(cell["outputs"])
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"


def _mystnb_css_before_the_pages(app):  # type: ignore[no-untyped-def]
    """MyST-NB copies its stylesheet only when the build ends, so a clean build linked it without
    the checksum that a rebuild adds: copy it first, and every build writes the same link."""
    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    add_global_html_resources(app, None)


def _static_digest() -> str:
    """A digest of this site's scripts and style sheets. Every page links them with their
    checksums, so that a browser fetches them anew when they change: a change rewrites every page
    (an "html" config value that changes makes Sphinx write all pages again)."""
    digest = hashlib.sha256()
    static = Path(__file__).parent / "_static"
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        digest.update(path.relative_to(static).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup(app):  # type: ignore[no-untyped-def]
    app.add_config_value("static_digest", _static_digest(), "html", types=[str])
    app.connect("builder-inited", _mystnb_css_before_the_pages)
    app.connect("html-page-context", _offer_notebook_download, priority=400)
    app.connect("env-get-outdated", _outdated_on_package_change)
    app.connect("build-finished", _keep_reports_out_of_the_site)
