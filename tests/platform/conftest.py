"""Checks rendered wharf trees with the real engines: Terraform, moto and Checkov.

A tree is what ``wharf render`` writes for one bundled example: ``modules/<name>/`` and
``environments/<env>/``. ``rendered_trees()`` is the one place that decides which trees
are under test; every test receives its own copy of a tree, so tests never see each other's
``.terraform`` directories, state or override files.

Nothing here reaches AWS or the internet: providers come from a local filesystem mirror and
AWS APIs from a moto server on loopback. A missing tool fails the run; it is never skipped.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

PLATFORM_DIR = Path(__file__).resolve().parent
REPO_ROOT = PLATFORM_DIR.parents[1]
EXAMPLES_DIR = REPO_ROOT / "examples"
CHECKOV_SKIPS_FILE = PLATFORM_DIR / "checkov-skips.txt"

# (tree, environment) pairs that are applied and destroyed against moto.
MOTO_ENVIRONMENTS = [("minimal", "dev"), ("messaging", "dev"), ("data", "dev"), ("releases", "dev")]

# Environments Checkov must pass: every prod environment of every tree.
CHECKOV_ENVIRONMENT = "prod"

TERRAFORMRC = """\
provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
"""

# Facts the terminal summary prints at the end of the run (durations, Checkov counts).
REPORT: list[str] = []

# Temporary directories removed when the session ends.
_CLEANUP: list[Path] = []


# --------------------------------------------------------------------------------------
# Trees under test
# --------------------------------------------------------------------------------------


def wharf_binary() -> Path:
    """The wharf binary under test: $WHARF_BIN, else the debug build of this checkout."""
    binary = Path(os.environ.get("WHARF_BIN", REPO_ROOT / "target" / "debug" / "wharf"))
    if not binary.is_file():
        pytest.fail(f"{binary} does not exist: run `cargo build -p wharf` or set WHARF_BIN", pytrace=False)
    return binary


def rendered_trees(dest: Path) -> dict[str, Path]:
    """Renders every bundled example, and every manifest in ``manifests/`` (edge cases such
    as hostile strings), with the real binary. Each is a project of its own, as in a user's
    repository: ``dest/<name>/`` holds the manifest, the Terraform tree ``infra/`` and, with
    ``[delivery]``, the workflows in ``.github/workflows/``. Returns ``{name: tree}``, each
    tree the ``infra/`` directory."""
    manifests = {p.name: p / "wharf.toml" for p in EXAMPLES_DIR.iterdir() if (p / "wharf.toml").is_file()}
    manifests.update({p.stem: p for p in (PLATFORM_DIR / "manifests").glob("*.toml")})
    trees = {}
    for name, manifest in sorted(manifests.items()):
        project = dest / name
        project.mkdir(parents=True)
        shutil.copy(manifest, project / manifest.name)
        tree = project / "infra"
        result = subprocess.run(
            [str(wharf_binary()), "render", "--manifest", manifest.name, "--out", "infra", "--format", "json"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(f"wharf render of {name} failed:\n{result.stdout}{result.stderr}", pytrace=False)
        trees[name] = tree
        _SUMMARIES[name] = json.loads(result.stdout)
    return trees


def project_root(name: str) -> Path:
    """The project directory tree ``name`` was rendered in: its manifest, ``infra/`` and
    ``.github/``."""
    return session_trees()[name].parent


# What `wharf render --format json` printed for each tree of rendered_trees().
_SUMMARIES: dict[str, dict] = {}


def documented_trade_offs(tree: str, env: str) -> set[str]:
    """The review codes that the root of ``env`` in tree ``tree`` documents as trade-offs,
    as `wharf render --format json` lists them."""
    session_trees()
    summary = _SUMMARIES[tree]
    (environment,) = [e for e in summary["environments"] if e["name"] == env]
    return {t["code"] for t in environment["trade_offs"]}


@functools.cache
def session_trees() -> dict[str, Path]:
    # Collection needs the tree and environment names before any fixture exists, so the
    # trees are rendered once per session into a directory removed at exit.
    dest = Path(tempfile.mkdtemp(prefix="wharf-trees-"))
    _CLEANUP.append(dest)
    return rendered_trees(dest)


def tree_environments(tree: Path) -> list[str]:
    return sorted(p.name for p in (tree / "environments").iterdir() if p.is_dir())


def copy_tree(name: str, dest: Path) -> Path:
    """A private copy of tree ``name`` under ``dest``."""
    target = dest / name
    shutil.copytree(session_trees()[name], target)
    return target


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    trees = session_trees()
    if "tree_name" in metafunc.fixturenames:
        metafunc.parametrize("tree_name", sorted(trees))
    if "tree_env" in metafunc.fixturenames:
        pairs = [(t, e) for t in sorted(trees) for e in tree_environments(trees[t])]
        metafunc.parametrize("tree_env", pairs, ids=[f"{t}/{e}" for t, e in pairs])
    if "prod_env" in metafunc.fixturenames:
        pairs = [
            (t, CHECKOV_ENVIRONMENT)
            for t in sorted(trees)
            if CHECKOV_ENVIRONMENT in tree_environments(trees[t])
        ]
        metafunc.parametrize("prod_env", pairs, ids=[f"{t}/{e}" for t, e in pairs])
    if "moto_env" in metafunc.fixturenames:
        metafunc.parametrize("moto_env", MOTO_ENVIRONMENTS, ids=[f"{t}/{e}" for t, e in MOTO_ENVIRONMENTS])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for path in _CLEANUP:
        shutil.rmtree(path, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    if REPORT:
        terminalreporter.section("wharf platform")
        for line in REPORT:
            terminalreporter.write_line(line)


# --------------------------------------------------------------------------------------
# Terraform
# --------------------------------------------------------------------------------------


def _find_provider_mirror() -> Path | None:
    """Root of a filesystem mirror holding hashicorp/aws, or None.

    Looks at $WHARF_TF_PLUGIN_MIRROR, then /opt/tf-plugins, then searches / for a
    terraform-provider-aws binary or archive and takes the directory that contains its
    registry.terraform.io/ tree.
    """
    for candidate in (os.environ.get("WHARF_TF_PLUGIN_MIRROR"), "/opt/tf-plugins"):
        if candidate and any(Path(candidate).glob("registry.terraform.io/hashicorp/aws/*")):
            return Path(candidate)
    skip = {"/proc", "/sys", "/dev", "/run"}
    for dirpath, dirnames, filenames in os.walk("/", onerror=lambda _: None):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
        if any(f.startswith("terraform-provider-aws") for f in filenames):
            for parent in Path(dirpath).parents:
                if parent.name == "registry.terraform.io":
                    return parent.parent
    return None


@dataclasses.dataclass(frozen=True)
class Terraform:
    binary: str
    env: dict[str, str]

    def run(self, args: list[str], cwd: Path, *, check: bool = True, extra_env: dict[str, str] | None = None,
            timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **(extra_env or {})}
        result = subprocess.run(
            [self.binary, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"terraform {' '.join(args)} failed in {cwd} (exit {result.returncode})\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}",
                pytrace=False,
            )
        return result


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    binary = shutil.which("terraform")
    if binary is None:
        pytest.fail("terraform is not on PATH; install Terraform >= 1.10 to run the platform tests", pytrace=False)
    mirror = _find_provider_mirror()
    if mirror is None:
        pytest.fail(
            "no filesystem mirror with registry.terraform.io/hashicorp/aws found "
            "(set WHARF_TF_PLUGIN_MIRROR to its root)",
            pytrace=False,
        )
    home = tmp_path_factory.mktemp("terraform")
    cli_config = home / "terraformrc"
    cli_config.write_text(TERRAFORMRC.format(mirror=mirror.as_posix()))
    plugin_cache = home / "plugin-cache"
    plugin_cache.mkdir()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_PLUGIN_CACHE_DIR": str(plugin_cache),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    for name in ("TF_LOG", "TF_WORKSPACE", "TF_DATA_DIR"):
        env.pop(name, None)
    return Terraform(binary=binary, env=env)


# --------------------------------------------------------------------------------------
# moto
# --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory):
    """URL of a moto server on loopback, for the whole session."""
    yield from _moto_server(tmp_path_factory)


@pytest.fixture(scope="module")
def release_moto(tmp_path_factory: pytest.TempPathFactory):
    """URL of a moto server of its own, for the release tests (wharf deploy and friends)."""
    yield from _moto_server(tmp_path_factory)


def _moto_server(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    # moto's own server, plus stand-ins for the few actions moto lacks (see moto_shims.py).
    command = [sys.executable, str(PLATFORM_DIR / "moto_shims.py"), "-H", "127.0.0.1", "-p", str(port)]
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    log = log_path.open("w")
    # Services report this many running tasks, so deployments of 2 or fewer tasks complete.
    # AWS managed policies (AmazonRDSEnhancedMonitoringRole, which the database module
    # attaches) exist in moto only when it is asked to load them.
    env = {**os.environ, "MOTO_ECS_SERVICE_RUNNING": "2", "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail(f"moto server did not start:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


# Fake credentials only: nothing may ever reach a real AWS account.
MOTO_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

# Every AWS service the rendered modules call; the test points each one at moto.
MOTO_SERVICES = [
    "appautoscaling",
    "cloudwatch",
    "codedeploy",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elasticache",
    "elbv2",
    "events",
    "iam",
    "kms",
    "logs",
    "rds",
    "s3",
    "scheduler",
    "secretsmanager",
    "sns",
    "sqs",
    "sts",
    "wafv2",
]


def moto_override(endpoint: str) -> str:
    """Contents of an ``*_override.tf`` that points an environment root at moto.

    Terraform merges override files into the configuration: the backend is replaced by a
    local one and the provider gains endpoints and the skips a fake account needs. None of
    this ever appears in rendered code.
    """
    endpoints = "\n".join(f'    {service:<14} = "{endpoint}"' for service in MOTO_SERVICES)
    return f"""terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


