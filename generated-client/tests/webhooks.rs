//! Webhook signature verification and decoding, against payloads signed independently here.

use hmac::{Hmac, Mac};
use intercom::webhook::{
    signature_from_headers, verify_signature, Notification, Topic, WebhookError, WebhookEvent, WebhookVerifier,
    DEFAULT_MAX_BODY_BYTES, SIGNATURE_HEADER,
};
use serde_json::{json, Value};
use sha1::Sha1;

const SECRET: &str = "3f1c2e9a-test-client-secret";

/// `sha1=<hex>` for `body` under `secret`, computed without the crate's verifier.
fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

fn contact_item() -> Value {
    json!({
        "type": "contact",
        "id": "6657aa0e6abd0167d9419d1b",
        "workspace_id": "ecahpwf5",
        "external_id": "user-42",
        "role": "user",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "created_at": 1717000000,
        "updated_at": 1717000001
    })
}

fn notification(topic: &str, item: Value) -> Value {
    json!({
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": { "type": "notification_event_data", "item": item },
        "links": {},
        "id": "notif_5a3b9c1e-0000-4000-8000-1234567890ab",
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1717000002,
        "created_at": 1717000002,
        "self": null
    })
}

fn body(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializable")
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET)
}

#[test]
fn known_answer_vector_verifies() {
    // HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog"), a published test vector.
    let body = b"The quick brown fox jumps over the lazy dog";
    let tag = "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9";
    assert_eq!(sign(b"key", body), format!("sha1={tag}"));
    verify_signature(b"key", Some(&format!("sha1={tag}")), body).expect("lower-case hex");
    verify_signature(b"key", Some(&format!("sha1={}", tag.to_uppercase())), body).expect("upper-case hex");
    verify_signature(b"key", Some(&format!("SHA1={tag}")), body).expect("upper-case algorithm");
    verify_signature(b"key", Some(&format!(" sha1={tag} ")), body).expect("surrounding whitespace");
}

#[test]
fn signed_known_topic_decodes_to_its_variant() {
    let payload = body(&notification("contact.user.created", contact_item()));
    let signature = sign(SECRET.as_bytes(), &payload);
    verifier().verify(Some(&signature), &payload).expect("verifies");
    let decoded = verifier().verify_and_decode(Some(&signature), &payload).expect("verifies and decodes");
    assert_eq!(decoded.topic, Topic::ContactUserCreated);
    assert_eq!(decoded.event.topic(), Topic::ContactUserCreated);
    let WebhookEvent::ContactUserCreated(contact) = &decoded.event else {
        panic!("expected ContactUserCreated, got {:?}", decoded.event);
    };
    assert_eq!(contact.id.as_deref(), Some("6657aa0e6abd0167d9419d1b"));
    assert_eq!(contact.email.as_deref(), Some("ada@example.com"));
    assert_eq!(contact.role.as_deref(), Some("user"));
    assert_eq!(decoded.envelope.id.as_deref(), Some("notif_5a3b9c1e-0000-4000-8000-1234567890ab"));
    assert_eq!(decoded.envelope.app_id, "ecahpwf5");
    assert_eq!(decoded.envelope.topic, "contact.user.created");
    assert_eq!(decoded.envelope.delivery_attempts, Some(1));
    // Decoding the verified bytes is the same as decoding them directly.
    assert_eq!(decoded, Notification::from_slice(&payload).expect("decodes"));
}

#[test]
fn signed_ping_decodes() {
    let mut value = notification("ping", json!({ "type": "ping", "message": "Something like this will be sent" }));
    value["id"] = Value::Null;
    let payload = body(&value);
    let decoded = verifier().verify_and_decode(Some(&sign(SECRET.as_bytes(), &payload)), &payload).expect("decodes");
    assert_eq!(decoded.topic, Topic::Ping);
    assert_eq!(decoded.envelope.id, None);
    let WebhookEvent::Ping(ping) = &decoded.event else {
        panic!("expected Ping, got {:?}", decoded.event);
    };
    assert_eq!(ping.message.as_deref(), Some("Something like this will be sent"));
}

#[test]
fn unknown_topic_keeps_the_raw_item() {
    let item = json!({ "type": "hologram", "id": "h1", "nested": { "depth": [1, 2, 3] } });
    let payload = body(&notification("hologram.projected", item.clone()));
    let signature = sign(SECRET.as_bytes(), &payload);
    let decoded = verifier().verify_and_decode(Some(&signature), &payload).expect("verifies and decodes");
    assert_eq!(decoded.topic, Topic::Unknown("hologram.projected".to_owned()));
    assert_eq!(decoded.event, WebhookEvent::Unknown { topic: "hologram.projected".to_owned(), item });
}

