//! Every message of our AsyncAPI description: its example notification, signed like Intercom
//! signs it, verifies and decodes to the typed variant of its topic (never `Unknown`), and the
//! topic string round-trips through `Topic`.

use std::path::Path;

use hmac::{Hmac, Mac};
use intercom::webhook::{Topic, WebhookEvent, WebhookVerifier};
use serde_json::Value;

const SECRET: &str = "example-client-secret";

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

/// (topic, example payload) for every message of the description.
fn examples() -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/webhooks.asyncapi.yaml");
    let text = std::fs::read_to_string(&path).expect("the AsyncAPI description");
    let doc: Value = serde_yaml::from_str(&text).expect("valid YAML");
    let messages = doc.pointer("/components/messages").and_then(Value::as_object).expect("components.messages");
    messages
        .values()
        .map(|message| {
            let topic = message.get("x-intercom-topic").and_then(Value::as_str).expect("every message names its topic");
            let payload = message.pointer("/examples/0/payload").cloned().expect("every message has an example");
            (topic.to_owned(), payload)
        })
        .collect()
}

#[test]
fn every_topic_example_decodes_to_its_typed_variant() {
    let examples = examples();
    assert_eq!(examples.len(), 84, "the description lists 84 topics");
    assert_eq!(Topic::ALL.len(), 84);
    let verifier = WebhookVerifier::new(SECRET);
    for (topic, payload) in examples {
        let body = serde_json::to_vec(&payload).expect("serializable");
        let notification = verifier
            .verify_and_decode(Some(&sign(&body)), &body)
            .unwrap_or_else(|e| panic!("{topic}: the signed example must verify and decode: {e}"));
        let expected = Topic::from(topic.as_str());
        assert!(!matches!(expected, Topic::Unknown(_)), "{topic} is a known topic");
        assert_eq!(notification.topic, expected, "{topic}");
        assert_eq!(notification.event.topic(), expected, "{topic}: decoded as {:?}", notification.event.topic());
        assert!(!matches!(notification.event, WebhookEvent::Unknown { .. }), "{topic} decoded to Unknown");
        assert_eq!(expected.as_str(), topic);
        assert_eq!(expected.to_string().parse::<Topic>(), Ok(expected.clone()));
    }
}

#[test]
fn tampered_examples_are_refused() {
    let verifier = WebhookVerifier::new(SECRET);
    for (topic, payload) in examples().into_iter().take(10) {
        let body = serde_json::to_vec(&payload).expect("serializable");
        let signature = sign(&body);
        let mut tampered = body.clone();
        tampered.push(b' ');
        assert!(verifier.verify_and_decode(Some(&signature), &tampered).is_err(), "{topic}: tampered body accepted");
        assert!(WebhookVerifier::new("other").verify_and_decode(Some(&signature), &body).is_err(), "{topic}: wrong secret accepted");
    }
}
