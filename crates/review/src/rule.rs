//! What a rule is, and the context its check runs in.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use wharf_terraform::{Location, Project, Resource, RootModule, Value};

/// The six pillars of the AWS Well-Architected Framework.
/// <https://docs.aws.amazon.com/wellarchitected/latest/framework/the-pillars-of-the-framework.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pillar {
    OperationalExcellence,
    Security,
    Reliability,
    PerformanceEfficiency,
    CostOptimization,
    Sustainability,
}

impl Pillar {
    pub const ALL: [Pillar; 6] = [
        Pillar::OperationalExcellence,
        Pillar::Security,
        Pillar::Reliability,
        Pillar::PerformanceEfficiency,
        Pillar::CostOptimization,
        Pillar::Sustainability,
    ];

    /// The pillar's name as AWS writes it.
    pub fn title(self) -> &'static str {
        match self {
            Pillar::OperationalExcellence => "Operational Excellence",
            Pillar::Security => "Security",
            Pillar::Reliability => "Reliability",
            Pillar::PerformanceEfficiency => "Performance Efficiency",
            Pillar::CostOptimization => "Cost Optimization",
            Pillar::Sustainability => "Sustainability",
        }
    }

    /// kebab-case, for JSON and the command line.
    pub fn id(self) -> &'static str {
        match self {
            Pillar::OperationalExcellence => "operational-excellence",
            Pillar::Security => "security",
            Pillar::Reliability => "reliability",
            Pillar::PerformanceEfficiency => "performance-efficiency",
            Pillar::CostOptimization => "cost-optimization",
            Pillar::Sustainability => "sustainability",
        }
    }
}

/// How much a finding matters; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One rule: its stable identity, its documentation, and its check.
pub struct Rule {
    /// `WH201`. Never reused once published.
    pub code: &'static str,
    /// kebab-case, naming the problem: `service-without-circuit-breaker`.
    pub name: &'static str,
    pub pillar: Pillar,
    pub severity: Severity,
    /// The Checkov checks that look for the same problem, if any.
    pub checkov: &'static [&'static str],
    /// An imperative fix title ("Enable the deployment circuit breaker with rollback").
    pub fix: &'static str,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Use instead` and `## References`. `wharf explain` prints it; docs/rules is
    /// generated from it.
    pub doc: &'static str,
    /// Looks at one root module and reports to `cx`.
    pub check: fn(&mut Check<'_>),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// A problem a rule found at a resource.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// A fact about a named address: "`aws_lb.web` forwards invalid header fields".
    pub message: String,
    /// The resource's full address.
    pub address: String,
    /// The root module the resource belongs to (one copy shared by its findings).
    pub root: Arc<Path>,
    /// Where to point: the argument at fault, or the block when the argument is missing.
    /// When the argument only passes on a module input (`password = var.password`), where
    /// the value is written: the caller's argument.
    pub location: Location,
    /// Where the value at `location` is used, when that is somewhere else: the module's
    /// argument that takes it in. Empty otherwise.
    pub related: Vec<Location>,
    /// The `module` blocks that lead to the resource, outermost first.
    pub call_sites: Vec<Location>,
    /// The reason of the suppression that covers it, if one does.
    pub suppressed: Option<String>,
    /// `location` in lines and columns, and `related` likewise, one for one. Filled in when
    /// the review of the files is done, while their texts are loaded: a report has none.
    pub at: Lines,
    pub related_at: Vec<Lines>,
    /// The first line of `location`, as the text report frames it, secrets masked.
    pub frame: Option<String>,
}

/// Where a span is, in lines and columns (1-based; columns in characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lines {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// What a rule's check works with, and collects what it finds.
pub struct Check<'p> {
    pub project: &'p Project,
    pub root: &'p RootModule,
    /// `root.dir`, as findings hold it.
    dir: Arc<Path>,
    rule: &'static Rule,
    passed: usize,
    findings: Vec<Finding>,
}

impl<'p> Check<'p> {
    pub(crate) fn new(
        project: &'p Project,
        root: &'p RootModule,
        dir: Arc<Path>,
        rule: &'static Rule,
    ) -> Self {
        Check {
            project,
            root,
            dir,
            rule,
            passed: 0,
            findings: Vec::new(),
        }
    }

    /// Managed resources of one type, in address order.
    pub fn resources(&self, kind: &'p str) -> impl Iterator<Item = &'p Resource> + 'p {
        self.root.resources_of(kind)
    }

    /// Data sources of one type, in address order.
    pub fn data(&self, kind: &'p str) -> impl Iterator<Item = &'p Resource> + 'p {
        self.root.data_of(kind)
    }

    /// Records that a subject was checked and found right. The pillar score counts it.
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    /// Records a finding on `resource`, pointing at `span` in its file (use
    /// `resource.body.span_of("arg")` for an argument, `resource.location.span` for the
    /// block).
    ///
    /// Nothing is recorded on a resource whose instances are not known (its own `count` or
    /// `for_each`, or that of a module it is in): it may not exist at all, so what a rule
    /// says of it is not a fact about the configuration.
    pub fn fail(&mut self, resource: &Resource, span: Range<usize>, message: impl Into<String>) {
        if resource.instances_unknown() {
            return;
        }
        // A value passed in from a caller is pointed at where the caller wrote it.
        let (location, related) = match resource.body.origin_of(&span) {
            Some(origin) => (origin.clone(), vec![resource.at(span)]),
            None => (resource.at(span), Vec::new()),
        };
        self.findings.push(Finding {
            rule: self.rule,
            message: message.into(),
            address: resource.address.clone(),
            root: Arc::clone(&self.dir),
            location,
            related,
            call_sites: resource.call_sites.clone(),
            suppressed: None,
            at: Lines::default(),
            related_at: Vec::new(),
            frame: None,
        });
    }

    /// Records the outcome for a subject: pass when `ok` is `Some(true)`, a finding when it
    /// is `Some(false)`, nothing when it is `None` (Unknown never raises a finding).
    pub fn expect(
        &mut self,
        ok: Option<bool>,
        resource: &Resource,
        span: Range<usize>,
        message: impl FnOnce() -> String,
    ) {
        match ok {
            Some(true) => self.pass(),
            Some(false) => self.fail(resource, span, message()),
            None => {}
        }
    }

    pub(crate) fn finish(self) -> (usize, Vec<Finding>) {
        (self.passed, self.findings)
    }
}

/// `address` in backticks, the way messages name resources.
pub fn named(resource: &Resource) -> String {
    format!("`{}`", resource.address)
}

/// Whether a value is known to be `true` (Some), known to be something else (Some(false)),
/// or Unknown (None). Null, an unset argument, is `false`.
pub fn known_true(value: &Value) -> Option<bool> {
    match value {
        Value::Unknown => None,
        Value::Null => Some(false),
        v => v.as_bool().or(Some(false)),
    }
}

/// The managed resources of this root module that `resource`'s argument `arg` refers to
/// (`aws_vpc.this.id` → `aws_vpc.this`), or None when it refers to none of them: the value
/// came from a variable, a data source or another module, and which resource it names is
/// not known.
pub fn referenced<'p>(cx: &Check<'p>, resource: &Resource, arg: &str) -> Option<Vec<&'p Resource>> {
    let found: Vec<&'p Resource> = cx
        .root
        .referenced(resource, arg)
        .filter(|t| t.mode == wharf_terraform::Mode::Managed)
        .collect();
    (!found.is_empty()).then_some(found)
}
