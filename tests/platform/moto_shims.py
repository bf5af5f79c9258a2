"""Runs moto's server with the few APIs that moto 5.2.5 lacks but the AWS provider calls for
the rendered modules. Usage: ``python moto_shims.py -H 127.0.0.1 -p PORT`` (same arguments as
``moto_server``).

Each shim stands in for one missing moto action, keeps moto's own behaviour for everything
else, and is listed here with the provider call that needs it:

- Application Auto Scaling ``ListTagsForResource`` / ``TagResource`` / ``UntagResource``:
  ``aws_appautoscaling_target`` reads and writes its tags (the provider's ``default_tags``
  always give it some). Without them moto answers 500, the provider retries, and apply
  fails after minutes. Tags passed to ``RegisterScalableTarget`` are recorded too, as AWS does.

- ECS ``UpdateService`` with a new task definition: moto changes the service's
  ``taskDefinition`` but leaves its one deployment on the old one, which never happens on
  AWS. The shim starts a new PRIMARY deployment of the new task definition, as ECS does, and
  marks the old one ACTIVE until the new one has all its tasks running (moto does not play
  rollouts: ``MOTO_ECS_SERVICE_RUNNING`` sets how many tasks run, so a deployment completes
  at once when that is at least the desired count). ``wharf deploy`` and ``wharf rollback``
  follow deployments by task definition, so they need it.

- RDS DB instance resource ids: moto gives every DB instance the same ``DbiResourceId``, and
  the provider reads an instance back by it (``DescribeDBInstances`` filtered on
  ``dbi-resource-id``), so with two instances on one server (an RDS instance and an Aurora
  cluster's instance) it finds the wrong one or none. The shim gives each its own id, in
  AWS's form (``db-`` and 26 upper-case letters and digits).

- ElastiCache Serverless (``CreateServerlessCache``, ``DescribeServerlessCaches``,
  ``ModifyServerlessCache``, ``DeleteServerlessCache``) and user groups (``CreateUserGroup``,
  ``DescribeUserGroups``, ``ModifyUserGroup``, ``DeleteUserGroup``): moto has neither, and
  ``aws_elasticache_serverless_cache`` and ``aws_elasticache_user_group`` call them; both
  are also tagged, so moto's tagging accepts their ARNs. A cache or group is available as
  soon as it is made and gone as soon as it is deleted, and the users of a group are
  checked to exist, as ElastiCache does.

- ElastiCache ``DeleteCacheSubnetGroup``: moto makes cache subnet groups but cannot delete
  them, and destroying an ``aws_elasticache_subnet_group`` calls it until it times out.

- ElastiCache replication group members: moto names a replication group's member clusters
  but does not make them, and the provider reads the first member back
  (``DescribeCacheClusters``) when it creates an ``aws_elasticache_replication_group``. The
  shim makes each member as a cache cluster of the group's node type and engine. moto also
  keeps a deleted group for ever as ``deleting``, so the provider waits until it times out;
  the shim deletes the group and its members, as ElastiCache does once it is done.

- CodeDeploy deployment configurations (``CreateDeploymentConfig``, ``GetDeploymentConfig``,
  ``DeleteDeploymentConfig``), ``UpdateDeploymentGroup``, ``DeleteDeploymentGroup`` and
  ``DeleteApplication``: moto makes applications and deployment groups but cannot change or
  delete them, nor hold a configuration of its own steps, which
  ``aws_codedeploy_deployment_config``, ``aws_codedeploy_deployment_group`` and
  ``aws_codedeploy_app`` call. moto also answers a deployment group's alarms as ``{}``; the
  shim gives back what was stored, as CodeDeploy does. A name beginning ``CodeDeployDefault.``
  is refused for a configuration of one's own, as CodeDeploy refuses it, and
  ``GetDeploymentConfig`` answers the predefined ECS ones, as CodeDeploy does.

- CodeDeploy ``StopDeployment``, ``ListDeploymentTargets`` and ``BatchGetDeploymentTargets``,
  which ``wharf deploy``, ``rollback`` and ``status`` call for a service on the CODE_DEPLOY
  controller. moto's deployments never leave "Created", so the shim answers what CodeDeploy
  answers for a deployment that has not started: ``DeploymentNotStartedException`` for its
  targets. A stop ends the deployment as "Stopped" with ``MANUAL_STOP`` (no rollback
  deployment is made: nothing had moved).

Delete a shim as soon as moto implements its action.
"""

from __future__ import annotations

