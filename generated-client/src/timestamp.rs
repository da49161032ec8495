//! [`Timestamp`]: a point in time as Intercom sends it, in whole seconds since the Unix epoch.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time in whole seconds since the Unix epoch (1970-01-01T00:00:00Z), the way
/// Intercom's API writes `created_at`, `updated_at` and the like.
///
/// It serializes as a JSON integer. Deserialization is lenient because real payloads vary:
/// besides an integer it accepts a floating-point number (the fraction is dropped, rounding
/// toward zero) and a string holding either kind of number (`"1700000000"`). Anything else is
/// rejected with an error saying what was expected.
///
/// [`Display`](fmt::Display) writes the number of seconds, which is also how a timestamp is
/// written in a URL path or query string.
///
/// ```
/// use intercom::Timestamp;
///
/// let t: Timestamp = serde_json::from_str("1700000000").unwrap();
/// assert_eq!(t.as_unix_seconds(), 1_700_000_000);
/// assert_eq!(serde_json::from_str::<Timestamp>("\"1700000000\"").unwrap(), t);
/// assert_eq!(serde_json::to_string(&t).unwrap(), "1700000000");
/// assert_eq!(t.to_string(), "1700000000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    /// The timestamp `seconds` after (or, if negative, before) the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch; negative before it.
    pub const fn as_unix_seconds(self) -> i64 {
        self.0
    }

    /// The current time, truncated to the second.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// This timestamp as a [`SystemTime`].
    ///
    /// A timestamp beyond what `SystemTime` can represent on this platform (hundreds of billions
    /// of years away on most) saturates to the furthest representable second in that direction
    /// instead of panicking.
    pub fn to_system_time(self) -> SystemTime {
        let shift = |seconds: u64| {
            let offset = Duration::from_secs(seconds);
            if self.0 >= 0 {
                UNIX_EPOCH.checked_add(offset)
            } else {
                UNIX_EPOCH.checked_sub(offset)
            }
        };
        let wanted = self.0.unsigned_abs();
        if let Some(time) = shift(wanted) {
            return time;
        }
        // Binary search for the largest offset the platform accepts (0 always works).
        let (mut ok, mut too_far) = (0u64, wanted);
        while too_far - ok > 1 {
            let middle = ok + (too_far - ok) / 2;
            if shift(middle).is_some() {
                ok = middle;
            } else {
                too_far = middle;
            }
        }
        shift(ok).unwrap_or(UNIX_EPOCH)
    }
}

impl From<SystemTime> for Timestamp {
    /// Whole seconds since the epoch, rounding down (toward the past); saturates at the range of `i64`.
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp(i64::try_from(after.as_secs()).unwrap_or(i64::MAX)),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                let partial = i64::from(before.subsec_nanos() > 0);
                Timestamp(0i64.saturating_sub(whole).saturating_sub(partial))
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.to_system_time()
    }
}

