//! Inline suppressions: `# wharf:ignore[WH203] one NAT gateway is the dev trade-off`.
//!
//! A suppression on a line of its own covers the block or argument that starts on the next
//! line of code, to its end; a suppression after code covers that line's block or argument.
//! On a `module` block it covers every resource of that module instance.

use std::ops::RangeInclusive;

use wharf_terraform::Project;

/// One `wharf:ignore[...]` comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Index into [`Project::files`].
    pub file: usize,
    /// Byte range of the comment's marker, for reports.
    pub span: std::ops::Range<usize>,
    pub codes: Vec<String>,
    pub reason: String,
    /// 1-based lines covered.
    pub lines: RangeInclusive<usize>,
}

const MARKER: &str = "wharf:ignore[";

/// Every suppression in the project's files, in file order.
pub fn find(project: &Project) -> Vec<Suppression> {
    let indices: Vec<usize> = (0..project.files.len())
        .filter(|&i| project.files[i].text.contains(MARKER))
        .collect();
    wharf_terraform::parallel::map(&indices, |&file| in_file(file, &project.files[file].text))
        .into_iter()
        .flatten()
        .collect()
}

fn in_file(file: usize, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    let heredoc = heredoc_lines(&lines);
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        // A heredoc's text is a string, whatever it holds.
        let parsed = if heredoc[i] { None } else { parse_line(line) };
        if let Some(s) = parsed {
            let target = if s.own_line {
                next_code_line(&lines, &heredoc, i + 1)
            } else {
                Some(i)
            };
            if let Some(target) = target {
                let end = structure_end(&lines, &heredoc, target);
                out.push(Suppression {
                    file,
                    span: offset + s.at..offset + line.len(),
                    codes: s.codes,
                    reason: s.reason,
                    lines: target + 1..=end + 1,
                });
            }
        }
        offset += line.len() + 1;
    }
    out
}

struct Parsed {
    at: usize,
    own_line: bool,
    codes: Vec<String>,
    reason: String,
}

fn parse_line(line: &str) -> Option<Parsed> {
    let comment_start = comment_start(line)?;
    let comment = &line[comment_start..];
    // The marker must be the comment's first word.
    let body = comment.trim_start_matches(['#', '/']).trim_start();
    if !body.starts_with(MARKER) {
        return None;
    }
    let at = line.len() - body.len();
    let rest = &line[at + MARKER.len()..];
    let close = rest.find(']')?;
    let codes = rest[..close]
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    Some(Parsed {
        at: comment_start,
        own_line: line[..comment_start].trim().is_empty(),
        codes,
        reason: rest[close + 1..].trim().to_string(),
    })
}

/// Where the line's comment starts (`#` or `//` outside a string), if it has one.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'#' if !in_string => return Some(i),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Which lines are a heredoc's text or its closing marker (`<<EOT` or `<<-EOT` ends the
/// line that opens it; a line holding only the marker closes it). A heredoc that never
/// closes is not one (Terraform would not parse the file), and `<<EOT` in a `/* */`
/// comment opens none.
fn heredoc_lines(lines: &[&str]) -> Vec<bool> {
    let mut inside = vec![false; lines.len()];
    let mut open: Option<(String, usize)> = None;
    let mut in_comment = false;
    for (i, line) in lines.iter().enumerate() {
        match &open {
            Some((marker, _)) => {
                inside[i] = true;
                if line.trim() == marker {
                    open = None;
                }
            }
            None => {
                let code = code_of(line, &mut in_comment);
                open = heredoc_opener(&code).map(|m| (m.to_string(), i));
            }
        }
    }
    if let Some((_, opened)) = open {
        inside[opened + 1..].iter_mut().for_each(|l| *l = false);
    }
    inside
}

/// A line's code: without its `#` or `//` comment and without `/* */` comments, which may
/// span lines (`in_comment` carries one over).
fn code_of(line: &str, in_comment: &mut bool) -> String {
    let mut code = String::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_comment {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                *in_comment = false;
            }
            continue;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => break,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '/' if !in_string && chars.peek() == Some(&'*') => {
                chars.next();
                *in_comment = true;
                continue;
            }
            _ => {}
        }
        code.push(c);
    }
    code
}

/// The marker of the heredoc this line opens, if it opens one: `<<` or `<<-` and an
/// identifier at the end of its code, outside strings.
fn heredoc_opener(line: &str) -> Option<&str> {
    let code = line[..comment_start(line).unwrap_or(line.len())].trim_end();
    let mut in_string = false;
    let mut escaped = false;
    let bytes = code.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'<' if !in_string && bytes.get(i + 1) == Some(&b'<') => {
                let rest = &code[i + 2..];
                let name = rest.strip_prefix('-').unwrap_or(rest);
                let starts = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
                let word = name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                return (starts && word).then_some(name);
            }
            _ => {}
        }
    }
    None
}

