//! Secret references, and telling a reference from a pasted credential.

use crate::types::SecretRef;

/// Why a string cannot be a secret reference.
#[derive(Debug, PartialEq, Eq)]
pub enum SecretError {
    /// It looks like the credential itself.
    LooksLikeCredential(&'static str),
    /// It is not in any reference form.
    Malformed(String),
}

/// Parses `NAME[:json_key]`, `ssm:/param/name`, or an ARN of a secret or parameter.
pub fn parse_secret_ref(raw: &str) -> Result<SecretRef, SecretError> {
    if let Some(why) = looks_like_credential(raw) {
        return Err(SecretError::LooksLikeCredential(why));
    }
    if let Some(param) = raw.strip_prefix("ssm:") {
        return if param.starts_with('/') && param.len() > 1 && param.chars().all(ssm_char) {
            Ok(SecretRef::SsmParameter {
                parameter: param.to_string(),
            })
        } else {
            Err(SecretError::Malformed(
                "an SSM parameter is written `ssm:/path/to/parameter`".into(),
            ))
        };
    }
    if raw.starts_with("arn:") {
        return parse_arn(raw);
    }
    let (name, key) = match raw.split_once(':') {
        Some((n, k)) => (n, Some(k)),
        None => (raw, None),
    };
    if name.is_empty() || name.len() > 512 || !name.chars().all(secret_name_char) {
        return Err(SecretError::Malformed(
            "a Secrets Manager secret name uses letters, digits and /_+=.@- only".into(),
        ));
    }
    if let Some(k) = key {
        if k.is_empty() || !k.chars().all(json_key_char) {
            return Err(SecretError::Malformed(
                "write one JSON key after the secret name, as `name:json_key`, using letters, digits, `_`, `.` and `-`".into(),
            ));
        }
    }
    Ok(SecretRef::SecretsManager {
        secret: name.to_string(),
        json_key: key.map(str::to_string),
    })
}

fn parse_arn(raw: &str) -> Result<SecretRef, SecretError> {
    let parts: Vec<&str> = raw.splitn(6, ':').collect();
    let bad = || {
        SecretError::Malformed(
            "expected `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME` or `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`".into(),
        )
    };
    if parts.len() != 6 || parts[3].is_empty() || parts[4].len() != 12 {
        return Err(bad());
    }
    match parts[2] {
        "secretsmanager" => {
            // secret:NAME-SUFFIX[:json-key[:version-stage[:version-id]]]
            let rest = parts[5].strip_prefix("secret:").ok_or_else(bad)?;
            let mut fields = rest.split(':');
            let name = fields.next().unwrap_or_default();
            if name.is_empty() {
                return Err(bad());
            }
            let json_key = fields.next().filter(|k| !k.is_empty()).map(str::to_string);
            if json_key
                .as_deref()
                .is_some_and(|k| !k.chars().all(json_key_char))
            {
                return Err(SecretError::Malformed(
                    "JSON keys use letters, digits, `_`, `.` and `-`".into(),
                ));
            }
            if !name.chars().all(secret_name_char) {
                return Err(bad());
            }
            if fields.any(|f| !f.is_empty()) {
                return Err(SecretError::Malformed(
                    "version stages and ids are not supported: wharf always reads the current version".into(),
                ));
            }
            let arn = parts[..5].join(":") + ":secret:" + name;
            Ok(SecretRef::SecretsManager {
                secret: arn,
                json_key,
            })
        }
        "ssm" if parts[5].starts_with("parameter/") => Ok(SecretRef::SsmParameter {
            parameter: raw.to_string(),
        }),
        _ => Err(bad()),
    }
}

fn json_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

fn secret_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
}

fn ssm_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_.-".contains(c)
}

