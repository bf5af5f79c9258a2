//! KMS keys, Secrets Manager secrets and WAF web ACLs: a monthly charge each, and requests.

use wharf_terraform::Resource;

use crate::pricer::{Charge, Pricer};

pub fn kms_key(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new("customer managed key", "key-months", "kms.key_month"),
        1.0,
    );
    p.metered(
        r,
        Charge::new("requests", "10k requests", "kms.requests_10k"),
        "monthly_requests",
        1e-4,
    );
}

pub fn secret(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new("secret", "secret-months", "secretsmanager.secret_month"),
        1.0,
    );
    p.metered(
        r,
        Charge::new("API calls", "10k calls", "secretsmanager.api_calls_10k"),
        "monthly_api_calls",
        1e-4,
    );
}

/// The web ACL, each rule or rule group it holds, and the requests it inspects.
/// <https://aws.amazon.com/waf/pricing/>
pub fn web_acl(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new("web ACL", "ACL-months", "waf.web_acl_month"),
        1.0,
    );
    let rules = r.body.blocks("rule").count();
    if rules > 0 {
        p.fixed(
            r,
            Charge::new("rules and rule groups", "rule-months", "waf.rule_month"),
            rules as f64,
        );
    }
    p.metered(
        r,
        Charge::new("requests", "1M requests", "waf.requests_million"),
        "monthly_requests",
        1e-6,
    );
}
