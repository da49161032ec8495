//! Lines: takes a document's text and a JSON pointer, gives the line and column of the node it names.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::diagnostics::pointer_tokens;

/// Best-effort line/column of the node a JSON pointer names, in block-style YAML, in JSON and in
/// flow collections (`{..}`, `[..]`) anywhere. Gives the deepest ancestor it could find.
pub fn find_line(text: &str, pointer: &str) -> Option<(usize, usize)> {
    LineIndex::new(text).find(text, pointer)
}

/// What [`find_line`] needs to know about the text, built once per file and filled as pointers
/// are looked up: locating many nodes of a large file stays linear instead of rescanning it each time.
#[derive(Default)]
pub(super) struct LineCache(Mutex<Option<LineIndex>>);

impl LineCache {
    /// Builds the index, if it is not built yet.
    pub(super) fn index(&self, text: &str) {
        if let Ok(mut index) = self.0.lock() {
            index.get_or_insert_with(|| LineIndex::new(text));
        }
    }

    /// [`find_line`], with the index kept for the next pointer.
    pub(super) fn find(&self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        match self.0.lock() {
            Ok(mut index) => index.get_or_insert_with(|| LineIndex::new(text)).find(text, pointer),
            // A panic elsewhere while the index was in use: do without it.
            Err(_) => find_line(text, pointer),
        }
    }
}

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
        let tokens = pointer_tokens(pointer);
        for (depth, token) in tokens.iter().enumerate() {
            self.index_block(text, start, end, parent_indent);
            let block = &self.blocks[&(start, end, parent_indent)];
            if block.child_indent.is_none() {
                return self.find_in_flow(text, found, &tokens[depth..]).or(found);
            }
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
                block.keys.get(token).copied()
            };
            let hit = match token.parse::<usize>() {
                Ok(index) => block.items.get(index).copied().or_else(by_key),
                Err(_) => by_key(),
            };
            let Some(line) = hit else {
                return self.find_in_flow(text, found, &tokens[depth..]).or(found);
            };
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

    /// Where the block walk stopped at the node on line `found` (the document's top when `None`):
    /// when that node's value is a flow collection opening on its line, the node of `tokens` in it.
    fn find_in_flow(&self, text: &str, found: Option<(usize, usize)>, tokens: &[String]) -> Option<(usize, usize)> {
        let start = match found {
            Some((line, _)) => flow_value_start(text, &self.lines[line - 1])?,
            None => {
                let offset = text.len() - text.trim_start().len();
                text[offset..].starts_with(['{', '[']).then_some(offset)?
            }
        };
        let offset = flow::find(text, start, tokens)?;
        // The line holding the offset, and the column in characters.
        let line = self.lines.partition_point(|l| l.start <= offset).checked_sub(1)?;
        let column = text[self.lines[line].start..offset].chars().count();
        Some((line + 1, column + 1))
    }
}

