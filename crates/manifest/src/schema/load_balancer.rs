//! The load balancer's keys: deletion protection, access logs, HTTPS, and AWS WAF.

use crate::read::{Sink, TableReader};
use crate::types::*;

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.deletion_protection = t.boolean(sink, "deletion_protection");
    o.access_logs_retention_days = t.integer_in(
        sink,
        "access_logs_retention_days",
        1..=3653,
        "keep access logs 1 to 3653 days",
    );
    o.access_logs_force_destroy = t.boolean(sink, "access_logs_force_destroy");
    o.require_https = t.boolean(sink, "require_https");
    o.waf = t.boolean(sink, "waf");
    // AWS WAF rate-based rules accept 10 to 2,000,000,000 requests per 5 minutes.
    o.waf_rate_limit = t.integer_in(
        sink,
        "waf_rate_limit",
        10..=2_000_000_000,
        "a WAF rate limit is 10 to 2000000000 requests per 5 minutes",
    );
}
