//! What holds a secret, in one place for the manifest and the review: variable names that
//! say so, values with the shape of a credential, and a line about to be shown (a code
//! frame, a diagnostic) with those values masked.
//!
//! The invariant it keeps: masking only ever replaces characters inside a quoted string
//! with `*`, one for one, so columns after it stay where they were, and a shape is
//! recognised anywhere in a value (`id:AKIA…`, `Bearer ghp_…`), not only at its start.
//! Shapes come in two certainties: a known kind of credential (an AWS access key id, a
//! private key, a password in a URL, a token with a vendor's prefix) is certain; a long
//! random-looking run, or forty characters of base64, is likely, and the manifest lets a
//! user say such a value is not a secret.

/// How sure a shape is that a value is a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    /// A known kind: the format of an AWS key id, a vendor's token prefix, a private key, a
    /// password in a URL.
    Certain,
    /// Random-looking: a long run of mixed letters and digits, or an AWS secret access
    /// key's length and alphabet. Configuration (base64 settings, ids) can look like this.
    Likely,
}

/// A value that looks like a credential: what it looks like, and how sure that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credential {
    pub what: &'static str,
    pub certainty: Certainty,
}

/// The nouns that say a name holds a secret, wherever they are in it (`DB_PASSWORD`,
/// `STRIPE_SECRET_KEY`, `TOKEN_TTL_SECONDS`).
const NOUNS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
];

/// Further endings that say a name holds a secret when it ends in them.
const ENDINGS: [&str; 3] = ["SECRET_KEY", "CREDENTIAL", "CREDENTIALS"];

/// Endings that only count as a whole word: `BASIC_AUTH`, but not `OAUTH`.
const WORDS: [&str; 2] = ["AUTH", "AUTHORIZATION"];

/// A name in upper case, with `-` and `.` read as `_`.
fn normal(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Whether a name ends in a secret's noun (`DB_PASSWORD`, `PGPASSWORD`, `stripe-api-key`,
/// `BASIC_AUTH`), as opposed to only mentioning one (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`).
pub fn ends_in_secret_noun(name: &str) -> bool {
    let upper = normal(name);
    let upper = upper.trim_end_matches('_');
    NOUNS
        .iter()
        .chain(&ENDINGS)
        .any(|noun| upper.ends_with(noun))
        || upper
            .rsplit('_')
            .next()
            .is_some_and(|last| WORDS.contains(&last))
}

/// Whether a name mentions a secret's noun anywhere in it (`password_wo`, `TOKEN_TTL`).
pub fn mentions_secret(name: &str) -> bool {
    let upper = normal(name);
    ends_in_secret_noun(name) || NOUNS.iter().any(|noun| upper.contains(noun))
}

/// Values that are no secret whatever the name says: empty, a number, a boolean, an ARN
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

/// Vendor prefixes of live credentials, with what they are and how many token characters
/// must follow for the match to count.
const PREFIXES: [(&str, &str, usize); 13] = [
    ("sk_live_", "a Stripe secret key", 10),
    ("sk_test_", "a Stripe test secret key", 10),
    ("rk_live_", "a Stripe restricted key", 10),
    ("whsec_", "a Stripe webhook signing secret", 10),
    ("ghp_", "a GitHub personal access token", 30),
    ("gho_", "a GitHub OAuth token", 30),
    ("ghs_", "a GitHub app token", 30),
    ("github_pat_", "a GitHub fine-grained token", 22),
    ("glpat-", "a GitLab personal access token", 16),
    ("xoxb-", "a Slack bot token", 10),
    ("xoxp-", "a Slack user token", 10),
    ("AIza", "a Google API key", 30),
    ("npm_", "an npm access token", 30),
];

/// Prefixes of keys that are public by design (Stripe publishable keys): runs after them
/// are not random secrets.
const PUBLIC_PREFIXES: [&str; 2] = ["pk_live_", "pk_test_"];

/// What credential `value` looks like, if it looks like one, anywhere in it.
pub fn credential(value: &str) -> Option<Credential> {
    let certain = |what| {
        Some(Credential {
            what,
            certainty: Certainty::Certain,
        })
    };
    let likely = |what| {
        Some(Credential {
            what,
            certainty: Certainty::Likely,
        })
    };
    if let Some(what) = aws_access_key_id(value) {
        return certain(what);
    }
    for (prefix, what, min) in PREFIXES {
        if token_after(value, prefix, min) {
            return certain(what);
        }
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return certain("a PEM private key");
    }
    if is_jwt(value) {
        return certain("a JSON Web Token");
    }
    if url_password(value).is_some() {
        return certain("a URL with a password in it");
    }
    if userinfo_password(value) {
        return certain("a user name and password (`user:password@host`)");
    }
    if let Some(what) = secret_query_parameter(value) {
        return certain(what);
    }
    if value.contains("-----BEGIN") {
        return likely("a PEM block");
    }
    if aws_secret_access_key(value) {
        return likely("an AWS secret access key");
    }
    if random_run(value) {
        return likely("a random token");
    }
    None
}

/// `AKIA` or `ASIA` and 16 upper-case letters or digits, not inside a longer such run.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids>
fn aws_access_key_id(value: &str) -> Option<&'static str> {
    let bytes = value.as_bytes();
    let key_char = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    (0..bytes.len()).find_map(|i| {
        let rest = &bytes[i..];
        let what = if rest.starts_with(b"AKIA") {
            "an AWS access key id"
        } else if rest.starts_with(b"ASIA") {
            "an AWS temporary access key id"
        } else {
            return None;
        };
        (rest.len() >= 20
            && rest[4..20].iter().all(|&b| key_char(b))
            && rest.get(20).is_none_or(|&b| !key_char(b))
            && (i == 0 || !key_char(bytes[i - 1])))
        .then_some(what)
    })
}

