//! What holds a secret: variable names that say so, and values with the shape of a
//! credential. The secret rules decide findings with it, and the text report masks what it
//! would otherwise print of such values in its code frames.

/// The nouns that, at the end of a variable's name, say it holds a secret. Names that only
/// mention one (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `API_KEY_HEADER`) do not end in one.
const SECRET_NOUNS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "SECRET_KEY",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Nouns that only count as a whole word: `BASIC_AUTH`, but not `OAUTH`.
const SECRET_WORDS: &[&str] = &["AUTH", "AUTHORIZATION"];

/// Whether a variable's name says it holds a secret, in any case and with `_`, `-` or `.`
/// between words (`DB_PASSWORD`, `PGPASSWORD`, `stripe-api-key`, `BASIC_AUTH`).
pub fn sounds_secret(name: &str) -> bool {
    let upper: String = name
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    let upper = upper.trim_end_matches('_');
    SECRET_NOUNS.iter().any(|noun| upper.ends_with(noun))
        || upper
            .rsplit('_')
            .next()
            .is_some_and(|last| SECRET_WORDS.contains(&last))
}

/// Values that are not secrets whatever the name says: empty, a number, a boolean, an ARN
/// (a reference to a secret), or a URL without a password (`TOKEN_URL`, `AUTH_ISSUER`).
pub fn is_setting(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.parse::<f64>().is_ok() && v.bytes().any(|b| b.is_ascii_digit()))
        || ["true", "false", "yes", "no", "on", "off"]
            .iter()
            .any(|b| v.eq_ignore_ascii_case(b))
        || v.starts_with("arn:")
        || (v.contains("://") && url_password(v).is_none())
}