import json
import re
import sys

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.codedeploy import responses as codedeploy_responses
from moto.codedeploy.exceptions import CodeDeployException
from moto.codedeploy.models import CodeDeployBackend
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.models import CacheCluster, ElastiCacheBackend
from moto.elasticache.responses import ElastiCacheResponse
from moto.moto_api._internal import mock_random
from moto.rds.models import DBInstance
from moto.server import main

# Scalable-target tags by ARN. The server is one process for the whole test session.
_SCALABLE_TARGET_TAGS: dict[str, dict[str, str]] = {}

_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target
_deregister_scalable_target = ApplicationAutoScalingResponse.deregister_scalable_target


def _register_scalable_target_with_tags(self: ApplicationAutoScalingResponse) -> str:
    body = _register_scalable_target(self)
    tags = self._get_param("Tags") or {}
    arn = json.loads(body)["ScalableTargetARN"]
    _SCALABLE_TARGET_TAGS.setdefault(arn, {}).update(tags)
    return body


def _deregister_scalable_target_and_tags(self: ApplicationAutoScalingResponse) -> str:
    targets = self.applicationautoscaling_backend.describe_scalable_targets(
        self._get_param("ServiceNamespace"), [self._get_param("ResourceId")], self._get_param("ScalableDimension")
    )
    body = _deregister_scalable_target(self)
    for target in targets:
        _SCALABLE_TARGET_TAGS.pop(target.arn, None)
    return body


def _list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    return json.dumps({"Tags": _SCALABLE_TARGET_TAGS.get(self._get_param("ResourceARN"), {})})


def _tag_resource(self: ApplicationAutoScalingResponse) -> str:
    _SCALABLE_TARGET_TAGS.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self: ApplicationAutoScalingResponse) -> str:
    tags = _SCALABLE_TARGET_TAGS.get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target_with_tags
ApplicationAutoScalingResponse.deregister_scalable_target = _deregister_scalable_target_and_tags
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _tag_resource
ApplicationAutoScalingResponse.untag_resource = _untag_resource

_update_service = EC2ContainerServiceBackend.update_service


def _update_service_with_a_deployment(self: EC2ContainerServiceBackend, service_properties: dict):
    requested = service_properties.get("task_definition")
    service = _update_service(self, service_properties)
    if not requested or not service.deployments:
        return service
    arn = self.describe_task_definition(requested).arn
    service.task_definition = arn
    if service.deployments[0]["taskDefinition"] == arn:
        return service
    completed = service.running_count >= service.desired_count
    now = utcnow()
    deployment = dict(service.deployments[0])
    deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
    deployment.update(
        {
            "id": deployment_id,
            "taskDefinition": arn,
            "status": "PRIMARY",
            "createdAt": now,
            "updatedAt": now,
            "runningCount": service.running_count,
            "pendingCount": service.pending_count,
            "desiredCount": service.desired_count,
            "failedTasks": 0,
            "rolloutState": "COMPLETED" if completed else "IN_PROGRESS",
            "rolloutStateReason": f"ECS deployment {deployment_id} {'completed' if completed else 'in progress'}.",
        }
    )
    if completed:
        service.deployments = [deployment]
    else:
        previous = dict(service.deployments[0], status="ACTIVE")
        service.deployments = [deployment, previous]
    return service


EC2ContainerServiceBackend.update_service = _update_service_with_a_deployment


_db_instance_init = DBInstance.__init__


def _db_instance_with_its_own_resource_id(self: DBInstance, *args, **kwargs) -> None:
    _db_instance_init(self, *args, **kwargs)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    self.dbi_resource_id = "db-" + "".join(mock_random.choice(alphabet) for _ in range(26))


DBInstance.__init__ = _db_instance_with_its_own_resource_id


# ElastiCache Serverless caches and user groups by (account, region, name). One server
# process serves the whole test session.
_SERVERLESS_CACHES: dict[tuple[str, str, str], dict] = {}
_USER_GROUPS: dict[tuple[str, str, str], dict] = {}


