//! Reading ECS task definitions: the container definitions JSON.

use std::borrow::Cow;
use std::collections::BTreeMap;

use wharf_terraform::{Resource, Value};

/// One container of a task definition, as its JSON object.
pub struct Container<'v> {
    pub fields: &'v BTreeMap<String, Value>,
}

impl<'v> Container<'v> {
    /// A field (`user`, `privileged`, ...); Null when absent.
    pub fn get(&self, key: &str) -> &'v Value {
        static NULL: Value = Value::Null;
        self.fields.get(key).unwrap_or(&NULL)
    }

    /// The container's name, for messages; `?` when not known.
    pub fn name(&self) -> String {
        self.get("name").as_str().unwrap_or("?").to_string()
    }
}

/// The container definitions of an `aws_ecs_task_definition`, decoded, or None when they
/// are not known. Containers that are themselves Unknown are left out.
pub fn container_definitions(task: &Resource) -> Option<Cow<'_, Value>> {
    let defs = task.body.json("container_definitions");
    matches!(*defs, Value::List(_)).then_some(defs)
}

/// Runs `f` on each known container of `task`.
pub fn each_container(task: &Resource, mut f: impl FnMut(&Container<'_>)) {
    let Some(defs) = container_definitions(task) else {
        return;
    };
    for item in defs.as_list().unwrap_or_default() {
        if let Value::Object(fields) = item {
            f(&Container { fields });
        }
    }
}

/// Whether the service deploys with the `ECS` (rolling update) controller: Some(true) when
/// `deployment_controller` is absent or its `type` is unset or `ECS`, None when not known.
pub fn rolling_deployments(service: &Resource) -> Option<bool> {
    let Some(controller) = service.body.block("deployment_controller") else {
        return Some(true);
    };
    match controller.get("type") {
        Value::Null => Some(true),
        Value::String(t) => Some(t == "ECS"),
        _ => None,
    }
}

/// Whether a container `user` (`user`, `uid`, `user:group`, `uid:gid`) is root: the user
/// part empty, `root`, or uid 0 however it is spelled (`0`, `00`, `+0`, `000:1000`), as the
/// container runtime parses it. A named user is not: its uid is not known before the image
/// runs. wharf's manifest (`is_root_user`) and its service module's validation agree.
pub fn runs_as_root(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or_default().trim();
    let digits = who.strip_prefix(['+', '-']).unwrap_or(who);
    who.is_empty() || who == "root" || (!digits.is_empty() && digits.bytes().all(|b| b == b'0'))
}
