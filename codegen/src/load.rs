//! Load: takes a file path, gives its parsed document (a JSON tree) with enough of the source kept to locate errors.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Error, ErrorKind, Location};

mod lines;
mod pieces;
mod structure;
mod yaml;

pub use lines::find_line;
pub use structure::check_openapi;

/// The largest file read, as a root description or through a `$ref`.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// One parsed input file.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    pub value: Value,
    /// Filled on first use by [`Source::locate`].
    lines: lines::LineCache,
}

/// Which specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenApi30,
    AsyncApi2,
    AsyncApi3,
}

/// Reads and parses a YAML or JSON file: a regular file (not a device, a FIFO or a folder) of at
/// most [`MAX_FILE_BYTES`].
pub fn load_file(path: &Path) -> Result<Source, Error> {
    parse(path, read_text(path)?)
}

fn read_text(path: &Path) -> Result<String, Error> {
    let fail = |message: String| Error::at(ErrorKind::Io, Location::new(path, ""), message);
    let cannot = |err: std::io::Error| fail(format!("cannot read the file: {err}"));
    // Looked at before opening: opening a FIFO waits for a writer, reading a device may never end.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    let regular = |metadata: &std::fs::Metadata| {
        if metadata.is_file() {
            return Ok(());
        }
        let kind = if metadata.is_dir() { "a folder" } else { "a device, FIFO or socket" };
        Err(fail(format!("cannot read the file: it is {kind}, not a regular file")))
    };
    regular(&metadata)?;
    let too_large = || fail(format!("cannot read the file: it is larger than {} MiB", MAX_FILE_BYTES >> 20));
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // The path may name another file by now: check the one opened, and read no more than the limit.
    regular(&file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|err| fail(format!("cannot read the file: not UTF-8 text ({err})")))
}

/// Parses YAML (JSON is a subset) into a JSON tree; map keys that are numbers or booleans become
/// strings, merge keys are applied, a UTF-8 byte order mark is skipped.
pub fn parse(path: &Path, mut text: String) -> Result<Source, Error> {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if let Some(line) = flow_too_deep(&text, MAX_FLOW_DEPTH) {
        return Err(Error::at(
            ErrorKind::Syntax,
            Source::at_line(path, Some(line)),
            format!("not valid YAML or JSON: brackets nest more than {MAX_FLOW_DEPTH} levels deep here"),
        ));
    }
    let value = match yaml::read(&text) {
        Ok(value) => value,
        Err(yaml::ReadError::TooLarge { limit, line }) => {
            return Err(Error::at(
                ErrorKind::Syntax,
                Source::at_line(path, line),
                format!(
                    "YAML aliases here expand the document past {limit} nodes (the limit for {} bytes of text) \
                     or are followed too often: refusing what looks like an alias bomb",
                    text.len()
                ),
            ));
        }
        Err(yaml::ReadError::Syntax(err)) => match json_only(&text) {
            // JSON that is not YAML: keys longer than the 1024 characters YAML allows a key.
            Some(value) => value,
            None => {
                let line = err.location().map(|l| (l.line(), l.column()));
                return Err(Error::at(ErrorKind::Syntax, Source::at_line(path, line), format!("not valid YAML or JSON: {err}")));
            }
        },
    };
    if !value.is_object() {
        return Err(Error::at(ErrorKind::InvalidDocument, Location::new(path, ""), "the document is not a mapping at its top level"));
    }
    Ok(Source { path: path.to_path_buf(), text, value, lines: lines::LineCache::default() })
}

