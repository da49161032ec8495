//! Decoding a realistic contact and conversation (`data/*.json`, sent compact as the API does)
//! into the generated types, next to decoding the same bytes into `serde_json::Value`.
//!
//! `cargo bench -p generated-client --bench decode` (add `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use intercom::types::{Contact, Conversation};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::hint::black_box;

/// The fixture as compact JSON bytes, checked to decode into `T` with every field it has.
fn compact<T: DeserializeOwned>(pretty: &str) -> Vec<u8> {
    let value: Value = serde_json::from_str(pretty).expect("valid JSON");
    let bytes = serde_json::to_vec(&value).expect("serializable");
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    if let Err(err) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        panic!("the fixture does not decode into {}: {err}", std::any::type_name::<T>());
    }
    bytes
}

fn bench<T: DeserializeOwned>(c: &mut Criterion, name: &str, pretty: &str) {
    let bytes = compact::<T>(pretty);
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed", |b| b.iter(|| serde_json::from_slice::<T>(black_box(&bytes)).expect("decodes")));
    group.bench_function("value", |b| b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).expect("decodes")));
    group.finish();
}

fn decode(c: &mut Criterion) {
    bench::<Contact>(c, "decode_contact", include_str!("data/contact.json"));
    bench::<Conversation>(c, "decode_conversation", include_str!("data/conversation.json"));
}

criterion_group!(benches, decode);
criterion_main!(benches);
