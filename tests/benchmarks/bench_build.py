"""How long the site takes to build, and how many pages each kind of build executes.

Works on a copy of the project in a temporary folder (the copy's package shadows the installed
one through PYTHONPATH, so editing it there is what the pages import): a cold build, a rebuild with
nothing changed, a rebuild after editing one page's code, and one after editing the package.
Run as a script; `make bench` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("docs", "conf", "derivatives", "pyproject.toml", "README.md")
EDITED_PAGE = "symbolic.md"


def build(project: Path, jobs: str = "auto") -> tuple[float, int, float]:
    """Build the copy; return wall time, pages executed and their summed execution time."""
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-c",
        "conf",
        "-n",
        "-W",
        "--keep-going",
        "-j",
        jobs,
    ]
    env = {**os.environ, "PYTHONPATH": str(project)}
    env.pop("DERIVATIVES_CACHE", None)
    start = time.perf_counter()
    run = subprocess.run(
        [*command, "docs", "build/html"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit(f"build failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    executed = [
        float(t)
        for t in re.findall(r"Executed notebook in ([\d.]+) seconds", run.stdout)
    ]
    return seconds, len(executed), sum(executed)


def main() -> int:
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    executable = [
        p for p in pages if "code-cell" in (ROOT / "docs" / p).read_text()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        for name in COPIED:
            source, target = ROOT / name, project / name
            if source.is_dir():
                shutil.copytree(
                    source, target, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy(source, target)

        serial = build(project, jobs="1")
        shutil.rmtree(project / "build")
        cold = build(project)
        noop = build(project)
        with (project / "docs" / EDITED_PAGE).open("a", encoding="utf-8") as page:
            page.write(
                "\n```{code-cell} ipython3\n:tags: [remove-cell]\n1 + 1\n```\n"
            )
        one_page = build(project)
        with (project / "derivatives" / "epsilon.py").open(
            "a", encoding="utf-8"
        ) as module:
            module.write("\n# an edit to the package\n")
        package = build(project)

    rows = [
        ("cold, serial (-j 1)", serial, len(executable)),
        ("cold", cold, len(executable)),
        ("no-op", noop, 0),
        (f"edit {EDITED_PAGE}", one_page, 1),
        ("edit the package", package, len(executable)),
    ]
    print(
        f"Build: {len(pages)} pages, {len(executable)} executed; -j auto as in make html"
    )
    print(
        f"  {'build':<20}{'seconds':>9}{'% of cold':>11}{'executed':>10}{'expected':>10}"
    )
    for name, (seconds, executed, _), expected in rows:
        share = 100 * seconds / cold[0]
        print(
            f"  {name:<20}{seconds:>9.1f}{share:>10.0f}%{executed:>10}{expected:>10}"
        )
    print(
        f"  the pages' executions, one after another (-j 1), add up to {serial[2]:.1f} s"
    )
    fast = cold[0] <= serial[2]
    print(f"  cold build (-j auto) no slower than that sum: {fast}")
    ok = noop[0] <= 0.10 * cold[0] and all(row[1][1] == row[2] for row in rows)
    print(f"  no-op <= 10% of cold and every build executed what it should: {ok}")
    ok = ok and fast
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
