//! Hostile payloads decoded into the generated types, the way the client decodes a response
//! body (`serde_path_to_error` over `serde_json::Deserializer::from_slice`) and the way
//! `webhooks::Notification::from_slice` decodes a notification: every one is an error or a
//! value, never a panic, a stack overflow or memory out of proportion to the input.

use intercom::generated::webhooks::Notification;
use intercom::types::{Contact, ContactList};
use serde::de::DeserializeOwned;

/// What the client does with a response body.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// A contact whose `custom_attributes` (free-form JSON) holds `inner`.
fn contact_with(inner: &str) -> String {
    format!(r#"{{"type": "contact", "id": "1", "custom_attributes": {{"deep": {inner}}}}}"#)
}

#[test]
fn nesting_a_hundred_thousand_levels_deep_is_an_error() {
    let levels = 100_000;
    let arrays = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels));
    for (what, inner) in [("arrays", &arrays), ("objects", &objects)] {
        let body = contact_with(inner);
        let err = decode::<Contact>(body.as_bytes()).expect_err(what);
        assert!(err.contains("recursion limit"), "{what}: {err}");
        let err = serde_json::from_str::<Contact>(&body).expect_err(what);
        assert!(err.to_string().contains("recursion limit"), "{what}: {err}");
    }
    // At the top level too, and through a list of contacts.
    let err = decode::<ContactList>(format!(r#"{{"data": [{}]}}"#, contact_with(&arrays)).as_bytes()).expect_err("list");
    assert!(err.contains("recursion limit"), "{err}");
    assert!(decode::<Contact>(arrays.as_bytes()).is_err());
    // A notification, whose item is decoded by topic from JSON already read.
    let notification = format!(
        r#"{{"type": "notification_event", "app_id": "a", "topic": "contact.user.created", "id": "n", "created_at": 1,
            "data": {{"type": "notification_event_data", "item": {}}}}}"#,
        contact_with(&objects)
    );
    let err = Notification::from_slice(notification.as_bytes()).expect_err("too deep");
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn nesting_just_under_the_limit_decodes() {
    // serde_json allows 128 levels; the contact and its attribute map take three.
    let levels = 120;
    let body = contact_with(&format!("{}{}", "[".repeat(levels), "]".repeat(levels)));
    let contact = decode::<Contact>(body.as_bytes()).expect("within the limit");
    assert!(contact.custom_attributes.is_some_and(|a| a.contains_key("deep")));
}

