//! Network values: CIDR blocks, host names, regions, email addresses.

use crate::types::Cidr;

/// Regions wharf knows the availability-zone naming of. A region outside this list is
/// refused rather than rendered into Terraform that fails at plan time.
/// The AWS services an environment may reach through interface VPC endpoints, with what a
/// task uses each for. The name is the part after `com.amazonaws.<region>.`.
/// <https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html>
pub const INTERFACE_ENDPOINTS: [(&str, &str); 9] = [
    (
        "ecr.api",
        "ECR's API: image manifests and the pull authorization",
    ),
    (
        "ecr.dkr",
        "ECR's registry: image layers (served from S3 through the gateway endpoint)",
    ),
    (
        "logs",
        "CloudWatch Logs: the container logs the awslogs driver sends",
    ),
    (
        "secretsmanager",
        "Secrets Manager: secrets injected when a task starts",
    ),
    (
        "ssm",
        "SSM Parameter Store: parameters injected when a task starts",
    ),
    ("ssmmessages", "ECS Exec sessions"),
    (
        "kms",
        "KMS: what the application encrypts or decrypts itself",
    ),
    ("sts", "STS: roles the application assumes"),
    ("monitoring", "CloudWatch metrics the application publishes"),
];

pub const REGIONS: [&str; 29] = [
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Parses `a.b.c.d/n`. Returns a message saying what is wrong otherwise.
pub fn parse_cidr(raw: &str) -> Result<Cidr, String> {
    let (addr, prefix) = raw
        .split_once('/')
        .ok_or_else(|| format!("`{raw}` is not a CIDR block (expected a.b.c.d/n)"))?;
    let octets: Vec<&str> = addr.split('.').collect();
    let mut a = [0u8; 4];
    if octets.len() != 4 {
        return Err(format!("`{addr}` is not an IPv4 address"));
    }
    for (i, o) in octets.iter().enumerate() {
        a[i] = o
            .parse::<u8>()
            .ok()
            .filter(|_| !o.is_empty() && (o.len() == 1 || !o.starts_with('0')))
            .ok_or_else(|| format!("`{addr}` is not an IPv4 address"))?;
    }
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= 32)
        .ok_or_else(|| format!("`/{prefix}` is not a prefix length (0–32)"))?;
    let bits = u32::from_be_bytes(a);
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    if bits & !mask != 0 {
        let net = (bits & mask).to_be_bytes();
        return Err(format!(
            "`{raw}` has host bits set; the network is {}.{}.{}.{}/{prefix}",
            net[0], net[1], net[2], net[3]
        ));
    }
    Ok(Cidr { addr: a, prefix })
}

/// True for RFC 1918 private ranges.
pub fn is_private(c: &Cidr) -> bool {
    let [a, b, _, _] = c.addr;
    (a == 10 && c.prefix >= 8)
        || (a == 172 && (16..=31).contains(&b) && c.prefix >= 12)
        || (a == 192 && b == 168 && c.prefix >= 16)
}

/// A DNS name as the ALB host-header condition accepts it (`*` and `?` wildcards allowed).
pub fn is_host_pattern(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.split('.').count() >= 2
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*' || c == '?')
        })
}

/// A domain name such as `example.com`.
pub fn is_domain(s: &str) -> bool {
    is_host_pattern(s) && !s.contains(['*', '?']) && s == s.to_ascii_lowercase()
}

/// An ALB path pattern: starts with `/`, at most 128 characters of the set ALB accepts.
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions>
pub fn is_path_pattern(s: &str) -> bool {
    s.starts_with('/')
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.$/~\"'@:+&*?".contains(c))
}

/// An HTTP path for the health checks: the characters of a URL path and query. (The
/// container's check runs wget without a shell, so none of them is interpreted.)
pub fn is_health_check_path(s: &str) -> bool {
    s.starts_with('/')
        && s.len() <= 1024
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.~/=?%&".contains(c))
}

