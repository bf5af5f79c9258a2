//! Property tests of the loader: generated expressions and generated module graphs, bounded
//! in cases and, through small evaluation budgets, in time. Whatever is generated, loading
//! never panics, never uses more than its budgets, gives the same result twice, and reviews
//! every directory of a module graph at least once, cycles included, and a module graph
//! loaded a part at a time is the graph loaded whole.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use peak_alloc::PeakAlloc;
use proptest::prelude::*;
use wharf_terraform::{Budgets, Level, LoadOptions, Project};

mod parts;

/// Counts the bytes allocated now and at most, so that a test can bound the memory a load
/// really takes, not only what the meter counts. (A kept crate rather than an allocator of
/// our own: wharf has no `unsafe` code.)
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// One measured load at a time: the counters are the whole process's.
static MEASURED: Mutex<()> = Mutex::new(());

/// The most memory a load of `dir` held above what was held before it.
fn load_measured(dir: &Path) -> (Project, usize) {
    let _one = MEASURED.lock().unwrap_or_else(|p| p.into_inner());
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let p = load(dir);
    let peak = ALLOCATOR.peak_usage().saturating_sub(before);
    (p, peak)
}

/// What a load may hold at most with the small budgets: a few times their total, for the
/// syntax trees and the copies being built that the meter counts as they are made.
const MEMORY_BOUND: usize = 64 << 20;

/// How many cases each property runs, and how far a failure is shrunk: bounded, so that the
/// properties run in the normal test run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Budgets small enough that the worst generated case ends in milliseconds.
fn small() -> Budgets {
    Budgets {
        instances: 2_000,
        steps: 200_000,
        value_bytes: 1 << 20,
        total_bytes: 8 << 20,
    }
}

fn load(dir: &Path) -> Project {
    let options = LoadOptions {
        budgets: small(),
        ..LoadOptions::default()
    };
    Project::load(&[dir.to_path_buf()], &options).expect("the directory exists")
}

/// Whether the evaluator panicked on a root (it reports that as its own defect).
fn defect(p: &Project) -> bool {
    p.all_problems()
        .any(|x| x.message.contains("a defect of wharf"))
}

/// What a load gave, comparable across runs.
fn outcome(p: &Project) -> Vec<String> {
    let mut out: Vec<String> = p
        .roots
        .iter()
        .flat_map(|r| {
            r.resources
                .iter()
                .map(move |x| format!("{} {}: {:?}", r.dir.display(), x.address, x.body))
        })
        .collect();
    out.extend(
        p.all_problems()
            .map(|x| format!("{:?} {}", x.level, x.message)),
    );
    out
}

// -------------------------------------------------------------------------------------
// Expressions
// -------------------------------------------------------------------------------------

/// The module every generated root calls for each of many keys: it keeps its input, passes
/// it on as an output, and sets a resource's argument to it.
const CHILD: &str = r#"variable "x" {}

output "o" {
  value = var.x
}

resource "aws_ssm_parameter" "copy" {
  name  = "c"
  value = jsonencode(var.x)
}
"#;

