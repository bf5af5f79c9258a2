"""What a user of a rendered tree relies on: it is canonically formatted, it validates
without warnings, an environment applies and destroys cleanly, and a prod environment passes
Checkov except for the documented skips."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import boto3
import pytest

from conftest import (
    CHECKOV_ENVIRONMENT,
    MOTO_AWS_ENV,
    REPORT,
    Terraform,
    session_trees,
    copy_tree,
    load_checkov_skips,
    moto_override,
    run_checkov,
    tree_environments,
)


def test_fmt(tree_name: str, terraform: Terraform, tmp_path: Path) -> None:
    tree = copy_tree(tree_name, tmp_path)
    result = terraform.run(["fmt", "-check", "-recursive", "-diff", "."], cwd=tree, check=False)
    assert result.returncode == 0, f"terraform fmt would change {tree_name}:\n{result.stdout}{result.stderr}"


def test_validate(tree_env: tuple[str, str], terraform: Terraform, tmp_path: Path) -> None:
    tree_name, env = tree_env
    root = copy_tree(tree_name, tmp_path) / "environments" / env
    terraform.run(["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    result = terraform.run(["validate", "-json", "-no-color"], cwd=root, check=False)
    report = json.loads(result.stdout)
    diagnostics = "\n".join(
        f"{d['severity']}: {d['summary']}: {d.get('detail', '')} "
        f"({d.get('range', {}).get('filename')}:{d.get('range', {}).get('start', {}).get('line')})"
        for d in report.get("diagnostics", [])
    )
    assert (report["valid"], report["error_count"], report["warning_count"]) == (True, 0, 0), (
        f"terraform validate of {tree_name}/{env}:\n{diagnostics}"
    )


def test_service_module_refuses_root_however_written(terraform: Terraform, tmp_path: Path) -> None:
    """The service module's own validation agrees with the manifest and with review rule
    WH101 on every spelling of uid 0, so a hand-edited root cannot slip root through."""
    root = copy_tree("minimal", tmp_path) / "environments" / "dev"
    main = root / "main.tf"
    text = main.read_text()
    assert 'user                     = "1000:1000"' in text
    terraform.run(["init", "-backend=false", "-input=false", "-no-color"], cwd=root)
    for user, refused in [("00", True), ("+0", True), ("000:1000", True), ("", True), ("root:0", True),
                          ("10:0", False), ("node", False)]:
        main.write_text(text.replace('"1000:1000"', json.dumps(user), 1))
        result = terraform.run(["validate", "-no-color"], cwd=root, check=False)
        said = "user must not be root" in result.stdout + result.stderr
        assert (result.returncode != 0, said) == (refused, refused), f"user = {user!r}:\n{result.stdout}{result.stderr}"


# --------------------------------------------------------------------------------------
# moto
# --------------------------------------------------------------------------------------


def _required_image_tags(root: Path) -> dict[str, str]:
    """One value per ``<service>_image_tag`` variable the root declares."""
    names = set()
    for path in root.glob("*.tf"):
        names.update(re.findall(r'^variable\s+"(\w+_image_tag)"', path.read_text(), flags=re.MULTILINE))
    return {name: "0123456789abcdef0123456789abcdef01234567" for name in sorted(names)}


def _aws(service: str, endpoint: str, region: str = MOTO_AWS_ENV["AWS_DEFAULT_REGION"]):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=MOTO_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=MOTO_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )


def _remaining(endpoint: str, project: str) -> dict[str, list[str]]:
    """What the environment left in moto, by kind; the provider tags everything it creates
    with Project through default_tags."""
    ec2 = _aws("ec2", endpoint)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Project", "Values": [project]}])["Vpcs"]
    ecs = _aws("ecs", endpoint)
    cluster_arns = ecs.list_clusters()["clusterArns"]
    clusters = ecs.describe_clusters(clusters=cluster_arns)["clusters"] if cluster_arns else []
    load_balancers = _aws("elbv2", endpoint).describe_load_balancers()["LoadBalancers"]
    repositories = _aws("ecr", endpoint).describe_repositories()["repositories"]
    buckets = _aws("s3", endpoint).list_buckets()["Buckets"]
    elasticache = _aws("elasticache", endpoint)
    caches = [g["ReplicationGroupId"] for g in elasticache.describe_replication_groups()["ReplicationGroups"]]
    caches += [c["ServerlessCacheName"] for c in elasticache.describe_serverless_caches()["ServerlessCaches"]]
    cache_users = [g["UserGroupId"] for g in elasticache.describe_user_groups()["UserGroups"]]
    cache_users += [u["UserId"] for u in elasticache.describe_users()["Users"] if u["UserId"] != "default"]
    codedeploy = _aws("codedeploy", endpoint)
    applications = codedeploy.list_applications()["applications"]
    deployment_groups = [
        f"{app}/{group}" for app in applications for group in codedeploy.list_deployment_groups(applicationName=app)["deploymentGroups"]
    ]
    return {
        "vpcs": [v["VpcId"] for v in vpcs],
        "ecs clusters": [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"],
        "load balancers": [lb["LoadBalancerName"] for lb in load_balancers],
        "ecr repositories": [r["repositoryName"] for r in repositories],
        "s3 buckets": [b["Name"] for b in buckets],
        "caches": caches,
        "cache users and user groups": cache_users,
        "codedeploy applications": applications,
        "codedeploy deployment groups": deployment_groups,
    }


def _secret_names(root: Path) -> list[str]:
    """Secrets Manager secrets the root looks up by name (its for_each set)."""
    text = (root / "main.tf").read_text()
    block = re.search(r'data "aws_secretsmanager_secret" "this" \{(.*?)\n\}', text, flags=re.DOTALL)
    if not block:
        return []
    names = re.search(r"toset\(\[(.*?)\]\)", block.group(1), flags=re.DOTALL)
    return re.findall(r'"([^"]+)"', names.group(1)) if names else []


def _condition_holds(operator: str, key: str, wanted: list[str], claims: dict[str, str]) -> bool:
    """One IAM condition on a web identity token's claims. A missing claim fails it, as IAM
    does without IfExists; an operator this test does not know fails the test."""
    if key not in claims:
        return False
    value = claims[key]
    if operator == "StringEquals":
        return value in wanted
    if operator == "StringLike":
        # IAM's wildcards: * any run of characters, ? one character.
        return any(re.fullmatch(re.escape(w).replace(r"\*", ".*").replace(r"\?", "."), value) for w in wanted)
    raise AssertionError(f"the deploy role's trust uses {operator}, which this check does not evaluate")


def _trust_allows(document: dict, provider_arn: str, claims: dict[str, str]) -> bool:
    """Whether a trust policy lets a token with these claims assume the role through the
    provider: an Allow statement for sts:AssumeRoleWithWebIdentity, federated by it, whose
    every condition holds."""
    statements = document["Statement"]
    for st in statements if isinstance(statements, list) else [statements]:
        actions = st.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        federated = st.get("Principal", {}).get("Federated", [])
        federated = federated if isinstance(federated, list) else [federated]
        if st.get("Effect") != "Allow" or "sts:AssumeRoleWithWebIdentity" not in actions or provider_arn not in federated:
            continue
        conditions = [
            (op, key, values if isinstance(values, list) else [values])
            for op, keys in st.get("Condition", {}).items()
            for key, values in keys.items()
        ]
        if all(_condition_holds(op, key, values, claims) for op, key, values in conditions):
            return True
    return False


def _check_deploy_role_trust(endpoint: str, prefix: str, env: str) -> None:
    """The deploy role as applied: its trust, evaluated on tokens GitHub would issue, lets
    exactly the repository's jobs in this GitHub environment in."""
    iam = _aws("iam", endpoint)
    role = iam.get_role(RoleName=f"{prefix}-deploy")["Role"]
    document = role["AssumeRolePolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    provider = next(
        p["Arn"]
        for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        if p["Arn"].endswith("oidc-provider/token.actions.githubusercontent.com")
    )
    host = "token.actions.githubusercontent.com"

    def token(sub: str, aud: str | None = "sts.amazonaws.com") -> dict[str, str]:
        claims = {f"{host}:sub": sub}
        if aud is not None:
            claims[f"{host}:aud"] = aud
        return claims

    repository = "acme/rel-shop"
    assert _trust_allows(document, provider, token(f"repo:{repository}:environment:{env}")), document
    refused = {
        "another owner": token(f"repo:evil/rel-shop:environment:{env}"),
        "another repository": token(f"repo:acme/other:environment:{env}"),
        "a repository named like it": token(f"repo:{repository}-fork:environment:{env}"),
        "another environment": token(f"repo:{repository}:environment:{env}x"),
        "a pull request": token(f"repo:{repository}:pull_request"),
        "a branch without the environment": token(f"repo:{repository}:ref:refs/heads/main"),
        "another audience": token(f"repo:{repository}:environment:{env}", aud="https://github.com/acme"),
        "no audience": token(f"repo:{repository}:environment:{env}", aud=None),
    }
    for case, claims in refused.items():
        assert not _trust_allows(document, provider, claims), f"the deploy role trusts {case}: {claims}"
    assert role["MaxSessionDuration"] == 7200
    REPORT.append(f"moto {prefix}-deploy: trust allows 1 token, refuses {len(refused)}")


