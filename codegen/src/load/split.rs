//! Reads a large block-style YAML document in pieces, one thread a core, into the same JSON tree
//! as reading it whole.
//!
//! API descriptions are one block mapping whose few big entries (`paths`, `components` ->
//! `schemas`) hold hundreds of small ones, each starting on a line of its own at its mapping's
//! indentation. The text is cut at such lines; each piece is a mapping that YAML reads alone (a
//! document's top-level mapping may be indented), and the pieces' entries are put back together
//! in order. A cut is only made where it cannot change the meaning, and every piece must read as
//! exactly as many entries as it has entry lines; anything else (directives, several documents,
//! an anchor used across pieces, a duplicate key, a line indented less than
//! its siblings, a piece that does not read alone) gives `None`, and the caller reads the whole
//! text in one piece, which also reports any error.

use serde_json::{Map, Value};

/// Documents smaller than this are read in one piece: the threads would cost more than they save.
const MIN_SPLIT_BYTES: usize = 128 * 1024;

/// Mappings are opened at most this deep: `paths` and `components` -> `schemas` are enough.
const MAX_NESTING: usize = 3;

/// The tree of a large document, read on every core; `None` when it is small, has a shape that
/// is not safe to cut, or does not read in pieces.
pub(super) fn parse(text: &str) -> Option<Value> {
    let threads = crate::parallel::cores();
    if threads < 2 || text.len() < MIN_SPLIT_BYTES {
        return None;
    }
    // A few pieces a thread, so that they share out evenly.
    parse_in_pieces(text, text.len() / (threads * 4), threads)
}

/// Cuts the text into pieces of about `piece_bytes` and reads them on `threads` threads.
pub(super) fn parse_in_pieces(text: &str, piece_bytes: usize, threads: usize) -> Option<Value> {
    let lines = scan(text)?;
    let mut plan = Plan { text, lines: &lines, piece_bytes: piece_bytes.max(1), pieces: Vec::new() };
    let first = lines.iter().position(|line| line.kind != Kind::Blank)?;
    let root = plan.mapping(first, lines.len(), 0, 0)?;
    if plan.pieces.len() < 2 {
        return None;
    }
    let mut maps = read_pieces(&plan.pieces, threads)?;
    assemble(&root, &mut maps).map(Value::Object)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Empty, only spaces, or a comment.
    Blank,
    /// A block sequence item: `- ...` or `-`.
    Item,
    /// Any other content: at a mapping's indentation, the start of an entry.
    Entry,
}

struct Line {
    /// Byte offset of the line's start in the text.
    start: usize,
    indent: usize,
    kind: Kind,
}

/// Classifies every line; `None` for directives and for document markers after the first line of
/// content. What else could make a cut unsafe (complex keys, a scalar or flow collection running
/// over lines, a tab where an indentation is expected) shows when the pieces are read: as an
/// error, or as another number of entries than entry lines.
fn scan(text: &str) -> Option<Vec<Line>> {
    let mut lines = Vec::with_capacity(text.len() / 32);
    let mut start = 0;
    let mut seen_content = false;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let rest = rest.trim_end();
        let kind = if rest.is_empty() || rest.starts_with('#') {
            Kind::Blank
        } else if indent == 0 && (rest.starts_with('%') || rest.starts_with("---") || rest.starts_with("...")) {
            // One `---` before any content opens the document; anything else is for the whole reader.
            if seen_content || rest != "---" {
                return None;
            }
            Kind::Blank
        } else if rest == "-" || rest.starts_with("- ") {
            Kind::Item
        } else {
            Kind::Entry
        };
        seen_content |= kind != Kind::Blank;
        lines.push(Line { start, indent, kind });
        start += raw.len();
    }
    Some(lines)
}

/// A mapping put back together from its parts, in order.
struct Node {
    parts: Vec<Part>,
}

enum Part {
    /// Consecutive entries read as one piece: an index into the pieces.
    Piece(usize),
    /// One entry whose value is a mapping cut further.
    Nested { key: String, node: Node },
}

struct Piece<'a> {
    text: &'a str,
    /// How many entries start in it: what reading it must give.
    entries: usize,
    /// How many mappings enclose it, to keep YAML's depth limit as reading the whole text does.
    nesting: usize,
}

struct Plan<'a> {
    text: &'a str,
    lines: &'a [Line],
    piece_bytes: usize,
    pieces: Vec<Piece<'a>>,
}

impl<'a> Plan<'a> {
    fn offset(&self, line: usize) -> usize {
        self.lines.get(line).map_or(self.text.len(), |l| l.start)
    }

