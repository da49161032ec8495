//! Makes description text safe for rustdoc: no doctests, no broken links, no raw HTML, no bare URLs.

/// Rewrites markdown from a description into doc-comment lines.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Inside a markdown list item, continuation lines are indented so they stay part of it.
    let mut in_list_item = false;
    let text: std::borrow::Cow<str> =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n").into() } else { text.into() };
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Every code block is shown as text: descriptions hold JSON and curl, never Rust doctests.
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
        } else if trimmed.is_empty() {
            in_list_item = false;
            out.push(String::new());
        } else if is_list_item(trimmed) {
            in_list_item = true;
            out.push(escape_line(trimmed));
        } else if in_list_item {
            out.push(format!("  {}", escape_line(trimmed)));
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

/// `- item`, `* item`, `+ item`, `1. item`, `1) item`.
fn is_list_item(line: &str) -> bool {
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.starts_with(' ');
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

fn escape_line(line: &str) -> String {
    // Most lines have nothing to escape.
    if !line.contains(['<', '>', '[', ']']) && !line.contains("http://") && !line.contains("https://") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    // The position of the first `]` at or after each position, found once for the whole line.
    let mut next_close = vec![None; chars.len() + 1];
    for j in (0..chars.len()).rev() {
        next_close[j] = if chars[j] == ']' { Some(j) } else { next_close[j + 1] };
    }
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        // Inline code is shown as written.
        if chars[i] == '`' {
            in_code = !in_code;
            out.push('`');
            i += 1;
            continue;
        }
        if in_code {
            out.push(chars[i]);
            i += 1;
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
            let in_link = out.ends_with("](") || out.ends_with('<');
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
        match chars[i] {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Square brackets would be read as intra-doc links.
            '[' => {
                match next_close[i] {
                    Some(end) if chars.get(end + 1) == Some(&'(') => out.push('['),
                    _ => out.push_str("\\["),
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
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
        assert_eq!(doc_lines("1. one\ntwo"), vec!["1. one", "  two"]);
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
