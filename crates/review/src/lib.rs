//! `wharf review`: holds any Terraform tree to the AWS Well-Architected pillars.
//!
//! A registry of rules, one file each under `rules/`, runs over every root module the
//! loader evaluated. The invariant it keeps: a value the loader could not know (Unknown)
//! never raises a finding, and a resource with `count = 0` does not exist, so a finding is
//! always a fact about the configuration as written. Results are sorted and do not depend
//! on thread timing: the same tree gives the same report every run.

pub mod docs;
pub mod ecs;
pub mod iam;
pub mod report;
pub mod rule;
pub mod rules;
pub mod suppress;

use std::collections::BTreeMap;
use std::path::PathBuf;

use wharf_terraform::{parallel, LoadOptions, Location, Outline, Project};

pub use rule::{Check, Finding, Lines, Pillar, Rule, Severity};
pub use rules::RULES;

/// Which rules run: `--select` and `--ignore` take codes (`WH201`), code prefixes (`WH2`),
/// names (`single-nat-gateway`) or pillars (`security`).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn matches(pattern: &str, rule: &Rule) -> bool {
        let p = pattern.trim();
        rule.code.eq_ignore_ascii_case(p)
            || (p.len() >= 3
                && rule
                    .code
                    .to_ascii_uppercase()
                    .starts_with(&p.to_ascii_uppercase()))
            || rule.name == p
            || rule.pillar.id() == p
    }

    pub fn includes(&self, rule: &Rule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, rule)))
            && !self.ignore.iter().any(|p| Self::matches(p, rule))
    }

    /// Patterns that match no rule, so that a typo is an error rather than a silent no-op.
    pub fn unknown_patterns(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !RULES.iter().any(|r| Self::matches(p, r)))
            .map(String::as_str)
            .collect()
    }
}

/// Checks passed out of checks applicable, for one pillar. A rule is applicable to a root
/// module when it found something to look at there; it passed when it found no problem
/// (suppressed findings count as passed: they are accepted trade-offs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub applicable: usize,
    pub passed: usize,
}

impl Score {
    pub fn percent(&self) -> Option<f64> {
        (self.applicable > 0).then(|| 100.0 * self.passed as f64 / self.applicable as f64)
    }
}

/// The outcome of a review.
#[derive(Debug)]
pub struct Review {
    /// Every finding, suppressed ones included, sorted by file, line, column and code.
    pub findings: Vec<Finding>,
    pub scores: BTreeMap<Pillar, Score>,
    pub rules_run: usize,
    pub resources: usize,
}

impl Review {
    /// The findings no suppression covers.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// Whether any active finding is at or above `severity`.
    pub fn fails(&self, severity: Severity) -> bool {
        self.active().any(|f| f.rule.severity >= severity)
    }
}

/// Runs the selected rules over every root module of `project`.
pub fn review(project: &Project, selection: &Selection) -> Review {
    let rules = selected(selection);
    let part = review_part(project, &rules, selection);
    finish(vec![part], rules.len())
}

/// Reviews the tree at or below `paths` a part at a time ([`wharf_terraform::in_parts`]):
/// what it finds is what [`review`] finds in the tree loaded whole, and memory grows with
/// the largest part, not with the tree. The outline is what the report shows beside the
/// findings.
pub fn review_tree(
    paths: &[PathBuf],
    options: &LoadOptions,
    selection: &Selection,
) -> std::io::Result<(Outline, Review)> {
    let rules = selected(selection);
    // Each part's findings are copied on this thread, where nothing else is allocated: left
    // where a part's syntax trees were, they would keep that memory from being reused.
    let (outline, parts) = wharf_terraform::in_parts(
        paths,
        options,
        |project| review_part(project, &rules, selection),
        |part| Part {
            findings: part.findings.iter().map(Finding::clone).collect(),
            ..part
        },
    )?;
    Ok((outline, finish(parts, rules.len())))
}

/// The rules `selection` runs over resources (the meta rules run over the suppressions).
fn selected(selection: &Selection) -> Vec<&'static Rule> {
    RULES
        .iter()
        .copied()
        .filter(|r| selection.includes(r) && !rules::is_meta(r))
        .collect()
}

/// What one rule found in one root: whether it applied, whether it passed (every finding
/// suppressed).
struct Outcome {
    pillar: Pillar,
    applicable: bool,
    passed: bool,
}

/// What the review of a project (or of one part of a tree) leaves once its files are gone:
/// findings with their places resolved and their files numbered as in the tree, sorted.
struct Part {
    findings: Vec<Finding>,
    outcomes: Vec<Outcome>,
    resources: usize,
}