# --------------------------------------------------------------------------------------
# Checkov
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CheckovSkip:
    check_id: str
    reason: str


def load_checkov_skips() -> list[CheckovSkip]:
    """Parses checkov-skips.txt: ``CHECK_ID # reason`` per line; blank lines are ignored."""
    skips = []
    for number, raw in enumerate(CHECKOV_SKIPS_FILE.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        check_id, sep, reason = line.partition("#")
        check_id, reason = check_id.strip(), reason.strip()
        if not sep or not check_id or not reason or " " in check_id:
            pytest.fail(f"{CHECKOV_SKIPS_FILE.name}:{number}: expected 'CHECK_ID # reason', got {raw!r}", pytrace=False)
        skips.append(CheckovSkip(check_id, reason))
    return skips


def checkov_binary() -> str:
    beside_python = Path(sys.executable).parent / "checkov"
    binary = str(beside_python) if beside_python.exists() else shutil.which("checkov")
    if binary is None:
        pytest.fail("checkov is not installed; pip install -r tests/platform/requirements.txt", pytrace=False)
    return binary


def run_checkov(env_root: Path, skip_ids: list[str]) -> dict:
    """Runs Checkov on one environment root (local modules are followed) and returns its
    JSON report for the terraform framework."""
    command = [
        checkov_binary(),
        "--directory", str(env_root),
        "--framework", "terraform",
        "--output", "json",
        "--compact",
        "--skip-download",
    ]
    if skip_ids:
        command += ["--skip-check", ",".join(skip_ids)]
    # No platform API key and --skip-download: Checkov runs offline with its bundled checks.
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    env.pop("BC_API_KEY", None)
    result = subprocess.run(command, cwd=env_root, env=env, capture_output=True, text=True, timeout=1800)
    # Exit code 1 only means "some check failed"; the report says which.
    if result.returncode not in (0, 1) or not result.stdout.strip():
        pytest.fail(
            f"checkov failed on {env_root} (exit {result.returncode})\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    for r in reports:
        if r.get("check_type") == "terraform":
            return r
    pytest.fail(f"checkov produced no terraform report for {env_root}:\n{result.stdout[:2000]}", pytrace=False)
