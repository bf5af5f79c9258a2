//! How wharf names AWS resources, and the limits AWS puts on those names.
//!
//! Names are derived from the app, environment and service keys in one place, so that
//! `render` and `deploy` agree, and so that a key which would make a name too long is caught
//! in the manifest instead of at `terraform apply`.

/// The rule for keys: lower-case letters, digits and single hyphens, starting with a letter.
pub fn is_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The environment prefix: `{app}-{env}`. Names the VPC, cluster, load balancer and topic.
pub fn env_prefix(app: &str, env: &str) -> String {
    format!("{app}-{env}")
}

/// A service's full name: `{app}-{env}-{service}`. Names the ECS service, task family,
/// target group, log group and roles.
pub fn service_name(app: &str, env: &str, service: &str) -> String {
    format!("{app}-{env}-{service}")
}

/// The default ECR repository of a service: `{app}/{env}/{service}`.
pub fn repository_name(app: &str, env: &str, service: &str) -> String {
    format!("{app}/{env}/{service}")
}

/// A service's ECR repository in one environment: the manifest's `repository` with `{env}`
/// replaced, or the default.
pub fn repository(app: &str, env: &str, service: &str, configured: Option<&str>) -> String {
    match configured {
        Some(name) => name.replace("{env}", env),
        None => repository_name(app, env, service),
    }
}

/// The default S3 bucket for Terraform state: `{app}-terraform-state`.
pub fn state_bucket(app: &str) -> String {
    format!("{app}-terraform-state")
}

/// The ALB access-log bucket, as the load-balancer module builds it: the prefix, then
/// `-alb-logs-` and the 12-digit account id.
pub fn access_logs_bucket_len(app: &str, env: &str) -> usize {
    env_prefix(app, env).len() + "-alb-logs-".len() + 12
}

/// AWS limits that derived names must fit.
pub const ALB_NAME_MAX: usize = 32;
pub const TARGET_GROUP_NAME_MAX: usize = 32;
pub const S3_BUCKET_NAME_MAX: usize = 63;
/// IAM role names are limited to 64; the longest role wharf derives adds `-execution`.
pub const IAM_ROLE_NAME_MAX: usize = 64;
pub const ROLE_SUFFIX_MAX: &str = "-execution";

/// A valid ECR repository name.
/// <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html>
pub fn is_repository_name(s: &str) -> bool {
    (2..=256).contains(&s.len())
        && s.split('/').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && part.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        })
}

/// A valid S3 bucket name (the general-purpose rules).
pub fn is_bucket_name(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !s.contains("..")
}

/// `QUEUE_<NAME>_URL`: the environment variable that tells a service where a queue it uses
/// is, in upper case with `-` as `_`.
pub fn queue_url_variable(queue: &str) -> String {
    format!("QUEUE_{}_URL", queue.to_ascii_uppercase().replace('-', "_"))
}

/// What a service that uses a database is told, each as `DATABASE_<NAME>_<ATTRIBUTE>`: where
/// it is, which database and user, and whether it signs in with an IAM token (`IAM` is
/// `true` through the proxy) or with the password of the secret RDS manages, whose ARN is
/// `SECRET_ARN`.
pub const DATABASE_ATTRIBUTES: [&str; 6] = ["HOST", "PORT", "NAME", "USER", "IAM", "SECRET_ARN"];

/// `DATABASE_<NAME>_<ATTRIBUTE>` in upper case with `-` as `_`.
pub fn database_variable(database: &str, attribute: &str) -> String {
    format!(
        "DATABASE_{}_{attribute}",
        database.to_ascii_uppercase().replace('-', "_")
    )
}

/// What a service that uses a cache is told: `CACHE_<NAME>_HOST`, `_PORT`, `_USER`, the
/// cache's `_NAME` (which an IAM authentication token is signed for) and whether it is
/// `_SERVERLESS` (which the token says).
pub const CACHE_ATTRIBUTES: [&str; 5] = ["HOST", "PORT", "USER", "NAME", "SERVERLESS"];

/// `CACHE_<NAME>_<ATTRIBUTE>` in upper case with `-` as `_`.
pub fn cache_variable(cache: &str, attribute: &str) -> String {
    format!(
        "CACHE_{}_{attribute}",
        cache.to_ascii_uppercase().replace('-', "_")
    )
}

/// `BUCKET_<NAME>_NAME`: the environment variable that tells a service the name of a bucket
/// it uses.
pub fn bucket_name_variable(bucket: &str) -> String {
    format!(
        "BUCKET_{}_NAME",
        bucket.to_ascii_uppercase().replace('-', "_")
    )
}

/// `TOPIC_<NAME>_ARN`: the environment variable that tells a service the ARN of a topic it
/// publishes to.
pub fn topic_arn_variable(topic: &str) -> String {
    format!("TOPIC_{}_ARN", topic.to_ascii_uppercase().replace('-', "_"))
}

/// `TABLE_<NAME>_NAME`: the environment variable that tells a service the name of a table
/// it uses.
pub fn table_name_variable(table: &str) -> String {
    format!(
        "TABLE_{}_NAME",
        table.to_ascii_uppercase().replace('-', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(is_key("web"));
        assert!(is_key("mangu-publishing"));
        assert!(!is_key("Web"));
        assert!(!is_key("1web"));
        assert!(!is_key("web-"));
        assert!(!is_key("we--b"));
        assert!(!is_key("web_api"));
    }

    #[test]
    fn repositories() {
        assert!(is_repository_name("hello/dev/web"));
        assert!(!is_repository_name("Hello/web"));
        assert!(!is_repository_name("hello//web"));
        assert!(!is_repository_name("a"));
    }
}
