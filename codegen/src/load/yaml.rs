//! The YAML reader: takes YAML (or JSON) text, gives its JSON tree in one pass, with merge keys
//! applied and what aliases expand to bounded by the size of the text.
//!
//! `serde_yaml` replays an aliased node each time the alias is read, so a few kilobytes of
//! nested aliases (a "billion laughs") describe billions of nodes. Its own limit counts aliases,
//! not what they expand to; here every node built is counted against a budget that grows with
//! the text (see [`max_nodes`]), and reading stops, located, when it runs out.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Value};

/// A tree may always have this many nodes, whatever the size of its text.
const MIN_NODES: usize = 1 << 18;

/// Beyond [`MIN_NODES`], nodes a tree may have per byte of its text. Without aliases a document
/// has fewer nodes than bytes (every node takes at least one character and a separator), an API
/// description about one per ten bytes: this leaves room for sharing large parts through anchors.
const NODES_PER_BYTE: usize = 2;

/// How many nodes the tree of a text of `bytes` bytes may have, aliases expanded.
pub(crate) fn max_nodes(bytes: usize) -> usize {
    MIN_NODES.max(bytes.saturating_mul(NODES_PER_BYTE))
}

/// Why the text gave no tree.
pub(super) enum ReadError {
    /// Not YAML, or YAML that is no JSON tree (a key that is not a scalar, a bad merge key, a key
    /// given twice).
    Syntax(serde_yaml::Error),
    /// The aliases expand to more than `limit` nodes, or are followed more often than `serde_yaml`
    /// allows; `line` (1-based line and column) is where reading stopped, or the first alias.
    TooLarge { limit: usize, line: Option<(usize, usize)> },
}

/// Reads the one document of `text` as a JSON tree: tags are dropped, keys that are numbers,
/// booleans or null become their text, NaN and infinities become null.
///
/// A large block-style text is read in pieces on every core (see `load::pieces`), else whole.
pub(super) fn read(text: &str) -> Result<Value, ReadError> {
    if let Some(value) = super::pieces::read(text, crate::parallel::cores()) {
        return Ok(value);
    }
    read_with_budget(text, max_nodes(text.len()))
}

/// Reads the one document of `text` as [`read`] does, in one thread, building at most `limit` nodes.
pub(super) fn read_with_budget(text: &str, limit: usize) -> Result<Value, ReadError> {
    let budget = Cell::new(limit);
    Tree { budget: &budget }.deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|err| {
        if budget.get() == 0 {
            ReadError::TooLarge { limit, line: err.location().map(|l| (l.line(), l.column())) }
        } else if err.location().is_none() && err.to_string() == "repetition limit exceeded" {
            // `serde_yaml`'s own bound on following aliases, which says nowhere where.
            ReadError::TooLarge { limit, line: first_alias(text) }
        } else {
            ReadError::Syntax(err)
        }
    })
}

/// Where (1-based line and column) the first alias (`*name`) of an anchor (`&name`) defined
/// before it is, as far as a look at the text can tell.
fn first_alias(text: &str) -> Option<(usize, usize)> {
    // A name after `&` or `*` where a node may start: at the start of the text or after a space,
    // a bracket or a comma.
    let names = |sigil: char| {
        text.match_indices(sigil).filter_map(move |(at, _)| {
            let before = text[..at].chars().next_back();
            if !before.is_none_or(|c| c.is_whitespace() || matches!(c, '[' | '{' | ',')) {
                return None;
            }
            let rest = &text[at + 1..];
            let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}')).unwrap_or(rest.len());
            (end > 0).then(|| (at, &rest[..end]))
        })
    };
    let anchors: Vec<(usize, &str)> = names('&').collect();
    let (at, _) = names('*').find(|&(at, name)| anchors.iter().any(|&(defined, anchor)| defined < at && anchor == name))?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    Some((text[..at].matches('\n').count() + 1, text[line_start..at].chars().count() + 1))
}

/// Deserializes one node as a [`Value`], spending one node of the budget on it.
#[derive(Clone, Copy)]
struct Tree<'b> {
    budget: &'b Cell<usize>,
}

