//! Evaluation budgets: how much work the evaluation of one root module may do.
//!
//! A hostile tree can ask for more than any machine has: `count = 100000000` on many
//! blocks, a local that doubles itself forty times through `jsonencode` or `concat`,
//! `dynamic` blocks nested over `range(1000)`. Each root module is evaluated with a meter
//! that counts, and never times, so that whether a root is reviewed never depends on the
//! machine's speed:
//!
//! - `instances`: resource and module instances created (`count`, `for_each`);
//! - `steps`: expressions and blocks evaluated;
//! - `value_bytes`: the size of any one evaluated value (a string's bytes, plus a small
//!   fixed weight per element of a list or object);
//! - `total_bytes`: the sizes of every value weighed, summed over the root's evaluation.
//!
//! When one runs out, the evaluation of that root stops where it is, and the root is
//! reported with the location of the expression that was being evaluated and the budget's
//! name. The other roots are evaluated as usual.
//!
//! The meter is per thread: a root module is evaluated on one thread from start to end.
//! Without a meter installed (tests of single expressions), nothing is counted.

use std::cell::Cell;
use std::ops::Range;

use crate::expr::Fail;
use crate::value::Value;

/// The limits of one root module's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    pub instances: u64,
    pub steps: u64,
    pub value_bytes: u64,
    pub total_bytes: u64,
}

impl Default for Budgets {
    /// About a hundred times what the largest real root module we have measured needs
    /// (see `scripts/bench-review`), and small enough that the worst tree stops within a
    /// few seconds and about a gigabyte.
    fn default() -> Self {
        Budgets {
            instances: 100_000,
            steps: 5_000_000,
            value_bytes: 16 << 20,
            total_bytes: 256 << 20,
        }
    }
}

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Budget {
    Instances,
    Steps,
    ValueBytes,
    TotalBytes,
}

impl Budget {
    pub const ALL: [Budget; 4] = [
        Budget::Instances,
        Budget::Steps,
        Budget::ValueBytes,
        Budget::TotalBytes,
    ];

    /// The name a user writes (`--budget steps=50000000`).
    pub fn name(self) -> &'static str {
        match self {
            Budget::Instances => "instances",
            Budget::Steps => "steps",
            Budget::ValueBytes => "value_bytes",
            Budget::TotalBytes => "total_bytes",
        }
    }

    pub fn parse(name: &str) -> Option<Budget> {
        Budget::ALL.into_iter().find(|b| b.name() == name)
    }

    /// What it counts, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Budget::Instances => "resource and module instances",
            Budget::Steps => "evaluation steps",
            Budget::ValueBytes => "bytes in one value",
            Budget::TotalBytes => "bytes evaluated in all",
        }
    }
}

impl Budgets {
    pub fn get(&self, budget: Budget) -> u64 {
        match budget {
            Budget::Instances => self.instances,
            Budget::Steps => self.steps,
            Budget::ValueBytes => self.value_bytes,
            Budget::TotalBytes => self.total_bytes,
        }
    }

    pub fn set(&mut self, budget: Budget, value: u64) {
        match budget {
            Budget::Instances => self.instances = value,
            Budget::Steps => self.steps = value,
            Budget::ValueBytes => self.value_bytes = value,
            Budget::TotalBytes => self.total_bytes = value,
        }
    }

    fn unlimited() -> Budgets {
        Budgets {
            instances: u64::MAX,
            steps: u64::MAX,
            value_bytes: u64::MAX,
            total_bytes: u64::MAX,
        }
    }
}

/// How much of each budget a root module's evaluation used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub instances: u64,
    pub steps: u64,
    /// The largest single value weighed.
    pub value_bytes: u64,
    pub total_bytes: u64,
}

/// Where a budget ran out: the file (index into the project's files) and span of the
/// expression being evaluated, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhausted {
    pub budget: Budget,
    pub limit: u64,
    pub file: Option<usize>,
    pub span: Option<Range<usize>>,
}

/// Where evaluation was when a budget ran out: a project file, and a byte range in it.
type Place = (Option<usize>, Option<(usize, usize)>);

struct Meter {
    limits: Cell<Budgets>,
    used: Cell<Usage>,
    exhausted: Cell<Option<Budget>>,
    file: Cell<Option<usize>>,
    at: Cell<Option<Place>>,
}

