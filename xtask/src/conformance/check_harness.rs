//! Copied into each conformance crate as `src/conformance_check.rs` (not compiled in the workspace).
//! Decodes one example into its generated type, encodes it back, and prints the outcome as a JSON line;
//! decodes mutated copies of the examples (forward compatibility) without the round trip.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

pub fn check<T: DeserializeOwned + Serialize>(op: &str, status: &str, name: &str, origin: &str, json: &str) {
    let report = |result: &str, path: &str, error: &str| {
        json!({"op": op, "status": status, "name": name, "origin": origin, "result": result, "path": path, "error": error})
    };
    let line = match serde_json::from_str::<Value>(json) {
        Err(err) => report("bad_json", "", &err.to_string()),
        Ok(original) => {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(err) => report("decode_error", &err.path().to_string(), &err.inner().to_string()),
                Ok(value) => match serde_json::to_value(&value) {
                    Err(err) => report("encode_error", "", &err.to_string()),
                    Ok(back) => match first_difference(&original, &back, String::new()) {
                        None => report("ok", "", ""),
                        Some((path, what)) => report("roundtrip", &path, &what),
                    },
                },
            }
        }
    };
    println!("{line}");
}

/// Decodes a mutated example (unknown fields, unseen enum values) into its generated type: it
/// must decode; nothing is compared. Prints the outcome as a JSON line marked `"mode": "forward"`.
pub fn decodes<T: DeserializeOwned>(op: &str, status: &str, name: &str, origin: &str, json: &str) {
    let report = |result: &str, path: &str, error: &str| {
        json!({"mode": "forward", "op": op, "status": status, "name": name, "origin": origin, "result": result, "path": path, "error": error})
    };
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let line = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(err) => report("decode_error", &err.path().to_string(), &err.inner().to_string()),
        Ok(_) => report("ok", "", ""),
    };
    println!("{line}");
}

/// Where the re-encoded value says something the original did not. A key of the original that is
/// gone after re-encoding is fine (unknown fields are ignored; an absent optional field and `null`
/// are the same), and so is a `null` for a key the original did not have.
fn first_difference(original: &Value, back: &Value, path: String) -> Option<(String, String)> {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => b.iter().find_map(|(key, bv)| {
            let child = format!("{path}/{key}");
            match a.get(key) {
                Some(av) => first_difference(av, bv, child),
                None if bv.is_null() => None,
                None => Some((child, format!("{bv} appeared"))),
            }
        }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, format!("{path}/{i}")))
        }
        (Value::Number(a), Value::Number(b)) if same_number(a, b) => None,
        (a, b) if a == b => None,
        (a, b) => Some((path, format!("{a} became {b}"))),
    }
}

/// Integers compare exactly (an `u64` past 2^53 that lost digits differs); a number with a
/// fraction or exponent on either side compares as `f64` (`1` and `1.0` are the same).
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    let exact = |n: &serde_json::Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// Decodes an AsyncAPI message's example as its channel's enum (`decode`), which must give the
/// message it is an example of (`name_of` says which one it gave). Prints a `"mode": "message"` line.
pub fn message<T>(
    op: &str,
    expected: &str,
    name: &str,
    origin: &str,
    json: &str,
    decode: fn(Value) -> Result<T, serde_json::Error>,
    name_of: fn(&T) -> Option<&'static str>,
) {
    let report = |result: &str, error: &str| {
        json!({"mode": "message", "op": op, "status": "message", "name": name, "origin": origin, "result": result, "path": "", "error": error})
    };
    let line = match serde_json::from_str::<Value>(json).map(decode) {
        Err(err) => report("bad_json", &err.to_string()),
        Ok(Err(err)) => report("decode_error", &err.to_string()),
        Ok(Ok(message)) => match name_of(&message) {
            Some(found) if found == expected => report("ok", ""),
            found => report("other_message", &format!("decoded as {found:?}, expected `{expected}`")),
        },
    };
    println!("{line}");
}
