//! Making untrusted text safe to show: [`Escaped`] takes server text (error codes, messages,
//! request ids) and gives it with control characters escaped, [`url`] takes a URL and gives
//! it without credentials or query.

use std::fmt::{self, Write as _};

/// Shows a string from the server with every control character (newlines included), the
/// Unicode line separators and the bidirectional overrides escaped as `\n`, `\u{1b}`, …, so one
/// log line stays one line and reads as what it is.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut clean = 0;
        for (index, c) in self.0.char_indices() {
            if needs_escape(c) {
                f.write_str(&self.0[clean..index])?;
                for escaped in c.escape_debug() {
                    f.write_char(escaped)?;
                }
                clean = index + c.len_utf8();
            }
        }
        f.write_str(&self.0[clean..])
    }
}

/// How many characters of a body `Debug` shows ([`ShortBody`]).
pub(crate) const BODY_PREFIX_CHARS: usize = 200;

/// A body for `Debug`: its length and at most its first [`BODY_PREFIX_CHARS`] characters, so a
/// logged error carries enough to recognise the answer, not a whole page of personal data.
pub(crate) struct ShortBody<'a>(pub(crate) &'a str);

impl fmt::Debug for ShortBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.0;
        let cut = body.char_indices().nth(BODY_PREFIX_CHARS).map_or(body.len(), |(index, _)| index);
        fmt::Debug::fmt(&body[..cut], f)?;
        if cut < body.len() {
            f.write_str("…")?;
        }
        write!(f, " ({} bytes)", body.len())
    }
}

/// An error's sources, each after `: ` (skipping one whose text the previous already shows), for
/// the `Display` of an error that would otherwise hide its cause.
pub(crate) struct Sources<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl fmt::Display for Sources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.to_string();
        let mut next = self.0.source();
        while let Some(source) = next {
            let text = source.to_string();
            if !shown.contains(&text) {
                write!(f, ": {}", Escaped(&text))?;
            }
            shown = text;
            next = source.source();
        }
        Ok(())
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as a URL without user name, password or query (`?redacted` marks that there was one), or
/// `<unparsable URL>` when it does not parse, so a secret in it never reaches an error message.
pub(crate) fn url(text: &str) -> String {
    match reqwest::Url::parse(text.trim()) {
        Ok(parsed) => redacted(&parsed).to_string(),
        Err(_) => "<unparsable URL>".to_owned(),
    }
}

/// `url` without user name, password, query (replaced by `?redacted` when there was one)
/// or fragment.
pub(crate) fn redacted(url: &reqwest::Url) -> reqwest::Url {
    let mut clean = url.clone();
    // Fails only for URLs that cannot have credentials, which then have none to remove.
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    if clean.query().is_some() {
        clean.set_query(Some("redacted"));
    }
    clean.set_fragment(None);
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let shown = Escaped("ok\nFAKE LOG LINE\r\t\u{1b}[31m\u{202e}evil\u{2028}é \"q\" \\").to_string();
        assert_eq!(shown, "ok\\nFAKE LOG LINE\\r\\t\\u{1b}[31m\\u{202e}evil\\u{2028}é \"q\" \\");
        assert_eq!(Escaped("plain").to_string(), "plain");
        assert_eq!(Escaped("").to_string(), "");
    }

    #[test]
    fn urls_lose_credentials_and_queries() {
        assert_eq!(url("https://user:pw@api.example.com/p/?access_token=s3cret#f"), "https://api.example.com/p/?redacted");
        assert_eq!(url("http://h:8080/a"), "http://h:8080/a");
        assert_eq!(url("not a url with a s3cret"), "<unparsable URL>");
    }
}
