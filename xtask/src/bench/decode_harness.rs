//! Copied by `cargo xtask bench` into its bench crate as `src/conformance_check.rs`, in place of the
//! conformance check (not compiled in the workspace). The generated example list
//! (`conformance_examples::run`, the same one the conformance run uses) calls `check` once per
//! response example, which records a decoder for that example's generated type. `main` then times
//! decoding every example into its generated type and into `serde_json::Value`, and prints one
//! JSON line: `{"examples", "decoded", "bytes", "typed_mb_s": [..], "value_mb_s": [..], "slowest": [..]}`,
//! `slowest` being the examples whose typed decode is slowest next to `Value`.

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

struct Case {
    origin: String,
    json: String,
    typed: fn(&str) -> bool,
}

thread_local! {
    static CASES: RefCell<Vec<Case>> = const { RefCell::new(Vec::new()) };
}

fn typed<T: DeserializeOwned>(json: &str) -> bool {
    black_box(serde_json::from_str::<T>(black_box(json))).is_ok()
}

fn value(json: &str) -> bool {
    black_box(serde_json::from_str::<serde_json::Value>(black_box(json))).is_ok()
}

/// Records one example with the decoder of its generated type.
pub fn check<T: DeserializeOwned>(_op: &str, _status: &str, _name: &str, origin: &str, json: &str) {
    CASES.with(|cases| cases.borrow_mut().push(Case { origin: origin.to_owned(), json: json.to_owned(), typed: typed::<T> }));
}

/// Decodes every case `iterations` times with `decode`.
fn time(cases: &[Case], decode: impl Fn(&Case) -> bool, iterations: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        for case in cases {
            decode(case);
        }
    }
    started.elapsed()
}

/// Usage: `bench [RUNS]` (5 by default).
pub fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(5);
    crate::conformance_examples::run();
    let all = CASES.with(RefCell::take);
    let examples = all.len();
    // Only the examples that decode into their generated type count: a decode that fails stops
    // early and would flatter the typed figure.
    let cases: Vec<Case> = all.into_iter().filter(|case| (case.typed)(&case.json)).collect();
    let bytes: usize = cases.iter().map(|case| case.json.len()).sum();
    // Warm up, then take enough passes over all examples for one timing to last about 200 ms.
    let once = time(&cases, |case| value(&case.json), 1).max(Duration::from_micros(1));
    let iterations = ((0.2 / once.as_secs_f64()).ceil() as u32).max(1);
    let rate = |elapsed: Duration| (bytes as f64 * f64::from(iterations)) / 1e6 / elapsed.as_secs_f64();
    let mut typed_mb_s = Vec::new();
    let mut value_mb_s = Vec::new();
    for _ in 0..runs {
        typed_mb_s.push(rate(time(&cases, |case| (case.typed)(&case.json), iterations)));
        value_mb_s.push(rate(time(&cases, |case| value(&case.json), iterations)));
    }
    // Each example alone, for about 2 ms each way: typed MB/s over Value MB/s.
    let mut ratios: Vec<(f64, &Case)> = cases
        .iter()
        .map(|case| {
            let one = std::slice::from_ref(case);
            let once = time(one, |c| value(&c.json), 1).max(Duration::from_nanos(100));
            let iterations = ((0.002 / once.as_secs_f64()).ceil() as u32).max(1);
            let typed_time = time(one, |c| (c.typed)(&c.json), iterations);
            let value_time = time(one, |c| value(&c.json), iterations);
            (value_time.as_secs_f64() / typed_time.as_secs_f64().max(1e-12), case)
        })
        .collect();
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    let slowest: Vec<serde_json::Value> = ratios
        .iter()
        .take(5)
        .map(|(ratio, case)| serde_json::json!({"origin": case.origin, "bytes": case.json.len(), "typed_over_value": ratio}))
        .collect();
    let line = serde_json::json!({
        "examples": examples,
        "decoded": cases.len(),
        "bytes": bytes,
        "typed_mb_s": typed_mb_s,
        "value_mb_s": value_mb_s,
        "slowest": slowest,
    });
    println!("{line}");
}
