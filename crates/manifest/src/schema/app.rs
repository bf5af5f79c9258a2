//! `[app]`: the application's name, AWS Region, domain and state bucket.

use crate::diagnostic::Diagnostic;
use crate::naming::{self, is_key};
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;

use super::key_rule_help;

pub(super) fn read_app(mut t: TableReader, sink: &mut Sink) -> Option<App> {
    let name = t.string(sink, "name");
    t.require(
        sink,
        "name",
        &name,
        "name the application, e.g. `name = \"shop\"`",
    );
    let region = t.string(sink, "region");
    t.require(
        sink,
        "region",
        &region,
        "set the AWS region, e.g. `region = \"us-east-1\"`",
    );
    let domain = t.string(sink, "domain");
    let state_bucket = t.string(sink, "state_bucket");
    t.finish(sink);

    let name = name?;
    sink.check(
        is_key(&name) && name.len() <= 24,
        &name.span,
        format!("`{}` is not a valid app name", name.value),
        key_rule_help("app names") + ", at most 24 characters",
    );
    let region = region?;
    if !net::REGIONS.contains(&region.value.as_str()) {
        let mut d = Diagnostic::new(
            format!("`{}` is not an AWS region wharf knows", region.value),
            region.span.clone(),
        );
        d = match closest(&region.value, &net::REGIONS) {
            Some(c) => d.with_label(format!("did you mean `{c}`?")),
            None => d,
        };
        sink.push(d.with_help(format!("use one of: {}", net::REGIONS.join(", "))));
    }
    if let Some(d) = &domain {
        sink.check(
            net::is_domain(d),
            &d.span,
            format!("`{}` is not a domain name", d.value),
            "write the bare domain in lower case, e.g. `example.com`",
        );
    }
    if let Some(b) = &state_bucket {
        sink.check(
            naming::is_bucket_name(b),
            &b.span,
            format!("`{}` is not a valid S3 bucket name", b.value),
            "S3 bucket names are 3–63 lower-case letters, digits, hyphens and dots",
        );
    }
    Some(App {
        name,
        region,
        domain,
        state_bucket,
    })
}
