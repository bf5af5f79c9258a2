"""``wharf deploy``, ``rollback``, ``status``, ``verify`` and ``run`` as a user runs them,
against moto on loopback (its own server, with ``MOTO_ECS_SERVICE_RUNNING`` so services reach
a steady state; see moto_shims.py for the one ECS gap it fills). moto 5.2.5 does not speak the
CBOR protocol the AWS SDK for Rust uses for CloudWatch, so ``status`` reports its alarms as not
read here; the alarm listing is tested against the fake. Its ``RunTask`` fails for awsvpc
tasks (an AttributeError on ``private_dns_name`` in moto's network interface), so ``wharf
run`` is tested against the fake only.

The service is the ``api`` of the bundled ``messaging`` example's ``prod`` environment, named
exactly as ``wharf render`` names it, so ``--env prod --service api`` finds it. Failures moto
cannot play (circuit breaker, health checks, timeouts, throttling) are tested against a fake
in crates/deploy/tests/releases.rs.

A second service, ``messaging-prod-web``, is on the CODE_DEPLOY controller with its CodeDeploy
application and group (made here as ``wharf render`` makes them for ``deployment =
"canary"``): ``wharf deploy`` must create a CodeDeploy deployment whose AppSpec names the new
revision, and ``verify``, ``status`` and ``rollback`` must read and stop it. moto's deployments
never leave "Created" (moto_shims.py answers their targets and stops them), so a release's
phases, failures and rollbacks are tested against the fake in crates/deploy/tests/codedeploy.rs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import boto3
import pytest

from conftest import MOTO_AWS_ENV, REPO_ROOT, wharf_binary

REGION = "us-east-1"
ACCOUNT = "123456789012"
CLUSTER = "messaging-prod"
SERVICE = "messaging-prod-api"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
MANIFEST = REPO_ROOT / "examples" / "messaging" / "wharf.toml"
# A value that must never be printed: the task definition carries it, wharf must not show it.
SECRET_VALUE = "hunter2-must-not-be-printed"
SNAPSHOTS = Path(__file__).parent / "snapshots"

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def client(service: str, endpoint: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=MOTO_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=MOTO_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(scope="module")
def platform(release_moto: str) -> str:
    """What `terraform apply` of messaging/prod leaves for the api's release: cluster, service
    on revision 1 with tag v1, the repository with tags v1 and v2, roles and target group.
    The worker is not created, so status reports it as not found."""
    ec2 = client("ec2", release_moto)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=f"{SERVICE}-tasks", Description="tasks", VpcId=vpc)["GroupId"]

    ecr = client("ecr", release_moto)
    ecr.create_repository(repositoryName=SERVICE)
    for tag in ["v1", "v2"]:
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": f"sha256:{tag}"},
                "layers": [],
            }
        )
        ecr.put_image(repositoryName=SERVICE, imageManifest=manifest, imageTag=tag)

    iam = client("iam", release_moto)
    roles = {}
    for role in ["task", "execution"]:
        roles[role] = iam.create_role(RoleName=f"{SERVICE}-{role}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]

    elb = client("elbv2", release_moto)
    target_group = elb.create_target_group(
        Name=SERVICE, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]

    ecs = client("ecs", release_moto)
    ecs.create_cluster(clusterName=CLUSTER)
    task_definition = ecs.register_task_definition(
        family=SERVICE,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        taskRoleArn=roles["task"],
        executionRoleArn=roles["execution"],
        containerDefinitions=[
            {
                "name": "api",
                "image": f"{REGISTRY}/{SERVICE}:v1",
                "essential": True,
                "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": "DB_PASSWORD", "value": SECRET_VALUE}],
                "secrets": [{"name": "API_KEY", "valueFrom": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:api"}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=SERVICE,
        taskDefinition=task_definition,
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}
        },
        loadBalancers=[{"targetGroupArn": target_group, "containerName": "api", "containerPort": 8080}],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    return release_moto


def wharf(endpoint: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(MOTO_AWS_ENV)
    env["AWS_ENDPOINT_URL"] = endpoint
    result = subprocess.run(
        [str(wharf_binary()), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert SECRET_VALUE not in result.stdout + result.stderr
    return result


def service_task_definition(endpoint: str) -> str:
    svc = client("ecs", endpoint).describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    return svc["taskDefinition"].rsplit("/", 1)[1]


def revisions(endpoint: str) -> list[str]:
    return client("ecs", endpoint).list_task_definitions(familyPrefix=SERVICE)["taskDefinitionArns"]


def matches_snapshot(name: str, text: str) -> None:
    """Compares with tests/platform/snapshots/NAME; WHARF_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("WHARF_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}; run with WHARF_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text()


def test_a_missing_tag_is_refused_before_anything_changes(platform: str) -> None:
    before = revisions(platform)
    result = wharf(platform, "deploy", "-m", str(MANIFEST), "--env", "prod", "--service", "api", "--image-tag", "v9")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "error: ECR repository `messaging-prod-api` has no image tagged `v9` (ecr:DescribeImages); nothing was changed\n"
        f"help: push it first (docker push {REGISTRY}/{SERVICE}:v9)"
    ), result.stderr
    assert revisions(platform) == before
    assert service_task_definition(platform) == f"{SERVICE}:1"


