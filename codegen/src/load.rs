//! Load: takes a file path, gives its parsed document (a JSON tree) with enough of the source kept to locate errors.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{pointer_tokens, Error, ErrorKind, Location};

/// One parsed input file.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    pub value: Value,
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
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|err| {
        let mut location = Location::new(path, "");
        location.line = err.location().map(|l| (l.line(), l.column()));
        Error::at(ErrorKind::Syntax, location, format!("not valid YAML or JSON: {err}"))
    })?;
    yaml.apply_merge().map_err(|err| {
        Error::at(ErrorKind::Syntax, Location::new(path, ""), format!("invalid YAML merge key: {err}"))
    })?;
    let value = yaml_to_json(yaml).map_err(|message| Error::at(ErrorKind::Syntax, Location::new(path, ""), message))?;
    if !value.is_object() {
        return Err(Error::at(ErrorKind::InvalidDocument, Location::new(path, ""), "the document is not a mapping at its top level"));
    }
    Ok(Source { path: path.to_path_buf(), text, value })
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
    pub fn locate(&self, pointer: &str) -> Location {
        Location { file: self.path.clone(), pointer: pointer.to_owned(), line: find_line(&self.text, pointer) }
    }
}

/// Best-effort line/column of the node a JSON pointer names, for block-style YAML and
/// pretty-printed JSON. Gives the deepest ancestor it could find.
pub fn find_line(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let raw_indent = |line: &str| line.len() - line.trim_start().len();
    // Indentation of a line's first key, looking past a leading `- `.
    let key_indent = |line: &str| line.len() - line.trim_start_matches([' ', '-']).len();
    let is_content = |line: &str| {
        let t = line.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---"
    };
    let is_item = |line: &str| {
        let t = line.trim_start();
        t.starts_with("- ") || t == "-"
    };
    // The current node spans lines [start, end); its own key sits at `parent_indent`.
    let (mut start, mut end, mut parent_indent) = (0usize, lines.len(), None::<usize>);
    let mut found = None;
    for token in pointer_tokens(pointer) {
        let deeper = |l: &&&str| is_content(l) && parent_indent.is_none_or(|p| key_indent(l) > p);
        let child_indent = lines[start..end].iter().find(deeper).map(|l| key_indent(l))?;
        let by_key = || {
            let candidates = [format!("{token}:"), format!("\"{token}\":"), format!("'{token}':")];
            (start..end).find(|&i| {
                key_indent(lines[i]) == child_indent
                    && candidates.iter().any(|c| lines[i].trim_start_matches([' ', '-']).starts_with(c.as_str()))
            })
        };
        let by_index = |index: usize| {
            let items: Vec<usize> = (start..end).filter(|&i| is_item(lines[i])).collect();
            let outer = items.iter().map(|&i| raw_indent(lines[i])).min()?;
            items.into_iter().filter(|&i| raw_indent(lines[i]) == outer).nth(index)
        };
        let hit = match token.parse::<usize>() {
            Ok(index) => by_index(index).or_else(by_key),
            Err(_) => by_key(),
        };
        let Some(line) = hit else { break };
        let indent = raw_indent(lines[line]);
        found = Some((line + 1, indent + 1));
        // A sequence item's own keys start on its dash line.
        start = if is_item(lines[line]) { line } else { line + 1 };
        parent_indent = Some(indent);
        end = (line + 1..end).find(|&i| is_content(lines[i]) && raw_indent(lines[i]) <= indent).unwrap_or(end);
    }
    found
}

/// Checks an OpenAPI 3.0 document against the `openapiv3` data model, locating the first mismatch.
pub fn check_openapi(source: &Source) -> Result<openapiv3::OpenAPI, Error> {
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

#[cfg(test)]
mod tests {
    use super::find_line;

    #[test]
    fn finds_lines_in_block_yaml() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: x\n      parameters:\n        - name: p\n          in: query\n        - name: q\n          in: path\n";
        assert_eq!(find_line(text, "/paths/~1a/get/operationId"), Some((5, 7)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1"), Some((9, 9)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1/in"), Some((10, 11)));
        assert_eq!(find_line(text, "/paths/~1a/post"), Some((3, 3)));
    }
}
