//! Webhook throughput: a ~5 KB `conversation.user.replied` notification (the conversation in
//! `data/conversation.json`) signed like Intercom signs it, through `WebhookVerifier`.
//!
//! `cargo bench -p generated-client --bench webhook` (add `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, Mac};
use intercom::webhook::{WebhookEvent, WebhookVerifier};
use serde_json::{json, Value};
use sha1::Sha1;
use std::hint::black_box;

const SECRET: &str = "3f1c2e9a-bench-client-secret";

/// The notification's raw body, as compact JSON.
fn body() -> Vec<u8> {
    let conversation: Value = serde_json::from_str(include_str!("data/conversation.json")).expect("valid JSON");
    let notification = json!({
        "type": "notification_event",
        "app_id": "q3x1lk9m",
        "data": { "type": "notification_event_data", "item": conversation },
        "links": {},
        "id": "notif_b9ba1f9d-7cd4-5f24-86f1-88ab3c444388",
        "topic": "conversation.user.replied",
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1717408200,
        "created_at": 1717408200,
        "self": null
    });
    serde_json::to_vec(&notification).expect("serializable")
}

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(SECRET.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

fn webhook(c: &mut Criterion) {
    let body = body();
    let signature = sign(&body);
    let verifier = WebhookVerifier::new(SECRET);
    // The bench measures the path a real delivery takes: it must verify and decode to the typed variant.
    let notification = verifier.verify_and_decode(Some(&signature), &body).expect("the notification verifies and decodes");
    assert!(matches!(notification.event, WebhookEvent::ConversationUserReplied(_)), "decoded as {:?}", notification.topic);

    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify", |b| b.iter(|| verifier.verify(Some(black_box(&signature)), black_box(&body))));
    group.bench_function("verify_and_decode", |b| {
        b.iter(|| verifier.verify_and_decode(Some(black_box(&signature)), black_box(&body)))
    });
    group.bench_function("verify_and_decode_value", |b| {
        b.iter(|| {
            verifier.verify(Some(black_box(&signature)), black_box(&body))?;
            serde_json::from_slice::<Value>(black_box(&body)).map_err(intercom::webhook::WebhookError::InvalidJson)
        })
    });
    group.finish();
}

criterion_group!(benches, webhook);
criterion_main!(benches);