fn next_code_line(lines: &[&str], heredoc: &[bool], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| {
        let t = lines[i].trim();
        !heredoc[i] && !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
    })
}

/// The last line of the block or argument that starts on `start`: where the brackets
/// opened on it close again, and any heredoc it opens has closed.
fn structure_end(lines: &[&str], heredoc: &[bool], start: usize) -> usize {
    let mut depth: i64 = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let continues = heredoc.get(i + 1).copied().unwrap_or(false);
        if heredoc[i] {
            if depth <= 0 && !continues {
                return i;
            }
            continue;
        }
        let code = &line[..comment_start(line).unwrap_or(line.len())];
        let mut in_string = false;
        let mut prev = '\0';
        for c in code.chars() {
            match c {
                '"' if prev != '\\' => in_string = !in_string,
                '{' | '[' | '(' if !in_string => depth += 1,
                '}' | ']' | ')' if !in_string => depth -= 1,
                _ => {}
            }
            prev = c;
        }
        if depth <= 0 && !continues {
            return i;
        }
    }
    lines.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_line_covers_the_next_block() {
        let lines = [
            "# wharf:ignore[WH203, wh204] dev trade-off",
            "",
            "module \"network\" {",
            "  source = \"../modules/network\" # wharf:ignore[WH1] x",
            "  tags = { a = \"}\" }",
            "}",
        ];
        let p = parse_line(lines[0]).unwrap();
        assert!(p.own_line);
        assert_eq!(p.codes, ["WH203", "WH204"]);
        assert_eq!(p.reason, "dev trade-off");
        let none = [false; 6];
        let target = next_code_line(&lines, &none, 1).unwrap();
        assert_eq!((target, structure_end(&lines, &none, target)), (2, 5));
        let trailing = parse_line(lines[3]).unwrap();
        assert!(!trailing.own_line);
        assert_eq!(structure_end(&lines, &none, 3), 3);
    }

    #[test]
    fn a_marker_inside_a_string_is_not_a_suppression() {
        assert!(parse_line("  x = \"wharf:ignore[WH1] no\"").is_none());
        assert!(parse_line("  x = \"# wharf:ignore[WH1] no\"").is_none());
        assert!(parse_line("# see wharf:ignore[WH1] later").is_none());
        let after_hash_in_string = parse_line("url = \"https://x/#/a\" // wharf:ignore[WH1] r");
        assert_eq!(
            after_hash_in_string.map(|p| p.codes),
            Some(vec!["WH1".to_string()])
        );
    }

    #[test]
    fn brackets_in_comments_do_not_extend_the_range() {
        let lines = [
            "resource \"a\" \"b\" {",
            "  x = 1 // see (docs",
            "}",
            "resource \"c\" \"d\" {}",
        ];
        assert_eq!(structure_end(&lines, &[false; 4], 0), 2);
    }

    #[test]
    fn a_heredoc_is_text_and_part_of_its_argument() {
        let text = [
            "resource \"aws_iam_policy\" \"p\" {",
            "  # wharf:ignore[WH107] the argument, heredoc and all",
            "  policy = <<-EOT",
            "    # wharf:ignore[WH101] only text of the policy",
            "    { \"Statement\": [",
            "  EOT",
            "  name = \"p\"",
            "  x = \"<<EOT\" # wharf:ignore[WH102] a string, not a heredoc",
            "}",
        ]
        .join("\n");
        let found = in_file(0, &text);
        let got: Vec<_> = found
            .iter()
            .map(|s| (s.codes.clone(), s.lines.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (vec!["WH107".to_string()], 3..=6),
                (vec!["WH102".to_string()], 8..=8)
            ]
        );
        assert_eq!(heredoc_opener("  policy = <<EOT"), Some("EOT"));
        assert_eq!(heredoc_opener("  policy = <<-EOT # note"), Some("EOT"));
        assert_eq!(heredoc_opener("  a = 1 << 2"), None);
        assert_eq!(heredoc_opener("  a = \"<<EOT\""), None);
    }

    #[test]
    fn a_heredoc_in_a_block_comment_or_one_never_closed_is_none() {
        let commented = [
            "/* old:",
            "  policy = <<EOT",
            "*/",
            "# wharf:ignore[WH107] kept",
            "x = 1",
        ];
        assert_eq!(heredoc_lines(&commented), [false; 5]);
        let inline = ["a = 1 /* <<EOT */", "# wharf:ignore[WH107] kept"];
        assert_eq!(heredoc_lines(&inline), [false; 2]);
        let unclosed = ["policy = <<EOT", "# wharf:ignore[WH107] kept", "x = 1"];
        assert_eq!(heredoc_lines(&unclosed), [false; 3]);
        let closed = ["policy = <<EOT", "# text", "EOT", "x = 1"];
        assert_eq!(heredoc_lines(&closed), [false, true, true, false]);
    }
}