/// Where the value on a key or item line starts, when it is a flow collection: after the dash of
/// an item, the key and its `:`, and any anchor or tag.
fn flow_value_start(text: &str, line: &Line) -> Option<usize> {
    let full = &text[line.start..line.end];
    let mut rest = full.trim_start();
    if line.item {
        rest = rest[1..].trim_start();
    }
    if !rest.starts_with(['{', '[']) {
        // Past the key: a quoted key to its closing quote, then to the first `:` before a space.
        let key_end = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => rest[1..].find(quote).map_or(0, |i| i + 2),
            _ => 0,
        };
        let colon = rest[key_end..].match_indices(':').find(|(i, _)| {
            rest[key_end + i + 1..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
        })?;
        rest = rest[key_end + colon.0 + 1..].trim_start();
        // Anchors and tags before the value.
        while rest.starts_with(['&', '!']) {
            rest = rest.split_once([' ', '\t']).map_or("", |(_, after)| after).trim_start();
        }
    }
    // `rest` is a tail of the line.
    rest.starts_with(['{', '[']).then(|| line.end - rest.len())
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

/// A small reader of YAML flow collections (and JSON): just enough to walk to a node by its keys
/// and indexes, skipping everything else (quoted scalars, comments, anchors, tags).
mod flow {
    /// The byte offset of the deepest node of `tokens` found from the collection opening at
    /// `start`: a key's start, or an item's.
    pub(super) fn find(text: &str, start: usize, tokens: &[String]) -> Option<usize> {
        let mut reader = Reader { bytes: text.as_bytes(), pos: start };
        let mut found = None;
        for token in tokens {
            reader.skip_properties();
            let hit = match reader.peek() {
                Some(b'{') => reader.entry(token),
                Some(b'[') => token.parse().ok().and_then(|index| reader.item(index)),
                _ => None,
            };
            match hit {
                Some(offset) => found = Some(offset),
                None => break,
            }
        }
        found
    }

    struct Reader<'t> {
        bytes: &'t [u8],
        pos: usize,
    }

    impl Reader<'_> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.pos).copied()
        }

        /// Skips spaces, line breaks and comments.
        fn skip_space(&mut self) {
            while let Some(b) = self.peek() {
                match b {
                    b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                    b'#' => {
                        while self.peek().is_some_and(|b| b != b'\n') {
                            self.pos += 1;
                        }
                    }
                    _ => break,
                }
            }
        }

        /// Skips anchors (`&a`) and tags (`!t`) before a node, and the space around them.
        fn skip_properties(&mut self) {
            self.skip_space();
            while matches!(self.peek(), Some(b'&' | b'!')) {
                while self.peek().is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'{' | b'[' | b']' | b'}')) {
                    self.pos += 1;
                }
                self.skip_space();
            }
        }

        /// In the mapping opening here, moves to the value of `key`, giving where its key starts.
        fn entry(&mut self, key: &str) -> Option<usize> {
            self.pos += 1;
            loop {
                self.skip_space();
                let key_start = self.pos;
                if matches!(self.peek(), None | Some(b'}')) {
                    return None;
                }
                let this = self.scalar(true);
                self.skip_space();
                if self.peek() == Some(b':') {
                    self.pos += 1;
                    if this == key {
                        return Some(key_start);
                    }
                    self.skip_properties();
                    self.skip_node();
                }
                self.next_item(key_start)?;
            }
        }

        /// In the sequence opening here, moves to item `index`, giving where it starts.
        fn item(&mut self, index: usize) -> Option<usize> {
            self.pos += 1;
            for _ in 0..index {
                self.skip_space();
                let item_start = self.pos;
                if matches!(self.peek(), None | Some(b']')) {
                    return None;
                }
                self.skip_properties();
                self.skip_node();
                self.next_item(item_start)?;
            }
            self.skip_space();
            (!matches!(self.peek(), None | Some(b']'))).then_some(self.pos)
        }

        /// Past the `,` after an entry or item that started at `start`; `None` at the end of the
        /// collection or when nothing moved (text this reader does not understand).
        fn next_item(&mut self, start: usize) -> Option<()> {
            self.skip_space();
            if self.peek() != Some(b',') || self.pos == start {
                return None;
            }
            self.pos += 1;
            Some(())
        }

        /// Skips one node: a whole collection, or a scalar.
        fn skip_node(&mut self) {
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    let close = if open == b'{' { b'}' } else { b']' };
                    self.pos += 1;
                    loop {
                        self.skip_space();
                        match self.peek() {
                            None => return,
                            Some(b) if b == close => {
                                self.pos += 1;
                                return;
                            }
                            Some(b',' | b':') => self.pos += 1,
                            Some(_) => {
                                let before = self.pos;
                                self.skip_properties();
                                self.skip_node();
                                if self.pos == before {
                                    // A stray closing bracket of the other kind.
                                    self.pos += 1;
                                }
                            }
                        }
                    }
                }
                _ => {
                    self.scalar(false);
                }
            }
        }

        /// Reads a scalar: quoted, or plain up to a flow indicator (and, for a key, up to a `:`
        /// before a space or an indicator). Gives its text, escapes in quotes taken literally.
        fn scalar(&mut self, key: bool) -> String {
            let mut out = Vec::new();
            match self.peek() {
                Some(quote @ (b'"' | b'\'')) => {
                    self.pos += 1;
                    while let Some(b) = self.peek() {
                        self.pos += 1;
                        if b == b'\\' && quote == b'"' {
                            if let Some(next) = self.peek() {
                                out.push(next);
                                self.pos += 1;
                            }
                        } else if b == quote {
                            if quote == b'\'' && self.peek() == Some(b'\'') {
                                out.push(b);
                                self.pos += 1;
                            } else {
                                break;
                            }
                        } else {
                            out.push(b);
                        }
                    }
                }
                _ => {
                    while let Some(b) = self.peek() {
                        let ends_key = key
                            && b == b':'
                            && self.bytes.get(self.pos + 1).is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'));
                        if ends_key || matches!(b, b',' | b'[' | b']' | b'{' | b'}' | b'\n') {
                            break;
                        }
                        out.push(b);
                        self.pos += 1;
                    }
                    while out.last().is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                        out.pop();
                    }
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        }
    }
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

    #[test]
    fn finds_lines_in_flow_collections() {
        let text = "openapi: 3.0.3\npaths:\n  /a: {get: {parameters: [{name: p, in: query},\n      {name: q, 'in': path, schema: &s !t {type: strng}}]}}\n  /b:\n    get:\n      responses: {\"200\": {description: ok}}\n";
        assert_eq!(find_line(text, "/paths/~1a/get"), Some((3, 8)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/0/in"), Some((3, 37)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1"), Some((4, 7)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1/in"), Some((4, 17)));
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/1/schema/type"), Some((4, 44)));
        assert_eq!(find_line(text, "/paths/~1b/get/responses/200/description"), Some((7, 27)));
        // Not there: the deepest ancestor.
        assert_eq!(find_line(text, "/paths/~1a/get/parameters/7/in"), Some((3, 14)));
        // JSON on one line, and pretty-printed JSON with a one-line object.
        let json = "{\"openapi\": \"3.0.3\", \"paths\": {\"/a\": {\"get\": {\"x\": [1, {\"y\": 2}]}}}}";
        assert_eq!(find_line(json, "/paths/~1a/get/x/1/y"), Some((1, 57)));
        let pretty = "{\n  \"paths\": {\n    \"/a\": {\"get\": {\"summary\": \"s, t\", \"x\": 1}}\n  }\n}\n";
        assert_eq!(find_line(pretty, "/paths/~1a/get/x"), Some((3, 39)));
    }
}