/// Whether `prefix` starts a word of `value` and is followed by at least `min` characters of
/// a token (letters, digits, `_`, `-`).
fn token_after(value: &str, prefix: &str, min: usize) -> bool {
    value.match_indices(prefix).any(|(i, _)| {
        let starts_word = value[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        starts_word
            && value[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .count()
                >= min
    })
}

/// Three base64url parts, the first a JSON header (`eyJ`).
fn is_jwt(value: &str) -> bool {
    value.split([' ', '=', ':', ',', ';']).any(|word| {
        let parts: Vec<&str> = word.split('.').collect();
        word.starts_with("eyJ")
            && parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
    })
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
/// and password plain words, the password at least four characters and not only digits
/// (`node:20@sha256:…`, an image digest, is not one), and the host a host name.
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

/// A query parameter that carries a credential (`?password=…`, `&access_token=…`).
fn secret_query_parameter(value: &str) -> Option<&'static str> {
    let (_, query) = value.split_once('?')?;
    const NAMES: [&str; 12] = [
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "client_secret",
        "x_amz_signature",
        "x_amz_credential",
        "signature",
    ];
    query
        .split(['&', ';'])
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, v)| {
            !v.is_empty() && NAMES.contains(&name.to_ascii_lowercase().replace('-', "_").as_str())
        })
        .then_some("a URL with a credential in its query string")
}

/// Forty characters of base64 (`A-Z a-z 0-9 / +`) with upper case, lower case and digits,
/// not inside a longer such run: the shape of an AWS secret access key.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html>
fn aws_secret_access_key(value: &str) -> bool {
    runs(value, |c| c.is_ascii_alphanumeric() || c == '/' || c == '+').any(|run| {
        run.chars().count() == 40
            && run.contains(|c: char| c.is_ascii_uppercase())
            && run.contains(|c: char| c.is_ascii_lowercase())
            && run.contains(|c: char| c.is_ascii_digit())
            && shannon_entropy(run) >= 4.0
    })
}

/// The maximal runs of `value`'s characters that `keep` accepts.
fn runs<'v>(value: &'v str, keep: impl Fn(char) -> bool + 'v) -> impl Iterator<Item = &'v str> {
    value
        .split(move |c: char| !keep(c))
        .filter(|r| !r.is_empty())
}

