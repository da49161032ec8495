//! The names generated items must not take: Rust's keywords and prelude, what the runtime and
//! the generated modules already define or import, and the locals of generated bodies.
//!
//! A test of this module reads the runtime's source, so a method added to `Client` or a module
//! added to the crate shows up here or fails the test.

/// Identifiers that cannot be fields, parameters or functions as they are: strict, reserved
/// and edition (2018-2024) keywords, and the weak ones generated code must not shadow.
pub const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Rust's prelude (edition 2021 and 2024: types, traits, variants and functions), the primitive
/// types, and the derive macros generated code names without a path.
pub const PRELUDE: &[&str] = &[
    "Copy", "Send", "Sized", "Sync", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "AsyncFn", "AsyncFnMut", "AsyncFnOnce",
    "drop", "Box", "ToOwned", "Clone", "PartialEq", "PartialOrd", "Eq", "Ord", "AsRef", "AsMut", "Into", "From",
    "Default", "Iterator", "Extend", "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator", "Option", "Some", "None",
    "Result", "Ok", "Err", "String", "ToString", "Vec", "TryFrom", "TryInto", "FromIterator", "Future", "IntoFuture",
    "Debug", "Hash", "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
    "u128", "usize", "f32", "f64",
];

/// Type names the generated modules use without a path (their imports, the generic parameters
/// and local types of generated impls), and the items the crate root re-exports beside `types`
/// (so a glob import of both is never ambiguous). Names used only with a path (`serde::de::Visitor`,
/// `webhooks::Notification`) need no place here.
pub const GENERATED_CODE_TYPES: &[&str] = &[
    "Call", "Client", "ClientBuilder", "Region", "RequestOptions", "Error", "Method", "Serialize",
    "Deserialize", "Timestamp", "FilePart", "Nullable", "Topic", "WebhookEvent", "Value", "Map", "BTreeMap", "Scalars", "D", "E",
];

/// Type names that clash with a method the generated code gives the type: a struct built with
/// `new(..)` must not be named `New` (clippy's `self_named_constructors`).
pub const CONSTRUCTOR_NAMES: &[&str] = &["New"];

/// Every public type, trait and re-exported item of the hand-written runtime (a test reads its
/// sources), and what the generated `webhooks` module defines beside the types (re-exported by
/// `webhook`): a generated type of the same name would read as the runtime's in a user's code.
pub const RUNTIME_TYPES: &[&str] = &[
    "ApiError", "Call", "Client", "ClientBuilder", "Error", "ErrorItem", "ErrorList", "FilePart", "Files",
    "Method", "Multipart", "Notification", "NotificationParts", "Nullable", "OperationRequest", "Page",
    "PageLink", "PageStream", "Paged", "Position", "RawRequest", "Region", "RequestOptions", "Response", "ResponseMeta",
    "StrVisitor", "Style", "Styles", "Timestamp", "Topic", "TrackedJson", "VerifiedNotification",
    "WebhookError", "WebhookEvent", "WebhookVerifier",
];

/// The crate's modules, and the generated ones (the crate root and `generated` hold them).
pub const CRATE_MODULES: &[&str] =
    &["client", "codec", "encoding", "error", "generated", "nullable", "pagination", "timestamp", "webhook", "operations", "types", "webhooks"];

/// Every method of the runtime's `Client`, public or not (an inherent method of the same name in
/// another `impl Client` would not compile, or would hide it).
pub const CLIENT_METHODS: &[&str] = &["new", "builder", "with_options", "base_url", "api_version", "ready", "request", "raw"];

/// Methods of the traits the generated structs implement or may (`Clone`, `Copy`, `Debug`,
/// `ToOwned`, `Into`, ...), and the ones clippy expects to implement a std trait
/// (`should_implement_trait`): a generated method of that name would hide one or be flagged.
pub const TRAIT_METHODS: &[&str] = &[
    "clone", "clone_from", "clone_into", "fmt", "to_owned", "to_string", "into", "try_into", "from", "try_from",
    "borrow", "borrow_mut", "type_id", "eq", "ne", "cmp", "partial_cmp", "lt", "le", "gt", "ge", "max", "min", "clamp",
    "hash", "default", "deref", "deref_mut", "drop", "as_ref", "as_mut", "into_iter", "next", "from_str", "from_iter",
    "add", "sub", "mul", "div", "rem", "neg", "not", "shl", "shr", "bitand", "bitor", "bitxor", "index", "index_mut",
];