impl From<Timestamp> for i64 {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

const EXPECTED: &str = "a Unix timestamp in seconds (an integer, a number, or a string holding one)";

/// Truncates a float toward zero, refusing NaN, infinities and values outside `i64`.
fn from_float<E: de::Error>(value: f64) -> Result<Timestamp, E> {
    // 2^63 is exactly representable; every finite float strictly inside (-2^63 - 1, 2^63) fits after truncation.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let truncated = value.trunc();
    if (-LIMIT..LIMIT).contains(&truncated) {
        // In range, so the cast is exact (no saturation happens).
        Ok(Timestamp(truncated as i64))
    } else {
        Err(E::invalid_value(de::Unexpected::Float(value), &"a Unix timestamp in seconds within the range of i64"))
    }
}

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Timestamp, E> {
        Ok(Timestamp(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Timestamp, E> {
        i64::try_from(value).map(Timestamp).map_err(|_| {
            E::invalid_value(de::Unexpected::Unsigned(value), &"a Unix timestamp in seconds within the range of i64")
        })
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Timestamp, E> {
        i64::try_from(value).map(Timestamp).map_err(|_| {
            E::invalid_value(
                de::Unexpected::Other("a 128-bit integer"),
                &"a Unix timestamp in seconds within the range of i64",
            )
        })
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Timestamp, E> {
        i64::try_from(value).map(Timestamp).map_err(|_| {
            E::invalid_value(
                de::Unexpected::Other("a 128-bit integer"),
                &"a Unix timestamp in seconds within the range of i64",
            )
        })
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Timestamp, E> {
        from_float(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Timestamp, E> {
        let text = value.trim();
        if let Ok(seconds) = text.parse::<i64>() {
            return Ok(Timestamp(seconds));
        }
        // Only plain decimal numbers: no "NaN", "inf" or "infinity", which `f64::from_str` would take.
        let numeric = !text.is_empty()
            && text.chars().any(|c| c.is_ascii_digit())
            && text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
        match text.parse::<f64>() {
            Ok(number) if numeric => from_float(number),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &EXPECTED)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Result<Timestamp, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn serializes_as_an_integer() {
        let t = Timestamp::from_unix_seconds(1_700_000_000);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1700000000");
        assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(1_700_000_000));
        assert_eq!(serde_json::to_string(&Timestamp::from_unix_seconds(-5)).unwrap(), "-5");
    }

    #[test]
    fn deserializes_integers() {
        assert_eq!(decode("1700000000").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("0").unwrap(), Timestamp::UNIX_EPOCH);
        assert_eq!(decode("-86400").unwrap().as_unix_seconds(), -86_400);
        assert_eq!(decode("9223372036854775807").unwrap().as_unix_seconds(), i64::MAX);
    }

    #[test]
    fn deserializes_floats_by_truncating() {
        assert_eq!(decode("1700000000.9").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("1.7e9").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("-1.5").unwrap().as_unix_seconds(), -1);
    }

    #[test]
    fn deserializes_numeric_strings() {
        assert_eq!(decode("\"1700000000\"").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("\" 1700000000 \"").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("\"1700000000.25\"").unwrap().as_unix_seconds(), 1_700_000_000);
        assert_eq!(decode("\"-12\"").unwrap().as_unix_seconds(), -12);
    }

    #[test]
    fn rejects_everything_else_clearly() {
        for json in
            ["true", "null", "[]", "{}", "\"\"", "\"yesterday\"", "\"NaN\"", "\"inf\"", "\"2024-01-01T00:00:00Z\""]
        {
            let err = decode(json).unwrap_err().to_string();
            assert!(err.contains("Unix timestamp"), "{json}: {err}");
        }
        // Out of range for i64.
        assert!(decode("9223372036854775808").is_err());
        assert!(decode("1e30").is_err());
        assert!(decode("\"1e30\"").is_err());
        assert!(decode("-1e30").is_err());
    }

    #[test]
    fn round_trips_through_system_time() {
        let t = Timestamp::from_unix_seconds(1_700_000_000);
        let time = t.to_system_time();
        assert_eq!(time.duration_since(UNIX_EPOCH).unwrap(), Duration::from_secs(1_700_000_000));
        assert_eq!(Timestamp::from(time), t);
        assert_eq!(SystemTime::from(t), time);

        let before = Timestamp::from_unix_seconds(-10);
        assert_eq!(UNIX_EPOCH.duration_since(before.to_system_time()).unwrap(), Duration::from_secs(10));
        assert_eq!(Timestamp::from(before.to_system_time()), before);
    }

    #[test]
    fn from_system_time_rounds_down() {
        let after = UNIX_EPOCH + Duration::from_millis(1_500);
        assert_eq!(Timestamp::from(after).as_unix_seconds(), 1);
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(Timestamp::from(before).as_unix_seconds(), -2);
        let exact = UNIX_EPOCH - Duration::from_secs(3);
        assert_eq!(Timestamp::from(exact).as_unix_seconds(), -3);
    }

    #[test]
    fn extreme_values_do_not_panic() {
        // Whatever the platform can represent, these must not panic.
        let _ = Timestamp::from_unix_seconds(i64::MAX).to_system_time();
        let _ = Timestamp::from_unix_seconds(i64::MIN).to_system_time();
        let far = Timestamp::from_unix_seconds(i64::MAX).to_system_time();
        assert!(far > SystemTime::now());
        let past = Timestamp::from_unix_seconds(i64::MIN).to_system_time();
        assert!(past < UNIX_EPOCH);
    }

    #[test]
    fn now_is_close_to_the_system_clock() {
        let now = Timestamp::now().as_unix_seconds();
        let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        assert!((system - now).abs() <= 1);
    }

    #[test]
    fn ordering_display_and_hash() {
        use std::collections::HashSet;
        let a = Timestamp::from_unix_seconds(1);
        let b = Timestamp::from_unix_seconds(2);
        assert!(a < b);
        assert_eq!(a.max(b), b);
        assert_eq!(b.to_string(), "2");
        assert_eq!(format!("{:>4}", b), "   2");
        assert_eq!(i64::from(b), 2);
        let set: HashSet<Timestamp> = [a, b, a].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn works_inside_optional_fields() {
        #[derive(Deserialize)]
        struct Row {
            created_at: Timestamp,
            updated_at: Option<Timestamp>,
        }
        let row: Row = serde_json::from_str(r#"{"created_at": "5", "updated_at": null}"#).unwrap();
        assert_eq!(row.created_at.as_unix_seconds(), 5);
        assert!(row.updated_at.is_none());
    }
}
