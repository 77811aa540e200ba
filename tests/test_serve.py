"""`make serve`: a live preview that rebuilds on edits to docs/, conf/ and derivatives/ only.

The command `make serve` runs is taken from the Makefile and started on a copy of the project, so
the edits below never touch the real tree.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.site  # it builds a site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int) -> list[str]:
    dry_run = subprocess.run(
        ["make", "-n", "serve", f"PORT={port}", "STAMP=pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(
        x
        for x in dry_run.stdout.replace("\\\n", " ").splitlines()
        if "autobuild" in x
    )
    words = shlex.split(line)
    return [str(ROOT / words[0]), *words[1:]]


class Preview:
    def __init__(self, project: Path) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(project),
            "DERIVATIVES_CACHE": str(project / "c"),
        }
        self.process = subprocess.Popen(
            serve_command(self.port),
            cwd=project,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(re.sub(r"\x1b\[[0-9;]*m", "", line))

    def wait_for(
        self, pattern: str, after: int = 0, timeout: float = 120
    ) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log[after:]:
                if found := re.search(pattern, line):
                    return found
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in:\n{''.join(self.log[-40:])}")

    def count(self, pattern: str) -> int:
        return sum(1 for line in self.log if re.search(pattern, line))


def fetch(url: str, timeout: float = 30) -> str:
    """The page at `url`, once the server (announced just before it listens) answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url) as page:
                return str(page.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, Path]]:
    for name in ("conf", "derivatives"):
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(
        ROOT / "README.md", tmp_path
    )  # the package's wheel for live mode reads it
    (tmp_path / "docs").mkdir()
    for page in ("index.md", "api.md"):
        shutil.copy(ROOT / "docs" / page, tmp_path / "docs")
    running = Preview(tmp_path)
    yield running, tmp_path
    running.process.terminate()
    running.process.wait(timeout=30)


def test_preview_serves_and_rebuilds_on_each_edit_without_loops(
    preview: tuple[Preview, Path],
) -> None:
    running, project = preview
    running.wait_for(rf"Serving on http://127\.0\.0\.1:{running.port}")
    assert "Derivatives, from a nudge" in fetch(
        f"http://127.0.0.1:{running.port}/index.html"
    )

    def script() -> str:  # the link to live mode's script, with its checksum
        page = fetch(f"http://127.0.0.1:{running.port}/index.html")
        return re.findall(r'src="_static/live\.js\?v=\w+"', page)[0]

    links = [script()]
    for edited in (
        "docs/api.md",
        "conf/_static/live.js",
        "derivatives/epsilon.py",
    ):
        mark = len(running.log)
        with (project / edited).open("a", encoding="utf-8") as file:
            file.write("\n")
        running.wait_for(rf"Detected change.*{re.escape(edited)}", after=mark)
        running.wait_for(r"build (succeeded|finished)", after=mark)
        links.append(script())
    # An edited script rewrites the pages, which link it with its new checksum (a browser would
    # otherwise keep the old one); the other edits leave the link as it was.
    assert links[0] == links[1] != links[2] == links[3], links

    # An edit to the package re-executes the page that imports it.
    assert running.count(r"index\.md: Executing notebook") == 2
    # Quiet afterwards: the build's own writes (caches, __pycache__) trigger nothing. A last edit
    # shows it once its rebuild is over: the watcher reports changes in order, so any it found
    # in the builds' writes comes before it or with it, and every change detected is an edit.
    mark = len(running.log)
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as file:
        file.write("\n")
    running.wait_for(r"Detected change.*docs/index\.md", after=mark)
    running.wait_for(r"build (succeeded|finished)", after=mark)
    detected = [line for line in running.log if "Detected change" in line]
    assert len(detected) == 4, detected
    edited = ("docs/api.md", "live.js", "epsilon.py", "docs/index.md")
    assert all("," not in line for line in detected), detected  # one path each
    assert all(any(name in line for name in edited) for line in detected), detected