/// An HCL expression over the locals `l0`…`l{n-1}` (references to any of them, the one
/// being defined included, so that cycles and chains are generated too).
fn expr(locals: usize) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-3i64..2000).prop_map(|n| n.to_string()),
        // No `{`: `${` and `%{` would start a template, and the tree would not parse.
        "[a-z%$\"\\\\ ]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("true".to_string()),
        Just("null".to_string()),
        (0..locals).prop_map(|i| format!("local.l{i}")),
        Just("var.unknown".to_string()),
        Just("count.index".to_string()),
    ];
    leaf.prop_recursive(5, 48, 4, move |inner| {
        let two = (inner.clone(), inner.clone());
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| {
                let entries: Vec<String> = v
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("k{i} = {e}"))
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }),
            two.clone()
                .prop_map(|(a, b)| format!("concat([{a}], [{b}], [{a}])")),
            two.clone()
                .prop_map(|(a, b)| format!("jsonencode([{a}, {b}, {a}])")),
            two.clone()
                .prop_map(|(a, b)| format!("replace(tostring({a}), \"a\", tostring({b}))")),
            two.clone()
                .prop_map(|(a, b)| format!("join(tostring({a}), [{b}, {b}])")),
            two.clone()
                .prop_map(|(a, b)| format!("\"${{{a}}}${{{b}}}${{{a}}}\"")),
            two.clone()
                .prop_map(|(a, b)| format!("{a} == {b} ? {a} : {b}")),
            two.clone()
                .prop_map(|(a, b)| format!("merge({{ x = {a} }}, {{ y = {b} }})")),
            two.clone().prop_map(|(a, b)| format!("try({a}, {b})")),
            two.clone().prop_map(|(a, b)| format!("({a}) + ({b})")),
            inner
                .clone()
                .prop_map(|a| format!("[for i in range(40) : {a}]")),
            inner
                .clone()
                .prop_map(|a| format!("{{ for k, v in {{ a = 1, b = 2 }} : k => {a} }}")),
            inner.clone().prop_map(|a| format!(
                "\"%{{ for x in range(30) }}${{tostring({a})}}%{{ endfor }}\""
            )),
            inner
                .clone()
                .prop_map(|a| format!("format(\"%4096s%v\", \"x\", {a})")),
            inner.clone().prop_map(|a| format!("length({a})")),
            inner.clone().prop_map(|a| format!("flatten([{a}, [{a}]])")),
            inner.clone().prop_map(|a| format!("upper(tostring({a}))")),
            inner
                .clone()
                .prop_map(|a| format!("distinct(concat([{a}], [for i in range(200) : i]))")),
            inner
                .clone()
                .prop_map(|a| format!("toset([for i in range(300) : tostring({a})])")),
            inner
                .clone()
                .prop_map(|a| format!("split(\"\", tostring({a}))")),
            two.clone()
                .prop_map(|(a, b)| format!("formatlist(\"%s-%s\", [{a}], [{b}])")),
            two.clone()
                .prop_map(|(a, b)| format!("zipmap([\"k\"], [{a}])[\"k\"] == {b}")),
            inner.prop_map(|a| format!("can({a})")),
        ]
    })
}

/// A module of generated locals, a resource counted by one of them and reading another,
/// nested dynamic blocks over a generated collection, and a child module called for each of
/// a generated number of keys with a generated input.
fn module_text() -> impl Strategy<Value = String> {
    const N: usize = 6;
    (
        prop::collection::vec(expr(N), N),
        expr(N),
        expr(N),
        0..N,
        (0usize..400, expr(N)),
    )
        .prop_map(|(locals, count, each, read, (instances, input))| {
            let mut s = String::from("locals {\n");
            for (i, e) in locals.iter().enumerate() {
                s.push_str(&format!("  l{i} = {e}\n"));
            }
            s.push_str("}\n\n");
            s.push_str(&format!(
                "resource \"aws_ssm_parameter\" \"p\" {{\n  count = {count}\n  name  = \"p\"\n  value = local.l{read}\n}}\n\n"
            ));
            s.push_str(&format!(
                "module \"child\" {{\n  source   = \"./child\"\n  for_each = toset([for i in range({instances}) : tostring(i)])\n  x        = {input}\n}}\n\n"
            ));
            s.push_str(&format!(
                "resource \"aws_security_group\" \"d\" {{\n  dynamic \"ingress\" {{\n    for_each = {each}\n    content {{\n      dynamic \"inner\" {{\n        for_each = range(50)\n        content {{\n          v = ingress.value\n        }}\n      }}\n    }}\n  }}\n}}\n"
            ));
            s
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_expressions_stay_within_their_budgets(text in module_text()) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("main.tf"), &text).unwrap();
        fs::create_dir(dir.path().join("child")).unwrap();
        fs::write(dir.path().join("child/main.tf"), CHILD).unwrap();
        let (p, peak) = load_measured(dir.path());
        prop_assert!(peak <= MEMORY_BOUND, "{} MB held:\n{}", peak >> 20, text);
        prop_assert!(p.parse_errors.is_empty(), "{:?}\n{}", p.parse_errors, text);
        prop_assert!(!defect(&p), "{}", text);
        prop_assert_eq!(p.roots.len(), 1);
        let root = &p.roots[0];
        let b = small();
        // The meter stops at a limit, one past it where it runs out.
        prop_assert!(root.usage.steps <= b.steps + 1, "steps {}", root.usage.steps);
        prop_assert!(root.usage.instances <= b.instances + 1);
        let ran_out = root.problems.iter().any(|x| x.level == Level::Error);
        if ran_out {
            // The root is then not reviewed at all, and says where it stopped.
            prop_assert!(root.resources.is_empty());
            prop_assert!(root.problems.iter().any(|x| x.message.contains("budget")));
        }
        // The same tree gives the same result.
        prop_assert_eq!(outcome(&p), outcome(&load(dir.path())));
    }
}