# The bootstrap root applied on moto, by tree: what the account has before any of the
# tree's environments (the GitHub OIDC provider). One moto server serves the session.
_BOOTSTRAPPED: dict[str, Path] = {}


def _bootstrap(tree_name: str, terraform: Terraform, endpoint: str, tmp_path: Path) -> Path | None:
    """Applies the tree's bootstrap root once, as a user does before its environments; its
    root (with its state), or None when the tree has none."""
    if tree_name in _BOOTSTRAPPED:
        return _BOOTSTRAPPED[tree_name]
    tree = copy_tree(tree_name, tmp_path / "bootstrap")
    root = tree / "bootstrap"
    if not root.is_dir():
        return None
    (root / "moto_override.tf").write_text(moto_override(endpoint))
    terraform.run(["init", "-input=false", "-no-color"], cwd=root, extra_env=MOTO_AWS_ENV)
    apply = terraform.run(["apply", "-auto-approve", "-input=false", "-no-color"], cwd=root, extra_env=MOTO_AWS_ENV)
    assert "Warning:" not in apply.stdout + apply.stderr, f"bootstrap apply printed warnings:\n{apply.stdout}"
    providers = _aws("iam", endpoint).list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert any(p["Arn"].endswith("oidc-provider/token.actions.githubusercontent.com") for p in providers), providers
    REPORT.append(f"moto {tree_name}/bootstrap: applied")
    _BOOTSTRAPPED[tree_name] = root
    return root