def test_verify_before_the_release(platform: str) -> None:
    result = wharf(platform, "verify", "-m", str(MANIFEST), "--env", "prod", "--service", "api", "--image-tag", "v2")
    assert result.returncode == 0, result.stdout + result.stderr
    matches_snapshot("verify.txt", result.stdout)


def test_deploy_registers_a_revision_that_differs_only_in_the_image(platform: str) -> None:
    dry = wharf(platform, "deploy", "-m", str(MANIFEST), "--env", "prod", "--service", "api", "--image-tag", "v2", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert dry.stdout.endswith(
        f"-   image: {REGISTRY}/{SERVICE}:v1\n+   image: {REGISTRY}/{SERVICE}:v2\n"
        "Dry run: nothing was registered or changed.\n"
    ), dry.stdout
    assert service_task_definition(platform) == f"{SERVICE}:1"

    result = wharf(
        platform, "deploy", "-m", str(MANIFEST), "--env", "prod", "--service", "api", "--image-tag", "v2", "--poll", "1s"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Registered {SERVICE}:2.\n" in result.stdout
    assert f"Deployment of {SERVICE}:2 completed in" in result.stdout
    assert service_task_definition(platform) == f"{SERVICE}:2"

    ecs = client("ecs", platform)
    old = ecs.describe_task_definition(taskDefinition=f"{SERVICE}:1")["taskDefinition"]
    new = ecs.describe_task_definition(taskDefinition=f"{SERVICE}:2")["taskDefinition"]
    assert new["containerDefinitions"][0]["image"] == f"{REGISTRY}/{SERVICE}:v2"
    # Everything else is as it was: environment, secrets, ports, roles, size.
    old_container = dict(old["containerDefinitions"][0], image=None)
    new_container = dict(new["containerDefinitions"][0], image=None)
    assert new_container == old_container
    for key in ["taskRoleArn", "executionRoleArn", "cpu", "memory", "networkMode", "requiresCompatibilities"]:
        assert new[key] == old[key], key

    again = wharf(platform, "deploy", "-m", str(MANIFEST), "--env", "prod", "--service", "api", "--image-tag", "v2")
    assert again.returncode == 0
    assert again.stdout == f"{SERVICE} already runs {SERVICE}:2 with tag `v2`; nothing to do.\n"


def test_status_after_the_release(platform: str) -> None:
    result = wharf(platform, "status", "-m", str(MANIFEST), "--env", "prod")
    assert result.returncode == 0, result.stdout + result.stderr
    # Deployment IDs are random.
    matches_snapshot("status.txt", re.sub(r"ecs-svc/\d+", "ecs-svc/ID", result.stdout))


def test_rollback_restores_the_previous_revision(platform: str) -> None:
    assert service_task_definition(platform) == f"{SERVICE}:2"
    result = wharf(platform, "rollback", "--cluster", CLUSTER, "--service-name", SERVICE, "--region", REGION, "--poll", "1s")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"Rolling {SERVICE} back from {SERVICE}:2 to {SERVICE}:1.\n"), result.stdout
    assert service_task_definition(platform) == f"{SERVICE}:1"


def test_usage_and_aws_errors_exit_2(platform: str) -> None:
    missing = wharf(platform, "deploy", "--cluster", CLUSTER, "--service-name", "nope", "--region", REGION, "--image-tag", "v2")
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"error: service `nope` is not in cluster `{CLUSTER}` (ecs:DescribeServices)\n")
    which = wharf(platform, "deploy", "-m", str(MANIFEST), "--env", "prod", "--image-tag", "v2")
    assert which.returncode == 2
    assert which.stderr == "error: which service of `prod`?\nhelp: pass --service KEY; services are: api, worker\n"


