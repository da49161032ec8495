//! Diagnostics: located errors and warnings shared by every stage.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input document something was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, as given to the generator.
    pub file: PathBuf,
    /// JSON pointer into the document (`""` for the whole document).
    pub pointer: String,
    /// 1-based line and column, when they could be found in the source text.
    pub line: Option<(usize, usize)>,
}

impl Location {
    pub fn new(file: &Path, pointer: impl Into<String>) -> Self {
        Location { file: file.to_path_buf(), pointer: pointer.into(), line: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.line {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " (at #{})", self.pointer)?;
        }
        Ok(())
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Appends one reference token to a JSON pointer in place, escaping `~` and `/`.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        for c in token.chars() {
            match c {
                '~' => pointer.push_str("~0"),
                '/' => pointer.push_str("~1"),
                c => pointer.push(c),
            }
        }
    } else {
        pointer.push_str(token);
    }
}

/// The value a JSON pointer names, as `serde_json::Value::pointer` finds it, without allocating
/// for tokens that need no unescaping (the model looks up thousands of pointers).
pub fn pointer_get<'v>(value: &'v serde_json::Value, pointer: &str) -> Option<&'v serde_json::Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut target = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        target = if token.contains('~') {
            token_get(target, &token.replace("~1", "/").replace("~0", "~"))?
        } else {
            token_get(target, token)?
        };
    }
    Some(target)
}

/// The child one unescaped reference token names: a key of an object, or an index of an array.
pub fn token_get<'v>(value: &'v serde_json::Value, token: &str) -> Option<&'v serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::Object(map) => map.get(token),
        // As serde_json: no sign, no leading zero.
        Value::Array(items) if !token.starts_with('+') && (token == "0" || !token.starts_with('0')) => {
            items.get(token.parse::<usize>().ok()?)
        }
        _ => None,
    }
}

/// Splits a JSON pointer into its unescaped reference tokens.
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// What went wrong, as a kind a caller can match on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The text is not valid YAML or JSON.
    Syntax,
    /// The document is not an OpenAPI/AsyncAPI version this generator reads.
    UnsupportedVersion,
    /// The document does not have the shape its specification requires.
    InvalidDocument,
    /// A `$ref` points into a file that cannot be loaded.
    MissingFile,
    /// Two operations share an operationId, or another name clash that cannot be resolved.
    Conflict,
    /// The description nests deeper than the generator follows (see `model::MAX_DEPTH`).
    TooDeep,
    /// A warning promoted to an error by `--strict`.
    Strict,
    /// Writing the output failed.
    Write,
}

/// A located, fatal problem: generation stops and nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub location: Option<Location>,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, location: Option<Location>, message: impl Into<String>) -> Self {
        Error { kind, location, message: message.into() }
    }

    pub fn at(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        Error::new(kind, Some(location), message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "error: {location}: {}", self.message),
            None => write!(f, "error: {}", self.message),
        }
    }
}

impl std::error::Error for Error {}

/// A located, recoverable problem: generation goes on with a sound fallback.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Collects warnings; under `strict` the first one becomes an error.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub strict: bool,
    pub warnings: Vec<Warning>,
}

impl Diagnostics {
    pub fn new(strict: bool) -> Self {
        Diagnostics { strict, warnings: Vec::new() }
    }

    /// Records a warning, or fails when strict.
    pub fn warn(&mut self, location: Location, message: impl Into<String>) -> Result<(), Error> {
        let message = message.into();
        if self.strict {
            return Err(Error::at(ErrorKind::Strict, location, format!("{message} (a warning, denied by --strict)")));
        }
        self.warnings.push(Warning { location, message });
        Ok(())
    }
}

#[cfg(test)]
mod pointer_tests {
    use super::{pointer_get, pointer_push};

    #[test]
    fn pointer_get_finds_what_serde_json_finds() {
        let value = serde_json::json!({
            "a/b": {"c~d": [1, {"": 2}]},
            "list": [10, 20, 30],
            "": {"x": true},
        });
        let pointers = [
            "", "/a~1b", "/a~1b/c~0d", "/a~1b/c~0d/1/", "/a~1b/c~0d/0", "/list/2", "/list/02", "/list/+1", "/list/3",
            "/list/-1", "/", "//x", "/missing", "no-slash", "/list/1/deeper", "/a~1b/c~0d/1/~", "/~01",
        ];
        for pointer in pointers {
            assert_eq!(pointer_get(&value, pointer), value.pointer(pointer), "{pointer}");
        }
        assert_eq!(pointer_push("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(pointer_get(&value, &pointer_push("", "a/b")), value.get("a/b"));
    }
}