/// The arguments and locals generated operation bodies bind besides the operation's own
/// parameters (emit's `operations` writes exactly these; its tests check it), and the names those
/// bodies call unqualified: a parameter named like one would shadow it.
pub const OPERATION_LOCALS: &[&str] = &[
    "self", "client", "params", "body", "options", "request", "response", "path", "group", "page", "next", "cursor",
    "link", "page_number", "encode_path_segment", "query", "headers", "url", "form", "parts",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's source, beside the generator in the workspace.
    fn runtime(file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src").join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The sources of the runtime's `client` module, every file of it.
    fn client_sources() -> String {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/client");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs"))
            .collect();
        files.sort();
        files.iter().map(|name| runtime(&format!("client/{name}"))).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn every_method_of_client_is_reserved() {
        let source = client_sources();
        let mut in_client = false;
        let mut found = Vec::new();
        for line in source.lines() {
            if line.starts_with("impl ") {
                in_client = line.trim_end() == "impl Client {";
            } else if line.starts_with('}') {
                in_client = false;
            }
            let trimmed = line.trim_start();
            if in_client && line.starts_with("    ") && !line.starts_with("     ") {
                let after = ["pub fn ", "pub(crate) fn ", "fn ", "pub async fn ", "async fn "].iter().find_map(|p| trimmed.strip_prefix(p));
                if let Some(rest) = after {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    found.push(name);
                }
            }
        }
        assert!(found.len() >= 5, "found too few methods of Client: {found:?}");
        for name in found {
            assert!(CLIENT_METHODS.contains(&name.as_str()), "`Client::{name}` is not in CLIENT_METHODS");
        }
    }

    /// The hand-written runtime's files: every `.rs` under `src/` but the generated code.
    fn runtime_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten().collect();
        entries.sort_by_key(|entry| entry.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "generated") {
                runtime_files(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_public_type_of_the_runtime_is_reserved() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src");
        let mut files = Vec::new();
        runtime_files(&root, &mut files);
        let mut found = Vec::new();
        for file in &files {
            let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for line in source.lines().map(str::trim_start) {
                let item = ["pub struct ", "pub enum ", "pub trait ", "pub type ", "pub union "].iter().find_map(|p| line.strip_prefix(p));
                if let Some(rest) = item {
                    found.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>());
                }
                if let Some(rest) = line.strip_prefix("pub use ") {
                    let names = rest.rsplit("::").next().unwrap_or_default();
                    for name in names.trim_matches(|c| matches!(c, '{' | '}' | ';')).split(',').map(str::trim) {
                        let name = name.rsplit(" as ").next().unwrap_or(name);
                        found.push(name.to_owned());
                    }
                }
            }
        }
        // Types only: functions, constants and modules live in another namespace than a type's name.
        found.retain(|name| name.starts_with(|c: char| c.is_ascii_uppercase()) && name.contains(|c: char| c.is_ascii_lowercase()));
        assert!(found.len() >= 10, "found too few public types in the runtime: {found:?}");
        for name in found {
            assert!(RUNTIME_TYPES.contains(&name.as_str()), "the runtime's public `{name}` is not in RUNTIME_TYPES");
        }
    }

    #[test]
    fn every_module_of_the_crate_is_reserved() {
        for line in runtime("lib.rs").lines() {
            if let Some(rest) = line.trim().strip_prefix("pub mod ") {
                let name = rest.trim_end_matches(';');
                assert!(CRATE_MODULES.contains(&name), "module `{name}` is not in CRATE_MODULES");
            }
            if let Some(rest) = line.trim().strip_prefix("pub use ") {
                let names = rest.rsplit("::").next().unwrap_or_default();
                for name in names.trim_matches(|c| matches!(c, '{' | '}' | ';')).split(',').map(str::trim) {
                    let known = GENERATED_CODE_TYPES.contains(&name) || CRATE_MODULES.contains(&name);
                    assert!(known, "re-exported `{name}` is not reserved");
                }
            }
        }
    }
}