    /// Plans the block mapping on lines `first..end`, whose entries are at `indent` and which
    /// `nesting` mappings enclose. `None`, decided before anything is planned, when the lines are
    /// not plainly such a mapping.
    fn mapping(&mut self, first: usize, end: usize, indent: usize, nesting: usize) -> Option<Node> {
        let lines = &self.lines[first..end];
        let entries: Vec<usize> = (first..end).filter(|&i| self.lines[i].indent == indent && self.lines[i].kind == Kind::Entry).collect();
        // Every line of content belongs to an entry: none before the first, none indented less.
        if entries.first() != Some(&first) || lines.iter().any(|l| l.kind != Kind::Blank && l.indent < indent) {
            return None;
        }
        // The line where entry `n` starts, or the mapping's end after the last.
        let line_of = |n: usize| entries.get(n).copied().unwrap_or(end);
        let mut parts = Vec::new();
        // The first entry of the piece being gathered, by position in `entries`.
        let mut run_start: Option<usize> = None;
        for n in 0..entries.len() {
            let (entry, next) = (line_of(n), line_of(n + 1));
            let nested = if self.offset(next) - self.offset(entry) > self.piece_bytes && nesting < MAX_NESTING {
                self.nested(entry, next, indent, nesting)
            } else {
                None
            };
            match nested {
                Some(part) => {
                    if let Some(start) = run_start.take() {
                        parts.push(self.piece(line_of(start), entry, n - start, nesting));
                    }
                    parts.push(part);
                }
                None => {
                    let start = *run_start.get_or_insert(n);
                    if self.offset(next) - self.offset(line_of(start)) >= self.piece_bytes {
                        parts.push(self.piece(line_of(start), next, n + 1 - start, nesting));
                        run_start = None;
                    }
                }
            }
        }
        if let Some(start) = run_start {
            parts.push(self.piece(line_of(start), end, entries.len() - start, nesting));
        }
        Some(Node { parts })
    }

    /// The entry on line `entry` (its block ending before `end`) as a mapping cut further, when
    /// its key line is a bare `key:` and its lines are plainly a block mapping.
    fn nested(&mut self, entry: usize, end: usize, indent: usize, nesting: usize) -> Option<Part> {
        let key_line = &self.text[self.offset(entry)..self.offset(entry + 1)];
        if !key_line.trim_end().ends_with(':') {
            return None;
        }
        // Reading the key line alone gives the key as YAML spells it (quotes, escapes), and shows
        // that nothing but the key is on the line: no anchor, no tag, no value.
        let Some(Value::Object(map)) = super::direct::parse_at(key_line.trim_start(), nesting) else { return None };
        let (key, value) = map.into_iter().next()?;
        if !value.is_null() {
            return None;
        }
        let first = (entry + 1..end).find(|&i| self.lines[i].kind != Kind::Blank)?;
        let child = &self.lines[first];
        if child.kind != Kind::Entry || child.indent <= indent {
            return None;
        }
        let node = self.mapping(first, end, child.indent, nesting + 1)?;
        Some(Part::Nested { key, node })
    }

    /// The `entries` entries on lines `start..end` as one piece.
    fn piece(&mut self, start: usize, end: usize, entries: usize, nesting: usize) -> Part {
        let text = &self.text[self.offset(start)..self.offset(end)];
        self.pieces.push(Piece { text, entries, nesting });
        Part::Piece(self.pieces.len() - 1)
    }
}

/// Reads every piece as a mapping on `threads` threads; `None` if any does not read alone or
/// gives another number of entries than it has entry lines.
fn read_pieces(pieces: &[Piece], threads: usize) -> Option<Vec<Option<Map<String, Value>>>> {
    let read = crate::parallel::on_every_core(pieces.len(), threads, |i| pieces[i].text.len(), |i| {
        let piece = &pieces[i];
        // Deep brackets take the YAML reader time that grows with the square of their depth:
        // such a piece is not read at all (the whole reader's check then locates them).
        if super::flow_too_deep(piece.text, super::MAX_FLOW_DEPTH).is_some() {
            return Err(());
        }
        match super::direct::parse_at(piece.text, piece.nesting) {
            Some(Value::Object(map)) if map.len() == piece.entries => Ok(Some(map)),
            _ => Err(()),
        }
    });
    read.ok()
}