fn review_part(project: &Project, rules: &[&'static Rule], selection: &Selection) -> Part {
    let suppressions = suppress::find(project);
    let per_root = parallel::map(&project.roots, |root| {
        let dir: std::sync::Arc<std::path::Path> = root.dir.as_path().into();
        let mut outcomes = Vec::with_capacity(rules.len());
        let mut findings = Vec::new();
        let mut used = Vec::new();
        for &rule in rules {
            let mut cx = Check::new(project, root, std::sync::Arc::clone(&dir), rule);
            (rule.check)(&mut cx);
            let (passed, mut found) = cx.finish();
            for f in &mut found {
                if let Some(i) = covering(project, &suppressions, f) {
                    used.push(i);
                    f.suppressed = Some(suppressions[i].reason.clone());
                }
            }
            outcomes.push(Outcome {
                pillar: rule.pillar,
                applicable: passed > 0 || !found.is_empty(),
                passed: found.iter().all(|f| f.suppressed.is_some()),
            });
            findings.extend(found);
        }
        // Sorted here, on every core, each root's findings are one run for the final sort
        // to merge.
        findings.sort_by(order);
        (outcomes, findings, used)
    });

    let mut used = vec![false; suppressions.len()];
    let mut part = Part {
        findings: Vec::new(),
        outcomes: Vec::new(),
        resources: project.roots.iter().map(|r| r.resources.len()).sum(),
    };
    for (outcomes, found, used_here) in per_root {
        for i in used_here {
            used[i] = true;
        }
        part.outcomes.extend(outcomes);
        part.findings.extend(found);
    }
    part.findings.extend(rules::meta_findings(
        project,
        selection,
        &suppressions,
        &used,
    ));
    part.findings.sort_by(order);
    // One module file evaluated for several callers can give the same finding twice
    // for the same root; keep one.
    part.findings.dedup_by(|a, b| {
        a.rule.code == b.rule.code
            && a.location == b.location
            && a.address == b.address
            && a.root == b.root
            && a.message == b.message
    });
    for f in &mut part.findings {
        resolve(project, f);
    }
    part
}

/// Fills in where a finding is in lines and columns while its file's text is loaded, and
/// numbers its files as the tree does (the order of the parts' files is the tree's, so
/// findings stay sorted).
fn resolve(project: &Project, f: &mut Finding) {
    f.at = lines(project, &f.location);
    f.related_at = f.related.iter().map(|l| lines(project, l)).collect();
    f.frame = project.files.get(f.location.file).and_then(|file| {
        let text = &file.text;
        let start = text.floor_char_boundary(f.location.span.start);
        let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
        if from == text.len() {
            return None; // past the last line
        }
        let to = text[start..].find('\n').map_or(text.len(), |i| start + i);
        text.get(from..to)
            .map(|line| wharf_secrets::mask_line(line.trim_end()))
    });
    for l in std::iter::once(&mut f.location)
        .chain(&mut f.related)
        .chain(&mut f.call_sites)
    {
        l.file = project.index_in_tree(l.file);
    }
}

/// Where a location is in lines and columns.
fn lines(project: &Project, l: &Location) -> Lines {
    let (line, column) = project.position(l.file, l.span.start);
    let (end_line, end_column) = project.position(l.file, l.span.end);
    Lines {
        line,
        column,
        end_line,
        end_column,
    }
}

/// The findings of every part, sorted, and the pillar scores over every root.
fn finish(parts: Vec<Part>, rules_run: usize) -> Review {
    let mut findings = Vec::with_capacity(parts.iter().map(|p| p.findings.len()).sum());
    let mut scores: BTreeMap<Pillar, Score> =
        Pillar::ALL.iter().map(|p| (*p, Score::default())).collect();
    let mut resources = 0;
    for part in parts {
        for outcome in part.outcomes.iter().filter(|o| o.applicable) {
            let score = scores.entry(outcome.pillar).or_default();
            score.applicable += 1;
            if outcome.passed {
                score.passed += 1;
            }
        }
        resources += part.resources;
        findings.extend(part.findings);
    }
    // Each part's findings are one sorted run for the sort to merge.
    findings.sort_by(order);
    Review {
        findings,
        scores,
        rules_run,
        resources,
    }
}

/// The order of findings in reports: by file (files are in path order already, so their
/// index sorts them by path), position, code, address and root.
fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (
        a.location.file,
        a.location.span.start,
        a.rule.code,
        &a.address,
        &a.root,
    )
        .cmp(&(
            b.location.file,
            b.location.span.start,
            b.rule.code,
            &b.address,
            &b.root,
        ))
}

/// The suppression that covers a finding, if any: one naming its code whose lines take in
/// the finding or one of the `module` blocks that lead to it.
fn covering(
    project: &Project,
    suppressions: &[suppress::Suppression],
    f: &Finding,
) -> Option<usize> {
    let places = std::iter::once(&f.location)
        .chain(&f.related)
        .chain(&f.call_sites);
    for place in places {
        // Suppressions are in file order: only those of the place's file are looked at.
        let first = suppressions.partition_point(|s| s.file < place.file);
        let in_file = &suppressions[first..]
            [..suppressions[first..].partition_point(|s| s.file == place.file)];
        if in_file.is_empty() {
            continue;
        }
        let line = line_of(project, place);
        if let Some(i) = in_file.iter().position(|s| {
            s.lines.contains(&line) && s.codes.iter().any(|c| c.eq_ignore_ascii_case(f.rule.code))
        }) {
            return Some(first + i);
        }
    }
    None
}

fn line_of(project: &Project, location: &Location) -> usize {
    project.position(location.file, location.span.start).0
}