impl Tree<'_> {
    fn spend<E: de::Error>(self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) if left > 0 => {
                self.budget.set(left);
                Ok(())
            }
            _ => {
                self.budget.set(0);
                Err(E::custom("aliases here expand the document past its node limit"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tree<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML node")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(n))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        self.spend()?;
        // NaN and infinities have no JSON form.
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut out = Map::new();
        let mut merged: Option<Value> = None;
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(self)?;
            let taken = if key == "<<" { merged.replace(value).is_some() } else { out.insert(key.clone(), value).is_some() };
            if taken {
                return Err(de::Error::custom(format_args!("the key `{key}` appears twice in this mapping")));
            }
        }
        if let Some(merged) = merged {
            merge(&mut out, merged)?;
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged node (`!tag value`): the tag is dropped.
        let (_tag, value) = data.variant::<de::IgnoredAny>()?;
        value.newtype_variant_seed(self)
    }
}

/// Applies a merge key (`<<: *base` or `<<: [*a, *b]`): the keys of the merged mappings that the
/// mapping does not set itself, the first mapping listed winning, as YAML 1.1 merges them.
fn merge<E: de::Error>(out: &mut Map<String, Value>, merged: Value) -> Result<(), E> {
    let mappings = match merged {
        Value::Object(map) => vec![map],
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(map) => Ok(map),
                _ => Err(E::custom("a merge key (`<<`) lists something that is not a mapping")),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(E::custom("a merge key (`<<`) takes a mapping or a list of mappings")),
    };
    for map in mappings {
        for (key, value) in map {
            out.entry(key).or_insert(value);
        }
    }
    Ok(())
}

/// A mapping key: scalars become their text.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar key")
    }
    fn visit_bool<E>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }
    fn visit_i64<E>(self, n: i64) -> Result<String, E> {
        Ok(n.to_string())
    }
    fn visit_u64<E>(self, n: u64) -> Result<String, E> {
        Ok(n.to_string())
    }
    fn visit_f64<E>(self, n: f64) -> Result<String, E> {
        Ok(serde_yaml::Number::from(n).to_string())
    }
    fn visit_str<E>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
    fn visit_string<E>(self, s: String) -> Result<String, E> {
        Ok(s)
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{read, ReadError};
    use serde_json::json;

    fn tree(text: &str) -> serde_json::Value {
        match read(text) {
            Ok(value) => value,
            Err(ReadError::Syntax(err)) => panic!("{text}: {err}"),
            Err(ReadError::TooLarge { .. }) => panic!("{text}: too large"),
        }
    }

    #[test]
    fn reads_scalars_keys_tags_and_merges_as_json() {
        assert_eq!(tree("a: 1\n200: x\ntrue: y\n~: z\n1.5: w\n"), json!({"a": 1, "200": "x", "true": "y", "null": "z", "1.5": "w"}));
        assert_eq!(tree("a: !tag 1\nb: !!str 2\nc: [1, .inf, .nan]\n"), json!({"a": 1, "b": "2", "c": [1, null, null]}));
        assert_eq!(tree("a: &x {b: 1}\nc: *x\n"), json!({"a": {"b": 1}, "c": {"b": 1}}));
        assert_eq!(
            tree("a: &a {k: 1, l: 2}\nb: &b {k: 3, m: 4}\nc:\n  <<: [*a, *b]\n  l: 5\nd: {<<: *b}\n"),
            json!({"a": {"k": 1, "l": 2}, "b": {"k": 3, "m": 4}, "c": {"k": 1, "l": 5, "m": 4}, "d": {"k": 3, "m": 4}})
        );
        for refused in ["a: 1\na: 2\n", "a: {<<: 1}\n", "a: {<<: [1]}\n", "[a]: 1\n", "a: [\n", "a: 1\n---\nb: 2\n"] {
            assert!(matches!(read(refused), Err(ReadError::Syntax(_))), "{refused}");
        }
    }

    #[test]
    fn bounds_what_aliases_expand_to() {
        // One anchor of 2,000 nodes aliased 4,000 times: 8 million nodes from 20 KB.
        let text = format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 2000].join(","), vec!["*a"; 4000].join(","));
        match read(&text) {
            Err(ReadError::TooLarge { limit, line }) => {
                assert_eq!(limit, super::max_nodes(text.len()));
                assert!(line.is_some());
            }
            _ => panic!("an alias bomb was read"),
        }
        // Nested aliases reach `serde_yaml`'s limit on following them first: located at the first alias.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
        }
        assert!(matches!(read(&text), Err(ReadError::TooLarge { line: Some((2, 10)), .. })));
    }
}
