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

Delete a shim as soon as moto implements its action.
"""

from __future__ import annotations

import json
import sys

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend
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


if __name__ == "__main__":
    sys.exit(main())