#[test]
fn huge_numbers_are_errors() {
    for number in ["1e400", "-1e400", "99999999999999999999999", "-99999999999999999999999", "18446744073709551616", "1.5"] {
        let body = format!(r#"{{"type": "contact", "id": "1", "owner_id": {number}}}"#);
        let err = decode::<Contact>(body.as_bytes()).expect_err(number);
        assert!(err.starts_with("owner_id"), "{number}: {err}");
    }
    // Timestamps: out of `i64`, or not finite.
    for number in ["1e400", "99999999999999999999999", "18446744073709551616", "-1e19"] {
        let body = format!(r#"{{"type": "contact", "id": "1", "created_at": {number}}}"#);
        let err = decode::<Contact>(body.as_bytes()).expect_err(number);
        assert!(err.starts_with("created_at"), "{number}: {err}");
    }
    // The edges of `i64` decode.
    let body = format!(r#"{{"owner_id": {}, "created_at": {}}}"#, i64::MAX, i64::MIN);
    let contact = decode::<Contact>(body.as_bytes()).expect("i64 bounds");
    assert_eq!(contact.owner_id, Some(i64::MAX));
    // A number of a hundred thousand digits.
    let body = format!(r#"{{"owner_id": {}}}"#, "9".repeat(100_000));
    assert!(decode::<Contact>(body.as_bytes()).is_err());
    let body = format!(r#"{{"custom_attributes": {{"n": {}}}}}"#, "9".repeat(100_000));
    // Free-form JSON takes it as a float (infinite is refused).
    let _ = decode::<Contact>(body.as_bytes());
}

#[test]
fn invalid_strings_are_errors() {
    for text in [r#""\ud800""#, r#""\udc00""#, r#""\ud800\u0041""#, r#""\u12""#, r#""\x41""#, "\"\u{0001}\"", r#""unterminated"#] {
        let body = format!(r#"{{"type": "contact", "id": "1", "name": {text}}}"#);
        assert!(decode::<Contact>(body.as_bytes()).is_err(), "{text}");
        // In a key, and in free-form JSON.
        let body = format!(r#"{{"custom_attributes": {{{text}: 1}}}}"#);
        assert!(decode::<Contact>(body.as_bytes()).is_err(), "{text}");
    }
    // Bytes that are not UTF-8 at all.
    let mut body = br#"{"type": "contact", "id": "1", "name": ""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(br#""}"#);
    assert!(decode::<Contact>(&body).is_err());
    // A surrogate pair is fine.
    let contact = decode::<Contact>(br#"{"name": "\ud83d\ude00"}"#).expect("a valid pair");
    assert_eq!(contact.name.as_deref(), Some("\u{1f600}"));
}

#[test]
fn truncated_and_trailing_bodies_are_errors() {
    let good = br#"{"type": "contact", "id": "1", "name": "Ann"}"#;
    for end in 0..good.len() {
        assert!(decode::<Contact>(&good[..end]).is_err(), "{end}");
    }
    assert!(decode::<Contact>(br#"{"id": "1"} {"id": "2"}"#).is_err());
    assert!(decode::<Contact>(b"\0").is_err());
}

/// The process's peak resident memory in bytes (`VmHWM`), after resetting it when the kernel allows.
fn peak_rss(reset: bool) -> Option<u64> {
    if reset {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Decodes `body` and checks the time taken and the peak memory against the input's size.
fn decode_big<T: DeserializeOwned>(what: &str, body: Vec<u8>) -> Result<T, String> {
    let size = body.len() as u64;
    let before = peak_rss(true);
    let started = std::time::Instant::now();
    let result = decode::<T>(&body);
    let elapsed = started.elapsed();
    let after = peak_rss(false);
    drop(body);
    if let (Some(before), Some(after)) = (before, after) {
        let growth = after.saturating_sub(before);
        eprintln!("{what}: {} MB in {elapsed:?}, peak memory grew by {} MB", size >> 20, growth >> 20);
        assert!(growth < 10 * size, "{what}: {} MB of input raised peak memory by {} MB", size >> 20, growth >> 20);
    }
    assert!(elapsed < std::time::Duration::from_secs(60), "{what}: {elapsed:?}");
    result
}

#[test]
fn fifty_megabyte_bodies_decode_in_bounded_time_and_memory() {
    const SIZE: usize = 50 << 20;
    // One string of 50 MB.
    let body = format!(r#"{{"type": "contact", "id": "1", "name": "{}"}}"#, "a".repeat(SIZE)).into_bytes();
    let contact: Contact = decode_big("one long string", body).expect("a long name is a name");
    assert_eq!(contact.name.map(|n| n.len()), Some(SIZE));

    // A list of 50 MB of realistic contacts.
    let one = r#"{"type": "contact", "id": "5ba682d23d7cf92bef87bfd4", "workspace_id": "ecahpwf5", "external_id": "f3b87a2e09d514c6c2e79b9a", "role": "user", "email": "joe@example.com", "phone": "+1123456789", "name": "Joe Example", "owner_id": 127, "has_hard_bounced": false, "marked_email_as_spam": false, "unsubscribed_from_emails": false, "created_at": 1571672154, "updated_at": 1571672158, "signed_up_at": 1571069751, "last_seen_at": 1571069751, "browser": "chrome", "browser_version": "77.0.3865.90", "os": "OS X 10.14.6", "custom_attributes": {"paid_subscriber": true, "monthly_spend": 155.5}}"#;
    let count = SIZE / (one.len() + 1);
    let mut body = String::with_capacity(SIZE + 100);
    body.push_str(r#"{"type": "list", "total_count": 1, "data": ["#);
    for i in 0..count {
        if i > 0 {
            body.push(',');
        }
        body.push_str(one);
    }
    body.push_str("]}");
    let list: ContactList = decode_big("a list of contacts", body.into_bytes()).expect("a long list is a list");
    assert_eq!(list.data.map(|d| d.len()), Some(count));

    // 50 MB of an array of numbers where an object is expected: an error, found early.
    let mut body = String::from("[");
    while body.len() < SIZE {
        body.push_str("1234567,");
    }
    body.push_str("1]");
    decode_big::<Contact>("an array, not an object", body.into_bytes()).expect_err("not a contact");

    // 50 MB of keys the type does not know: skipped, not kept.
    let mut body = String::from(r#"{"id": "1""#);
    let mut i = 0u64;
    while body.len() < SIZE {
        body.push_str(&format!(r#","unknown_{i}": [1, 2, {{"x": "y"}}]"#));
        i += 1;
    }
    body.push('}');
    let contact: Contact = decode_big("unknown keys", body.into_bytes()).expect("unknown keys are ignored");
    assert_eq!(contact.id.as_deref(), Some("1"));
}