def test_plan_on_moto(tree_env: tuple[str, str], terraform: Terraform, moto_endpoint: str, tmp_path: Path) -> None:
    """Every environment plans: data sources resolve, every expression evaluates, and the
    plan only creates. The count of planned resources is the environment's size."""
    tree_name, env = tree_env
    _bootstrap(tree_name, terraform, moto_endpoint, tmp_path)
    root = copy_tree(tree_name, tmp_path) / "environments" / env
    (root / "moto_override.tf").write_text(moto_override(moto_endpoint))
    # The secrets a root reads must exist, as in a real account before the first apply.
    region = re.search(r'region\s*=\s*"([^"]+)"', (root / "providers.tf").read_text()).group(1)
    secrets = _aws("secretsmanager", moto_endpoint, region)
    for name in _secret_names(root):
        try:
            secrets.create_secret(Name=name, SecretString="{}")
        except secrets.exceptions.ResourceExistsException:
            pass
    variables = [arg for name, value in _required_image_tags(root).items() for arg in ("-var", f"{name}={value}")]
    terraform.run(["init", "-input=false", "-no-color"], cwd=root, extra_env=MOTO_AWS_ENV)
    terraform.run(["plan", "-input=false", "-no-color", "-out=plan.bin", *variables], cwd=root, extra_env=MOTO_AWS_ENV)
    plan = json.loads(terraform.run(["show", "-json", "plan.bin"], cwd=root, extra_env=MOTO_AWS_ENV).stdout)
    changes = [c for c in plan.get("resource_changes", []) if c["mode"] == "managed"]
    actions = {tuple(c["change"]["actions"]) for c in changes}
    assert actions == {("create",)}, f"a fresh plan of {tree_name}/{env} should only create, got {actions}"
    REPORT.append(f"plan {tree_name}/{env}: {len(changes)} resources to create")