/// The document read as JSON, when it is an object in JSON that the YAML reader refused.
fn json_only(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// The YAML reader refuses documents nested deeper than this anyway, but only after scanning all
/// of the text, in time that grows with the square of the depth of `[`/`{` brackets: a few hundred
/// kilobytes of brackets would take minutes. [`flow_too_deep`] refuses them first, in linear time.
pub(crate) const MAX_FLOW_DEPTH: usize = 128;

/// Where (1-based line and column) YAML flow collections (`[..]`, `{..}`, as in JSON) first nest
/// deeper than `limit`. Quoted scalars, comments and block scalars are skipped; a bracket in the
/// middle of a plain block scalar (`title: a [b`) opens nothing. Errs towards counting too few.
pub(crate) fn flow_too_deep(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    // Skipping a block scalar: lines indented deeper than this belong to it.
    let mut block_scalar: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        // Most lines hold nothing that could open or close anything.
        let plain = depth == 0 && quote.is_none() && !line.bytes().any(|b| matches!(b, b'[' | b'{' | b'"' | b'\'' | b'|' | b'>'));
        if plain && block_scalar.is_none() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(owner) = block_scalar {
            if line.trim().is_empty() || indent > owner {
                continue;
            }
            block_scalar = None;
        }
        if plain {
            continue;
        }
        // Whether a value may start here: at the start of the line, after `- `, `: ` or `? `, and in
        // a flow collection after `[`, `{` or `,`. Elsewhere a bracket is part of a plain scalar.
        let mut value_start = true;
        let mut chars = line.char_indices().peekable();
        while let Some((column, c)) = chars.next() {
            if let Some(q) = quote {
                match c {
                    '\\' if q == '"' => {
                        chars.next();
                    }
                    '\'' if q == '\'' && chars.peek().map(|&(_, n)| n) == Some('\'') => {
                        chars.next();
                    }
                    _ if c == q => {
                        quote = None;
                        value_start = false;
                    }
                    _ => {}
                }
                continue;
            }
            let spaced = chars.peek().is_none_or(|&(_, n)| n == ' ' || n == '\t');
            match c {
                ' ' | '\t' => continue,
                '#' if column == 0 || line[..column].ends_with([' ', '\t']) => break,
                '"' | '\'' if value_start => quote = Some(c),
                '[' | '{' if depth > 0 || value_start => {
                    depth += 1;
                    if depth > limit {
                        return Some((index + 1, line[..column].chars().count() + 1));
                    }
                    value_start = true;
                    continue;
                }
                ']' | '}' if depth > 0 => depth -= 1,
                ',' if depth > 0 => {
                    value_start = true;
                    continue;
                }
                '-' | '?' if value_start && spaced => continue,
                ':' if spaced || depth > 0 => {
                    value_start = true;
                    continue;
                }
                '|' | '>' if depth == 0 && value_start => {
                    // A block scalar when only its indicators (`|-`, `>+2`) and a comment follow.
                    let rest = line[column + 1..].trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
                    let rest = rest.trim_start();
                    if rest.is_empty() || rest.starts_with('#') {
                        block_scalar = Some(indent);
                        break;
                    }
                }
                _ => {}
            }
            value_start = false;
        }
    }
    None
}

impl Source {
    /// Which specification and version the document declares.
    pub fn format(&self) -> Result<Format, Error> {
        let field = |name: &str| self.value.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if let Some(version) = field("openapi") {
            if version.starts_with("3.0") {
                return Ok(Format::OpenApi30);
            }
            return Err(Error::at(
                ErrorKind::UnsupportedVersion,
                self.locate("/openapi"),
                format!("OpenAPI {version} is not supported; this generator reads OpenAPI 3.0.x"),
            ));
        }
        if let Some(version) = field("swagger") {
            return Err(Error::at(
                ErrorKind::UnsupportedVersion,
                self.locate("/swagger"),
                format!("Swagger/OpenAPI {version} is not supported; convert the description to OpenAPI 3.0 first"),
            ));
        }
        if let Some(version) = field("asyncapi") {
            if version.starts_with("2.") {
                return Ok(Format::AsyncApi2);
            }
            if version.starts_with("3.") {
                return Ok(Format::AsyncApi3);
            }
            return Err(Error::at(
                ErrorKind::UnsupportedVersion,
                self.locate("/asyncapi"),
                format!("AsyncAPI {version} is not supported; this generator reads AsyncAPI 2.x and 3.x"),
            ));
        }
        Err(Error::at(
            ErrorKind::InvalidDocument,
            self.locate(""),
            "neither an `openapi` nor an `asyncapi` version field: not an API description",
        ))
    }

