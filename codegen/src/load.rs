//! Load: takes a file path, gives its parsed document (a JSON tree) with enough of the source kept to locate errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use crate::diagnostics::{pointer_tokens, Error, ErrorKind, Location};

/// One parsed input file.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    pub value: Value,
    /// Filled on first use by [`Source::locate`].
    lines: LineCache,
}

/// Which specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenApi30,
    AsyncApi2,
    AsyncApi3,
}

/// Reads and parses a YAML or JSON file.
pub fn load_file(path: &Path) -> Result<Source, Error> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        Error::at(ErrorKind::Io, Location::new(path, ""), format!("cannot read the file: {err}"))
    })?;
    parse(path, text)
}

/// Parses YAML (JSON is a subset) into a JSON tree; map keys that are numbers or booleans become strings.
pub fn parse(path: &Path, text: String) -> Result<Source, Error> {
    // A large document is read in pieces on every core (each piece checked for deep brackets
    // first); the one-pass reader gives the same tree as the two-pass one below for nearly every
    // document, in half the time; anything unusual (merge keys, duplicate keys, errors) takes the
    // long way, which reports the errors.
    let value = match split::parse(&text) {
        Some(value) => value,
        None => {
            if let Some(line) = flow_too_deep(&text, MAX_FLOW_DEPTH) {
                let mut location = Location::new(path, "");
                location.line = Some(line);
                return Err(Error::at(
                    ErrorKind::Syntax,
                    location,
                    format!("not valid YAML or JSON: brackets nest more than {MAX_FLOW_DEPTH} levels deep here"),
                ));
            }
            match direct::parse(&text) {
                Some(value) => value,
                None => general_tree(path, &text)?,
            }
        }
    };
    if !value.is_object() {
        return Err(Error::at(ErrorKind::InvalidDocument, Location::new(path, ""), "the document is not a mapping at its top level"));
    }
    Ok(Source { path: path.to_path_buf(), text, value, lines: LineCache::default() })
}

/// The general reader: YAML to `serde_yaml::Value` (merge keys applied), then to a JSON tree.
fn general_tree(path: &Path, text: &str) -> Result<Value, Error> {
    Ok(match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(mut yaml) => {
            yaml.apply_merge().map_err(|err| {
                Error::at(ErrorKind::Syntax, Location::new(path, ""), format!("invalid YAML merge key: {err}"))
            })?;
            yaml_to_json(yaml).map_err(|message| Error::at(ErrorKind::Syntax, Location::new(path, ""), message))?
        }
        Err(err) => match json_only(text) {
            // JSON that is not YAML: keys longer than the 1024 characters YAML allows a key.
            Some(value) => value,
            None => {
                let mut location = Location::new(path, "");
                location.line = err.location().map(|l| (l.line(), l.column()));
                return Err(Error::at(ErrorKind::Syntax, location, format!("not valid YAML or JSON: {err}")));
            }
        },
    })
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

mod split;

/// Reads YAML straight into a JSON tree, without the `serde_yaml::Value` in between.
mod direct {
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
    use serde_json::{Map, Value};

    /// The tree, or `None` when the document needs the general reader: a merge key (`<<`), a
    /// duplicate key, a key that is not a scalar, nesting near YAML's limit, or any error (which
    /// the general reader reports).
    pub(super) fn parse(text: &str) -> Option<Value> {
        parse_at(text, 0)
    }

    /// Like [`parse`], for a piece of a document that `depth` collections enclose there.
    pub(super) fn parse_at(text: &str, depth: usize) -> Option<Value> {
        Tree { depth }.deserialize(serde_yaml::Deserializer::from_str(text)).ok()
    }

    /// The YAML reader refuses collections nested 128 deep. Pieces of a document start deeper
    /// than they read, so they stop a little before: whatever reads in pieces also reads whole.
    const MAX_DEPTH: usize = 120;

    /// Deserializes one node as a [`Value`], tags ignored, as `yaml_to_json` does; `depth`
    /// collections enclose it.
    #[derive(Clone, Copy)]
    struct Tree {
        depth: usize,
    }

    impl Tree {
        fn inner<E: de::Error>(self) -> Result<Tree, E> {
            if self.depth >= MAX_DEPTH {
                return Err(E::custom("nested too deep"));
            }
            Ok(Tree { depth: self.depth + 1 })
        }
    }

    impl<'de> DeserializeSeed<'de> for Tree {
        type Value = Value;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Tree {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a YAML node")
        }
        fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
            Ok(Value::Bool(b))
        }
        fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
            Ok(Value::from(n))
        }
        fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
            // NaN and infinities have no JSON form; null, as in `yaml_to_json`.
            Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, s: &str) -> Result<Value, E> {
            Ok(Value::String(s.to_owned()))
        }
        fn visit_string<E>(self, s: String) -> Result<Value, E> {
            Ok(Value::String(s))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let inner = self.inner()?;
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element_seed(inner)? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let inner = self.inner()?;
            let mut out = Map::new();
            while let Some(key) = map.next_key_seed(Key)? {
                if key == "<<" {
                    return Err(de::Error::custom("merge key"));
                }
                let value = map.next_value_seed(inner)?;
                if out.insert(key, value).is_some() {
                    return Err(de::Error::custom("duplicate key"));
                }
            }
            Ok(Value::Object(out))
        }
        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
            // A tagged node (`!tag value`): the tag is dropped.
            let (_tag, value) = data.variant::<de::IgnoredAny>()?;
            value.newtype_variant_seed(self)
        }
    }

    /// A mapping key as the general reader spells it: scalars become their text.
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
}

