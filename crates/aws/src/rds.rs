//! RDS and Aurora for PostgreSQL.

/// The PostgreSQL major versions wharf offers, on RDS and on Aurora alike: those in
/// standard support. 13 left standard support on 2026-02-28 and is charged as Extended
/// Support since; 14 until 2027-02-28.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html>
/// <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html>
pub const POSTGRES_MAJOR_VERSIONS: [u32; 4] = [14, 15, 16, 17];

/// The port PostgreSQL listens on, and so the database, its proxy and their security groups.
pub const POSTGRES_PORT: u32 = 5432;

/// Aurora Serverless v2 capacity in ACUs, in half steps: 0 (auto-pause) to 256.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html>
pub const MAX_ACU: f64 = 256.0;

/// Seconds an auto-pausing Aurora Serverless v2 instance may be idle before it pauses:
/// 300 (five minutes) to 86,400 (a day).
pub const AUTO_PAUSE_SECONDS: std::ops::RangeInclusive<u32> = 300..=86_400;

/// Allocated storage of an RDS for PostgreSQL instance on gp3, in GiB.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html>
pub const STORAGE_GB: std::ops::RangeInclusive<u32> = 20..=65_536;

/// Days RDS and Aurora keep automated backups: 1 to 35 (0, no backups, is refused).
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html>
pub const BACKUP_RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=35;

/// Whether `class` is written as an RDS instance class (`db.t4g.micro`, `db.r7g.large`).
pub fn is_instance_class(class: &str) -> bool {
    let mut parts = class.split('.');
    parts.next() == Some("db")
        && parts.next().is_some_and(|family| {
            family.len() >= 2
                && family
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts.next().is_some_and(|size| {
            !size.is_empty()
                && size
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts.next().is_none()
}

/// vCPUs of the instance classes wharf's profiles pick, which RDS Proxy is billed by.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html>
pub fn vcpus(class: &str) -> Option<u32> {
    match class {
        "db.t4g.micro" | "db.t4g.small" | "db.t4g.medium" | "db.t4g.large" | "db.m7g.large"
        | "db.r7g.large" => Some(2),
        "db.t4g.xlarge" | "db.m7g.xlarge" | "db.r7g.xlarge" => Some(4),
        "db.t4g.2xlarge" | "db.m7g.2xlarge" | "db.r7g.2xlarge" => Some(8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_classes() {
        assert!(is_instance_class("db.t4g.micro"));
        assert!(is_instance_class("db.r7g.2xlarge"));
        assert!(!is_instance_class("t4g.micro"));
        assert!(!is_instance_class("db.serverless"));
        assert!(!is_instance_class("db.T4g.micro"));
        assert!(!is_instance_class("db.t4g.micro.extra"));
    }
}
