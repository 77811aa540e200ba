"""Hosting configurations: valid against their published schemas, building as `make html` does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    ".readthedocs.yaml": "vendor.readthedocs",
    ".github/workflows/pages.yml": "vendor.github-workflows",
}


def validate(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        schema,
        str(path),
    ]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.parametrize(("name", "schema"), CONFIGS.items())
def test_config_matches_its_published_schema(name: str, schema: str) -> None:
    run = validate(ROOT / name, schema)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(("name", "schema"), CONFIGS.items())
def test_schema_check_rejects_a_broken_config(
    name: str, schema: str, tmp_path: Path
) -> None:
    config = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    config["version" if "readthedocs" in name else "jobs"] = 3
    broken = tmp_path / Path(name).name
    broken.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert validate(broken, schema).returncode != 0


def test_both_hosts_build_with_make_html_and_publish_its_output() -> None:
    rtd = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert rtd["build"]["commands"][0] == "make html"
    assert any(
        "build/html" in c and "READTHEDOCS_OUTPUT" in c
        for c in rtd["build"]["commands"]
    )
    workflow = yaml.safe_load(
        (ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    )
    steps = workflow["jobs"]["build"]["steps"]
    assert {"name": "Build the site", "run": "make html"} in steps
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/html"
