//! Running independent work on every core, with results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Stack of each worker thread.
const STACK_BYTES: usize = 64 << 20;

/// `items.iter().map(f)`, spread over the available cores. The result does not depend on
/// the number of threads or their timing.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            // Deeply nested input recurses deeply in the parser and the evaluator; a
            // generous stack keeps that from aborting the process.
            let spawned = std::thread::Builder::new()
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, || {
                    let mut local = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        local.push((i, f(item)));
                    }
                    results
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .extend(local);
                });
            if spawned.is_err() {
                // No thread to be had: the items are taken by the others, or below.
                break;
            }
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    // Whatever no thread took (none could be spawned) is done here.
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        results.push((i, f(item)));
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