#[test]
fn one_changed_byte_is_a_mismatch() {
    let payload = body(&notification("contact.user.created", contact_item()));
    let signature = sign(SECRET.as_bytes(), &payload);
    let mut tampered = payload;
    let at = tampered.windows(3).position(|w| w == b"Ada").expect("name in body");
    tampered[at] = b'E';
    let error = verifier().verify_and_decode(Some(&signature), &tampered).expect_err("tampered body");
    assert!(matches!(error, WebhookError::SignatureMismatch), "{error:?}");
    assert_eq!(error.status_code(), 401);
}

#[test]
fn appended_whitespace_is_a_mismatch() {
    let payload = body(&notification("ping", json!({ "type": "ping", "message": "hello" })));
    let signature = sign(SECRET.as_bytes(), &payload);
    for suffix in [&b" "[..], b"\n", b"\r\n"] {
        let mut tampered = payload.clone();
        tampered.extend_from_slice(suffix);
        let error = verifier().verify(Some(&signature), &tampered).expect_err("tampered body");
        assert!(matches!(error, WebhookError::SignatureMismatch), "{suffix:?}: {error:?}");
    }
}

#[test]
fn re_serialized_json_is_a_mismatch() {
    // Signing is over the exact bytes: the same JSON with different spacing does not verify.
    let value = notification("ping", json!({ "type": "ping" }));
    let compact = body(&value);
    let pretty = serde_json::to_vec_pretty(&value).expect("serializable");
    let signature = sign(SECRET.as_bytes(), &compact);
    verifier().verify(Some(&signature), &compact).expect("verifies");
    let error = verifier().verify(Some(&signature), &pretty).expect_err("different bytes");
    assert!(matches!(error, WebhookError::SignatureMismatch), "{error:?}");
}

#[test]
fn wrong_secret_is_a_mismatch() {
    let payload = body(&notification("contact.user.created", contact_item()));
    let signature = sign(b"some-other-app-secret", &payload);
    let error = verifier().verify_and_decode(Some(&signature), &payload).expect_err("wrong secret");
    assert!(matches!(error, WebhookError::SignatureMismatch), "{error:?}");
    assert_eq!(error.status_code(), 401);
    // A secret that differs only by a trailing byte does not verify either.
    let error = WebhookVerifier::new(format!("{SECRET}x")).verify(Some(&sign(SECRET.as_bytes(), &payload)), &payload);
    assert!(matches!(error, Err(WebhookError::SignatureMismatch)), "{error:?}");
}

#[test]
fn missing_header_is_refused() {
    let payload = body(&notification("ping", json!({ "type": "ping" })));
    let error = verifier().verify_and_decode(None, &payload).expect_err("no signature");
    assert!(matches!(error, WebhookError::MissingSignature), "{error:?}");
    assert_eq!(error.status_code(), 401);
    assert!(matches!(verify_signature(SECRET.as_bytes(), None, &payload), Err(WebhookError::MissingSignature)));
}

#[test]
fn malformed_headers_are_refused() {
    let payload = body(&notification("ping", json!({ "type": "ping" })));
    let good = sign(SECRET.as_bytes(), &payload);
    let hex_digits = good.strip_prefix("sha1=").expect("prefix").to_owned();
    let sha256 = format!("sha256={}", "ab".repeat(32));
    let cases = [
        String::new(),
        "sha1=".to_owned(),
        "sha1=abc".to_owned(),
        format!("sha1={}", &hex_digits[..39]),
        format!("sha1={hex_digits}0"),
        format!("sha1={}", "zz".repeat(20)),
        format!("sha1={}g", &hex_digits[..39]),
        format!("sha1={}é", &hex_digits[..38]),
        sha256,
        format!("sha256={hex_digits}"),
        hex_digits.clone(),
        format!("sha1:{hex_digits}"),
        format!("sha1 {hex_digits}"),
        format!("sha1=={hex_digits}"),
        format!("sha1={hex_digits}, sha1={hex_digits}"),
    ];
    for header in &cases {
        let error = verifier().verify_and_decode(Some(header), &payload).expect_err(header);
        assert!(matches!(error, WebhookError::MalformedSignature), "{header:?}: {error:?}");
        assert_eq!(error.status_code(), 401);
    }
}

