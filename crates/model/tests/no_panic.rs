//! Bad input never panics: every truncation and a set of value swaps of every bundled
//! example is loaded, and each either succeeds or returns located diagnostics.

use wharf_manifest::examples::EXAMPLES;

fn check(text: &str) {
    match wharf_model::load("wharf.toml", text) {
        Ok(_) => {}
        Err(d) => {
            assert!(
                !d.items.is_empty(),
                "an error with no diagnostic for:\n{text}"
            );
            for item in &d.items {
                assert!(item.span.start <= text.len() && item.span.end <= text.len());
            }
            // Rendering the code frames must not panic either.
            let _ = d.render();
        }
    }
}

#[test]
fn every_truncation_of_every_example() {
    for (_, _, text) in EXAMPLES {
        for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
            check(&text[..end]);
        }
    }
}

#[test]
fn values_of_the_wrong_type_or_range() {
    let swaps = [
        ("8080", "\"8080\""),
        ("8080", "-1"),
        ("8080", "99999999999999999999"),
        ("\"us-east-1\"", "1"),
        ("\"us-east-1\"", "[]"),
        ("\"/health\"", "{ a = 1 }"),
        ("\"dev\"", "true"),
        ("\"prod\"", "\"\""),
        ("256", "0"),
        ("512", "1e9"),
        ("[", "[[["),
        ("=", "=="),
        ("\"", "'"),
    ];
    for (_, _, text) in EXAMPLES {
        for (from, to) in swaps {
            check(&text.replacen(from, to, 1));
            check(&text.replace(from, to));
        }
    }
}