fn yaml_to_json(yaml: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // NaN and infinities have no JSON form; keep them as null.
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => return Err(format!("a mapping key is not a scalar: {other:?}")),
                };
                out.insert(key, yaml_to_json(value)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
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

    /// A location for a JSON pointer, with the line where the text allows finding it.
    /// Builds the line index [`Source::locate`] uses, if it is not built yet: a thread with time
    /// to spare can take that off the first warning's path.
    pub fn index_lines(&self) {
        if let Ok(mut index) = self.lines.0.lock() {
            index.get_or_insert_with(|| LineIndex::new(&self.text));
        }
    }

    pub fn locate(&self, pointer: &str) -> Location {
        let line = match self.lines.0.lock() {
            Ok(mut index) => index.get_or_insert_with(|| LineIndex::new(&self.text)).find(&self.text, pointer),
            // A panic elsewhere while the index was in use: do without it.
            Err(_) => find_line(&self.text, pointer),
        };
        Location { file: self.path.clone(), pointer: pointer.to_owned(), line }
    }
}

/// Best-effort line/column of the node a JSON pointer names, for block-style YAML and
/// pretty-printed JSON. Gives the deepest ancestor it could find.
pub fn find_line(text: &str, pointer: &str) -> Option<(usize, usize)> {
    LineIndex::new(text).find(text, pointer)
}

/// What [`find_line`] needs to know about the text, built once per file and filled as pointers
/// are looked up: locating many nodes of a large file stays linear instead of rescanning it each time.
#[derive(Default)]
struct LineCache(Mutex<Option<LineIndex>>);

impl Clone for LineCache {
    fn clone(&self) -> Self {
        LineCache::default()
    }
}

impl std::fmt::Debug for LineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LineCache")
    }
}

/// One line of the text, as [`find_line`] reads it.
struct Line {
    /// Byte range of the line in the text.
    start: usize,
    end: usize,
    /// Indentation.
    raw_indent: usize,
    /// Indentation of the line's first key, looking past a leading `- `.
    key_indent: usize,
    /// Neither blank, nor a comment, nor `---`, nor only brackets.
    content: bool,
    /// A sequence item (`- ...`).
    item: bool,
}

/// The direct children of one block (the lines `start..end` under a key at `parent_indent`).
struct Block {
    /// `None` when the block has no deeper line: its content sits on its key's line (flow style).
    child_indent: Option<usize>,
    /// The first line of each key at `child_indent`, keyed by the key as written, quotes removed.
    keys: HashMap<String, usize>,
    /// The lines of the outermost sequence items.
    items: Vec<usize>,
}

