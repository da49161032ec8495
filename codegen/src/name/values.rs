//! Names of enum values: words for values made of symbols (`!=` is `NotEq`), and other
//! spellings for values that differ only by punctuation or case, tried before numbering.

use super::type_name;

/// Values that are whole operators, as search filters use them.
const OPERATORS: &[(&str, &str)] = &[
    ("=", "Eq"),
    ("!=", "NotEq"),
    (">", "Gt"),
    ("<", "Lt"),
    (">=", "Gte"),
    ("<=", "Lte"),
    ("~", "Contains"),
    ("!~", "NotContains"),
    ("^", "StartsWith"),
    ("$", "EndsWith"),
];

/// The name of one character that is no ASCII letter or digit.
fn char_word(c: char) -> String {
    let word = match c {
        '=' => "Eq",
        '!' => "Not",
        '>' => "Gt",
        '<' => "Lt",
        '~' => "Tilde",
        '^' => "Caret",
        '$' => "Dollar",
        '+' => "Plus",
        '-' => "Minus",
        '*' => "Star",
        '/' => "Slash",
        '\\' => "Backslash",
        '.' => "Dot",
        ',' => "Comma",
        ':' => "Colon",
        ';' => "Semicolon",
        '?' => "Question",
        '@' => "At",
        '#' => "Hash",
        '%' => "Percent",
        '&' => "Amp",
        '|' => "Pipe",
        '(' => "OpenParen",
        ')' => "CloseParen",
        '[' => "OpenBracket",
        ']' => "CloseBracket",
        '{' => "OpenBrace",
        '}' => "CloseBrace",
        '\'' => "Quote",
        '"' => "DoubleQuote",
        '`' => "Backtick",
        '_' => "Underscore",
        ' ' => "Space",
        // Anything else by its code point: distinct, and the same on every run.
        c => return format!("U{:X}", u32::from(c)),
    };
    word.to_owned()
}

/// The value with every character that is no ASCII letter or digit spelled out: `-1` is
/// `Minus1`, `a.b` is `ADotB`.
fn spelled(value: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            if !run.is_empty() {
                words.push(std::mem::take(&mut run));
            }
            words.push(char_word(c));
        }
    }
    if !run.is_empty() {
        words.push(run);
    }
    type_name(&words, "Value")
}

/// The names a value may take, best first; the caller numbers the first when all are taken.
pub fn candidates(value: &str) -> Vec<String> {
    if value.is_empty() {
        return vec!["Empty".to_owned()];
    }
    if let Some((_, word)) = OPERATORS.iter().find(|(symbol, _)| *symbol == value) {
        return vec![(*word).to_owned(), spelled(value)];
    }
    let mut out = Vec::with_capacity(3);
    if value.contains(|c: char| c.is_ascii_alphanumeric()) {
        out.push(type_name(&[value.to_owned()], "Value"));
    }
    let spelled = spelled(value);
    // Values that differ only by case: `IN` beside `in`.
    let case = if !value.contains(|c: char| c.is_ascii_alphabetic()) {
        None
    } else if !value.contains(|c: char| c.is_ascii_lowercase()) {
        Some("Upper")
    } else if !value.contains(|c: char| c.is_ascii_uppercase()) {
        Some("Lower")
    } else {
        None
    };
    let base = out.first().cloned().unwrap_or_else(|| spelled.clone());
    let cased = case.map(|case| format!("{}{case}", base.trim_end_matches('_')));
    // A value in capitals is most likely the twin of a lower-case one (`FOO_BAR`, `foo_bar`).
    if case == Some("Upper") {
        out.extend(cased.clone());
    }
    if !out.contains(&spelled) {
        out.push(spelled);
    }
    if case != Some("Upper") {
        out.extend(cased);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Scope;

    fn names(values: &[&str]) -> Vec<String> {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        values.iter().map(|v| scope.claim_first(&candidates(v))).collect()
    }

    #[test]
    fn operators_have_words() {
        let values = ["=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"];
        let expected = ["Eq", "NotEq", "In", "Nin", "Lt", "Lte", "Gt", "Gte", "Contains", "NotContains", "StartsWith", "EndsWith"];
        assert_eq!(names(&values), expected);
    }

    #[test]
    fn other_symbols_are_spelled() {
        assert_eq!(names(&["+", "*", "-", "==", "<>", "...", "日"]), ["Plus", "Star", "Minus", "EqEq", "LtGt", "DotDotDot", "U65e5"]);
    }

    #[test]
    fn values_differing_by_punctuation_or_case_stay_apart() {
        assert_eq!(names(&["1", "-1", "+1", "a.b", "a-b", "ab"]), ["N1", "Minus1", "Plus1", "AB", "AMinusB", "Ab"]);
        assert_eq!(names(&["in", "IN", "In", "iN"]), ["In", "InUpper", "In2", "IN"]);
        assert_eq!(names(&["foo_bar", "FOO_BAR", "foo-bar"]), ["FooBar", "FooBarUpper", "FooMinusBar"]);
        assert_eq!(names(&["", "Unknown", "self"]), ["Empty", "Unknown2", "Self_"]);
    }
}
