//! Makes description text safe for rustdoc: no doctests, no broken links, no raw HTML, no bare URLs.

/// Rewrites markdown from a description into doc-comment lines.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Every code block is shown as text: descriptions hold JSON and curl, never Rust doctests.
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
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

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
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
        let rest: String = chars[i..].iter().take(8).collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '<' | '>' | '"' | '`' | ')' | ']') {
                i += 1;
            }
            let mut url: String = chars[start..i].iter().collect();
            let mut trailing = String::new();
            while url.ends_with(['.', ',', ';', ':', '!', '?', '\'']) {
                if let Some(c) = url.pop() {
                    trailing.insert(0, c);
                }
            }
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
                let closing = chars[i..].iter().position(|&c| c == ']').map(|p| i + p);
                match closing {
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

#[cfg(test)]
mod tests {
    use super::doc_lines;

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
