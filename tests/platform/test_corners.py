"""The corners of the Terraform language wharf is held to (see the README of each corners
directory): each is valid Terraform, shown with `terraform validate`, and Terraform
computes the `expected.json` the Rust tests hold wharf's evaluation to.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, Terraform

EVALUATED = sorted(p for p in (REPO_ROOT / "crates/terraform/tests/corners").iterdir() if p.is_dir())
REVIEWED = sorted(p for p in (REPO_ROOT / "crates/review/tests/corners").iterdir() if p.is_dir())


def _validated(corner: Path, terraform: Terraform, tmp_path: Path) -> Path:
    root = tmp_path / corner.name
    shutil.copytree(corner, root)
    terraform.run(["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    result = terraform.run(["validate", "-json", "-no-color"], cwd=root, check=False)
    report = json.loads(result.stdout)
    assert report["valid"] and not report["diagnostics"], f"{corner.name}: {report['diagnostics']}"
    return root


def test_there_are_corners() -> None:
    assert len(EVALUATED) >= 4 and REVIEWED, (EVALUATED, REVIEWED)


@pytest.mark.parametrize("corner", EVALUATED, ids=lambda p: p.name)
def test_terraform_computes_what_wharf_is_held_to(corner: Path, terraform: Terraform, tmp_path: Path) -> None:
    root = _validated(corner, terraform, tmp_path)
    args_file = corner / "args"
    args = args_file.read_text().split() if args_file.is_file() else []
    terraform.run(["apply", "-auto-approve", "-input=false", "-no-color", *args], cwd=root)
    output = terraform.run(["output", "-json", "v"], cwd=root)
    expected = json.loads((corner / "expected.json").read_text())
    assert json.loads(output.stdout) == expected


@pytest.mark.parametrize("corner", REVIEWED, ids=lambda p: p.name)
def test_reviewed_corners_are_valid(corner: Path, terraform: Terraform, tmp_path: Path) -> None:
    _validated(corner, terraform, tmp_path)
