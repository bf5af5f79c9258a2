"""The rendered GitHub workflows, checked with the tools GitHub users run on theirs: GitHub's
workflow schema (check-jsonschema's vendored copy), actionlint with shellcheck for every
``run:`` script, and zizmor's security audits, offline. Each must report nothing.

Every tree whose manifest has ``[delivery]`` is checked; there must be at least one, or
this file tests nothing. A missing tool fails the run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import project_root, session_trees, wharf_binary

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: install tests/platform/requirements.txt into .venv", pytrace=False)
    return str(path)


def _projects_with_workflows() -> dict[str, list[Path]]:
    found = {}
    for name in session_trees():
        workflows = sorted((project_root(name) / ".github" / "workflows").glob("*.yml"))
        if workflows:
            found[name] = workflows
    return found


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd)


def test_some_tree_renders_workflows() -> None:
    projects = _projects_with_workflows()
    assert "releases" in projects
    assert [p.name for p in projects["releases"]] == ["wharf-checks.yml", "wharf-deploy.yml"]


def test_workflows_match_githubs_schema() -> None:
    for name, files in _projects_with_workflows().items():
        result = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, files)])
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"


def test_actionlint_and_shellcheck_find_nothing() -> None:
    shellcheck = _tool("shellcheck")
    for name, files in _projects_with_workflows().items():
        # -shellcheck names the binary: without it, actionlint skips the scripts silently
        # when shellcheck is not on the PATH.
        result = _run([_tool("actionlint"), "-shellcheck", shellcheck, "-no-color", *map(str, files)])
        assert result.returncode == 0 and result.stdout == "", f"{name}:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    for name in _projects_with_workflows():
        workflows = project_root(name) / ".github" / "workflows"
        result = _run([_tool("zizmor"), "--offline", "--no-progress", f"--persona={persona}", str(workflows)])
        assert result.returncode == 0, f"{name} ({persona}):\n{result.stdout}{result.stderr}"
        assert "No findings to report" in result.stdout + result.stderr, result.stdout + result.stderr


def test_render_check_passes_in_the_project_as_the_pull_request_job_runs_it() -> None:
    for name in _projects_with_workflows():
        project = project_root(name)
        manifest = next(project.glob("*.toml"))
        result = _run(
            [str(wharf_binary()), "render", "--check", "--manifest", manifest.name, "--out", "infra", "--root", "."],
            cwd=project,
        )
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"
        assert "are up to date" in result.stdout, result.stdout
