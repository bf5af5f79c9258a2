//! The manifests `wharf init --example NAME` writes. They live in `examples/` at the top of
//! the repository, where they are also rendered by the golden tests.

/// `(name, what it shows, manifest text)`, the default first.
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "minimal",
        "one web service, dev and prod",
        include_str!("../../../examples/minimal/wharf.toml"),
    ),
    (
        "messaging",
        "an API with secrets and email alerts, dev/staging/prod",
        include_str!("../../../examples/messaging/wharf.toml"),
    ),
    (
        "publishing",
        "API server and web client with JWT/Stripe secrets, SES and S3 grants",
        include_str!("../../../examples/publishing/wharf.toml"),
    ),
];

/// The manifest text of the example called `name`.
pub fn example(name: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, t)| *t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_example_is_valid() {
        for (name, _, text) in super::EXAMPLES {
            if let Err(d) = crate::parse("wharf.toml", text) {
                panic!("example {name} is invalid:\n{}", d.render());
            }
        }
    }
}
