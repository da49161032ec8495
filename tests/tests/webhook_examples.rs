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

/// `Notification::from_slice` decodes straight from the bytes; it must give what decoding the
/// JSON tree gives (`from_value`), for every example, pretty-printed or compact, and for the odd
/// shapes the fast path hands over to the tree.
#[test]
fn decoding_from_bytes_matches_decoding_the_tree() {
    use intercom::webhook::Notification;
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for (_, payload) in examples() {
        bodies.push(serde_json::to_vec(&payload).expect("serializable"));
        bodies.push(serde_json::to_vec_pretty(&payload).expect("serializable"));
    }
    let ping = examples().into_iter().find(|(topic, _)| topic == "ping").expect("a ping example").1;
    let ping = serde_json::to_string(&ping).expect("serializable");
    let odd = [
        // An escaped topic, an item whose text mentions `item`, whitespace around the item.
        ping.replacen("\"topic\":\"ping\"", "\"topic\":\"pi\\u006eg\"", 1),
        ping.replacen("\"item\":", "\"item\" :\n  ", 1),
        // A topic that is not a string, an unknown topic, no item at all, a repeated key.
        ping.replacen("\"topic\":\"ping\"", "\"topic\":7", 1),
        ping.replacen("\"topic\":\"ping\"", "\"topic\":\"not.a.topic\"", 1),
        ping.replacen("\"item\":", "\"other\":", 1),
        ping.replacen("\"topic\":\"ping\"", "\"topic\":\"ping\",\"topic\":\"ping\"", 1),
    ];
    assert!(odd.iter().all(|body| *body != ping), "every odd body changes the example");
    bodies.extend(odd.into_iter().map(String::into_bytes));
    for body in &bodies {
        let text = String::from_utf8_lossy(body);
        let tree: Value = serde_json::from_slice(body).expect("valid JSON");
        let from_tree = Notification::from_value(tree).map_err(|e| e.to_string());
        let from_bytes = Notification::from_slice(body).map_err(|e| e.to_string());
        match (&from_tree, &from_bytes) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{text}: the tree gives {from_tree:?}, the bytes {from_bytes:?}"),
        }
    }
}
