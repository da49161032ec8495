//! The generated part of the client crate's `Cargo.toml`: its cargo features, one per feature of
//! the model, between two marker lines inside `[features]`. Everything outside the markers
//! (hand-written features such as `axum`, dependencies, comments) is kept as it is.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostics::{Error, ErrorKind, Location};
use crate::model::{Api, Feature, FeatureKind};
use crate::name::FULL_FEATURE;

/// The first line of the generated section (matched by prefix).
pub const BEGIN: &str = "# generated features: begin";
/// The last line of the generated section (matched by prefix).
pub const END: &str = "# generated features: end";

/// The generated section, marker lines included: `default = ["full"]`, `full` listing every
/// feature, then each feature with a `##` line saying what it turns on.
pub fn features_section(api: &Api) -> String {
    let mut out = format!("{BEGIN} (`cargo xtask codegen` writes this section from the descriptions: do not edit it)\n");
    let _ = writeln!(out, "default = [\"{FULL_FEATURE}\"]");
    out.push_str("## Every resource group, the webhooks and the schemas no operation uses.\n");
    // Groups by name (the model has them by tag, where `AI Content` sorts before `Admins`), then the others.
    let mut features: Vec<&Feature> = api.features.iter().collect();
    features.sort_by_key(|f| (!matches!(f.kind, FeatureKind::Group(_)), f.kind == FeatureKind::Unreferenced, &f.name));
    let _ = writeln!(out, "{FULL_FEATURE} = [");
    for feature in &features {
        let _ = writeln!(out, "    \"{}\",", feature.name);
    }
    out.push_str("]\n");
    for feature in features {
        let doc = match &feature.kind {
            FeatureKind::Group(tag) => {
                let accessor = api.operations.iter().find(|op| &op.tag == tag).map_or("", |op| op.group_accessor.as_str());
                format!("`client.{accessor}()`: the operations tagged `{tag}` and the types they use.")
            }
            FeatureKind::Webhooks => {
                "Typed webhook notifications (`Topic`, `WebhookEvent`, `Notification`) and the types they carry.".to_owned()
            }
            FeatureKind::Unreferenced => "The schemas that no operation and no webhook uses.".to_owned(),
        };
        // A tag can hold anything; a line break would end the comment.
        let _ = writeln!(out, "## {}", doc.replace(char::is_control, " "));
        let _ = writeln!(out, "{} = []", feature.name);
    }
    let _ = writeln!(out, "{END}");
    out
}

/// `manifest` (the text of the file at `path`) with its generated section replaced by `section`.
///
/// # Errors
///
/// A located error, nothing changed, when the markers are missing, repeated, out of order or
/// outside `[features]`, or when a hand-written feature has the name of a generated one.
pub fn splice(manifest: &str, section: &str, path: &Path) -> Result<String, Error> {
    // `line` is 0-based, as the index into `lines`.
    let garbled_at = |line: Option<usize>, message: String| {
        let location = Location { line: line.map(|l| (l + 1, 1)), ..Location::new(path, "") };
        Error::at(ErrorKind::Write, location, format!("the generated features section of the manifest: {message}"))
    };
    let garbled = |message: String| garbled_at(None, message);
    let lines: Vec<&str> = manifest.split_inclusive('\n').collect();
    let find = |marker: &str| -> Vec<usize> { (0..lines.len()).filter(|&i| lines[i].trim_start().starts_with(marker)).collect() };
    let (begins, ends) = (find(BEGIN), find(END));
    let (begin, end) = match (begins.as_slice(), ends.as_slice()) {
        ([begin], [end]) if begin < end => (*begin, *end),
        ([], []) => {
            return Err(garbled(format!(
                "no `{BEGIN}` and `{END}` lines; add the two lines inside [features], where the generated features go"
            )))
        }
        ([begin], []) => return Err(garbled_at(Some(*begin), format!("`{BEGIN}` has no `{END}` line after it"))),
        ([], [end]) => return Err(garbled_at(Some(*end), format!("`{END}` has no `{BEGIN}` line before it"))),
        ([begin], [end]) => {
            return Err(garbled_at(Some(*end), format!("`{END}` (line {}) comes before `{BEGIN}` (line {})", end + 1, begin + 1)))
        }
        _ => {
            return Err(garbled(format!(
                "`{BEGIN}` appears {} times and `{END}` {} times; there must be one of each",
                begins.len(),
                ends.len()
            )))
        }
    };
    let header = |line: &str| line.trim_start().starts_with('[');
    match lines[..begin].iter().rposition(|l| header(l)) {
        Some(at) if lines[at].trim() == "[features]" => {}
        _ => return Err(garbled_at(Some(begin), format!("`{BEGIN}` (line {}) is not inside [features]", begin + 1))),
    }
    if let Some(offset) = lines[begin..end].iter().position(|l| header(l)) {
        let line = begin + offset;
        return Err(garbled_at(Some(line), format!("a table header (line {}) is between the markers", line + 1)));
    }
    // Cargo would refuse a feature defined twice; say which and why.
    let generated = feature_keys(section.lines());
    let hand_written = feature_keys(features_table(&lines[..begin]).iter().chain(&lines[end + 1..]).take_while(|l| !header(l)).copied());
    if let Some(clash) = generated.intersection(&hand_written).next() {
        return Err(garbled(format!("the hand-written feature `{clash}` has the name of a generated one; rename it")));
    }
    let mut out = String::with_capacity(manifest.len() + section.len());
    out.extend(lines[..begin].iter().copied());
    out.push_str(section);
    if !section.ends_with('\n') {
        out.push('\n');
    }
    out.extend(lines[end + 1..].iter().copied());
    Ok(out)
}

