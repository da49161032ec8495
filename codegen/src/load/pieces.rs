//! Reads a large block-style YAML document in pieces on every core: takes the text, gives the
//! same JSON tree as reading it whole, or `None` when the text is not cut cleanly, and then the
//! caller reads it whole.
//!
//! A piece is a run of whole lines holding entries of the top-level mapping, or entries of the
//! block mapping under one top-level key (`paths:`, `components:`): the entries of a mapping
//! start on lines indented exactly as its first entry, and nothing else can start there (block
//! scalars and plain scalars continue further right; a quoted scalar or a flow collection cut
//! short makes its piece fail). So a cut either gives each entry whole, or a piece that does not
//! read. Whatever reading in pieces cannot be sure of (an alias of an anchor in another piece, a
//! key twice, an exhausted node budget, any syntax error) gives `None`: reading the whole text
//! then gives the tree or the error, located as always.

use serde_json::{Map, Value};

use super::yaml;

/// Below this size a document is read whole: threads cost more than they save.
const MIN_BYTES: usize = 128 * 1024;

/// Pieces per core, so that the pieces share out evenly.
const PIECES_PER_CORE: usize = 4;

/// A run of whole lines of the text: entries of the top-level mapping (`parent` is `None`) or of
/// the mapping under the top-level key `parent`.
#[derive(Debug, PartialEq)]
struct Piece<'t> {
    parent: Option<&'t str>,
    text: &'t str,
}

/// The tree of `text` read in pieces on `threads` threads, when it cuts cleanly and every piece
/// reads (see the module's documentation).
pub(super) fn read(text: &str, threads: usize) -> Option<Value> {
    if threads < 2 || text.len() < MIN_BYTES {
        return None;
    }
    let pieces = cut(text, text.len() / (threads * PIECES_PER_CORE))?;
    // Each piece gets its share of the document's node budget, by size: all together can never
    // build more than the whole document may. A piece that needs more gives `None`.
    let limit = yaml::max_nodes(text.len());
    let budget = |piece: &Piece| (limit as u128 * piece.text.len() as u128 / text.len() as u128) as usize + 1;
    let trees = crate::parallel::on_every_core(pieces.len(), threads, |i| pieces[i].text.len(), |i| {
        yaml::read_with_budget(pieces[i].text, budget(&pieces[i])).map_err(drop)
    })
    .ok()?;
    join(pieces.iter().map(|piece| piece.parent).zip(trees))
}

/// Puts the pieces' mappings together; `None` on a key given twice, or a piece that is no mapping.
fn join<'t>(trees: impl Iterator<Item = (Option<&'t str>, Value)>) -> Option<Value> {
    let mut top = Map::new();
    // The keys whose mapping came in pieces, to tell them from a key given twice.
    let mut cut_keys: Vec<&str> = Vec::new();
    for (parent, tree) in trees {
        let Value::Object(entries) = tree else { return None };
        let into = match parent {
            None => &mut top,
            Some(key) => {
                if !cut_keys.contains(&key) {
                    if top.contains_key(key) {
                        return None;
                    }
                    cut_keys.push(key);
                }
                match top.entry(key).or_insert_with(|| Value::Object(Map::new())) {
                    Value::Object(map) => map,
                    _ => return None,
                }
            }
        };
        for (key, value) in entries {
            if into.insert(key, value).is_some() {
                return None;
            }
        }
    }
    Some(Value::Object(top))
}

/// Cuts `text` into pieces of about `target` bytes: the top-level entries, the big ones under a
/// plain key cut again at their own entries. `None` when the text has anything at the top level
/// this cut does not know (directives, several documents, flow style, complex or merge keys, tabs).
fn cut(text: &str, target: usize) -> Option<Vec<Piece<'_>>> {
    let top = entries(text, 0)?;
    let mut pieces = Vec::new();
    let mut pending = Pending::default();
    for (index, &start) in top.iter().enumerate() {
        let end = top.get(index + 1).copied().unwrap_or(text.len());
        let entry = &text[start..end];
        let children = if entry.len() > target { plain_key(entry).and_then(|key| Some((key, nested(entry)?))) } else { None };
        let Some((key, (offset, starts))) = children else {
            pending.add(text, start, end, None, target, &mut pieces);
            continue;
        };
        pending.flush(text, &mut pieces);
        let body = &entry[offset..];
        for (child, &child_start) in starts.iter().enumerate() {
            let child_end = starts.get(child + 1).copied().unwrap_or(body.len());
            let (from, to) = (start + offset + child_start, start + offset + child_end);
            pending.add(text, from, to, Some(key), target, &mut pieces);
        }
        pending.flush(text, &mut pieces);
    }
    pending.flush(text, &mut pieces);
    Some(pieces)
}

/// Entries gathered into the piece being built.
#[derive(Default)]
struct Pending<'t> {
    parent: Option<&'t str>,
    range: Option<(usize, usize)>,
}

impl<'t> Pending<'t> {
    fn add(&mut self, text: &'t str, start: usize, end: usize, parent: Option<&'t str>, target: usize, pieces: &mut Vec<Piece<'t>>) {
        if self.range.is_some() && self.parent != parent {
            self.flush(text, pieces);
        }
        self.parent = parent;
        let (from, _) = *self.range.get_or_insert((start, end));
        self.range = Some((from, end));
        if end - from >= target {
            self.flush(text, pieces);
        }
    }

    fn flush(&mut self, text: &'t str, pieces: &mut Vec<Piece<'t>>) {
        if let Some((from, to)) = self.range.take() {
            pieces.push(Piece { parent: self.parent, text: &text[from..to] });
        }
    }
}