/// A run of at least 20 letters and digits with upper case, lower case and digits, the
/// character variety of random data, and switching between them far more often than words
/// do (`DatabaseCredentials2024` switches 3 times in 23 characters; random base-62 text
/// about every other character). Runs after a public key's prefix do not count.
fn random_run(value: &str) -> bool {
    let public = PUBLIC_PREFIXES.iter().any(|p| value.contains(p));
    !public
        && runs(value, |c| c.is_ascii_alphanumeric()).any(|run| {
            if run.len() < 20 {
                return false;
            }
            let class = |c: char| {
                if c.is_ascii_uppercase() {
                    0u8
                } else if c.is_ascii_lowercase() {
                    1
                } else {
                    2
                }
            };
            let classes: Vec<u8> = run.chars().map(class).collect();
            let has = |k: u8| classes.contains(&k);
            let switches = classes.windows(2).filter(|w| w[0] != w[1]).count();
            has(0)
                && has(1)
                && has(2)
                && switches * 10 >= classes.len() * 3
                && shannon_entropy(run) >= 3.5
        })
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

/// `line` with every quoted string that holds a secret masked, one `*` per character: a
/// string that looks like a credential, and the literal value of an argument or key whose
/// name mentions a secret (`password = "…"`, `"DB_PASSWORD" = "…"`, `DB_TOKEN = '…'`, or the
/// `value` beside a `name` that says secret). Interpolations (`"${var.x}"`) are references
/// and stay. A string that holds JSON (`"[{\"name\":\"DB_PASSWORD\",…}]"`) is masked inside
/// in the same way. Lines of HCL, TOML and JSON are read alike: `"…"` and `'…'` strings,
/// keys before `=` or `:`, and nothing after a `#` or `//` comment.
pub fn mask_line(line: &str) -> String {
    let strings = quoted_strings(line);
    // A `name = "X"` on the line whose X sounds secret makes the `value` beside it secret.
    let secret_entry = strings.iter().any(|q| {
        key_before(line, q.start).is_some_and(|k| k.eq_ignore_ascii_case("name"))
            && ends_in_secret_noun(&line[q.start + 1..q.end - 1])
    });
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for q in &strings {
        let inner = &line[q.start + 1..q.end - 1];
        let named_secret = key_before(line, q.start).is_some_and(|k| {
            mentions_secret(k) || (secret_entry && k.eq_ignore_ascii_case("value"))
        });
        let reference = inner.contains("${");
        out.push_str(&line[at..q.start + 1]);
        if credential(inner).is_some() || (named_secret && !reference && !inner.is_empty()) {
            out.extend(std::iter::repeat_n('*', inner.chars().count()));
        } else if inner.contains("\\\"") {
            out.push_str(&mask_escaped(inner));
        } else {
            out.push_str(inner);
        }
        at = q.end - 1;
    }
    out.push_str(&line[at..]);
    out
}

/// A string's text that holds escaped quotes (JSON in a string), masked as a line of its own
/// would be, with the escapes kept where they were.
fn mask_escaped(inner: &str) -> String {
    // Unescape `\"` and `\\`, remembering where each character came from.
    let mut plain = String::new();
    let mut origin: Vec<std::ops::Range<usize>> = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&(j, n))) if n == '"' || n == '\\' => {
                chars.next();
                plain.push(n);
                origin.push(i..j + n.len_utf8());
            }
            _ => {
                plain.push(c);
                origin.push(i..i + c.len_utf8());
            }
        }
    }
    let masked = mask_line(&plain);
    let mut out = String::with_capacity(inner.len());
    for ((m, p), from) in masked.chars().zip(plain.chars()).zip(origin) {
        if m == '*' && p != '*' {
            out.push('*');
        } else {
            out.push_str(&inner[from]);
        }
    }
    out
}

