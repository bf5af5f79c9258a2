//! ECR repositories and S3 buckets: data stored and requests, from the usage file.

use wharf_terraform::Resource;

use crate::pricer::{Charge, Pricer};

pub fn ecr_repository(p: &mut Pricer<'_>, r: &Resource) {
    p.metered(
        r,
        Charge::new("image storage", "GB-months", "ecr.stored_gb_month"),
        "stored_gb",
        1.0,
    );
}

pub fn s3_bucket(p: &mut Pricer<'_>, r: &Resource) {
    p.metered(
        r,
        Charge::new(
            "S3 Standard storage",
            "GB-months",
            "s3.standard.stored_gb_month",
        ),
        "stored_gb",
        1.0,
    );
    p.metered(
        r,
        Charge::new(
            "PUT, COPY, POST, LIST requests",
            "1k requests",
            "s3.write_requests_1k",
        ),
        "monthly_write_requests",
        1e-3,
    );
    p.metered(
        r,
        Charge::new(
            "GET and other requests",
            "1k requests",
            "s3.read_requests_1k",
        ),
        "monthly_read_requests",
        1e-3,
    );
}
