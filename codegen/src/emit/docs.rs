//! Makes description text safe for rustdoc and clippy: no doctests, no broken links, no raw HTML,
//! no bare URLs, no lazy list continuations, no tabs, control or text-direction characters.

/// Rewrites markdown from a description into doc-comment lines.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Inside a markdown list item, continuation lines are indented to its content (clippy's
    // `doc_lazy_continuation`); this is that indent, 0 outside a list item.
    let mut list_indent = 0;
    // After a quote line, a line without `>` would continue the quote lazily (clippy's
    // `doc_lazy_continuation`): a blank line ends the quote first.
    let mut in_quote = false;
    let text: std::borrow::Cow<str> =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n").into() } else { text.into() };
    let text = clean_chars(&text);
    let text = admonitions(&text);
    for raw in text.lines() {
        let trimmed = raw.trim();
        // A paragraph of nothing but a non-breaking space is a spacer on a web page.
        let trimmed = if !in_fence && trimmed == "&nbsp;" { "" } else { trimmed };
        if !in_fence && (trimmed.starts_with('>')) {
            // A quote (admonitions become quotes): its marker kept, its text made safe.
            list_indent = 0;
            let quoted = trimmed[1..].trim_start();
            out.push(if quoted.is_empty() { ">".to_owned() } else { format!("> {}", escape_line(quoted)) });
            in_quote = true;
            continue;
        }
        if std::mem::take(&mut in_quote) && !in_fence && !trimmed.is_empty() {
            out.push(String::new());
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Every code block is shown as text: descriptions hold JSON and curl, never Rust doctests.
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
        } else if trimmed.is_empty() {
            list_indent = 0;
            // One blank line between paragraphs is enough (spacers above leave several).
            if out.last().is_some_and(|last: &String| !last.is_empty()) {
                out.push(String::new());
            }
        } else if let Some(offset) = list_item_content(trimmed) {
            list_indent = offset;
            out.push(escape_line(trimmed));
        } else if list_indent > 0 {
            out.push(format!("{:list_indent$}{}", "", escape_line(trimmed)));
        } else {
            // Leading spaces would make an indented (Rust) code block.
            out.push(escape_line(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// The spellings of an HTML line break, which stays HTML: rustdoc shows it, and in a table cell a
/// real line break would end the row.
const LINE_BREAKS: [&str; 6] = ["<br>", "<br/>", "<br />", "<BR>", "<BR/>", "<BR />"];

/// Redocly's `{% admonition type="warning" name="Title" %} text {% /admonition %}` blocks as
/// quotes rustdoc shows: `> **Warning: Title**`, then the text (`> **Warning:** text` without a
/// name). `info` is a note, `danger` a danger, `success` and `tip` a tip.
fn admonitions(text: &str) -> std::borrow::Cow<'_, str> {
    const OPEN: &str = "{% admonition";
    const CLOSE: &str = "{% /admonition %}";
    if !text.contains(OPEN) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let Some(tag_len) = rest[start..].find("%}") else { break };
        let tag = &rest[start + OPEN.len()..start + tag_len];
        let body_start = start + tag_len + 2;
        let (body, after) = match rest[body_start..].find(CLOSE) {
            Some(end) => (&rest[body_start..body_start + end], &rest[body_start + end + CLOSE.len()..]),
            None => (&rest[body_start..], ""),
        };
        out.push_str(rest[..start].trim_end_matches(' '));
        if !out.is_empty() {
            while !out.ends_with("\n\n") {
                out.push('\n');
            }
        }
        let label = match attribute(tag, "type").unwrap_or("note") {
            "warning" => "Warning".to_owned(),
            "danger" => "Danger".to_owned(),
            "info" | "note" => "Note".to_owned(),
            "success" | "tip" => "Tip".to_owned(),
            other => other.chars().take(1).flat_map(char::to_uppercase).chain(other.chars().skip(1)).collect(),
        };
        let lines: Vec<&str> = body.lines().map(str::trim).skip_while(|l| l.is_empty()).collect();
        let end = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |last| last + 1);
        let mut quoted: Vec<String> = Vec::with_capacity(end + 2);
        match attribute(tag, "name").filter(|name| !name.trim().is_empty()) {
            Some(name) => {
                quoted.push(format!("> **{label}: {}**", name.trim()));
                if end > 0 {
                    quoted.push(">".to_owned());
                }
                quoted.extend(lines[..end].iter().map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") }));
            }
            None => {
                let mut lines = lines[..end].iter();
                quoted.push(format!("> **{label}:** {}", lines.next().copied().unwrap_or_default()).trim_end().to_owned());
                quoted.extend(lines.map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") }));
            }
        }
        out.push_str(&quoted.join("\n"));
        out.push_str("\n\n");
        rest = after.trim_start_matches([' ', '\n']);
    }
    out.push_str(rest);
    out.into()
}

/// The value of `key="..."` in a Markdoc tag's text.
fn attribute<'t>(tag: &'t str, key: &str) -> Option<&'t str> {
    let pattern = format!("{key}=\"");
    let mut from = 0;
    while let Some(found) = tag[from..].find(&pattern) {
        let at = from + found;
        // `name=` only, not `filename=`.
        if at == 0 || tag[..at].ends_with(char::is_whitespace) {
            let value = &tag[at + pattern.len()..];
            return value.find('"').map(|end| &value[..end]);
        }
        from = at + pattern.len();
    }
    None
}

/// HTML character references rustdoc would show as written inside a code span.
fn decode_entities(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.contains('&') {
        return code.into();
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|&end| end <= 8).and_then(|end| {
            let c = match &after[..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                numeric => {
                    let digits = numeric.strip_prefix('#')?;
                    let code = match digits.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => digits.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| !c.is_control() && *c != '`')?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Where the text of a list item starts (`- item`: 2, `10. item`: 4, `*   item`: 4), `None` for
/// other lines. As in CommonMark, the spaces after the marker count up to four; past four, the
/// text is an indented block and the item's content starts one space after the marker.
fn list_item_content(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !line[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Characters no doc comment should hold: tabs become spaces (clippy's `tabs_in_doc_comments`);
/// control characters go (a line break is the caller's business); so do the ones that change
/// the direction of text (rustc refuses them in comments).
pub fn clean_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let unwanted = |c: char| c == '\t' || (c.is_control() && c != '\n') || is_direction_control(c);
    if !text.contains(unwanted) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if unwanted(c) => {}
            c => out.push(c),
        }
    }
    out.into()
}

/// Explicit direction marks, embeddings, overrides and isolates (Unicode's bidi controls).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line of description text (a tag, a title, a name), made safe to write into a doc line as prose.
pub(crate) fn inline(text: &str) -> String {
    escape_line(&clean_chars(text).replace('\n', " "))
}

/// `text` as a markdown code span, whatever backticks it holds (the fence is one longer than its
/// longest run of them); on one line, without the characters [`clean_chars`] takes out.
pub(crate) fn code(text: &str) -> String {
    let text = clean_chars(text).replace('\n', " ");
    if text.trim().is_empty() {
        // An empty code span would be two bare backticks.
        return format!("`\"{text}\"`");
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The runs of backticks of a line: for each length, where the runs of that length start, in order.
fn backtick_runs(chars: &[char]) -> std::collections::HashMap<usize, Vec<usize>> {
    let mut runs: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    let mut j = 0;
    while j < chars.len() {
        if chars[j] == '`' {
            let len = chars[j..].iter().take_while(|&&c| c == '`').count();
            runs.entry(len).or_default().push(j);
            j += len;
        } else {
            j += 1;
        }
    }
    runs
}

/// Where the next run of exactly `run` backticks at or after `from` starts (`runs` from [`backtick_runs`]).
fn closing_run(runs: &std::collections::HashMap<usize, Vec<usize>>, from: usize, run: usize) -> Option<usize> {
    let starts = runs.get(&run)?;
    starts.get(starts.partition_point(|&start| start < from)).copied()
}

/// Whether a markdown link's target is one rustdoc takes as a URL (anything else it would try
/// to resolve as a Rust path, and warn).
fn is_url_target(target: &str) -> bool {
    ["http://", "https://", "mailto:", "#", "/"].iter().any(|prefix| target.starts_with(prefix))
}

fn escape_line(line: &str) -> String {
    // Most lines have nothing to escape.
    if !line.contains(['<', '>', '[', ']', '`']) && !line.contains("http://") && !line.contains("https://") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    // The position of the first `]` at or after each position, found once for the whole line.
    let mut next_close = vec![None; chars.len() + 1];
    for j in (0..chars.len()).rev() {
        next_close[j] = if chars[j] == ']' { Some(j) } else { next_close[j + 1] };
    }
    let runs = if line.contains('`') { backtick_runs(&chars) } else { Default::default() };
    // Link texts opened (`[` kept) and not closed yet.
    let mut open_links = 0usize;
    let mut i = 0;
    while i < chars.len() {
        // Inline code is shown as written: a run of backticks up to the next run of the same
        // length. A run nothing closes is literal text, its backticks escaped so they open nothing.
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            match closing_run(&runs, i + run, run) {
                Some(end) => {
                    let span: String = chars[i..end + run].iter().collect();
                    out.push_str(&decode_entities(&span));
                    i = end + run;
                }
                None => {
                    out.push_str(&"\\`".repeat(run));
                    i += run;
                }
            }
            continue;
        }
        let starts_with = |prefix: &str| prefix.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c));
        if starts_with("http://") || starts_with("https://") {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '<' | '>' | '"' | '`' | ')' | ']') {
                i += 1;
            }
            let mut end = i;
            while end > start && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'') {
                end -= 1;
            }
            let url: String = chars[start..end].iter().collect();
            let trailing: String = chars[end..i].iter().collect();
            let in_link = (out.ends_with("](") && !out.ends_with("\\](")) || out.ends_with('<');
            if in_link {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            out.push_str(&trailing);
            continue;
        }
        if chars[i] == '<' {
            if let Some(br) = LINE_BREAKS.iter().find(|br| starts_with(br)) {
                out.push_str("<br>");
                i += br.chars().count();
                continue;
            }
        }
        match chars[i] {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Square brackets would be read as intra-doc links, unless they are a link to a URL.
            // A link's text may not span lines here: a `](url)` whose `[` is on another line is text.
            '[' => {
                match next_close[i] {
                    Some(end) if links_to_url(&chars, end) => {
                        out.push('[');
                        open_links += 1;
                    }
                    _ => out.push_str("\\["),
                }
            }
            ']' => {
                if open_links > 0 && links_to_url(&chars, i) {
                    out.push(']');
                    open_links -= 1;
                } else {
                    out.push_str("\\]");
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether the `]` at `close` is followed by `(target)` with a URL target.
fn links_to_url(chars: &[char], close: usize) -> bool {
    if chars.get(close + 1) != Some(&'(') {
        return false;
    }
    let target: String = chars[close + 2..].iter().take_while(|&&c| c != ')' && !c.is_whitespace()).collect();
    is_url_target(&target)
}

/// Doc comments kept out of a part's tokens while it is emitted, and put back in its formatted text.
///
/// syn parses, and prettyplease prints, every `#[doc = "..."]` line as a string literal: that was
/// about half of the time to emit and format a description's code. While a part is emitted, each
/// doc block becomes one short placeholder attribute instead, which prettyplease prints as a
/// `///` line at the item's indentation; [`KeptDocs::fill`] writes the block's lines there, as
/// prettyplease would have written them (`///`, the text, trailing spaces trimmed).
#[derive(Debug, Default)]
pub struct KeptDocs {
    blocks: Vec<Vec<String>>,
}

thread_local! {
    /// The blocks kept aside by the part being emitted on this thread, if it keeps them aside.
    static KEPT: std::cell::RefCell<Option<Vec<Vec<String>>>> = const { std::cell::RefCell::new(None) };
}

/// What a placeholder's text starts with; its block's index follows. No doc line starts with it:
/// real ones are empty or start with a space.
const PLACEHOLDER: char = '\0';

impl KeptDocs {
    /// Runs `emit` with the doc blocks it emits kept aside: its tokens, and the blocks.
    pub fn keep_aside<T>(emit: impl FnOnce() -> T) -> (T, KeptDocs) {
        let outer = KEPT.with(|kept| kept.replace(Some(Vec::new())));
        let emitted = emit();
        let blocks = KEPT.with(|kept| kept.replace(outer)).unwrap_or_default();
        (emitted, KeptDocs { blocks })
    }

    /// The formatted text with every placeholder line replaced by its block's lines.
    pub fn fill(&self, formatted: String) -> String {
        if self.blocks.is_empty() {
            return formatted;
        }
        let extra: usize = self.blocks.iter().flatten().map(|line| line.len() + 16).sum();
        let mut out = String::with_capacity(formatted.len() + extra);
        let marker = format!("///{PLACEHOLDER}");
        for line in formatted.split_inclusive('\n') {
            let body = line.trim_start_matches(' ');
            let block = body.strip_prefix(marker.as_str()).and_then(|rest| rest.trim_end().parse::<usize>().ok());
            match block.and_then(|index| self.blocks.get(index)) {
                Some(lines) => {
                    let indent = &line[..line.len() - body.len()];
                    for doc in lines {
                        out.push_str(indent);
                        out.push_str("///");
                        out.push_str(doc.trim_end_matches(' '));
                        out.push('\n');
                    }
                }
                None => out.push_str(line),
            }
        }
        out
    }
}

/// `#[doc]` attributes with these values, one per line: a placeholder when the part being emitted
/// keeps its docs aside and prettyplease would write every line as a `///` comment.
pub(crate) fn doc_attributes(lines: Vec<String>) -> proc_macro2::TokenStream {
    if lines.is_empty() {
        return proc_macro2::TokenStream::new();
    }
    // Whatever the caller built the lines from, no tab, control or direction character gets through.
    let lines: Vec<String> = lines
        .into_iter()
        .map(|line| match clean_chars(&line) {
            std::borrow::Cow::Borrowed(_) => line,
            std::borrow::Cow::Owned(clean) => clean,
        })
        .collect();
    // prettyplease writes a value with a line break, or starting with `/`, another way.
    let plain = lines.iter().all(|line| !line.contains('\n') && !line.starts_with('/'));
    if !plain || !KEPT.with(|kept| kept.borrow().is_some()) {
        let attrs = lines.iter().map(|line| quote::quote!(#[doc = #line]));
        return quote::quote!(#(#attrs)*);
    }
    let index = KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        let blocks = kept.get_or_insert_with(Vec::new);
        blocks.push(lines);
        blocks.len() - 1
    });
    let placeholder = format!("{PLACEHOLDER}{index}");
    quote::quote!(#[doc = #placeholder])
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn list_continuations_stay_in_their_item() {
        assert_eq!(doc_lines("- first\nmore of first\n\nafter"), vec!["- first", "  more of first", "", "after"]);
        assert_eq!(doc_lines("1. one\ntwo"), vec!["1. one", "   two"]);
        assert_eq!(doc_lines("10) ten\ntwo"), vec!["10) ten", "    two"]);
        // The text of an item starts after every space that follows its marker (up to four).
        assert_eq!(doc_lines("*   wide\nmore"), vec!["*   wide", "    more"]);
        assert_eq!(doc_lines("1.  one\ntwo"), vec!["1.  one", "    two"]);
    }

    #[test]
    fn odd_characters_go() {
        assert_eq!(doc_lines("a\tb\u{7}c\u{202e}d\u{2066}e\u{1b}[0m"), vec!["a    bcde\\[0m"]);
        assert_eq!(super::code("line\nbreak\t"), "`line break    `");
    }

    #[test]
    fn backticks_nothing_closes_open_nothing() {
        assert_eq!(doc_lines("an `open tick and [x]"), vec!["an \\`open tick and \\[x\\]"]);
        assert_eq!(doc_lines("``a ` b`` and `c`"), vec!["``a ` b`` and `c`"]);
        assert_eq!(doc_lines("x ```` [x] `"), vec!["x \\`\\`\\`\\` \\[x\\] \\`"]);
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(super::code("a`b"), "``a`b``");
        assert_eq!(super::code("`x"), "`` `x ``");
        assert_eq!(super::code(""), "`\"\"`");
    }

    #[test]
    fn link_texts_over_two_lines_are_text() {
        assert_eq!(doc_lines("a [link over\ntwo lines](https://x.io/a)."), vec![
            "a \\[link over",
            "two lines\\](<https://x.io/a>)."
        ]);
    }

    #[test]
    fn links_only_to_urls() {
        assert_eq!(doc_lines("[a](https://x.io) [b](Foo::bar) [c](#anchor) ![i](pic)"), vec![
            "[a](https://x.io) \\[b\\](Foo::bar) [c](#anchor) !\\[i\\](pic)"
        ]);
    }

    #[test]
    fn admonitions_become_quotes() {
        let text = "Before.\n\n{% admonition type=\"warning\" name=\"Using `id`\" %}\n  Pass one <b>id</b>.\n{% /admonition %}\n\nAfter.";
        assert_eq!(doc_lines(text), vec!["Before.", "", "> **Warning: Using `id`**", ">", "> Pass one &lt;b&gt;id&lt;/b&gt;.", "", "After."]);
        let text = "{% admonition type=\"info\" %}\nAsk first.\n\nThen call.\n{% /admonition %}";
        assert_eq!(doc_lines(text), vec!["> **Note:** Ask first.", ">", "> Then call."]);
        assert_eq!(doc_lines("{% admonition type=\"danger\" %}No end"), vec!["> **Danger:** No end"]);
        // A line right after a quote ends it rather than continuing it lazily.
        assert_eq!(doc_lines("> quoted\nnot quoted"), vec!["> quoted", "", "not quoted"]);
    }

    #[test]
    fn line_breaks_stay_html() {
        let text = "| a | b |\n|---|---|\n| x<br>y | <i>z</i><br/>w |\n\none<br>two `a<br>b`";
        assert_eq!(doc_lines(text), vec!["| a | b |", "|---|---|", "| x<br>y | &lt;i&gt;z&lt;/i&gt;<br>w |", "", "one<br>two `a<br>b`"]);
    }

    #[test]
    fn entities_in_code_and_spacers() {
        assert_eq!(doc_lines("Use `a &lt; b &amp;&amp; c &#62; d`, &amp; more.\n\n&nbsp;\n\nNext."), vec![
            "Use `a < b && c > d`, &amp; more.",
            "",
            "Next."
        ]);
        assert_eq!(doc_lines("`&#96;` `&bogus; &`"), vec!["`&#96;` `&bogus; &`"]);
    }

    #[test]
    fn sanitizes() {
        let lines = doc_lines("See https://x.io/a. Use <b>bold</b> and [id] or [link](https://y.io) `<a>`\n\n    indented\n```\n{\"a\": 1}\n```");
        assert_eq!(
            lines,
            vec![
                "See <https://x.io/a>. Use &lt;b&gt;bold&lt;/b&gt; and \\[id\\] or [link](https://y.io) `<a>`",
                "",
                "indented",
                "```text",
                "{\"a\": 1}",
                "```"
            ]
        );
    }
}
