//! Serialization helpers the generated code calls into (not a public interface).

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Display, FromStr, Serialize and Deserialize for a generated string enum, from its
/// `as_str` and `From<&str>` (which maps unknown strings to the catch-all variant).
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::codec::StrVisitor(std::marker::PhantomData))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Deserializes any string through `From<&str>` without an intermediate allocation.
pub struct StrVisitor<T>(pub std::marker::PhantomData<T>);

impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// The string value of `property` in a JSON object: a union's tag.
pub fn tag(value: &Value, property: &str) -> Option<String> {
    value.get(property)?.as_str().map(str::to_owned)
}

/// Decodes a union variant from the JSON already read, reporting errors through the outer deserializer.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// A webhook notification body split in one scan, without building a JSON tree: the topic,
/// `data.item` as raw JSON text, and the body with `data.item` replaced by `null` (the envelope).
pub struct NotificationParts<'a> {
    pub topic: Option<String>,
    pub item: Option<&'a str>,
    pub envelope: std::borrow::Cow<'a, [u8]>,
}

impl<'a> NotificationParts<'a> {
    /// `None` when the body is not a JSON object of the expected shape (not JSON, `data` not an
    /// object, a repeated key, ...): the caller then decodes it the general way, which reports
    /// the error or gives the same result as the tree would.
    pub fn split(body: &'a [u8]) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Skeleton<'a> {
            #[serde(default, borrow)]
            topic: Option<&'a serde_json::value::RawValue>,
            #[serde(default, borrow)]
            data: Option<Data<'a>>,
        }
        #[derive(serde::Deserialize)]
        struct Data<'a> {
            #[serde(default, borrow)]
            item: Option<&'a serde_json::value::RawValue>,
        }
        let skeleton: Skeleton<'a> = serde_json::from_slice(body).ok()?;
        // As the tree would give it: a string topic, anything else none.
        let topic = match skeleton.topic {
            Some(raw) if raw.get().starts_with('"') => Some(serde_json::from_str::<String>(raw.get()).ok()?),
            _ => None,
        };
        let item = skeleton.data.and_then(|data| data.item).map(serde_json::value::RawValue::get);
        let envelope = match item {
            Some(text) => {
                // The raw item borrows from `body`: its offset is where it starts in there.
                let start = (text.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
                let end = start.checked_add(text.len()).filter(|&end| end <= body.len())?;
                let mut envelope = Vec::with_capacity(body.len() - text.len() + 4);
                envelope.extend_from_slice(&body[..start]);
                envelope.extend_from_slice(b"null");
                envelope.extend_from_slice(&body[end..]);
                std::borrow::Cow::Owned(envelope)
            }
            None => std::borrow::Cow::Borrowed(body),
        };
        Some(NotificationParts { topic, item, envelope })
    }
}

/// The deserializer [`item_json`] hands over: serde_json's, recording the path it reached (the
/// same type as the REST answers' decoding uses, so the item types are not compiled twice).
pub type TrackedJson<'t, 'j, 'de> =
    serde_path_to_error::Deserializer<'static, 't, &'j mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>>;

/// Decodes a notification's `data.item` from its JSON text with `decode`; a value that does not
/// fit is named by its path (`data.item.author.id`) in the error, which stays a data error.
pub fn item_json<'de, T>(
    item: &'de str,
    decode: impl for<'t, 'j> FnOnce(TrackedJson<'t, 'j, 'de>) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(item.as_bytes());
    let mut track = serde_path_to_error::Track::new();
    let value = decode(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track)).map_err(|error| {
        if !error.is_data() {
            return error;
        }
        let path = track.path().to_string();
        let at = match path.as_str() {
            "." => "data.item".to_owned(),
            index if index.starts_with('[') => format!("data.item{index}"),
            field => format!("data.item.{field}"),
        };
        <serde_json::Error as serde::de::Error>::custom(format_args!("{error} (at `{at}`)"))
    })?;
    deserializer.end()?;
    Ok(value)
}
