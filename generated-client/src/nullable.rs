//! [`Nullable`]: a request field that may be left out, sent as `null`, or sent with a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that is optional and nullable in a request: left out ([`Nullable::Absent`], the
/// default), sent as `null` ([`Nullable::Null`]), or sent with a value ([`Nullable::Value`]).
///
/// `Option` cannot tell the first two apart; an update needs both: a field left out keeps its
/// value on the server, `null` clears it. Setters take the value itself or `Nullable::Null`:
///
/// ```
/// # #[cfg(feature = "contacts")] {
/// use intercom::types::UpdateContactRequest;
/// use intercom::Nullable;
///
/// // Clears the contact's phone; every field not set is left out, so it keeps its value.
/// let update = UpdateContactRequest::default().phone(Nullable::Null);
/// assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"phone":null}"#);
///
/// let update = UpdateContactRequest::default().phone("+1 555 0100");
/// assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"phone":"+1 555 0100"}"#);
/// # }
/// ```
///
/// When a response is decoded into the same type, a key that is missing is `Absent` and a
/// `null` is `Null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not sent: the key is left out of the JSON object.
    #[default]
    Absent,
    /// Sent as `null`: clears the value on the server.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out (what the generated types' `skip_serializing_if` asks).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if there is one, mutably.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value dereferenced (`&str` for `Nullable<String>`), if there is one.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_ref().map(|value| &**value)
    }

    /// The value, if there is one; `Absent` and `Null` both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, or `T::default()` for `Absent` and `Null`.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_option().unwrap_or_default()
    }

    /// The value changed by `f`; `Absent` and `Null` stay as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// The value, after setting it from `f` when there is none.
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        if !matches!(self, Nullable::Value(_)) {
            *self = Nullable::Value(f());
        }
        match self {
            Nullable::Value(value) => value,
            _ => unreachable!("set just above"),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `None` is `null`: an `Option` says nothing about leaving the field out.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

/// `Absent` is written as `null` too: the generated types skip it before it gets here.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

/// `null` is `Null`; a missing key never gets here (the generated fields default to `Absent`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Default)]
    struct Update {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        phone: Nullable<String>,
    }

    #[test]
    fn the_three_states_travel_as_json_says() {
        let cases = [(Nullable::Absent, "{}"), (Nullable::Null, r#"{"phone":null}"#), (Nullable::from("1"), r#"{"phone":"1"}"#)];
        for (phone, json) in cases {
            let update = Update { phone };
            assert_eq!(serde_json::to_string(&update).unwrap(), json);
            assert_eq!(serde_json::from_str::<Update>(json).unwrap(), update);
        }
    }

    #[test]
    fn conversions_and_accessors() {
        assert_eq!(Nullable::<i64>::from(None), Nullable::Null);
        assert_eq!(Nullable::<i64>::from(Some(3)).map(|n| n * 2).into_option(), Some(6));
        let mut absent: Nullable<Vec<u8>> = Nullable::Absent;
        absent.get_or_insert_with(Vec::new).push(1);
        assert_eq!(absent.as_deref(), Some(&[1u8][..]));
        assert!(Nullable::<u8>::default().is_absent() && Nullable::<u8>::Null.is_null());
    }
}