    /// The node at a JSON pointer, if any.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// Builds the line index [`Source::locate`] uses, if it is not built yet: a thread with time
    /// to spare can take that off the first warning's path.
    pub fn index_lines(&self) {
        self.lines.index(&self.text);
    }

    /// A location for a JSON pointer, with the line where the text allows finding it.
    pub fn locate(&self, pointer: &str) -> Location {
        Location { file: self.path.clone(), pointer: pointer.to_owned(), line: self.lines.find(&self.text, pointer) }
    }

    /// A location for a line and column of the text, with no pointer.
    fn at_line(path: &Path, line: Option<(usize, usize)>) -> Location {
        let mut location = Location::new(path, "");
        location.line = line;
        location
    }
}


/// Every YAML and JSON file of the test fixtures and of `specs/`, and Intercom's published
/// descriptions when they are beside the checkout (always in CI).
#[cfg(test)]
fn every_description() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![manifest.join("tests/fixtures"), manifest.join("../specs")];
    let published = manifest.join("../../shared/specs");
    if published.is_dir() {
        stack.push(published);
    }
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
                files.push(path);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::{every_description, flow_too_deep};
    use serde_json::Value;

    /// The tree as `serde_yaml::Value` gives it, merge keys applied: what the reader must give.
    fn reference_tree(text: &str) -> Value {
        fn convert(yaml: serde_yaml::Value) -> Value {
            use serde_yaml::Value as Y;
            match yaml {
                Y::Null => Value::Null,
                Y::Bool(b) => Value::Bool(b),
                Y::Number(n) => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => Value::from(i),
                    (_, Some(u)) => Value::from(u),
                    _ => n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number),
                },
                Y::String(s) => Value::String(s),
                Y::Sequence(items) => Value::Array(items.into_iter().map(convert).collect()),
                Y::Mapping(map) => Value::Object(
                    map.into_iter()
                        .map(|(key, value)| {
                            let key = match key {
                                Y::String(s) => s,
                                Y::Number(n) => n.to_string(),
                                Y::Bool(b) => b.to_string(),
                                Y::Null => "null".to_owned(),
                                other => panic!("a key that is not a scalar: {other:?}"),
                            };
                            (key, convert(value))
                        })
                        .collect(),
                ),
                Y::Tagged(tagged) => convert(tagged.value),
            }
        }
        let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        yaml.apply_merge().unwrap();
        convert(yaml)
    }

    /// The one reader gives exactly the tree `serde_yaml::Value` gives, on every description at hand.
    #[test]
    fn reader_agrees_with_serde_yaml_values() {
        let files = every_description();
        let mut read = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            let Ok(ours) = super::parse(path, text.clone()) else { continue };
            if serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
                continue; // JSON with keys YAML refuses.
            }
            read += 1;
            assert_eq!(ours.value, reference_tree(&text), "{}", path.display());
        }
        assert!(read > 20, "only {read} of {} files read", files.len());
    }

    #[test]
    fn skips_a_byte_order_mark() {
        let text = "\u{feff}openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n".to_owned();
        let source = super::parse(std::path::Path::new("bom.yaml"), text).expect("a BOM is not content");
        assert_eq!(source.value["openapi"], "3.0.3");
        assert_eq!(source.locate("/paths").line, Some((3, 1)));
    }

    #[test]
    fn counts_only_brackets_that_open_collections() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(flow_too_deep(&format!("{{\"a\": {}}}", deep(200)), 128), Some((1, 134)));
        assert_eq!(flow_too_deep(&format!("a:\n  b: {}\n", deep(129)), 128), Some((2, 134)));
        assert_eq!(flow_too_deep(&format!("a: {}\n", deep(128)), 128), None);
        // Brackets in scalars, comments and block scalars open nothing.
        let text = format!(
            "a: text [{open}\nb: \"{open}\"\nc: '{open}''{open}'\n# {open}\nd: x # {open}\ne: |\n  {open}\n  more {open}\nf: >-\n  {open}\ng: [\"{open}\", '{open}']\nh: foo-{open}\ni: a, {open}\nj: 10:30{open}\n",
            open = "[".repeat(200)
        );
        assert_eq!(flow_too_deep(&text, 128), None);
    }
}
