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