/// The lines of the last `[features]` table in `lines`, after its header.
fn features_table<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let start = lines.iter().rposition(|l| l.trim() == "[features]").map_or(lines.len(), |at| at + 1);
    lines[start..].to_vec()
}

/// The keys of `key = ...` lines (comments and continuation lines have none).
fn feature_keys<'a>(lines: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    lines
        .filter_map(|line| {
            let (key, _) = line.split_once('=')?;
            let key = key.trim().trim_matches('"');
            let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            bare.then(|| key.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"x\"\n\n[features]\n## Hand-written.\naxum = [\"dep:axum\", \"webhooks\"]\n\n# generated features: begin\nold = []\n# generated features: end\n\n[dev-dependencies]\nfoo = \"1\"\n";

    fn path() -> &'static Path {
        Path::new("client/Cargo.toml")
    }

    #[test]
    fn replaces_only_the_section_and_is_idempotent() {
        let section = "# generated features: begin\ndefault = [\"full\"]\nfull = [\"a\"]\na = []\n# generated features: end\n";
        let once = splice(MANIFEST, section, path()).expect("splices");
        assert_eq!(once, MANIFEST.replace("old = []\n", "default = [\"full\"]\nfull = [\"a\"]\na = []\n"));
        assert_eq!(splice(&once, section, path()).expect("splices again"), once);
    }

    #[test]
    fn bad_markers_are_located_errors() {
        let section = "# generated features: begin\na = []\n# generated features: end\n";
        let cases = [
            (MANIFEST.replace("# generated features: begin\n", "").replace("# generated features: end\n", ""), "no `# generated"),
            (MANIFEST.replace("# generated features: end\n", ""), "has no `# generated features: end`"),
            (MANIFEST.replace("# generated features: begin\n", ""), "has no `# generated features: begin`"),
            (MANIFEST.replace("old = []\n", "old = []\n# generated features: begin\n"), "appears 2 times"),
            (
                "[features]\n# generated features: end\n# generated features: begin\n".to_owned(),
                "(line 2) comes before `# generated features: begin` (line 3)",
            ),
            (MANIFEST.replace("[features]\n", ""), "is not inside [features]"),
            (MANIFEST.replace("old = []\n", "[dependencies]\n"), "a table header (line 9)"),
            (MANIFEST.replace("axum =", "a ="), "hand-written feature `a`"),
        ];
        for (manifest, expected) in cases {
            let err = splice(&manifest, section, path()).expect_err(expected);
            assert_eq!(err.kind, ErrorKind::Write);
            let text = err.to_string();
            assert!(text.contains("client/Cargo.toml") && text.contains(expected), "{expected}: {text}");
        }
    }
}