/// Well-known prefixes of live credentials, with what they are.
const CREDENTIAL_PREFIXES: [(&str, &str); 14] = [
    ("AKIA", "an AWS access key id"),
    ("ASIA", "an AWS temporary access key id"),
    ("sk_live_", "a Stripe secret key"),
    ("sk_test_", "a Stripe test secret key"),
    ("rk_live_", "a Stripe restricted key"),
    ("whsec_", "a Stripe webhook signing secret"),
    ("ghp_", "a GitHub personal access token"),
    ("gho_", "a GitHub OAuth token"),
    ("github_pat_", "a GitHub fine-grained token"),
    ("glpat-", "a GitLab personal access token"),
    ("xoxb-", "a Slack bot token"),
    ("xoxp-", "a Slack user token"),
    ("AIza", "a Google API key"),
    ("-----BEGIN", "a PEM private key or certificate"),
];

/// Says what credential `value` looks like, if it looks like one, anywhere in it.
///
/// Errs towards refusing: a reference is always a short name, a path or an ARN, so a value
/// that has the shape of a token is never what the user meant to write.
pub fn looks_like_credential(value: &str) -> Option<&'static str> {
    for (prefix, what) in CREDENTIAL_PREFIXES {
        let found = value.match_indices(prefix).any(|(i, _)| {
            // A prefix counts at the start of the value or of a word, followed by at least
            // eight more characters of a token (`id:AKIA…`, `Bearer ghp_…`).
            let starts_word = value[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            let rest = &value[i + prefix.len()..];
            starts_word
                && rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "_-".contains(*c))
                    .count()
                    >= 8
        });
        if found {
            return Some(what);
        }
    }
    if value.starts_with("eyJ") && value.matches('.').count() == 2 {
        return Some("a JSON Web Token");
    }
    if url_password(value).is_some() {
        return Some("a URL with a password in it");
    }
    if userinfo_password(value) {
        return Some("a user name and password (`user:password@host`)");
    }
    if let Some(name) = secret_query_parameter(value) {
        return Some(name);
    }
    if aws_secret_access_key(value) {
        return Some("an AWS secret access key");
    }
    if value
        .split([' ', ':', '/', '=', ',', ';'])
        .any(is_random_token)
        || is_random_token(value)
    {
        return Some("a random token");
    }
    None
}

/// The password of a `scheme://user:password@host` URL in the value, if there is one.
fn url_password(value: &str) -> Option<&str> {
    value.match_indices("://").find_map(|(i, _)| {
        if i == 0 {
            return None;
        }
        let rest = &value[i + 3..];
        let authority = rest.split(['/', '?', '#', ' ']).next().unwrap_or("");
        let (userinfo, _) = authority.rsplit_once('@')?;
        let (_, password) = userinfo.split_once(':')?;
        (!password.is_empty()).then_some(password)
    })
}

/// `user:password@host` without a scheme, at the start of the value or of a word: the user
/// and password are plain words, the password at least four characters and not only
/// digits (`node:20@sha256:…`, an image digest, is not one), and the host a host name.
fn userinfo_password(value: &str) -> bool {
    value
        .split([' ', '=', ';', ','])
        .filter_map(|word| {
            let (userinfo, host) = word.split_once('@')?;
            let (user, password) = userinfo.split_once(':')?;
            Some((user, password, host))
        })
        .any(|(user, password, host)| {
            let plain = |s: &str| !s.is_empty() && !s.contains(['/', ':', '@']);
            plain(user)
                && plain(password)
                && password.chars().count() >= 4
                && !password.chars().all(|c| c.is_ascii_digit())
                && !host.starts_with("sha256:")
                && host
                    .split([':', '/'])
                    .next()
                    .is_some_and(|h| h.contains('.') || h == "localhost")
        })
}