thread_local! {
    static METER: Meter = const {
        Meter {
            limits: Cell::new(Budgets {
                instances: u64::MAX,
                steps: u64::MAX,
                value_bytes: u64::MAX,
                total_bytes: u64::MAX,
            }),
            used: Cell::new(Usage { instances: 0, steps: 0, value_bytes: 0, total_bytes: 0 }),
            exhausted: Cell::new(None),
            file: Cell::new(None),
            at: Cell::new(None),
        }
    };
}

/// Runs `f` with a meter of `limits` installed on this thread; returns what it returned,
/// what it used, and the budget that ran out, if one did.
pub fn metered<R>(limits: Budgets, f: impl FnOnce() -> R) -> (R, Usage, Option<Exhausted>) {
    METER.with(|m| {
        m.limits.set(limits);
        m.used.set(Usage::default());
        m.exhausted.set(None);
        m.file.set(None);
        m.at.set(None);
    });
    // Reset even if `f` panics: the thread goes on to the next root.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            METER.with(|m| {
                m.limits.set(Budgets::unlimited());
                m.exhausted.set(None);
                m.file.set(None);
                m.at.set(None);
            });
        }
    }
    let reset = Reset;
    let out = f();
    let (usage, exhausted) = METER.with(|m| {
        let exhausted = m.exhausted.get().map(|budget| {
            let (file, span) = m.at.get().unwrap_or((None, None));
            Exhausted {
                budget,
                limit: m.limits.get().get(budget),
                file,
                span: span.map(|(a, b)| a..b),
            }
        });
        (m.used.get(), exhausted)
    });
    drop(reset);
    (out, usage, exhausted)
}

/// Whether a budget has run out: evaluation then stops as soon as it can.
pub fn exhausted() -> bool {
    METER.with(|m| m.exhausted.get().is_some())
}

fn run_out(m: &Meter, budget: Budget, span: Option<Range<usize>>) {
    if m.exhausted.get().is_none() {
        m.exhausted.set(Some(budget));
        m.at.set(Some((m.file.get(), span.map(|s| (s.start, s.end)))));
    }
}

/// Counts one evaluation step (an expression or a block); false when a budget has run out.
/// `span` is where the step is, for the report when this step is the one that runs out.
#[inline]
pub fn step(span: impl FnOnce() -> Option<Range<usize>>) -> bool {
    count(Budget::Steps, span)
}

/// Counts one resource or module instance; false when a budget has run out.
pub fn instance(span: Option<Range<usize>>) -> bool {
    count(Budget::Instances, || span)
}

/// Counts one more of `budget` (steps or instances).
#[inline]
fn count(budget: Budget, span: impl FnOnce() -> Option<Range<usize>>) -> bool {
    METER.with(|m| {
        if m.exhausted.get().is_some() {
            return false;
        }
        let mut used = m.used.get();
        let n = match budget {
            Budget::Instances => &mut used.instances,
            _ => &mut used.steps,
        };
        *n += 1;
        let over = *n > m.limits.get().get(budget);
        m.used.set(used);
        if over {
            run_out(m, budget, span());
        }
        !over
    })
}

/// Fixed weight of a value's node (an element of a list, an entry of an object, a number),
/// about what the loader allocates for it.
pub(crate) const NODE_BYTES: u64 = 32;

