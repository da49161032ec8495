//! Resolve: takes the root document, gives every document reachable through `$ref`s and a way to follow each `$ref`.
//!
//! A `$ref` into a file that cannot be loaded is an error; a `$ref` to a place that
//! does not exist is a located warning, and the model falls back to free-form JSON. A `$ref` to a
//! file outside the folders of the root descriptions (`../../etc/passwd`, an absolute path) is a
//! located warning (an error under `--strict`); files are read as `load::load_file` reads them:
//! regular files only, size-capped.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostics::{pointer_get, pointer_push, push_token, Diagnostics, Error, ErrorKind, Location};
use crate::load::{self, Source};

/// Index into [`Documents::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// A place in one of the documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub file: FileId,
    pub pointer: String,
}

impl Node {
    pub fn child(&self, token: &str) -> Node {
        Node { file: self.file, pointer: pointer_push(&self.pointer, token) }
    }

    /// The `index`th item of the array at this node.
    pub fn item(&self, index: usize) -> Node {
        Node { file: self.file, pointer: format!("{}/{index}", self.pointer) }
    }
}

/// All loaded documents; the root is `FileId(0)`.
#[derive(Debug)]
pub struct Documents {
    /// Shared, so that a root can be read on another thread while it is resolved and lowered.
    pub sources: Vec<Arc<Source>>,
    by_path: HashMap<PathBuf, FileId>,
    /// `$ref` sites whose target is missing.
    dangling: BTreeSet<Node>,
    /// The folders of the root descriptions: references that leave them are warned about.
    root_dirs: Vec<PathBuf>,
}

impl Documents {
    /// Takes the root documents (they get `FileId(0)`, `FileId(1)`, ... in order), loads every file
    /// their `$ref`s reach, and checks every `$ref`.
    pub fn resolve(roots: Vec<impl Into<Arc<Source>>>, diagnostics: &mut Diagnostics) -> Result<Documents, Error> {
        let mut docs = Documents { sources: Vec::new(), by_path: HashMap::new(), dangling: BTreeSet::new(), root_dirs: Vec::new() };
        for root in roots {
            let root = root.into();
            let id = FileId(docs.sources.len());
            let path = canonical(&root.path);
            docs.root_dirs.extend(path.parent().map(Path::to_path_buf));
            docs.by_path.insert(path, id);
            docs.sources.push(root);
        }
        // Breadth-first over files; each file's refs are checked once.
        let mut next = 0;
        while next < docs.sources.len() {
            let file = FileId(next);
            // Held apart from `docs`, which grows as the file's references load others.
            let source = Arc::clone(&docs.sources[next]);
            let mut sites = Vec::new();
            collect_refs(&source.value, &mut String::new(), &mut sites);
            // Many sites share a reference (`#/components/schemas/...`): each is looked up once.
            let mut found: HashMap<&str, bool> = HashMap::new();
            for (pointer, reference) in sites {
                let site = Node { file, pointer };
                let ok = match found.get(reference) {
                    Some(&ok) => ok,
                    None => {
                        let ok = match docs.load_target(&site, reference, diagnostics)? {
                            (Some(f), fragment) => pointer_get(&docs.sources[f.0].value, &fragment).is_some(),
                            (None, _) => false,
                        };
                        found.insert(reference, ok);
                        ok
                    }
                };
                if !ok {
                    let location = docs.locate(&site);
                    diagnostics.warn(
                        location,
                        format!("`$ref: {reference}` points to nothing; using free-form JSON in its place"),
                    )?;
                    docs.dangling.insert(site);
                }
            }
            next += 1;
        }
        Ok(docs)
    }

