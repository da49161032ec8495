//! Naming: takes the model, gives every type, field, variant, operation and parameter a Rust identifier.
//!
//! Rules: heck's case conversions over ASCII words; a leading digit gets an `N`/`n` prefix;
//! keywords get a `_` suffix; a name that is taken tries the other names of its place
//! (`types`, `values`, `methods`) and only then gets a number suffix (`2`, `3`, ...) in
//! model order, with schema-named types served before inline ones so their names never move. Each kind of
//! name is claimed in a [`Scope`] that already holds what the generated code or Rust uses there
//! (`reserved`): the prelude and runtime types for types, `Client`'s methods for the group
//! accessors, trait methods for operations, the bodies' locals for parameters.

mod methods;
mod reserved;
mod types;
mod values;

use std::collections::{BTreeSet, HashSet};

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

use crate::model::{Api, FeatureKind, TypeKind};
pub use reserved::OPERATION_LOCALS;
use reserved::{
    CLIENT_METHODS, CONSTRUCTOR_NAMES, CRATE_MODULES, GENERATED_CODE_TYPES, KEYWORDS, PRELUDE, RUNTIME_TYPES, TRAIT_METHODS,
};

/// Keeps ASCII letters and digits, turning everything else into word breaks.
fn ascii_words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// The words in UpperCamelCase, joined, e.g. `["createContact", "Request"]` -> `CreateContactRequest`.
fn camel_words(words: &[String]) -> String {
    words.iter().map(|w| ascii_words(w).to_upper_camel_case()).collect()
}

