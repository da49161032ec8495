//! Names for everything a description names: hostile ones (keywords, prelude and runtime names,
//! case collisions, unicode, digits first, empty-ish) when the `names` family is on, plain ones otherwise.

use std::collections::BTreeSet;

use super::rng::Rng;

/// Rust keywords, strict and reserved, and the 2018+ ones.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union", "raw",
];

/// Names of Rust's prelude and of std items generated code is likely to spell unqualified.
const PRELUDE: &[&str] = &[
    "Option", "Result", "Default", "From", "Into", "Box", "String", "Vec", "Some", "None", "Ok", "Err", "Send", "Sync",
    "Copy", "Clone", "Drop", "Fn", "FnMut", "Iterator", "ToString", "ToOwned", "PartialEq", "Eq", "Debug", "Display",
    "Serialize", "Deserialize", "HashMap", "BTreeMap", "Value", "Sized", "Unpin", "AsRef", "str", "bool", "u8", "i64",
    "f64", "usize", "std", "core", "alloc", "serde", "serde_json", "Future", "Stream", "Bytes", "Duration",
];

/// Names the client runtime and the generated bodies use.
const RUNTIME: &[&str] = &[
    "Client", "ClientBuilder", "builder", "build", "request", "Error", "Region", "RequestOptions", "with_options",
    "Timestamp", "types", "operations", "generated", "webhook", "webhooks", "params", "body", "path", "query", "response",
    "client", "url", "headers", "stream", "send", "execute", "new", "base_url", "access_token", "version", "page",
    "pages", "next", "data", "per_page", "starting_after", "Unknown", "unknown", "other", "Other", "raw", "value",
    "inner", "into_stream", "form", "multipart", "file", "bytes", "text", "json", "method", "status", "options",
    "ErrorItem", "ErrorList", "ApiError", "Notification", "Response", "ResponseCapture", "Style", "Styles",
];

/// Groups of names that are one after case conversion.
const COLLIDING: &[&[&str]] = &[
    &["fooBar", "foo_bar", "FooBar", "foo-bar", "FOO_BAR", "foo bar", "Foo.Bar"],
    &["id", "ID", "Id", "_id", "id_"],
    &["userId", "user_id", "UserID", "user-id", "USER_ID"],
    &["type", "Type", "TYPE", "r#type", "type_"],
    &["item", "items", "Item", "ITEMS"],
    &["a1", "a_1", "A1", "a-1"],
];

/// Unicode, digits first and empty-ish names.
const ODD: &[&str] = &[
    "café", "naïve", "日本語", "Ωmega", "straße", "emoji😀", "1st", "2fa", "404", "3d_model", "_", "__", "-", "$", "@type",
    "a.b", "x-y-z", "with space", "tab\tname", "+1", "-1", "#hash", "%percent", "'quote", "ünïcödé_ñame",
];

/// What a name is for: each slot has its own rules of what OpenAPI allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A key of `components/schemas`: `^[a-zA-Z0-9.\-_]+$`.
    Schema,
    /// A property of an object schema: any string.
    Property,
    /// An operationId or a tag: any string.
    Operation,
    /// A path parameter: inside `{}` of the template, so no `{`, `}` or `/`.
    PathParam,
    /// A query or cookie parameter.
    QueryParam,
    /// A header: an HTTP token.
    Header,
}

/// Hands out names unique within one scope (one object, one operation's parameters, the whole description).
#[derive(Default)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// Marks `name` taken (a name the description needs, such as `pages`).
    pub fn claim(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// A fresh name for `slot`; hostile when `hostile`, else `plain_N`.
    pub fn name(&mut self, rng: &mut Rng, slot: Slot, hostile: bool, plain: &str) -> String {
        if hostile && !rng.chance(0.2) {
            for _ in 0..8 {
                let candidate = hostile_name(rng);
                if allowed(slot, &candidate) && self.used.insert(candidate.clone()) {
                    return candidate;
                }
            }
        }
        let mut n = self.used.len();
        loop {
            let candidate = format!("{plain}_{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

fn hostile_name(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => rng.pick(KEYWORDS).to_string(),
        1 => rng.pick(PRELUDE).to_string(),
        2 => rng.pick(RUNTIME).to_string(),
        3 => {
            let group = *rng.pick(COLLIDING);
            rng.pick(group).to_string()
        }
        _ => rng.pick(ODD).to_string(),
    }
}

fn allowed(slot: Slot, name: &str) -> bool {
    let schema_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    match slot {
        Slot::Schema => !name.is_empty() && name.chars().all(schema_char),
        Slot::PathParam => !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')),
        Slot::Header => {
            let lower = name.to_ascii_lowercase();
            // OpenAPI says these three are ignored as parameters: the generator must cope, but
            // they come from `special_header`, not from here.
            !name.is_empty() && name.chars().all(token_char) && !matches!(lower.as_str(), "accept" | "content-type" | "authorization")
        }
        Slot::QueryParam => !name.is_empty() && !name.contains(['\t', '[', ']']),
        Slot::Property | Slot::Operation => !name.contains('\t') || slot == Slot::Property,
    }
}

/// String enum values: symbols, values that collide after case conversion, the catch-all's name.
pub fn enum_values(rng: &mut Rng, hostile: bool) -> Vec<String> {
    const POOL: &[&str] = &[
        "+", "-", "*", "", " ", "a b", "1st", "2nd", "Unknown", "unknown", "snake_case", "SnakeCase", "snake-case",
        "SNAKE_CASE", "self", "Self", "type", "None", "Some", "é", "日本", ">=", "<", "=", "!", "null", "true", "0", "100%",
    ];
    let count = 1 + rng.below(5);
    let mut out: Vec<String> = Vec::new();
    for i in 0..count {
        let value = if hostile { rng.pick(POOL).to_string() } else { format!("value_{i}") };
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// A header parameter OpenAPI says a client ignores, or one a client sets on every request.
pub fn special_header(rng: &mut Rng) -> &'static str {
    const SPECIAL: &[&str] = &["Accept", "Content-Type", "Authorization", "Intercom-Version", "User-Agent"];
    SPECIAL[rng.below(SPECIAL.len())]
}