/// The weight of `v`, walking no further than `limit`: the result is above `limit` when the
/// value is, and the walk stops there.
pub fn weight_within(v: &Value, limit: u64) -> u64 {
    fn walk(v: &Value, limit: u64, acc: &mut u64) {
        *acc = acc.saturating_add(NODE_BYTES);
        if *acc > limit {
            return;
        }
        match v {
            Value::String(s) => *acc = acc.saturating_add(s.len() as u64),
            Value::List(items) => {
                for i in items {
                    walk(i, limit, acc);
                    if *acc > limit {
                        return;
                    }
                }
            }
            Value::Object(map) => {
                for (k, i) in map {
                    *acc = acc.saturating_add(k.len() as u64);
                    walk(i, limit, acc);
                    if *acc > limit {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let mut acc = 0;
    walk(v, limit, &mut acc);
    acc
}

/// Weighs a value that evaluation made or is about to keep: it counts towards the total,
/// and may not exceed the size of one value. False when a budget has run out.
pub fn weigh(v: &Value, span: impl FnOnce() -> Option<Range<usize>>) -> bool {
    Sum::default().add(v, span).is_ok()
}

/// Counts `bytes` about to be made into one value (a result whose size is known before it
/// is computed). False when a budget has run out.
pub fn reserve(bytes: u64, span: impl FnOnce() -> Option<Range<usize>>) -> bool {
    Sum::default().add_bytes(bytes, span).is_ok()
}

/// The running weight of a value being built from parts (the items of a list, the pieces of
/// a template, the arguments of a call), so that a list of a thousand copies of a large
/// value is refused before all of it is made.
#[derive(Debug, Default)]
pub struct Sum {
    bytes: u64,
}

impl Sum {
    /// Adds a part that is a value.
    pub fn add(
        &mut self,
        v: &Value,
        span: impl FnOnce() -> Option<Range<usize>>,
    ) -> Result<(), Fail> {
        let limits = METER.with(|m| m.limits.get());
        if limits.value_bytes == u64::MAX && limits.total_bytes == u64::MAX {
            // No meter: nothing to count.
            return Ok(());
        }
        let w = weight_within(v, limits.value_bytes.saturating_sub(self.bytes));
        self.add_bytes(w, span)
    }

    /// Adds `n` bytes.
    pub fn add_bytes(
        &mut self,
        n: u64,
        span: impl FnOnce() -> Option<Range<usize>>,
    ) -> Result<(), Fail> {
        self.bytes = self.bytes.saturating_add(n);
        let ok = METER.with(|m| {
            if m.exhausted.get().is_some() {
                return false;
            }
            let limits = m.limits.get();
            let mut used = m.used.get();
            used.total_bytes = used.total_bytes.saturating_add(n);
            used.value_bytes = used.value_bytes.max(self.bytes.min(limits.value_bytes));
            m.used.set(used);
            if self.bytes > limits.value_bytes {
                run_out(m, Budget::ValueBytes, span());
                false
            } else if used.total_bytes > limits.total_bytes {
                run_out(m, Budget::TotalBytes, span());
                false
            } else {
                true
            }
        });
        if ok {
            Ok(())
        } else {
            Err(Fail)
        }
    }

    /// Grows the count to `total` bytes (a string being built).
    pub fn grow_to(
        &mut self,
        total: usize,
        span: impl FnOnce() -> Option<Range<usize>>,
    ) -> Result<(), Fail> {
        let n = (total as u64).saturating_sub(self.bytes);
        self.add_bytes(n, span)
    }
}

/// While the guard lives, evaluation is of expressions in project file `file`; a budget
/// that runs out is reported there.
pub fn in_file(file: usize) -> InFile {
    let previous = METER.with(|m| m.file.replace(Some(file)));
    InFile { previous }
}

pub struct InFile {
    previous: Option<usize>,
}

impl Drop for InFile {
    fn drop(&mut self) {
        METER.with(|m| m.file.set(self.previous));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_counted_without_a_meter() {
        for _ in 0..10 {
            assert!(step(|| None));
            assert!(instance(None));
        }
        assert!(!exhausted());
    }

    #[test]
    fn a_budget_runs_out_once_and_stays_out() {
        let limits = Budgets {
            steps: 3,
            ..Budgets::default()
        };
        let ((), usage, exhausted) = metered(limits, || {
            let _g = in_file(7);
            for i in 0..10 {
                step(|| Some(i..i + 1));
            }
            assert!(!instance(None));
        });
        assert_eq!(usage.steps, 4);
        assert_eq!(
            exhausted,
            Some(Exhausted {
                budget: Budget::Steps,
                limit: 3,
                file: Some(7),
                span: Some(3..4)
            })
        );
        // The next root starts afresh.
        assert!(step(|| None));
    }

    #[test]
    fn weight_stops_walking_at_the_limit() {
        let big = Value::List(vec![Value::String("x".repeat(100)); 1000]);
        assert_eq!(weight_within(&big, u64::MAX), 32 + 1000 * (32 + 100));
        assert!(weight_within(&big, 500) <= 500 + 32 + 100);
    }
}