#[test]
fn body_over_the_limit_is_refused_before_the_signature() {
    let payload = body(&notification("contact.user.created", contact_item()));
    let signature = sign(SECRET.as_bytes(), &payload);
    let exact = verifier().max_body_bytes(payload.len());
    assert_eq!(exact.body_limit(), payload.len());
    exact.verify_and_decode(Some(&signature), &payload).expect("a body exactly at the limit is accepted");

    let small = verifier().max_body_bytes(payload.len() - 1);
    for signature in [Some(signature.as_str()), None, Some("garbage")] {
        let error = small.verify_and_decode(signature, &payload).expect_err("too large");
        match error {
            WebhookError::BodyTooLarge { limit, actual } => {
                assert_eq!(limit, payload.len() - 1);
                assert_eq!(actual, Some(payload.len()));
            }
            other => panic!("expected BodyTooLarge, got {other:?}"),
        }
        assert_eq!(small.verify(signature, &payload).expect_err("too large").status_code(), 413);
    }
}

#[test]
fn default_limit_is_one_mebibyte() {
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1024 * 1024);
    assert_eq!(verifier().body_limit(), DEFAULT_MAX_BODY_BYTES);
    let big = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
    let error = verifier().verify(Some(&sign(SECRET.as_bytes(), &big)), &big).expect_err("too large");
    assert!(matches!(error, WebhookError::BodyTooLarge { limit: DEFAULT_MAX_BODY_BYTES, actual: Some(n) } if n == big.len()));
}

#[test]
fn signed_invalid_json_is_refused() {
    for payload in [&b"not json"[..], b"", b"{\"topic\": \"ping\"", b"[1, 2, 3]"] {
        let signature = sign(SECRET.as_bytes(), payload);
        let error = verifier().verify_and_decode(Some(&signature), payload).expect_err("invalid JSON");
        let WebhookError::InvalidJson(inner) = &error else {
            panic!("expected InvalidJson for {payload:?}, got {error:?}");
        };
        assert_eq!(error.status_code(), 400);
        let source = std::error::Error::source(&error).expect("keeps the serde error");
        assert_eq!(source.to_string(), inner.to_string());
        // The signature is checked first: the same body unsigned is a signature error.
        assert!(matches!(verifier().verify_and_decode(None, payload), Err(WebhookError::MissingSignature)));
    }
}