struct LineIndex {
    lines: Vec<Line>,
    blocks: HashMap<(usize, usize, Option<usize>), Block>,
    /// Where the block under a key line ends, by (key line, end of the enclosing block).
    ends: HashMap<(usize, usize), usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let lines = text
            .lines()
            .map(|line| {
                // `line` is a slice of `text`: its offset is the distance between the two.
                let start = line.as_ptr() as usize - text.as_ptr() as usize;
                let trimmed = line.trim();
                let after_indent = line.trim_start();
                Line {
                    start,
                    end: start + line.len(),
                    raw_indent: line.len() - after_indent.len(),
                    key_indent: line.len() - line.trim_start_matches([' ', '-']).len(),
                    // Lines of brackets alone (pretty-printed JSON) open or close a node, they are not one.
                    content: !trimmed.is_empty()
                        && !trimmed.starts_with('#')
                        && trimmed != "---"
                        && !trimmed.chars().all(|c| matches!(c, '{' | '}' | '[' | ']' | ',')),
                    item: after_indent.starts_with("- ") || after_indent == "-",
                }
            })
            .collect();
        LineIndex { lines, blocks: HashMap::new(), ends: HashMap::new() }
    }

    /// Indexes the block `start..end` under a key at `parent_indent`, once.
    fn index_block(&mut self, text: &str, start: usize, end: usize, parent_indent: Option<usize>) {
        let lines = &self.lines;
        self.blocks.entry((start, end, parent_indent)).or_insert_with(|| {
            let child_indent = lines[start..end]
                .iter()
                .find(|l| l.content && parent_indent.is_none_or(|p| l.key_indent > p))
                .map(|l| l.key_indent);
            let mut keys = HashMap::new();
            if let Some(indent) = child_indent {
                for (i, line) in lines.iter().enumerate().take(end).skip(start) {
                    if line.key_indent != indent {
                        continue;
                    }
                    let t = text[line.start..line.end].trim_start_matches([' ', '-']);
                    for key in key_forms(t) {
                        keys.entry(key.to_owned()).or_insert(i);
                    }
                }
            }
            let all_items: Vec<usize> = (start..end).filter(|&i| lines[i].item).collect();
            let outer = all_items.iter().map(|&i| lines[i].raw_indent).min();
            let items = all_items.into_iter().filter(|&i| Some(lines[i].raw_indent) == outer).collect();
            Block { child_indent, keys, items }
        });
    }

    fn find(&mut self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        // The current node spans lines [start, end); its own key sits at `parent_indent`.
        let (mut start, mut end, mut parent_indent) = (0usize, self.lines.len(), None::<usize>);
        let mut found = None;
        for token in pointer_tokens(pointer) {
            self.index_block(text, start, end, parent_indent);
            let block = self.blocks.get(&(start, end, parent_indent))?;
            block.child_indent?;
            let by_key = || -> Option<usize> {
                if token.contains([':', '"', '\'']) {
                    // Rare keys the index cannot hold exactly: look them up line by line.
                    let indent = block.child_indent?;
                    let candidates = [format!("{token}:"), format!("\"{token}\":"), format!("'{token}':")];
                    return (start..end).find(|&i| {
                        let line = &self.lines[i];
                        let t = text[line.start..line.end].trim_start_matches([' ', '-']);
                        line.key_indent == indent && candidates.iter().any(|c| t.starts_with(c.as_str()))
                    });
                }
                block.keys.get(&token).copied()
            };
            let hit = match token.parse::<usize>() {
                Ok(index) => block.items.get(index).copied().or_else(by_key),
                Err(_) => by_key(),
            };
            let Some(line) = hit else { break };
            let indent = self.lines[line].raw_indent;
            found = Some((line + 1, indent + 1));
            // A sequence item's own keys start on its dash line.
            let next_start = if self.lines[line].item { line } else { line + 1 };
            let lines = &self.lines;
            let next_end = *self.ends.entry((line, end)).or_insert_with(|| {
                (line + 1..end).find(|&i| lines[i].content && lines[i].raw_indent <= indent).unwrap_or(end)
            });
            start = next_start;
            parent_indent = Some(indent);
            end = next_end;
        }
        found
    }
}

/// The keys a line (indentation and dash removed) starts with, as `find_line` matches them:
/// `key:`, `"key":` or `'key':`, for keys without `:` or quotes.
fn key_forms(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if let Some(colon) = line.find(':') {
        out.push(&line[..colon]);
    }
    for quote in ['"', '\''] {
        if let Some(rest) = line.strip_prefix(quote) {
            if let Some(close) = rest.find(quote) {
                if rest[close + 1..].starts_with(':') {
                    out.push(&rest[..close]);
                }
            }
        }
    }
    out
}

/// Checks an OpenAPI 3.0 document against the `openapiv3` data model, locating the first mismatch.
pub fn check_openapi(source: &Source) -> Result<openapiv3::OpenAPI, Error> {
    use serde::Deserialize;
    // Tracking the path takes about a quarter more time; only a document that fails needs it, to say where.
    if let Ok(openapi) = openapiv3::OpenAPI::deserialize(&source.value) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&source.value).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer = crate::diagnostics::pointer_push(&pointer, &index.to_string()),
                Segment::Map { key } => pointer = crate::diagnostics::pointer_push(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        Error::at(
            ErrorKind::InvalidDocument,
            source.locate(&pointer),
            format!("not a valid OpenAPI 3.0 document: {}", err.inner()),
        )
    })
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
    use super::{every_description, find_line, flow_too_deep};

    /// The one-pass reader must give exactly the general reader's tree (or step aside).
    #[test]
    fn direct_reader_agrees_with_the_general_one() {
        let files = every_description();
        let mut direct_count = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            if let Some(direct) = super::direct::parse(&text) {
                direct_count += 1;
                let general = super::general_tree(path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(direct, general, "{}", path.display());
            }
        }
        assert!(direct_count > 20, "only {direct_count} of {} files read directly", files.len());
        let cases = [
            "a: 1\n200: x\ntrue: y\n~: z\n1.5: w\n",
            "a: !tag 1\nb: !!str 2\nc: [1, .inf, .nan]\n",
            "a: &x {b: 1}\nc: *x\n",
        ];
        for text in cases {
            let direct = super::direct::parse(text).expect(text);
            assert_eq!(direct, super::general_tree(std::path::Path::new("t"), text).unwrap(), "{text}");
        }
        for text in ["a: 1\na: 2\n", "base: &b {x: 1}\nc:\n  <<: *b\n", "[a]: 1\n", "a: [\n"] {
            assert!(super::direct::parse(text).is_none(), "{text}");
        }
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

    #[test]
    fn finds_lines_in_block_yaml() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: x\n      parameters:\n        - name: p\n          in: query\n        - name: q\n          in: path\n";
        assert_eq!(find_line(text, "/paths/~1a/get/operationId"), Some((5, 7)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1"), Some((9, 9)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1/in"), Some((10, 11)));
        assert_eq!(find_line(text, "/paths/~1a/post"), Some((3, 3)));
    }
}
