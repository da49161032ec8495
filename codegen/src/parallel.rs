//! Shares out independent pieces of work between the cores: takes a count of items, gives their
//! results in item order. Used by `load` (pieces of a document) and `emit` (parts of the files).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Runs `work` on every item `0..count` on `threads` threads, the calling thread being one of
/// them (its memory is mapped already, a new thread's is not). The heaviest items by `weight`
/// go first, so that no thread is left with a big one at the end. Each item is done whole by
/// one thread. The first error stops the items not yet started, and is given back.
pub(crate) fn on_every_core<R: Send, E: Send>(
    count: usize,
    threads: usize,
    weight: impl Fn(usize) -> usize,
    work: impl Fn(usize) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(i)));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let worker = || -> Result<Vec<(usize, R)>, E> {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
            match work(index) {
                Ok(result) => done.push((index, result)),
                Err(err) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(err);
                }
            }
        }
        Ok(done)
    };
    let finished: Vec<Result<Vec<(usize, R)>, E>> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(count)).map(|_| scope.spawn(worker)).collect();
        let mut finished = vec![worker()];
        finished.extend(helpers.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))));
        finished
    });
    let mut slots: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for done in finished {
        for (index, result) in done? {
            slots[index] = Some(result);
        }
    }
    // Without an error every item was done.
    Ok(slots.into_iter().flatten().collect())
}

/// How many threads to share work out between: one a core.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::on_every_core;

    #[test]
    fn gives_results_in_item_order_and_the_first_error() {
        let squares = on_every_core(50, 3, |i| i % 7, |i| Ok::<_, ()>(i * i)).unwrap();
        assert_eq!(squares, (0..50).map(|i| i * i).collect::<Vec<_>>());
        let failed = on_every_core(50, 2, |_| 1, |i| if i == 20 { Err(i) } else { Ok(i) });
        assert_eq!(failed, Err(20));
        assert_eq!(on_every_core(0, 2, |_| 1, Ok::<usize, ()>), Ok(vec![]));
    }
}