#[test]
fn a_nested_value_of_the_wrong_type_is_named_by_its_path() {
    let mut item = contact_item();
    item["location"] = json!({ "type": "location", "city": 7 });
    let payload = body(&notification("contact.user.created", item));
    let signature = sign(SECRET.as_bytes(), &payload);
    match verifier().verify_and_decode(Some(&signature), &payload) {
        Err(WebhookError::InvalidJson(error)) => {
            assert_eq!(error.classify(), serde_json::error::Category::Data);
            assert!(error.to_string().contains("(at `data.item.location.city`)"), "{error}");
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
}

#[test]
fn signed_json_of_the_wrong_shape_is_a_data_error() {
    let mut item = contact_item();
    item["id"] = json!({ "not": "a string" });
    let payload = body(&notification("contact.user.created", item));
    let signature = sign(SECRET.as_bytes(), &payload);
    match verifier().verify_and_decode(Some(&signature), &payload) {
        Err(WebhookError::InvalidJson(error)) => {
            assert_eq!(error.classify(), serde_json::error::Category::Data);
            assert!(error.to_string().contains("(at `data.item.id`)"), "{error}");
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
    // Still authentic: `verify` alone accepts it, for receivers that keep such payloads.
    verifier().verify(Some(&signature), &payload).expect("authentic");
}

#[test]
fn empty_secret_is_refused() {
    let payload = body(&notification("ping", json!({ "type": "ping" })));
    let signature = sign(b"", &payload);
    let error = WebhookVerifier::new("").verify_and_decode(Some(&signature), &payload).expect_err("empty secret");
    assert!(matches!(error, WebhookError::EmptySecret), "{error:?}");
    assert_eq!(error.status_code(), 500);
    assert!(matches!(verify_signature(b"", Some(&signature), &payload), Err(WebhookError::EmptySecret)));
}

#[test]
fn blank_secret_is_refused_like_an_empty_one() {
    let payload = body(&notification("ping", json!({ "type": "ping" })));
    for blank in [" ", "\n", " \t\r\n "] {
        // Signed with that very secret: anyone who guesses "unset" can do the same.
        let signature = sign(blank.as_bytes(), &payload);
        let error = WebhookVerifier::new(blank).verify_and_decode(Some(&signature), &payload).expect_err("blank secret");
        assert!(matches!(error, WebhookError::EmptySecret), "{blank:?}: {error:?}");
        assert!(matches!(verify_signature(blank.as_bytes(), Some(&signature), &payload), Err(WebhookError::EmptySecret)));
    }
    // Whitespace around a real secret is the secret's business: it is used as given.
    let padded = format!(" {SECRET} ");
    let signature = sign(padded.as_bytes(), &payload);
    WebhookVerifier::new(&padded).verify(Some(&signature), &payload).expect("a padded secret is still a secret");
}

#[test]
fn secret_types_are_interchangeable() {
    let payload = body(&notification("ping", json!({ "type": "ping" })));
    let signature = sign(SECRET.as_bytes(), &payload);
    WebhookVerifier::new(SECRET).verify(Some(&signature), &payload).expect("&str");
    let owned: String = SECRET.to_owned();
    WebhookVerifier::new(owned).verify(Some(&signature), &payload).expect("String");
    WebhookVerifier::new(SECRET.as_bytes()).verify(Some(&signature), &payload).expect("&[u8]");
    let bytes: Vec<u8> = SECRET.as_bytes().to_vec();
    WebhookVerifier::new(bytes).verify(Some(&signature), &payload).expect("Vec<u8>");
}

#[test]
fn debug_never_shows_the_secret() {
    let verifier = verifier().max_body_bytes(4096);
    let text = format!("{verifier:?} {verifier:#?} {:?}", verifier.clone());
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains(&hex::encode(SECRET)), "{text}");
    assert!(text.contains("4096"), "{text}");
}

#[test]
fn headers_are_read_from_a_header_map() {
    let payload = body(&notification("contact.user.created", contact_item()));
    let signature = sign(SECRET.as_bytes(), &payload);

    let mut headers = http::HeaderMap::new();
    assert!(matches!(signature_from_headers(&headers), Ok(None)));
    assert!(matches!(verifier().verify_headers(&headers, &payload), Err(WebhookError::MissingSignature)));

    headers.insert("X-Hub-Signature", signature.parse().expect("header value"));
    assert_eq!(signature_from_headers(&headers).expect("one value"), Some(signature.as_str()));
    assert_eq!(headers.get(SIGNATURE_HEADER).map(http::HeaderValue::as_bytes), Some(signature.as_bytes()));
    verifier().verify_headers(&headers, &payload).expect("verifies");
    let decoded = verifier().verify_and_decode_headers(&headers, &payload).expect("decodes");
    assert_eq!(decoded.topic, Topic::ContactUserCreated);

    headers.append("x-hub-signature", signature.parse().expect("header value"));
    assert!(matches!(signature_from_headers(&headers), Err(WebhookError::MalformedSignature)));
    assert!(matches!(verifier().verify_headers(&headers, &payload), Err(WebhookError::MalformedSignature)));

    let mut headers = http::HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, http::HeaderValue::from_bytes(b"sha1=\xff").expect("opaque bytes"));
    assert!(matches!(verifier().verify_headers(&headers, &payload), Err(WebhookError::MalformedSignature)));
}

#[test]
fn errors_display_without_secrets() {
    let cases = [
        WebhookError::MissingSignature,
        WebhookError::MalformedSignature,
        WebhookError::SignatureMismatch,
        WebhookError::BodyTooLarge { limit: 10, actual: Some(11) },
        WebhookError::BodyTooLarge { limit: 10, actual: None },
        WebhookError::EmptySecret,
        WebhookError::BodyTimeout { after: std::time::Duration::from_millis(1500) },
    ];
    let statuses = [401, 401, 401, 413, 413, 500, 408];
    for (error, status) in cases.iter().zip(statuses) {
        let text = error.to_string();
        assert!(!text.is_empty());
        assert!(!text.contains(SECRET));
        assert_eq!(error.status_code(), status, "{text}");
        assert!(std::error::Error::source(error).is_none());
    }
    assert_eq!(cases[3].to_string(), "request body of 11 bytes exceeds the limit of 10 bytes");
    assert_eq!(cases[6].to_string(), "the request body did not arrive within 1.500s");
}

#[test]
fn every_known_topic_round_trips_its_string() {
    assert_eq!(Topic::ALL.len(), 84);
    for topic in Topic::ALL {
        assert_eq!(Topic::from(topic.as_str()), topic);
        assert!(!matches!(topic, Topic::Unknown(_)));
    }
    assert_eq!(Topic::from("contact.user.created"), Topic::ContactUserCreated);
}