/// A query parameter that carries a credential (`?password=…`, `&token=…`), by its name.
fn secret_query_parameter(value: &str) -> Option<&'static str> {
    let (_, query) = value.split_once('?')?;
    for pair in query.split(['&', ';']) {
        let Some((name, v)) = pair.split_once('=') else {
            continue;
        };
        if v.is_empty() {
            continue;
        }
        let name = name.to_ascii_lowercase().replace('-', "_");
        if [
            "password",
            "passwd",
            "pwd",
            "secret",
            "token",
            "access_token",
            "api_key",
            "apikey",
            "key",
            "client_secret",
            "x_amz_signature",
            "x_amz_credential",
            "sig",
            "signature",
        ]
        .contains(&name.as_str())
        {
            return Some("a URL with a credential in its query string");
        }
    }
    None
}

/// Forty characters of base64 (`A-Z a-z 0-9 / +`) with upper case, lower case and digits,
/// not inside a longer such run: the shape of an AWS secret access key.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html>
fn aws_secret_access_key(value: &str) -> bool {
    let key_char = |c: char| c.is_ascii_alphanumeric() || c == '/' || c == '+';
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !key_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && key_char(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        if run.len() == 40
            && run.iter().any(char::is_ascii_uppercase)
            && run.iter().any(char::is_ascii_lowercase)
            && run.iter().any(char::is_ascii_digit)
            && shannon_entropy(&run.iter().collect::<String>()) >= 4.0
        {
            return true;
        }
    }
    false
}

/// A long string with upper case, lower case and digits, without the separators that names
/// use, with the character variety of random data, and switching between upper case, lower
/// case and digits far more often than words do (`DatabaseCredentials2024` switches 3 times
/// in 23 characters; random base-62 text about every other character).
fn is_random_token(value: &str) -> bool {
    if value.len() < 20 || value.contains(['/', ' ', ':']) {
        return false;
    }
    let class = |c: char| {
        if c.is_ascii_uppercase() {
            0
        } else if c.is_ascii_lowercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        }
    };
    let classes: Vec<u8> = value.chars().map(class).collect();
    let has = |k: u8| classes.contains(&k);
    let switches = classes.windows(2).filter(|w| w[0] != w[1]).count();
    has(0)
        && has(1)
        && has(2)
        && switches * 10 >= classes.len() * 3
        && shannon_entropy(value) >= 3.5
}

fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        assert_eq!(
            parse_secret_ref("app-secrets:jwt_secret"),
            Ok(SecretRef::SecretsManager {
                secret: "app-secrets".into(),
                json_key: Some("jwt_secret".into())
            })
        );
        assert_eq!(
            parse_secret_ref("ssm:/prod/db/password"),
            Ok(SecretRef::SsmParameter {
                parameter: "/prod/db/password".into()
            })
        );
        assert_eq!(
            parse_secret_ref(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::"
            ),
            Ok(SecretRef::SecretsManager {
                secret: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf".into(),
                json_key: Some("password".into())
            })
        );
    }

    #[test]
    fn credentials_are_refused() {
        for v in [
            "sk_live_51HxYzAbCdEfGhIjKl",
            "AKIAIOSFODNN7EXAMPLE",
            "whsec_abcdefgh12345678",
            "postgres://admin:hunter2@db:5432/app",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
            "Zq8vR3kT9xLm2Pw7Yb4Nc6Hd",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "id:AKIAIOSFODNN7EXAMPLE",
            "admin:hunter2x@db.example.com:5432",
            "https://api.example.com/v1?password=hunter2",
            "/health?token=abc123",
        ] {
            assert!(
                matches!(
                    parse_secret_ref(v),
                    Err(SecretError::LooksLikeCredential(_))
                ),
                "{v}"
            );
        }
    }

    #[test]
    fn names_are_not_credentials() {
        for v in [
            "mangu-publishing/app-secrets",
            "prod/DatabaseCredentials2024",
            "DatabaseCredentials2024",
            "MyServiceApiKeyForProduction",
            "https://example.com",
            "git@github.com:org/repo.git",
            "ops@example.com",
            "node:20@sha256:0b1c2d3e4f",
            "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "/api/v1/users?page=2",
        ] {
            assert_eq!(looks_like_credential(v), None, "{v}");
        }
    }
}