class _Fault(ElastiCacheException):
    """An ElastiCache error with its code, as the provider reads it."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


_elasticache_backend_init = ElastiCacheBackend.__init__


def _elasticache_backend_tagging_every_arn(self: ElastiCacheBackend, *args, **kwargs) -> None:
    _elasticache_backend_init(self, *args, **kwargs)
    self.arn_regex = re.compile(
        r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|usergroup|serverlesscache):.*$"
    )


ElastiCacheBackend.__init__ = _elasticache_backend_tagging_every_arn


def _arn(response: ElastiCacheResponse, kind: str, name: str) -> str:
    return f"arn:aws:elasticache:{response.region}:{response.current_account}:{kind}:{name}"


def _tag(response: ElastiCacheResponse, arn: str, tags: list | None) -> None:
    if tags:
        response.elasticache_backend.add_tags_to_resource(arn, tags)


def _create_serverless_cache(self: ElastiCacheResponse) -> ActionResult:
    params = self._get_params()
    name = params["ServerlessCacheName"]
    if (self.current_account, self.region, name) in _SERVERLESS_CACHES:
        raise _Fault("ServerlessCacheAlreadyExistsFault", f"Serverless cache {name} already exists.")
    if params.get("UserGroupId"):
        _user_group(self, params["UserGroupId"])
    engine = params["Engine"]
    major = params.get("MajorEngineVersion") or ("8" if engine == "valkey" else "7")
    address = f"{name}-abc123.serverless.use1.cache.amazonaws.com"
    cache = {
        "ServerlessCacheName": name,
        "Description": params.get("Description", ""),
        "CreateTime": utcnow(),
        "Status": "available",
        "Engine": engine,
        "MajorEngineVersion": major,
        "FullEngineVersion": f"{major}.0",
        "CacheUsageLimits": params.get("CacheUsageLimits") or {},
        "KmsKeyId": params.get("KmsKeyId"),
        "SecurityGroupIds": params.get("SecurityGroupIds") or [],
        "Endpoint": {"Address": address, "Port": 6379},
        "ReaderEndpoint": {"Address": address, "Port": 6380},
        "ARN": _arn(self, "serverlesscache", name),
        "UserGroupId": params.get("UserGroupId"),
        "SubnetIds": params.get("SubnetIds") or [],
        "SnapshotRetentionLimit": int(params.get("SnapshotRetentionLimit") or 0),
        "DailySnapshotTime": params.get("DailySnapshotTime") or "03:00",
    }
    _SERVERLESS_CACHES[(self.current_account, self.region, name)] = cache
    _tag(self, cache["ARN"], params.get("Tags"))
    return ActionResult({"ServerlessCache": cache})


def _serverless_cache(self: ElastiCacheResponse, name: str) -> dict:
    cache = _SERVERLESS_CACHES.get((self.current_account, self.region, name))
    if cache is None:
        raise _Fault("ServerlessCacheNotFoundFault", f"Serverless cache {name} not found.")
    return cache


def _describe_serverless_caches(self: ElastiCacheResponse) -> ActionResult:
    name = self._get_param("ServerlessCacheName")
    if name:
        return ActionResult({"ServerlessCaches": [_serverless_cache(self, name)]})
    caches = [c for (a, r, _), c in _SERVERLESS_CACHES.items() if (a, r) == (self.current_account, self.region)]
    return ActionResult({"ServerlessCaches": caches})


def _modify_serverless_cache(self: ElastiCacheResponse) -> ActionResult:
    params = self._get_params()
    cache = _serverless_cache(self, params["ServerlessCacheName"])
    for key in ("Description", "CacheUsageLimits", "SecurityGroupIds", "UserGroupId", "DailySnapshotTime"):
        if key in params:
            cache[key] = params[key]
    if "SnapshotRetentionLimit" in params:
        cache["SnapshotRetentionLimit"] = int(params["SnapshotRetentionLimit"])
    return ActionResult({"ServerlessCache": cache})


def _delete_serverless_cache(self: ElastiCacheResponse) -> ActionResult:
    name = self._get_param("ServerlessCacheName")
    cache = _serverless_cache(self, name)
    del _SERVERLESS_CACHES[(self.current_account, self.region, name)]
    return ActionResult({"ServerlessCache": dict(cache, Status="deleting")})


def _user_group(self: ElastiCacheResponse, group_id: str) -> dict:
    group = _USER_GROUPS.get((self.current_account, self.region, group_id))
    if group is None:
        raise _Fault("UserGroupNotFound", f"User group {group_id} not found.")
    return group


def _check_users(self: ElastiCacheResponse, user_ids: list[str]) -> None:
    for user_id in user_ids:
        self.elasticache_backend.describe_users(user_id)


def _create_user_group(self: ElastiCacheResponse) -> ActionResult:
    params = self._get_params()
    group_id = params["UserGroupId"]
    user_ids = params.get("UserIds") or []
    _check_users(self, user_ids)
    if (self.current_account, self.region, group_id) in _USER_GROUPS:
        raise _Fault("UserGroupAlreadyExists", f"User group {group_id} already exists.")
    # ElastiCache requires a user named default in every group.
    names = [self.elasticache_backend.describe_users(u)[0].name for u in user_ids]
    if "default" not in names:
        raise _Fault("DefaultUserRequired", "A user with the username default must be included.")
    group = {
        "UserGroupId": group_id,
        "Status": "active",
        "Engine": params["Engine"],
        "UserIds": user_ids,
        "MinimumEngineVersion": "6.0",
        "ReplicationGroups": [],
        "ServerlessCaches": [],
        "ARN": _arn(self, "usergroup", group_id),
    }
    _USER_GROUPS[(self.current_account, self.region, group_id)] = group
    _tag(self, group["ARN"], params.get("Tags"))
    return ActionResult(group)


def _describe_user_groups(self: ElastiCacheResponse) -> ActionResult:
    group_id = self._get_param("UserGroupId")
    if group_id:
        return ActionResult({"UserGroups": [_user_group(self, group_id)]})
    groups = [g for (a, r, _), g in _USER_GROUPS.items() if (a, r) == (self.current_account, self.region)]
    return ActionResult({"UserGroups": groups})


def _modify_user_group(self: ElastiCacheResponse) -> ActionResult:
    params = self._get_params()
    group = _user_group(self, params["UserGroupId"])
    added = params.get("UserIdsToAdd") or []
    _check_users(self, added)
    removed = set(params.get("UserIdsToRemove") or [])
    group["UserIds"] = [u for u in group["UserIds"] if u not in removed] + [u for u in added if u not in group["UserIds"]]
    return ActionResult(group)


def _delete_user_group(self: ElastiCacheResponse) -> ActionResult:
    group_id = self._get_param("UserGroupId")
    group = _user_group(self, group_id)
    del _USER_GROUPS[(self.current_account, self.region, group_id)]
    return ActionResult(dict(group, Status="deleting"))


ElastiCacheResponse.create_serverless_cache = _create_serverless_cache
ElastiCacheResponse.describe_serverless_caches = _describe_serverless_caches
ElastiCacheResponse.modify_serverless_cache = _modify_serverless_cache
ElastiCacheResponse.delete_serverless_cache = _delete_serverless_cache
ElastiCacheResponse.create_user_group = _create_user_group
ElastiCacheResponse.describe_user_groups = _describe_user_groups
ElastiCacheResponse.modify_user_group = _modify_user_group
ElastiCacheResponse.delete_user_group = _delete_user_group


_create_replication_group = ElastiCacheBackend.create_replication_group
_delete_replication_group = ElastiCacheBackend.delete_replication_group


def _create_replication_group_with_members(self: ElastiCacheBackend, **kwargs):
    group = _create_replication_group(self, **kwargs)
    unset = dict.fromkeys(CacheCluster.__init__.__code__.co_varnames[1 : CacheCluster.__init__.__code__.co_argcount])
    for member in group.member_clusters:
        settings = {
            **unset,
            **{k: v for k, v in kwargs.items() if k in unset},
            "account_id": self.account_id,
            "region_name": self.region_name,
            "cache_cluster_id": member,
            "replication_group_id": group.replication_group_id,
            "log_delivery_configurations": [],
        }
        cluster = CacheCluster(**settings)
        # moto keeps the group only on a Redis OSS cluster; a Valkey member belongs to it too.
        cluster.replication_group_id = group.replication_group_id
        self.cache_clusters[member] = cluster
    return group


def _delete_replication_group_and_members(self: ElastiCacheBackend, replication_group_id: str, retain_primary_cluster):
    group = _delete_replication_group(self, replication_group_id, retain_primary_cluster)
    del self.replication_groups[replication_group_id]
    members = [
        c
        for c, cluster in self.cache_clusters.items()
        if getattr(cluster, "replication_group_id", None) == replication_group_id
    ]
    for member in members:
        del self.cache_clusters[member]
    return group


def _delete_cache_subnet_group(self: ElastiCacheResponse) -> EmptyResult:
    name = self._get_param("CacheSubnetGroupName")
    if self.elasticache_backend.cache_subnet_groups.pop(name, None) is None:
        raise _Fault("CacheSubnetGroupNotFoundFault", f"Cache subnet group {name} not found.")
    return EmptyResult()


ElastiCacheResponse.delete_cache_subnet_group = _delete_cache_subnet_group
ElastiCacheBackend.create_replication_group = _create_replication_group_with_members
ElastiCacheBackend.delete_replication_group = _delete_replication_group_and_members


class _CodeDeployFault(CodeDeployException):
    """A CodeDeploy error with its code, as the provider reads it."""

    code = 400

    def __init__(self, error: str, message: str) -> None:
        super().__init__(error, message)


# Deployment configurations of one's own, by account, Region and name.
_DEPLOYMENT_CONFIGS: dict[tuple[str, str, str], dict] = {}


def _config_key(self: CodeDeployResponse, name: str) -> tuple[str, str, str]:
    return (self.current_account, self.region, name)


def _create_deployment_config(self: CodeDeployResponse) -> ActionResult:
    name = self._get_param("deploymentConfigName")
    if name.startswith("CodeDeployDefault."):
        raise _CodeDeployFault("InvalidDeploymentConfigNameException", f"{name} is a reserved name.")
    key = _config_key(self, name)
    if key in _DEPLOYMENT_CONFIGS:
        raise _CodeDeployFault("DeploymentConfigAlreadyExistsException", f"{name} already exists.")
    config_id = str(mock_random.uuid4())
    _DEPLOYMENT_CONFIGS[key] = {
        "deploymentConfigId": config_id,
        "deploymentConfigName": name,
        "computePlatform": self._get_param("computePlatform") or "Server",
        "trafficRoutingConfig": self._get_param("trafficRoutingConfig") or {},
        "minimumHealthyHosts": self._get_param("minimumHealthyHosts") or {},
        "createTime": utcnow().timestamp(),
    }
    return ActionResult({"deploymentConfigId": config_id})


# CodeDeploy's predefined ECS configurations and their traffic steps.
# https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
_PREDEFINED_ECS = {
    "CodeDeployDefault.ECSAllAtOnce": {"type": "AllAtOnce"},
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1},
    },
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 3},
    },
    "CodeDeployDefault.ECSCanary10Percent5Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5},
    },
    "CodeDeployDefault.ECSCanary10Percent15Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 15},
    },
}


def _get_deployment_config(self: CodeDeployResponse) -> ActionResult:
    name = self._get_param("deploymentConfigName")
    if name in _PREDEFINED_ECS:
        return ActionResult(
            {
                "deploymentConfigInfo": {
                    "deploymentConfigName": name,
                    "computePlatform": "ECS",
                    "trafficRoutingConfig": _PREDEFINED_ECS[name],
                }
            }
        )
    config = _DEPLOYMENT_CONFIGS.get(_config_key(self, name))
    if config is None:
        raise _CodeDeployFault("DeploymentConfigDoesNotExistException", f"{name} does not exist.")
    return ActionResult({"deploymentConfigInfo": config})


def _delete_deployment_config(self: CodeDeployResponse) -> EmptyResult:
    name = self._get_param("deploymentConfigName")
    groups = self.codedeploy_backend.deployment_groups
    if any(str(g.deployment_config_name) == name for apps in groups.values() for g in apps.values()):
        raise _CodeDeployFault("DeploymentConfigInUseException", f"{name} is used by a deployment group.")
    _DEPLOYMENT_CONFIGS.pop(_config_key(self, name), None)
    return EmptyResult()


def _update_deployment_group(self: CodeDeployResponse) -> ActionResult:
    backend: CodeDeployBackend = self.codedeploy_backend
    application = self._get_param("applicationName")
    group = backend.get_deployment_group(application, self._get_param("currentDeploymentGroupName"))
    fields = {
        "deploymentConfigName": "deployment_config_name",
        "serviceRoleArn": "service_role_arn",
        "alarmConfiguration": "alarm_configuration",
        "autoRollbackConfiguration": "auto_rollback_configuration",
        "deploymentStyle": "deployment_style",
        "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
        "loadBalancerInfo": "load_balancer_info",
        "ecsServices": "ecs_services",
        "triggerConfigurations": "trigger_configurations",
    }
    for param, attribute in fields.items():
        value = self._get_param(param)
        if value is not None:
            setattr(group, attribute, value)
    new_name = self._get_param("newDeploymentGroupName")
    if new_name and new_name != group.deployment_group_name:
        groups = backend.deployment_groups[application]
        groups[new_name] = groups.pop(group.deployment_group_name)
        group.deployment_group_name = new_name
    return ActionResult({"hooksNotCleanedUp": []})


def _delete_deployment_group(self: CodeDeployResponse) -> ActionResult:
    backend: CodeDeployBackend = self.codedeploy_backend
    application = self._get_param("applicationName")
    name = self._get_param("deploymentGroupName")
    backend.get_deployment_group(application, name)
    del backend.deployment_groups[application][name]
    return ActionResult({"hooksNotCleanedUp": []})


def _delete_application(self: CodeDeployResponse) -> EmptyResult:
    backend: CodeDeployBackend = self.codedeploy_backend
    name = self._get_param("applicationName")
    # CodeDeploy deletes an application with its deployment groups; a missing one is no
    # error.
    backend.applications.pop(name, None)
    backend.deployment_groups.pop(name, None)
    return EmptyResult()


def _stop_deployment(self: CodeDeployResponse) -> ActionResult:
    deployment = self.codedeploy_backend.get_deployment(self._get_param("deploymentId"))
    if deployment.status in ("Succeeded", "Failed", "Stopped"):
        raise _CodeDeployFault("DeploymentAlreadyCompletedException", "The deployment is already completed.")
    deployment.status = "Stopped"
    deployment.complete_time = utcnow().timestamp()
    deployment.error_information = {"code": "MANUAL_STOP", "message": "The deployment was stopped by the user."}
    return ActionResult({"status": "Succeeded", "statusMessage": "The deployment is stopped."})


def _ecs_target_ids(self: CodeDeployResponse, deployment) -> list[str]:
    services = deployment.deployment_group.ecs_services or []
    return [f"{s['clusterName']}:{s['serviceName']}" for s in services]


def _started(deployment) -> None:
    """CodeDeploy has no targets for a deployment that has not started."""
    if deployment.status in ("Created", "Queued"):
        raise _CodeDeployFault("DeploymentNotStartedException", "The deployment has not started.")


def _list_deployment_targets(self: CodeDeployResponse) -> ActionResult:
    deployment = self.codedeploy_backend.get_deployment(self._get_param("deploymentId"))
    _started(deployment)
    return ActionResult({"targetIds": _ecs_target_ids(self, deployment)})


# The lifecycle events of an ECS deployment, in order.
_ECS_EVENTS = ["BeforeInstall", "Install", "AfterInstall", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"]


def _batch_get_deployment_targets(self: CodeDeployResponse) -> ActionResult:
    deployment_id = self._get_param("deploymentId")
    deployment = self.codedeploy_backend.get_deployment(deployment_id)
    _started(deployment)
    known = _ecs_target_ids(self, deployment)
    targets = []
    for target_id in self._get_param("targetIds") or []:
        if target_id not in known:
            raise _CodeDeployFault("DeploymentTargetDoesNotExistException", f"{target_id} is not a target.")
        cluster, service = target_id.split(":", 1)
        targets.append(
            {
                "deploymentTargetType": "ECSTarget",
                "ecsTarget": {
                    "deploymentId": deployment_id,
                    "targetId": target_id,
                    "targetArn": f"arn:aws:ecs:{self.region}:{self.current_account}:service/{cluster}/{service}",
                    "status": "Pending",
                    "lifecycleEvents": [{"lifecycleEventName": e, "status": "Pending"} for e in _ECS_EVENTS],
                    "taskSetsInfo": [],
                },
            }
        )
    return ActionResult({"deploymentTargets": targets})


_deployment_info = codedeploy_responses._deployment_info


def _deployment_info_with_error(deployment) -> dict:
    """moto answers every deployment's errorInformation as ``{}``; a stopped one has its own."""
    info = _deployment_info(deployment)
    info["errorInformation"] = getattr(deployment, "error_information", {})
    return info


_deployment_group_info = codedeploy_responses._deployment_group_info


def _deployment_group_info_with_alarms(group) -> dict:
    info = _deployment_group_info(group)
    info["alarmConfiguration"] = group.alarm_configuration or {}
    return info


CodeDeployResponse.create_deployment_config = _create_deployment_config
CodeDeployResponse.get_deployment_config = _get_deployment_config
CodeDeployResponse.delete_deployment_config = _delete_deployment_config
CodeDeployResponse.update_deployment_group = _update_deployment_group
CodeDeployResponse.delete_deployment_group = _delete_deployment_group
CodeDeployResponse.delete_application = _delete_application
codedeploy_responses._deployment_group_info = _deployment_group_info_with_alarms
codedeploy_responses._deployment_info = _deployment_info_with_error
CodeDeployResponse.stop_deployment = _stop_deployment
CodeDeployResponse.list_deployment_targets = _list_deployment_targets
CodeDeployResponse.batch_get_deployment_targets = _batch_get_deployment_targets


if __name__ == "__main__":
    sys.exit(main())