# A service released by CodeDeploy, as `wharf render` makes one for `deployment = "canary"`:
# the application is named as the cluster and the group as the service, so `wharf deploy`
# finds both from --cluster and --service-name alone.
BLUE_GREEN = "messaging-prod-web"


@pytest.fixture(scope="module")
def blue_green(platform: str) -> str:
    """A CODE_DEPLOY service on revision 1 (tag v1) of its own family, behind two target
    groups, a production listener and a test listener, with its CodeDeploy group."""
    ec2 = client("ec2", platform)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName=f"{BLUE_GREEN}-tasks", Description="tasks", VpcId=vpc)["GroupId"]
    elb = client("elbv2", platform)
    target_groups = [
        elb.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")["TargetGroups"][0]
        for name in [BLUE_GREEN, f"{BLUE_GREEN}-2"]
    ]
    balancer = elb.create_load_balancer(Name=BLUE_GREEN, Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    listeners = [
        elb.create_listener(
            LoadBalancerArn=balancer["LoadBalancerArn"],
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_groups[0]["TargetGroupArn"]}],
        )["Listeners"][0]["ListenerArn"]
        for port in [80, 8080]
    ]
    iam = client("iam", platform)
    roles = {
        role: iam.get_role(RoleName=f"{SERVICE}-{role}")["Role"]["Arn"] for role in ["task", "execution"]
    }
    codedeploy_role = iam.create_role(
        RoleName=f"{CLUSTER}-codedeploy",
        AssumeRolePolicyDocument=TRUST.replace("ecs-tasks", "codedeploy"),
    )["Role"]["Arn"]
    ecs = client("ecs", platform)
    task_definition = ecs.register_task_definition(
        family=BLUE_GREEN,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        taskRoleArn=roles["task"],
        executionRoleArn=roles["execution"],
        containerDefinitions=[
            {
                "name": "web",
                "image": f"{REGISTRY}/{SERVICE}:v1",
                "essential": True,
                "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": "DB_PASSWORD", "value": SECRET_VALUE}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=BLUE_GREEN,
        taskDefinition=task_definition,
        desiredCount=2,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 1, "weight": 1}],
        platformVersion="1.4.0",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group], "assignPublicIp": "DISABLED"}
        },
        loadBalancers=[
            {"targetGroupArn": target_groups[0]["TargetGroupArn"], "containerName": "web", "containerPort": 8080}
        ],
        deploymentController={"type": "CODE_DEPLOY"},
    )
    codedeploy = client("codedeploy", platform)
    codedeploy.create_application(applicationName=CLUSTER, computePlatform="ECS")
    codedeploy.create_deployment_group(
        applicationName=CLUSTER,
        deploymentGroupName=BLUE_GREEN,
        serviceRoleArn=codedeploy_role,
        deploymentConfigName="CodeDeployDefault.ECSCanary10Percent5Minutes",
        deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        blueGreenDeploymentConfiguration={
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 15},
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
        },
        loadBalancerInfo={
            "targetGroupPairInfoList": [
                {
                    "targetGroups": [{"name": t["TargetGroupName"]} for t in target_groups],
                    "prodTrafficRoute": {"listenerArns": [listeners[0]]},
                    "testTrafficRoute": {"listenerArns": [listeners[1]]},
                }
            ]
        },
        ecsServices=[{"serviceName": BLUE_GREEN, "clusterName": CLUSTER}],
        autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]},
        alarmConfiguration={"enabled": True, "alarms": [{"name": f"{BLUE_GREEN}-5xx"}]},
    )
    return platform


def codedeploy_deployments(endpoint: str) -> list[dict]:
    codedeploy = client("codedeploy", endpoint)
    ids = codedeploy.list_deployments(applicationName=CLUSTER, deploymentGroupName=BLUE_GREEN)["deployments"]
    return [codedeploy.get_deployment(deploymentId=i)["deploymentInfo"] for i in ids]


def test_verify_checks_the_codedeploy_group_target_groups_and_listeners(blue_green: str) -> None:
    result = wharf(blue_green, "verify", "--cluster", CLUSTER, "--service-name", BLUE_GREEN, "--region", REGION)
    assert result.returncode == 0, result.stdout + result.stderr
    for line in [
        f"CodeDeploy deployment group {CLUSTER}/{BLUE_GREEN} releases the service",
        "the deployment group rolls back automatically on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM",
        f"the deployment group stops a release on {BLUE_GREEN}-5xx",
        "deployment configuration CodeDeployDefault.ECSCanary10Percent5Minutes exists",
        f"target group {BLUE_GREEN}-2 exists",
        "production listener on port 80 exists",
        "test listener on port 8080 exists",
    ]:
        assert line in result.stdout, result.stdout