/// The mapping of `node` from its pieces' entries, in order; `None` on a key given twice.
fn assemble(node: &Node, maps: &mut [Option<Map<String, Value>>]) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for part in &node.parts {
        match part {
            Part::Piece(index) => {
                for (key, value) in maps[*index].take()? {
                    if out.insert(key, value).is_some() {
                        return None;
                    }
                }
            }
            Part::Nested { key, node } => {
                let value = Value::Object(assemble(node, maps)?);
                if out.insert(key.clone(), value).is_some() {
                    return None;
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_in_pieces;
    use serde_json::Value;

    /// Reads in pieces of `piece_bytes` and checks the one thing that must always hold: a tree
    /// read in pieces is the tree read whole. Gives it, when the text was read in pieces.
    fn read(text: &str, piece_bytes: usize) -> Option<Value> {
        let split = parse_in_pieces(text, piece_bytes, 2)?;
        let whole = super::super::general_tree(std::path::Path::new("t.yaml"), text);
        assert_eq!(Some(&split), whole.as_ref().ok(), "read in pieces of {piece_bytes} bytes, but not so whole:\n{text}");
        Some(split)
    }

    #[test]
    fn reads_nested_mappings_in_pieces() {
        let text = "---\nopenapi: 3.0.3\npaths:\n  /a:\n    get:\n      summary: a\n# a comment at the margin\n  \"/b\":\n    get: {summary: b}\n  /c:\n    post:\n      description: |\n        not: an entry\n        - nor an item\n\ncomponents:\n  schemas:\n    A:\n      type: string\n    B:\n      type: integer\nservers:\n- url: x\n- url: y\ntags:\n  - name: t\n";
        for piece_bytes in [1, 16, 64, 200] {
            assert!(read(text, piece_bytes).is_some(), "{piece_bytes}");
            let crlf = text.replace('\n', "\r\n");
            assert!(read(&crlf, piece_bytes).is_some(), "crlf {piece_bytes}");
        }
    }

    #[test]
    fn steps_aside_where_a_cut_could_change_the_meaning() {
        let refused = [
            // A key given twice, in two pieces.
            "a: 1\nb: 2\na: 3\n",
            // An alias to an anchor in another piece.
            "a: &x 1\nb: *x\n",
            "a: &x\n  b: 1\n  c: 2\nd: *x\n",
            // A quoted scalar and a flow collection running over a line that looks like an entry.
            "a: \"x\nb: y\"\nc: 1\n",
            "a: [1,\nb]\nc: 1\n",
            // A complex key.
            "? a\n: 1\nb: 2\n",
            // A line indented less than its siblings (not YAML).
            "a:\n    b: 1\n  c: 2\nd: 3\n",
            // Directives, several documents.
            "%YAML 1.2\n---\na: 1\nb: 2\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\nb: 2\n",
            // A merge key.
            "a: &x {k: 1}\nb:\n  <<: *x\n  c: 2\nd: 3\n",
            // Not a mapping at the top.
            "- a\n- b\n",
            "a\nb\n",
        ];
        for text in refused {
            for piece_bytes in [1, 4, 8] {
                assert_eq!(read(text, piece_bytes), None, "{text}");
            }
        }
        // Odd but valid: read in pieces or not, the tree is the whole reader's.
        let odd = [
            "a:\n  text\n  more\nb: 1\n",
            "a: |\n  b: 1\nc: 2\n",
            "a: >-\n  folded\n\n  b: x\nc: 2\n",
            "a:\n- 1\n- 2\nb: 3\n",
            "a: 1 # comment\nb: # comment\n  c: 2\n",
            "'a': 1\n\"b\\tc\": 2\n? d\n",
            "a:\n\tb\nc: 1\n",
            "a: !tag\n  b: 1\nc: 2\n",
        ];
        for text in odd {
            for piece_bytes in [1, 4, 8] {
                read(text, piece_bytes);
            }
        }
    }

    /// Whatever reads in pieces also reads whole: the depth limit counts from the document's top.
    #[test]
    fn keeps_the_depth_limit_of_the_whole_document() {
        for depth in [100, 118, 119, 120, 121, 126, 127, 128, 129, 140] {
            let mut text = String::from("a:\n  b:\n    c:\n");
            for level in 0..depth {
                text.push_str(&" ".repeat(6 + 2 * level));
                text.push_str("k:\n");
            }
            text.push_str(&" ".repeat(6 + 2 * depth));
            text.push_str("v: 1\nz: 2\n");
            read(&text, 1);
        }
    }

    /// Every description at hand, cut into pieces of several sizes: the same tree as read whole,
    /// and the big ones are read in pieces.
    #[test]
    fn agrees_with_the_whole_reader_on_every_description() {
        let files = super::super::every_description();
        let mut read_in_pieces = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            for piece_bytes in [256, 4096, text.len() / 8] {
                if read(&text, piece_bytes).is_some() {
                    read_in_pieces += 1;
                }
            }
            if text.len() > super::MIN_SPLIT_BYTES && path.extension().is_some_and(|e| e == "yaml") {
                assert!(read(&text, text.len() / 8).is_some(), "{} is not read in pieces", path.display());
            }
        }
        assert!(read_in_pieces > 30, "only {read_in_pieces} reads in pieces");
    }
}