def test_apply_and_destroy_on_moto(
    moto_env: tuple[str, str], terraform: Terraform, moto_endpoint: str, tmp_path: Path
) -> None:
    tree_name, env = moto_env
    bootstrap = _bootstrap(tree_name, terraform, moto_endpoint, tmp_path)
    root = copy_tree(tree_name, tmp_path) / "environments" / env
    (root / "moto_override.tf").write_text(moto_override(moto_endpoint))
    project = re.search(r'Project\s*=\s*"([^"]+)"', (root / "providers.tf").read_text()).group(1)
    variables = [arg for name, value in _required_image_tags(root).items() for arg in ("-var", f"{name}={value}")]

    def tf(*args: str):
        return terraform.run([*args], cwd=root, extra_env=MOTO_AWS_ENV)

    tf("init", "-input=false", "-no-color")

    started = time.monotonic()
    apply = tf("apply", "-auto-approve", "-input=false", "-no-color", *variables)
    applied = time.monotonic() - started
    state = tf("state", "list").stdout.split()
    created = [address for address in state if not address.startswith("data.") and ".data." not in address]
    REPORT.append(f"moto {tree_name}/{env}: apply {applied:.1f} s ({len(created)} resources)")

    # Plan-time warnings (deprecated arguments, for example) do not all show in validate.
    assert "Warning:" not in apply.stdout + apply.stderr, f"apply printed warnings:\n{apply.stdout}\n{apply.stderr}"
    assert created, "apply succeeded but recorded no resources"
    before = _remaining(moto_endpoint, project)
    assert before["vpcs"] and before["ecs clusters"] and before["load balancers"], (
        f"apply did not create the environment in moto: {before}"
    )

    if bootstrap is not None:
        _check_deploy_role_trust(moto_endpoint, f"{project}-{env}", env)

    started = time.monotonic()
    tf("destroy", "-auto-approve", "-input=false", "-no-color", *variables)
    destroyed = time.monotonic() - started
    REPORT.append(f"moto {tree_name}/{env}: destroy {destroyed:.1f} s")

    left_in_state = tf("state", "list").stdout.split()
    assert left_in_state == [], f"destroy left resources in state: {left_in_state}"
    after = _remaining(moto_endpoint, project)
    leftovers = {kind: [x for x in items if x in before[kind]] for kind, items in after.items()}
    assert not any(leftovers.values()), f"destroy left resources in moto: {leftovers}"

    if bootstrap is not None:
        # The account's OIDC provider goes last, as a user would remove it.
        terraform.run(["destroy", "-auto-approve", "-input=false", "-no-color"], cwd=bootstrap, extra_env=MOTO_AWS_ENV)
        del _BOOTSTRAPPED[tree_name]
        providers = _aws("iam", moto_endpoint).list_open_id_connect_providers()["OpenIDConnectProviderList"]
        assert providers == [], f"destroying the bootstrap root left {providers}"


# --------------------------------------------------------------------------------------
# Checkov
# --------------------------------------------------------------------------------------


def test_checkov_skips_file_is_well_formed() -> None:
    skips = load_checkov_skips()
    ids = [s.check_id for s in skips]
    assert len(ids) == len(set(ids)), f"duplicate check IDs in checkov-skips.txt: {ids}"
    for skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip.check_id), f"not a Checkov AWS check ID: {skip.check_id}"
        assert len(skip.reason) >= 40, f"{skip.check_id}: the reason must say specifically why: {skip.reason!r}"


def test_checkov(prod_env: tuple[str, str], tmp_path: Path) -> None:
    tree_name, env = prod_env
    root = copy_tree(tree_name, tmp_path) / "environments" / env
    skips = load_checkov_skips()
    report = run_checkov(root, [s.check_id for s in skips])
    summary = report["summary"]
    REPORT.append(
        f"checkov {tree_name}/{env}: {summary['passed']} passed, {summary['failed']} failed, "
        f"{len(skips)} check IDs skipped, {summary['resource_count']} resources"
    )
    scanned = {c["resource"] for c in report["results"]["passed_checks"] + report["results"]["failed_checks"]}
    assert any(r.startswith("module.") for r in scanned), "Checkov did not scan the local modules"
    failures = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]
    assert not failures, f"Checkov failures in {tree_name}/{env}:\n" + "\n".join(failures)


def test_checkov_skips_are_all_needed(tmp_path: Path) -> None:
    """A skip no prod environment needs any more hides future regressions: drop it."""
    failing: set[str] = set()
    for tree_name, tree in sorted(session_trees().items()):
        if CHECKOV_ENVIRONMENT not in tree_environments(tree):
            continue
        root = copy_tree(tree_name, tmp_path) / "environments" / CHECKOV_ENVIRONMENT
        report = run_checkov(root, [])
        failing.update(c["check_id"] for c in report["results"]["failed_checks"])
    unused = [s.check_id for s in load_checkov_skips() if s.check_id not in failing]
    assert not unused, f"checkov-skips.txt lists checks that no longer fail: {unused}"