/// Byte offsets of the lines of `text` that start an entry of a block mapping indented `indent`
/// spaces, the first at 0 (what comes before the first entry belongs to it). `None` when a line
/// that is not blank or a comment is indented less, or starts at `indent` with what may not
/// start a plain key here.
fn entries(text: &str, indent: usize) -> Option<Vec<usize>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[spaces..];
        if rest.trim().is_empty() || rest.starts_with('#') {
            continue;
        }
        if indent == 0 && starts.is_empty() && (line.trim_end() == "---") {
            continue;
        }
        if spaces < indent || rest.starts_with('\t') {
            return None;
        }
        if spaces > indent {
            if starts.is_empty() {
                return None;
            }
            continue;
        }
        match rest.as_bytes()[0] {
            // A sequence entry at the mapping's own indentation belongs to the entry above.
            b'-' if starts.is_empty() || rest.starts_with("---") => return None,
            b'-' if rest[1..].starts_with([' ', '\n', '\r']) => continue,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'/' | b'$' | b'"' | b'\'' | b'-' => {}
            _ => return None,
        }
        starts.push(if starts.is_empty() { 0 } else { at });
    }
    (!starts.is_empty()).then_some(starts)
}

/// The key of an entry `key:` that says nothing more on its line: letters, digits, `_` and `-`,
/// no quotes, anchor, tag or comment.
fn plain_key(entry: &str) -> Option<&str> {
    let line = entry.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#') && l.trim_end() != "---")?;
    let key = line.trim_end().strip_suffix(':')?;
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    plain.then_some(key)
}

/// Where the entries of the block mapping under an entry's key line start: the offset of the
/// line after the key line, and the entries' offsets from there.
fn nested(entry: &str) -> Option<(usize, Vec<usize>)> {
    let key_line_end = entry.lines().position(|l| !l.trim().is_empty() && !l.starts_with('#') && l.trim_end() != "---")?;
    let offset: usize = entry.split_inclusive('\n').take(key_line_end + 1).map(str::len).sum();
    let body = &entry[offset..];
    let first = body.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let indent = first.len() - first.trim_start_matches(' ').len();
    if indent == 0 {
        return None;
    }
    Some((offset, entries(body, indent)?))
}

#[cfg(test)]
mod tests {
    use super::{cut, read, Piece};
    use crate::load::yaml;

    /// Reads `text` in pieces of about `target` bytes, in this thread.
    fn in_pieces(text: &str, target: usize) -> Option<serde_json::Value> {
        let pieces = cut(text, target)?;
        let trees: Option<Vec<_>> = pieces.iter().map(|p| yaml::read_with_budget(p.text, 1 << 20).ok()).collect();
        super::join(pieces.iter().map(|p| p.parent).zip(trees?))
    }

    fn whole(text: &str) -> serde_json::Value {
        yaml::read_with_budget(text, 1 << 20).ok().expect("reads whole")
    }

    #[test]
    fn cuts_at_top_level_entries_and_under_plain_keys() {
        let text = "---\n# c\nopenapi: 3.0.0\npaths:\n  /a:\n    get: {}\n\n  /b:\n    get: {}\ntags:\n- name: x\n";
        let pieces = cut(text, 1).unwrap();
        let texts: Vec<_> = pieces.iter().map(|p| (p.parent, p.text)).collect();
        assert_eq!(
            texts,
            [
                (None, "---\n# c\nopenapi: 3.0.0\n"),
                (Some("paths"), "  /a:\n    get: {}\n\n"),
                (Some("paths"), "  /b:\n    get: {}\n"),
                (None, "tags:\n- name: x\n"),
            ]
        );
        assert_eq!(in_pieces(text, 1), Some(whole(text)));
        // Entries are gathered up to the target size.
        assert_eq!(cut(text, 1 << 20).unwrap(), [Piece { parent: None, text }]);
    }

    #[test]
    fn gives_up_where_pieces_could_differ_from_the_whole() {
        for text in [
            // An alias of an anchor in another piece.
            "a: &x {k: 1}\nb: *x\n",
            // A key twice, at the top or under a key cut into pieces.
            "a: 1\nb: 2\na: 3\n",
            "p:\n  x: 1\n  y: 2\n  x: 3\n",
            "p:\n  x: 1\n  y: 2\np: 3\n",
            // A quoted scalar that goes on at the start of a line.
            "a: \"one\nb: two\"\nc: 3\n",
            // A flow mapping over several lines.
            "a: {k: 1,\nb: 2}\nc: 3\n",
        ] {
            assert!(cut(text, 1).is_some_and(|pieces| pieces.len() > 1), "{text}");
            assert_eq!(in_pieces(text, 1), None, "{text}");
        }
        // What the cut does not know.
        for text in ["%YAML 1.2\n---\na: 1\n", "a: 1\n---\nb: 2\n", "{a: 1}\n", "? a\n: 1\n", "<<: {a: 1}\nb: 2\n", "a:\n\t- 1\n"] {
            assert_eq!(cut(text, 1), None, "{text}");
        }
    }

    #[test]
    fn reads_every_description_as_reading_it_whole() {
        let mut cut_count = 0;
        for path in crate::load::every_description() {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.trim_start_matches('\u{feff}');
            let Ok(expected) = yaml::read_with_budget(text, yaml::max_nodes(text.len())) else { continue };
            if let Some(value) = read(text, 2) {
                cut_count += 1;
                assert!(value == expected, "{} reads otherwise in pieces", path.display());
            }
        }
        // Intercom's descriptions (../shared, when it is beside the checkout) are all cut.
        if std::path::Path::new("../../shared/specs/intercom").is_dir() {
            assert!(cut_count >= 4, "only {cut_count} descriptions were read in pieces");
        }
    }
}