    /// Loads the file a reference names (relative to the referring file), giving it and the fragment pointer.
    fn load_target(&mut self, site: &Node, reference: &str, diagnostics: &mut Diagnostics) -> Result<(Option<FileId>, String), Error> {
        let (file_part, fragment) = split_reference(reference);
        if file_part.is_empty() {
            return Ok((Some(site.file), fragment));
        }
        if file_part.contains("://") {
            // Remote references are not fetched; treat them as dangling.
            return Ok((None, fragment));
        }
        let base = self.sources[site.file.0].path.parent().map(Path::to_path_buf).unwrap_or_default();
        let path = base.join(file_part);
        let key = canonical(&path);
        if let Some(&id) = self.by_path.get(&key) {
            return Ok((Some(id), fragment));
        }
        if !self.root_dirs.iter().any(|dir| key.starts_with(dir)) {
            diagnostics.warn(
                self.locate(&site.child("$ref")),
                format!("`$ref: {reference}` reads a file outside the folder of the description ({})", key.display()),
            )?;
        }
        let source = load::load_file(&path).map_err(|err| {
            let location = self.locate(&site.child("$ref"));
            let kind = if err.kind == ErrorKind::Io { ErrorKind::MissingFile } else { err.kind.clone() };
            Error::at(kind, location, format!("`$ref: {reference}` names a file that cannot be loaded: {err}"))
        })?;
        let id = FileId(self.sources.len());
        self.by_path.insert(key, id);
        self.sources.push(Arc::new(source));
        Ok((Some(id), fragment))
    }

    /// Follows the `$ref` at `site` (a node that holds `$ref`), giving the target node, or `None` when dangling.
    pub fn follow(&self, site: &Node, reference: &str) -> Option<Node> {
        if self.dangling.contains(site) {
            return None;
        }
        let (file_part, fragment) = split_reference(reference);
        let file = if file_part.is_empty() {
            site.file
        } else {
            let base = self.sources[site.file.0].path.parent().map(Path::to_path_buf).unwrap_or_default();
            *self.by_path.get(&canonical(&base.join(file_part)))?
        };
        Some(Node { file, pointer: fragment })
    }

    /// Follows `$ref` chains from a node until a node that is not a reference; `None` if one dangles or they loop.
    pub fn deref(&self, node: &Node) -> Option<Node> {
        match self.get(node) {
            Some(value) => self.deref_at(node, value).map(|(target, _)| target.into_owned()),
            None => Some(node.clone()),
        }
    }

    /// [`Self::deref`] for a node whose value is already at hand: also gives the value where the
    /// chain ends (`None` when nothing is there), and borrows the node when it is no reference.
    /// Each target's pointer is walked once, and the node's own not at all.
    pub fn deref_at<'a, 'n>(&'a self, node: &'n Node, value: &'a Value) -> Option<(Cow<'n, Node>, Option<&'a Value>)> {
        let mut current = Cow::Borrowed(node);
        let mut value = Some(value);
        for _ in 0..64 {
            match value.and_then(|v| v.get("$ref")).and_then(Value::as_str) {
                Some(reference) => {
                    let target = self.follow(&current, reference)?;
                    value = self.get(&target);
                    current = Cow::Owned(target);
                }
                None => return Some((current, value)),
            }
        }
        None
    }

    pub fn get(&self, node: &Node) -> Option<&Value> {
        pointer_get(&self.sources.get(node.file.0)?.value, &node.pointer)
    }

    pub fn locate(&self, node: &Node) -> Location {
        self.sources[node.file.0].locate(&node.pointer)
    }

    /// `file#pointer`, for origins and messages.
    pub fn describe(&self, node: &Node) -> String {
        let file = self.sources[node.file.0].path.file_name().map(|f| f.to_string_lossy()).unwrap_or_default();
        format!("{file}#{}", node.pointer)
    }

    /// The whole document of a file.
    pub fn root(&self, file: FileId) -> Node {
        Node { file, pointer: String::new() }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Splits `file.yaml#/a/b` into the file part and a decoded JSON pointer.
fn split_reference(reference: &str) -> (&str, String) {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    (file, percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    // Most references have nothing to decode.
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `$ref` string under `value`, with the pointer of the node that holds it. `pointer` is
/// one buffer grown and cut back as the walk goes, so only the sites found allocate.
fn collect_refs<'v>(value: &'v Value, pointer: &mut String, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((pointer.clone(), reference));
            }
            for (key, child) in map {
                // An `example` holds data, not description: a `$ref` key there is just data.
                if key == "example" || !holds_nodes(child) {
                    continue;
                }
                let len = pointer.len();
                push_token(pointer, key);
                collect_refs(child, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if !holds_nodes(child) {
                    continue;
                }
                let len = pointer.len();
                write!(pointer, "/{i}").expect("writing to a String cannot fail");
                collect_refs(child, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether a value can hold a `$ref` (scalars are skipped without growing the pointer).
fn holds_nodes(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}
