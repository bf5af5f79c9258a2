"""wharf review on what wharf renders, and its SARIF against the SARIF 2.1.0 schema.

The schema is the OASIS one as shipped in the serde-sarif crate; scripts/test downloads it
from crates.io (checksum pinned) into .cache/. A missing schema fails the run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO_ROOT, documented_trade_offs, session_trees, wharf_binary

SCHEMA = Path(os.environ.get("WHARF_SARIF_SCHEMA", REPO_ROOT / ".cache" / "sarif-schema-2.1.0.json"))
DEMO_TREE = REPO_ROOT / "crates" / "cli" / "tests" / "trees" / "review"

def review(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(wharf_binary()), "review", *args],
        cwd=path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.Draft7Validator:
    if not SCHEMA.is_file():
        pytest.fail(f"{SCHEMA} is missing: run scripts/test, which downloads it", pytrace=False)
    schema = json.loads(SCHEMA.read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft7Validator(schema)


def assert_valid(validator: jsonschema.Draft7Validator, text: str) -> dict:
    doc = json.loads(text)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:20])
    return doc


def test_sarif_of_findings_is_valid(sarif_validator: jsonschema.Draft7Validator) -> None:
    result = review(DEMO_TREE, "--format", "sarif", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    doc = assert_valid(sarif_validator, result.stdout)
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"WH101", "WH501"}
    suppressed = [r for r in results if r.get("suppressions")]
    assert suppressed and all(s["justification"] for r in suppressed for s in r["suppressions"])
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert not Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_absolute()


def test_rendered_environments_review_clean(
    tree_env: tuple[str, str], sarif_validator: jsonschema.Draft7Validator
) -> None:
    tree, env = tree_env
    root = session_trees()[tree] / "environments" / env
    result = review(root, "--format", "sarif")
    doc = assert_valid(sarif_validator, result.stdout)
    results = doc["runs"][0]["results"]
    active = [f"{r['ruleId']}: {r['message']['text']}" for r in results if not r.get("suppressions")]
    assert not active, "\n".join(active)
    assert result.returncode == 0, result.stderr
    # Exactly the trade-offs wharf says the root documents: each suppressed finding is one
    # the manifest chose, and each documented trade-off is a finding review would report.
    codes = {r["ruleId"] for r in results}
    documented = documented_trade_offs(tree, env)
    assert codes == documented, f"{tree}/{env} carries suppressions {codes}, wharf documents {documented}"
    # The prod profile trades nothing away: a bundled example, which makes no choice of its
    # own, documents no trade-off in prod.
    if env == "prod" and (REPO_ROOT / "examples" / tree / "wharf.toml").is_file():
        assert not documented, f"{tree}/prod documents {documented}"