/// The byte ranges of the quoted strings of a line, quotes included (`"…"` with `\` escapes,
/// `'…'` without); an unclosed one runs to the end of the line.
fn quoted_strings(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '#' || (c == '/' && line[i..].starts_with("//")) {
            break; // a comment: nothing after it is an argument
        }
        if c != '"' && c != '\'' {
            continue;
        }
        let mut end = line.len();
        while let Some((j, d)) = chars.next() {
            match d {
                '\\' if c == '"' => {
                    chars.next();
                }
                d if d == c => {
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
    if let Some(quoted) = before.strip_suffix(['"', '\'']) {
        let start = quoted.rfind(['"', '\''])?;
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
    use super::*;

    #[test]
    fn credentials_are_found_anywhere_in_a_value() {
        for (v, certainty) in [
            ("AKIAIOSFODNN7EXAMPLE", Certainty::Certain),
            ("id:AKIAIOSFODNN7EXAMPLE", Certainty::Certain),
            ("sk_live_51HxYzAbCdEfGhIjKl", Certainty::Certain),
            (
                "Bearer ghp_EXAMPLEexample0123456789EXAMPLEexamp",
                Certainty::Certain,
            ),
            ("postgres://admin:hunter2@db:5432/app", Certainty::Certain),
            ("admin:hunter2x@db.example.com:5432", Certainty::Certain),
            (
                "https://api.example.com/v1?password=hunter2",
                Certainty::Certain,
            ),
            ("/health?token=abc123", Certainty::Certain),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
                Certainty::Certain,
            ),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIB", Certainty::Certain),
            (
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                Certainty::Likely,
            ),
            ("Zq8vR3kT9xLm2Pw7Yb4Nc6Hd", Certainty::Likely),
            ("-----BEGIN CERTIFICATE-----", Certainty::Likely),
        ] {
            assert_eq!(credential(v).map(|c| c.certainty), Some(certainty), "{v}");
        }
    }

    #[test]
    fn ordinary_configuration_is_no_credential() {
        for v in [
            "mangu-publishing/app-secrets",
            "prod/DatabaseCredentials2024",
            "MyServiceApiKeyForProduction",
            "https://example.com",
            "git@github.com:org/repo.git",
            "ops@example.com",
            "node:20@sha256:0b1c2d3e4f",
            "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "/api/v1/users?page=2",
            "/health?key=ready",
            "-Dfile.encoding=UTF-8",
            "-Dlog4j2.formatMsgNoLookups=true",
            "NODE_OPTIONS=--max-old-space-size=4096",
            "ASIA_PACIFIC",
            "ASIAN_MARKETS",
            "eu-central-1_Xy7Zq9AbC",
            "pk_live_51HxYzAbCdEfGhIjKlMnOpQrStUvWx",
            "0 3 * * ? *",
            "sha256:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
        ] {
            assert_eq!(credential(v), None, "{v}");
        }
    }

    #[test]
    fn names() {
        assert!(ends_in_secret_noun("DB_PASSWORD") && ends_in_secret_noun("basic-auth"));
        assert!(!ends_in_secret_noun("TOKEN_URL") && !ends_in_secret_noun("OAUTH"));
        assert!(mentions_secret("TOKEN_TTL_SECONDS") && mentions_secret("password_wo"));
        assert!(!mentions_secret("LOG_LEVEL") && !mentions_secret("KMS_KEY_ID"));
    }

    #[test]
    fn secrets_on_a_line_are_masked_and_the_rest_kept() {
        for (line, masked) in [
            (
                r#"  password       = "correct-horse-battery-staple""#,
                r#"  password       = "****************************""#,
            ),
            (r#"  password = "20240101""#, r#"  password = "********""#),
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
            (r#"DB_TOKEN = 'abc'"#, r#"DB_TOKEN = '***'"#),
            (
                r#"  { name = "ID", value = "AKIAIOSFODNN7EXAMPLE" },"#,
                r#"  { name = "ID", value = "********************" },"#,
            ),
            (
                r#"  url = "postgres://app:s3cret@db:5432/app""#,
                r#"  url = "*********************************""#,
            ),
            (
                r#"  container_definitions = "[{\"name\":\"DB_PASSWORD\",\"value\":\"hunter2hunter2\"}]""#,
                r#"  container_definitions = "[{\"name\":\"DB_PASSWORD\",\"value\":\"**************\"}]""#,
            ),
        ] {
            assert_eq!(mask_line(line), masked, "{line}");
        }
        for kept in [
            r#"  password = var.db_password"#,
            r#"  password = "${random_password.db.result}""#,
            r#"  { name = "PORT", value = "8080" },"#,
            r#"  name = "orders" # password = "x""#,
            r#"  cidr_blocks = ["0.0.0.0/0"]"#,
            r#"  container_definitions = "[{\"name\":\"LOG\",\"value\":\"info\"}]""#,
        ] {
            assert_eq!(mask_line(kept), kept);
        }
    }
}