/// Whether a value has the shape of a known kind of credential, anywhere in it.
pub fn looks_like_credential(value: &str) -> bool {
    aws_access_key_id(value)
        || (value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----"))
        || url_password(value).is_some()
        || token_after(value, "ghp_", 36, |c| c.is_ascii_alphanumeric())
        || token_after(value, "gho_", 36, |c| c.is_ascii_alphanumeric())
        || token_after(value, "github_pat_", 22, |c| {
            c.is_ascii_alphanumeric() || c == '_'
        })
        || token_after(value, "xoxb-", 10, |c| {
            c.is_ascii_alphanumeric() || c == '-'
        })
        || token_after(value, "xoxp-", 10, |c| {
            c.is_ascii_alphanumeric() || c == '-'
        })
        || token_after(value, "sk_live_", 16, |c| c.is_ascii_alphanumeric())
}

/// `AKIA` or `ASIA` and 16 upper-case letters or digits, not inside a longer such run.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids>
fn aws_access_key_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    let key_char = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    (0..bytes.len()).any(|i| {
        let rest = &bytes[i..];
        (rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA"))
            && rest.len() >= 20
            && rest[4..20].iter().all(|&b| key_char(b))
            && rest.get(20).is_none_or(|&b| !key_char(b))
            && (i == 0 || !key_char(bytes[i - 1]))
    })
}

/// Whether `prefix` occurs followed by at least `min` characters of the token's alphabet.
fn token_after(value: &str, prefix: &str, min: usize, alphabet: impl Fn(char) -> bool) -> bool {
    value.match_indices(prefix).any(|(i, _)| {
        value[i + prefix.len()..]
            .chars()
            .take_while(|&c| alphabet(c))
            .count()
            >= min
    })
}

/// The password of a `scheme://user:password@host` URL in the value, if there is one.
fn url_password(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

/// `line` with every quoted string that holds a secret replaced by as many `*` as it has
/// characters (so that columns after it stay where they were): a string that looks like a
/// credential, or the literal value of an argument or key whose name says it is a secret
/// (`password = "…"`, `"DB_PASSWORD" = "…"`, `{ name = "API_TOKEN", value = "…" }`).
/// Values that are settings (numbers, booleans, ARNs, URLs without a password) and
/// interpolations (`"${var.x}"`) are references, not secrets, and stay.
pub fn mask_line(line: &str) -> String {
    let strings = quoted_strings(line);
    // A `name = "X"` on the line whose X sounds secret makes the `value` beside it secret.
    let secret_entry = strings.iter().any(|q| {
        key_before(line, q.start).is_some_and(|k| k.eq_ignore_ascii_case("name"))
            && sounds_secret(&line[q.start + 1..q.end - 1])
    });
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for q in &strings {
        let inner = &line[q.start + 1..q.end - 1];
        let key = key_before(line, q.start);
        let named_secret = key.is_some_and(|k| {
            mentions_secret(k) || (secret_entry && k.eq_ignore_ascii_case("value"))
        });
        let literal = !inner.contains("${") && !is_setting(inner);
        if looks_like_credential(inner) || (named_secret && literal) {
            out.push_str(&line[at..q.start + 1]);
            out.extend(std::iter::repeat_n('*', inner.chars().count()));
            at = q.end - 1;
        }
    }
    out.push_str(&line[at..]);
    out
}

/// Whether a name mentions a secret's noun anywhere (`password_wo`, `db_password_arn`): for
/// masking what is shown, where masking too much costs nothing.
fn mentions_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    sounds_secret(name) || SECRET_NOUNS.iter().any(|noun| upper.contains(noun))
}

/// The byte ranges of the double-quoted strings of a line, quotes included; an unclosed one
/// runs to the end of the line.
fn quoted_strings(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '#' || (c == '/' && line[i..].starts_with("//")) {
            break; // a comment: nothing after it is an argument
        }
        if c != '"' {
            continue;
        }
        let mut end = line.len();
        while let Some((j, d)) = chars.next() {
            match d {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        if end > i + 1 {
            out.push(i..end);
        }
    }
    out
}

/// The name before `= "…"` or `: "…"` that ends at `quote`: a bare identifier or a quoted
/// key (`password = "x"`, `"DB_PASSWORD" = "x"`, `"token": "x"`).
fn key_before(line: &str, quote: usize) -> Option<&str> {
    let before = line[..quote].trim_end();
    let before = before.strip_suffix(['=', ':'])?.trim_end();
    if let Some(quoted) = before.strip_suffix('"') {
        let start = quoted.rfind('"')?;
        return Some(&quoted[start + 1..]);
    }
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = &before[start..];
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::mask_line;

    #[test]
    fn secrets_on_a_line_are_masked_and_the_rest_kept() {
        for (line, masked) in [
            (
                r#"  password       = "correct-horse-battery-staple""#,
                r#"  password       = "****************************""#,
            ),
            (
                r#"  master_password = "hunter2""#,
                r#"  master_password = "*******""#,
            ),
            (
                r#"  password_wo         = "write-only""#,
                r#"  password_wo         = "**********""#,
            ),
            (
                r#"  { name = "DB_PASSWORD", value = "hunter2" },"#,
                r#"  { name = "DB_PASSWORD", value = "*******" },"#,
            ),
            (
                r#"  "STRIPE_API_KEY" = "abc""#,
                r#"  "STRIPE_API_KEY" = "***""#,
            ),
            (
                r#"  { name = "ID", value = "AKIAIOSFODNN7EXAMPLE" },"#,
                r#"  { name = "ID", value = "********************" },"#,
            ),
            (
                r#"  url = "postgres://app:s3cret@db:5432/app""#,
                r#"  url = "*********************************""#,
            ),
        ] {
            assert_eq!(mask_line(line), masked, "{line}");
        }
        for kept in [
            r#"  password = var.db_password"#,
            r#"  password = "${random_password.db.result}""#,
            r#"  { name = "TOKEN_URL", value = "https://auth.example.com/token" },"#,
            r#"  { name = "PORT", value = "8080" },"#,
            r#"  name = "orders" # password = "x""#,
            r#"  cidr_blocks = ["0.0.0.0/0"]"#,
        ] {
            assert_eq!(mask_line(kept), kept);
        }
    }
}