/// Whether an ALB path pattern matches a path: `*` matches any characters (`/`
/// included), `?` exactly one, and the rest matches itself, case-sensitively.
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions>
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let (p, s) = (pattern.as_bytes(), path.as_bytes());
    // The classic greedy glob with one backtrack point: linear in practice, and the
    // pattern is at most 128 bytes.
    let (mut i, mut j, mut star, mut from) = (0, 0, None, 0);
    while j < s.len() {
        match p.get(i) {
            Some(b'*') => {
                star = Some(i);
                from = j;
                i += 1;
            }
            Some(&c) if c == b'?' || c == s[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some(at) => {
                    i = at + 1;
                    from += 1;
                    j = from;
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

/// A plausible email address (one `@`, a domain after it).
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.contains('@') && is_domain(&domain.to_ascii_lowercase())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_match_as_the_load_balancer_does() {
        assert!(path_matches("/*", "/health"));
        assert!(path_matches("/api/*", "/api/health"));
        assert!(path_matches("/api/*", "/api/"));
        assert!(!path_matches("/api/*", "/api"));
        assert!(path_matches("/v?/x", "/v1/x"));
        assert!(!path_matches("/v?/x", "/v10/x"));
        assert!(path_matches("/a*b*c", "/aXbYbZc"));
        assert!(!path_matches("/Api/*", "/api/health"));
        assert!(path_matches("/health", "/health"));
        assert!(!path_matches("/health", "/healthz"));
    }

    #[test]
    fn cidr_parsing() {
        assert_eq!(
            parse_cidr("10.0.0.0/16"),
            Ok(Cidr {
                addr: [10, 0, 0, 0],
                prefix: 16
            })
        );
        assert!(parse_cidr("10.0.1.0/16").unwrap_err().contains("host bits"));
        assert!(parse_cidr("10.0.0/16").is_err());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("10.0.0.256/24").is_err());
        assert!(parse_cidr("10.0.0.01/24").is_err());
    }

    #[test]
    fn private_ranges() {
        assert!(is_private(&parse_cidr("10.20.0.0/16").unwrap()));
        assert!(is_private(&parse_cidr("172.31.0.0/16").unwrap()));
        assert!(!is_private(&parse_cidr("172.32.0.0/16").unwrap()));
        assert!(!is_private(&parse_cidr("8.8.0.0/16").unwrap()));
    }
}

/// The prefix of a region's AZ IDs: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`.
/// <https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html>
pub fn zone_id_prefix(region: &str) -> Option<String> {
    let mut parts = region.split('-');
    let (area, direction, number) = (parts.next()?, parts.next()?, parts.next()?);
    let d = match direction {
        "north" => "n",
        "south" => "s",
        "east" => "e",
        "west" => "w",
        "central" => "c",
        "northeast" => "ne",
        "southeast" => "se",
        "northwest" => "nw",
        "southwest" => "sw",
        _ => return None,
    };
    Some(format!("{area}{d}{number}"))
}

/// The AZ IDs wharf spreads an environment over by default, in order of preference.
///
/// Every region has at least three AZs, numbered from 1; the exceptions are the regions
/// whose numbering has gaps or more zones. `use1-az3` is left out: it is constrained and
/// accounts created since 2021 cannot launch there.
pub fn default_zone_ids(region: &str) -> Vec<String> {
    let numbers: &[u32] = match region {
        "us-east-1" => &[1, 2, 4, 5, 6],
        "us-west-1" => &[1, 3],
        "us-west-2" => &[1, 2, 3, 4],
        "ap-northeast-1" => &[1, 2, 4],
        "ap-northeast-2" => &[1, 2, 3, 4],
        "ca-central-1" => &[1, 2, 4],
        _ => &[1, 2, 3],
    };
    match zone_id_prefix(region) {
        Some(prefix) => numbers.iter().map(|n| format!("{prefix}-az{n}")).collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod zone_tests {
    use super::*;

    #[test]
    fn zone_ids_follow_aws_naming() {
        assert_eq!(zone_id_prefix("us-east-1").as_deref(), Some("use1"));
        assert_eq!(zone_id_prefix("ap-southeast-2").as_deref(), Some("apse2"));
        assert_eq!(zone_id_prefix("eu-central-1").as_deref(), Some("euc1"));
        assert_eq!(zone_id_prefix("il-central-1").as_deref(), Some("ilc1"));
        assert_eq!(default_zone_ids("us-east-1")[..2], ["use1-az1", "use1-az2"]);
        assert_eq!(default_zone_ids("us-west-1"), ["usw1-az1", "usw1-az3"]);
        for region in REGIONS {
            assert!(default_zone_ids(region).len() >= 2, "{region}");
        }
    }
}