def test_a_blue_green_deploy_creates_a_codedeploy_deployment_with_the_right_app_spec(blue_green: str) -> None:
    args = ["--cluster", CLUSTER, "--service-name", BLUE_GREEN, "--region", REGION]
    result = wharf(blue_green, "deploy", *args, "--image-tag", "v2", "--no-wait")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "  traffic: CodeDeployDefault.ECSCanary10Percent5Minutes (10% of traffic, the rest 5 min later; "
        "the original tasks are kept 15 min after)\n" in result.stdout
    ), result.stdout
    assert f"Registered {BLUE_GREEN}:2.\n" in result.stdout

    [deployment] = codedeploy_deployments(blue_green)
    assert f"Created CodeDeploy deployment {deployment['deploymentId']} of {BLUE_GREEN}:2.\n" in result.stdout
    assert deployment["revision"]["revisionType"] == "AppSpecContent"
    spec = json.loads(deployment["revision"]["appSpecContent"]["content"])
    target = spec["Resources"][0]["TargetService"]
    assert target["Type"] == "AWS::ECS::Service"
    properties = target["Properties"]
    assert properties["TaskDefinition"] == f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{BLUE_GREEN}:2"
    assert properties["LoadBalancerInfo"] == {"ContainerName": "web", "ContainerPort": 8080}
    # moto 5.2.5 does not keep a service's capacity provider strategy (DescribeServices has
    # none), so the AppSpec has none to carry over here; the fake in
    # crates/deploy/tests/codedeploy.rs checks that it is carried over.
    assert "CapacityProviderStrategy" not in properties
    assert properties["PlatformVersion"] == "1.4.0"
    network = properties["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED" and len(network["Subnets"]) == 2
    # CodeDeploy, not ECS, moves the service: wharf did not call UpdateService.
    svc = client("ecs", blue_green).describe_services(cluster=CLUSTER, services=[BLUE_GREEN])["services"][0]
    assert svc["taskDefinition"].endswith(f"{BLUE_GREEN}:1")
    new = client("ecs", blue_green).describe_task_definition(taskDefinition=f"{BLUE_GREEN}:2")["taskDefinition"]
    assert new["containerDefinitions"][0]["image"] == f"{REGISTRY}/{SERVICE}:v2"

    # Run again (as after an interruption): it follows the deployment, it makes no other.
    again = wharf(blue_green, "deploy", *args, "--image-tag", "v2", "--no-wait")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith(
        f"CodeDeploy deployment {deployment['deploymentId']} with tag `v2` is already Created; following it.\n"
    ), again.stdout
    assert len(codedeploy_deployments(blue_green)) == 1

    status = wharf(blue_green, "status", *args)
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"  released by      CodeDeploy {CLUSTER}/{BLUE_GREEN}: CodeDeployDefault.ECSCanary10Percent5Minutes" in status.stdout
    assert f"  release          {deployment['deploymentId']}: Created of {BLUE_GREEN}:2\n" in status.stdout, status.stdout


def test_rollback_stops_the_codedeploy_release_in_progress(blue_green: str) -> None:
    args = ["--cluster", CLUSTER, "--service-name", BLUE_GREEN, "--region", REGION]
    if not [d for d in codedeploy_deployments(blue_green) if d["status"] == "Created"]:
        # Run on its own: start the release this test stops.
        started = wharf(blue_green, "deploy", *args, "--image-tag", "v2", "--no-wait")
        assert started.returncode == 0, started.stdout + started.stderr
    [deployment] = [d for d in codedeploy_deployments(blue_green) if d["status"] == "Created"]
    result = wharf(blue_green, "rollback", *args, "--no-wait")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(
        f"Stopping CodeDeploy deployment {deployment['deploymentId']} ({BLUE_GREEN}:2); "
        "CodeDeploy moves traffic back to the original tasks.\n"
    ), result.stdout
    [stopped] = [d for d in codedeploy_deployments(blue_green) if d["deploymentId"] == deployment["deploymentId"]]
    assert stopped["status"] == "Stopped"
    assert stopped["errorInformation"]["code"] == "MANUAL_STOP"