// -------------------------------------------------------------------------------------
// Module graphs
// -------------------------------------------------------------------------------------

/// For each of `n` directories, the directories it calls (itself included), each call with
/// a small `count`.
fn graph() -> impl Strategy<Value = Vec<Vec<(usize, u8)>>> {
    (1usize..7)
        .prop_flat_map(|n| prop::collection::vec(prop::collection::vec((0..n, 0u8..3), 0..4), n))
}

/// Whether `from` reaches `to` through calls.
fn reaches(calls: &[Vec<(usize, u8)>], from: usize, to: usize) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(d) = stack.pop() {
        for &(next, _) in &calls[d] {
            if next == to {
                return true;
            }
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    false
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_directory_of_a_module_graph_is_reviewed_and_every_cycle_reported(calls in graph()) {
        let dir = tempfile::tempdir().unwrap();
        let n = calls.len();
        for (d, out) in calls.iter().enumerate() {
            let mut text = format!("resource \"aws_sqs_queue\" \"q\" {{\n  name = \"m{d}\"\n}}\n");
            for (i, (to, count)) in out.iter().enumerate() {
                text.push_str(&format!(
                    "\nmodule \"c{i}\" {{\n  count  = {count}\n  source = \"../m{to}\"\n}}\n"
                ));
            }
            let path = dir.path().join(format!("m{d}"));
            fs::create_dir_all(&path).unwrap();
            fs::write(path.join("main.tf"), text).unwrap();
        }
        let (p, peak) = load_measured(dir.path());
        prop_assert!(peak <= MEMORY_BOUND, "{} MB held", peak >> 20);
        prop_assert!(!defect(&p));

        // Every directory's queue is reviewed, in a root of its own or in a caller's, unless
        // every way to it passes a call with `count = 0` (a module that is not created).
        let reviewed: BTreeSet<String> = p
            .roots
            .iter()
            .flat_map(|r| r.resources.iter())
            .filter_map(|r| r.body.get("name").as_str().map(str::to_string))
            .collect();
        let expected_roots: Vec<usize> = (0..n)
            .filter(|d| {
                !calls.iter().enumerate().any(|(from, out)| {
                    out.iter().any(|(to, _)| to == d && !reaches(&calls, *to, from))
                })
            })
            .collect();
        let mut created: BTreeSet<usize> = expected_roots.iter().copied().collect();
        let mut stack: Vec<usize> = expected_roots.clone();
        while let Some(d) = stack.pop() {
            for &(to, count) in &calls[d] {
                if count > 0 && !reaches(&calls, to, d) && created.insert(to) {
                    stack.push(to);
                }
            }
        }
        let names: BTreeSet<String> = created.iter().map(|d| format!("m{d}")).collect();
        let budget_ran_out = p.all_problems().any(|x| x.message.contains("budget"));
        if !budget_ran_out {
            prop_assert_eq!(&reviewed, &names);
        }

        // A call is reported as a cycle exactly when its target leads back to its caller.
        let expected: usize = calls
            .iter()
            .enumerate()
            .map(|(d, out)| out.iter().filter(|(to, _)| reaches(&calls, *to, d)).count())
            .sum();
        let cycles = p
            .all_problems()
            .filter(|x| x.message.contains("leads back to the directory that calls it"))
            .count();
        prop_assert_eq!(cycles, expected);

        // Roots: the directories no call outside a cycle leads to.
        let roots: BTreeSet<PathBuf> = p
            .roots
            .iter()
            .map(|r| PathBuf::from(r.dir.file_name().unwrap()))
            .collect();
        let expected_roots: BTreeSet<PathBuf> = expected_roots
            .iter()
            .map(|d| PathBuf::from(format!("m{d}")))
            .collect();
        prop_assert_eq!(roots, expected_roots);
        prop_assert_eq!(outcome(&p), outcome(&load(dir.path())));
        // And a part at a time, each directory cut from the ones it does not call, the
        // same tree loads.
        parts::assert_parts_agree(&[dir.path().to_path_buf()], &LoadOptions {
            budgets: small(),
            ..LoadOptions::default()
        });
    }
}
