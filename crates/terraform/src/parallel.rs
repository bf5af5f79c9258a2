//! Running independent work on every core, with results in input order.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Stack of each worker thread.
const STACK_BYTES: usize = 64 << 20;

thread_local! {
    /// Whether this thread is one of a `map`'s workers: every core already has work, so a
    /// `map` inside runs on this thread alone.
    static WORKER: Cell<bool> = const { Cell::new(false) };
}

/// `items.iter().map(f)`, spread over the available cores. The result does not depend on
/// the number of threads or their timing. Called from a worker of another `map`, it runs
/// on that worker.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if WORKER.get() {
        return items.iter().map(f).collect();
    }
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
                    WORKER.set(true);
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

/// `items.iter().map(f).map(keep)`: `f` spread over the available cores as [`map`] spreads
/// it, and `keep` on the calling thread, with each result as it comes. What `keep` makes
/// of a result is allocated by the calling thread, so a worker's memory is all its own
/// again once its result is taken: nothing it made lives on among what it will free. The
/// result is in input order.
pub fn map_keep<T: Sync, R: Send, K>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    mut keep: impl FnMut(R) -> K,
) -> Vec<K> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if WORKER.get() || workers <= 1 {
        return items.iter().map(|item| keep(f(item))).collect();
    }
    let next = AtomicUsize::new(0);
    let mut kept: Vec<(usize, K)> = Vec::with_capacity(items.len());
    std::thread::scope(|scope| {
        let (send, results) = std::sync::mpsc::channel::<(usize, R)>();
        for _ in 0..workers {
            let send = send.clone();
            let (next, f) = (&next, &f);
            let spawned = std::thread::Builder::new()
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, move || {
                    WORKER.set(true);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        if send.send((i, f(item))).is_err() {
                            break;
                        }
                    }
                });
            if spawned.is_err() {
                break; // the items are taken by the others, or below
            }
        }
        drop(send);
        for (i, result) in results {
            kept.push((i, keep(result)));
        }
    });
    // Whatever no thread took (none could be spawned) is done here.
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        kept.push((i, keep(f(item))));
    }
    kept.sort_by_key(|(i, _)| *i);
    kept.into_iter().map(|(_, k)| k).collect()
}