/// An UpperCamelCase identifier from several words, e.g. `["createContact", "Request"]` -> `CreateContactRequest`.
pub fn type_name(words: &[String], fallback: &str) -> String {
    let joined = camel_words(words);
    let mut name = if joined.is_empty() { fallback.to_owned() } else { joined };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A snake_case identifier, e.g. `fooBar` -> `foo_bar`, `type` -> `type_`.
pub fn snake_name(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Hands out names, numbering the ones already taken.
#[derive(Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope::reserving(&[reserved])
    }

    /// A scope where every name of these lists is taken already.
    pub fn reserving(lists: &[&[&str]]) -> Self {
        Scope { taken: lists.iter().flat_map(|list| list.iter()).map(|s| (*s).to_owned()).collect() }
    }

    /// Whether `name` would be handed out as it is.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// The first of `candidates` not taken yet; when all are, the first one numbered.
    pub fn claim_first(&mut self, candidates: &[String]) -> String {
        match candidates.iter().find(|candidate| self.is_free(candidate)) {
            Some(free) => self.claim(free.clone()),
            None => self.claim(candidates.first().cloned().unwrap_or_default()),
        }
    }

    pub fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let separator = if wanted.contains('_') || wanted.starts_with(|c: char| c.is_ascii_lowercase()) { "_" } else { "" };
        // A keyword's `_` suffix gives way to the number: `self_2`, `Self2` (not `self__2`, `Self__2`).
        let trimmed = wanted.trim_end_matches('_');
        let (base, separator) = if !trimmed.is_empty() && trimmed.len() < wanted.len() {
            (trimmed, if trimmed.starts_with(|c: char| c.is_ascii_uppercase()) { "" } else { "_" })
        } else {
            (wanted.as_str(), separator)
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

/// The catch-all variant of enums, unions and topics.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The cargo feature that turns every other generated feature on (and is the default).
pub const FULL_FEATURE: &str = "full";
/// The cargo feature of the webhooks.
pub const WEBHOOKS_FEATURE: &str = "webhooks";
/// The cargo feature of the schemas no operation and no webhook uses.
pub const UNREFERENCED_FEATURE: &str = "unreferenced-schemas";

/// A cargo feature name for a resource group: kebab-case ASCII words, e.g. `Help Center` -> `help-center`.
pub fn feature_name(tag: &str) -> String {
    let name = ascii_words(tag).to_kebab_case();
    if name.is_empty() {
        "group".to_owned()
    } else {
        name
    }
}

/// Fills every `rust_name` of the model.
pub fn assign(api: &mut Api) {
    // Types and the operation module's structs (groups, parameters) live beside the prelude, the
    // names the generated modules use unqualified and the runtime's.
    let type_scope = || Scope::reserving(&[KEYWORDS, PRELUDE, GENERATED_CODE_TYPES, RUNTIME_TYPES, CONSTRUCTOR_NAMES]);
    let mut types = type_scope();
    types::assign(&mut api.types, &mut types);

    let type_names: Vec<String> = api.types.iter().map(|def| def.rust_name.clone()).collect();
    for def in &mut api.types {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                // The flattened map of extra keys is `additional_properties`: a property of that name gives way.
                let mut fields = match s.additional {
                    Some(_) => Scope::with_reserved(&["additional_properties"]),
                    None => Scope::default(),
                };
                for field in &mut s.fields {
                    field.rust_name = fields.claim(snake_name(&field.wire_name, "field"));
                }
            }
            TypeKind::Enum(e) => {
                let mut variants = Scope::with_reserved(&[UNKNOWN_VARIANT]);
                for value in &mut e.values {
                    value.rust_name = variants.claim_first(&values::candidates(&value.value));
                }
            }
            TypeKind::Union(u) => {
                let mut candidates: Vec<Vec<String>> = u.variants.iter().map(|v| types::variant_candidates(v, &type_names)).collect();
                // Variants that would share a name all take their next one (`StringList`, `IntegerList`), not only the later.
                let firsts: Vec<String> = candidates.iter().map(|c| c[0].clone()).collect();
                for list in &mut candidates {
                    if list.len() > 1 && firsts.iter().filter(|first| **first == list[0]).count() > 1 {
                        list.swap(0, 1);
                    }
                }
                let mut variants = Scope::with_reserved(&[UNKNOWN_VARIANT]);
                for (variant, candidates) in u.variants.iter_mut().zip(&candidates) {
                    variant.rust_name = variants.claim_first(candidates);
                }
            }
            TypeKind::Alias(_) => {}
        }
    }

    // Operations: grouped by tag; `listContacts` in `Contacts` becomes `list`.
    let mut group_names = type_scope();
    // The accessors are methods of the runtime's `Client`.
    let mut accessors = Scope::reserving(&[KEYWORDS, CLIENT_METHODS, TRAIT_METHODS, CRATE_MODULES]);
    let mut groups: Vec<(String, String, String)> = Vec::new();
    let mut tags: Vec<String> = api.operations.iter().map(|o| o.tag.clone()).collect();
    tags.sort();
    tags.dedup();
    for tag in &tags {
        groups.push((
            tag.clone(),
            {
                let name = type_name(std::slice::from_ref(tag), "Group");
                let grouped = format!("{}Group", name.trim_end_matches('_'));
                group_names.claim_first(&[name, grouped])
            },
            accessors.claim(snake_name(tag, "group")),
        ));
    }
    for tag in &tags {
        let nouns = methods::group_nouns(&snake_name(tag, "group"));
        // `new` and the trait methods would hide or be taken for a trait's; `client` is the field.
        let mut methods = Scope::reserving(&[KEYWORDS, TRAIT_METHODS, &["new", "client"]]);
        let fulls: Vec<String> = api.operations.iter().filter(|o| &o.tag == tag).map(|o| snake_name(&o.id, "call")).collect();
        let shorts: Vec<Option<String>> = fulls
            .iter()
            .map(|full| methods::without_group_noun(full, &nouns))
            // A short name must still be an identifier of its own: no keyword, no leading digit.
            .map(|short| short.filter(|s| snake_name(s, "call") == *s && methods.is_free(s)))
            .collect();
        // A short name two operations would share, or another's full name, helps neither: both keep theirs.
        let wanted: Vec<String> = fulls
            .iter()
            .zip(&shorts)
            .enumerate()
            .map(|(i, (full, short))| match short {
                Some(short) => {
                    let shared = shorts.iter().enumerate().any(|(j, other)| j != i && other.as_ref() == Some(short))
                        || fulls.iter().enumerate().any(|(j, other)| j != i && other == short);
                    if shared { full.clone() } else { short.clone() }
                }
                None => full.clone(),
            })
            .collect();
        for (op, wanted) in api.operations.iter_mut().filter(|o| &o.tag == tag).zip(wanted) {
            op.rust_name = methods.claim(wanted);
        }
        // After every operation's own name, so a stream never moves one.
        for op in api.operations.iter_mut().filter(|o| &o.tag == tag && o.pagination.is_some()) {
            // `type_` (a keyword escaped) streams as `type_stream`, not `type__stream`.
            op.stream_rust_name = methods.claim(format!("{}_stream", op.rust_name.trim_end_matches('_')));
        }
    }
    for op in &mut api.operations {
        if let Some((_, group, accessor)) = groups.iter().find(|(tag, _, _)| tag == &op.tag) {
            op.group_rust_name = group.clone();
            op.group_accessor = accessor.clone();
        }
        op.params_rust_name = group_names.claim(type_name(&[op.id.clone(), "Params".to_owned()], "Params"));
        // Arguments share the function body with its locals.
        let mut args = Scope::reserving(&[KEYWORDS, OPERATION_LOCALS]);
        for param in op.path_params.iter_mut() {
            param.rust_name = args.claim(snake_name(&param.name, "param"));
        }
        let mut fields = Scope::default();
        for param in op.query_params.iter_mut().chain(op.header_params.iter_mut()) {
            param.rust_name = fields.claim(snake_name(&param.name, "param"));
        }
    }

    // Features: the fixed ones keep their names; a group that would clash is numbered (`webhooks-2`).
    let mut features: BTreeSet<String> =
        ["default", FULL_FEATURE, WEBHOOKS_FEATURE, UNREFERENCED_FEATURE].into_iter().map(str::to_owned).collect();
    for feature in &mut api.features {
        feature.name = match &feature.kind {
            FeatureKind::Webhooks => WEBHOOKS_FEATURE.to_owned(),
            FeatureKind::Unreferenced => UNREFERENCED_FEATURE.to_owned(),
            FeatureKind::Group(tag) => {
                let wanted = feature_name(tag);
                (1..)
                    .map(|n| if n == 1 { wanted.clone() } else { format!("{wanted}-{n}") })
                    .find(|candidate| features.insert(candidate.clone()))
                    .unwrap_or(wanted)
            }
        };
    }

    if let Some(webhooks) = &mut api.webhooks {
        let mut topics = Scope::with_reserved(&[UNKNOWN_VARIANT]);
        for topic in &mut webhooks.topics {
            topic.rust_name = topics.claim(type_name(std::slice::from_ref(&topic.topic), "Topic"));
        }
        // A channel's enum lives in the webhooks module, beside the items it always has.
        let mut channels = Scope::with_reserved(&["Topic", "WebhookEvent", "Notification"]);
        for channel in &mut webhooks.channels {
            channel.rust_name = channels.claim(type_name(&[channel.name.clone(), "Message".to_owned()], "Message"));
            let mut variants = Scope::with_reserved(&[UNKNOWN_VARIANT]);
            for message in &mut channel.messages {
                message.rust_name = variants.claim(type_name(&message.names[..1], "Message"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake_name("type", "f"), "type_");
        assert_eq!(snake_name("fooBar", "f"), "foo_bar");
        assert_eq!(snake_name("2fa", "f"), "n2fa");
        assert_eq!(snake_name("café-au/lait", "f"), "caf_au_lait");
        assert_eq!(snake_name("日本", "field"), "field");
        assert_eq!(type_name(&["contact.user.created".into()], "T"), "ContactUserCreated");
        assert_eq!(type_name(&["self".into()], "T"), "Self_");
        let mut scope = Scope::default();
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar");
        assert_eq!(scope.claim("foo_bar".into()), "foo_bar_2");
        assert_eq!(feature_name("Help Center"), "help-center");
        assert_eq!(feature_name("dataAttributes"), "data-attributes");
        assert_eq!(feature_name("Unstable/AI content"), "unstable-ai-content");
        assert_eq!(feature_name("日本"), "group");
    }

    #[test]
    fn feature_names_never_clash() {
        use crate::model::Feature;
        let group = |tag: &str| Feature { kind: FeatureKind::Group(tag.to_owned()), types: Default::default(), name: String::new() };
        let mut api = Api {
            features: vec![
                group("Contacts"),
                group("contacts"),
                group("Webhooks"),
                group("full"),
                Feature { kind: FeatureKind::Webhooks, types: Default::default(), name: String::new() },
                Feature { kind: FeatureKind::Unreferenced, types: Default::default(), name: String::new() },
            ],
            ..Api::default()
        };
        assign(&mut api);
        let names: Vec<&str> = api.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["contacts", "contacts-2", "webhooks-2", "full-2", "webhooks", "unreferenced-schemas"]);
    }
}
