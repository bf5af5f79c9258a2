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

/// What credential `value` looks like, if it looks like one (see [`wharf_secrets`]): a
/// reference is always a short name, a path or an ARN, so a value that has the shape of a
/// token is never what the user meant to write.
pub fn looks_like_credential(value: &str) -> Option<&'static str> {
    wharf_secrets::credential(value).map(|c| c.what)
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
}
