//! `cargo xtask coverage [PUBLISHED] [--ours PATH] [--differences PATH] [--table | --list-differences]`:
//! takes a published description and ours, gives the operations (method + path) of the published
//! one that ours lacks, the sentences ours copies, and the differences on the wire
//! (`codegen::diff::wire`) that the differences file does not document; with `--table` the
//! operation counts per group (tag) of the published description, with `--list-differences` every
//! difference on the wire as a line of the differences file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

const DEFAULT_PUBLISHED: &str = "../shared/specs/intercom/2.15/api.intercom.io.yaml";
const OURS: &str = "specs/openapi.yaml";
/// Every difference on the wire between the published description and ours, each group with why.
const DIFFERENCES: &str = "specs/published-differences.txt";
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Upper case, as on the wire.
    pub method: String,
    /// As written in the description.
    pub path: String,
    /// The first tag, or `(untagged)`.
    pub group: String,
}

impl Operation {
    /// What makes two operations the same: the method and the path with every parameter name
    /// erased, so `/contacts/{id}` and `/contacts/{contact_id}` match.
    fn key(&self) -> (String, String) {
        let mut shape = String::with_capacity(self.path.len());
        let mut in_parameter = false;
        for c in self.path.chars() {
            match c {
                '{' => {
                    in_parameter = true;
                    shape.push_str("{}");
                }
                '}' => in_parameter = false,
                _ if in_parameter => {}
                _ => shape.push(c),
            }
        }
        (self.method.clone(), shape.trim_end_matches('/').to_owned())
    }
}

/// Every operation under `paths`, in document order.
pub fn operations(document: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let group = operation
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or("(untagged)")
                .to_owned();
            out.push(Operation { method: method.to_uppercase(), path: path.clone(), group });
        }
    }
    out
}

/// How much of a published description ours covers.
#[derive(Debug)]
pub struct Coverage {
    /// Operations of the published description ours lacks, in its order.
    pub missing: Vec<Operation>,
    /// Number of operations in the published description.
    pub total: usize,
    /// Per group of the published description: (its operations, how many ours has).
    pub groups: BTreeMap<String, (usize, usize)>,
    /// Operations of ours that the published description does not have.
    pub extra: Vec<Operation>,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.total - self.missing.len()
    }

    /// A markdown table: one row per group of the published description, then the totals.
    pub fn table(&self, published_version: &str) -> String {
        let mut out = format!("| group | operations in {published_version} | in ours | missing |\n|---|---:|---:|---:|\n");
        for (group, (total, covered)) in &self.groups {
            out.push_str(&format!("| {group} | {total} | {covered} | {} |\n", total - covered));
        }
        let (total, covered) = (self.total, self.covered());
        out.push_str(&format!("| **all** | **{total}** | **{covered}** | **{}** |\n", total - covered));
        out
    }
}

/// Compares the operations of two descriptions.
pub fn compare(published: &Value, ours: &Value) -> Coverage {
    let published_ops = operations(published);
    let ours_ops = operations(ours);
    let ours_keys: BTreeSet<_> = ours_ops.iter().map(Operation::key).collect();
    let published_keys: BTreeSet<_> = published_ops.iter().map(Operation::key).collect();
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut missing = Vec::new();
    for operation in &published_ops {
        let entry = groups.entry(operation.group.clone()).or_default();
        entry.0 += 1;
        if ours_keys.contains(&operation.key()) {
            entry.1 += 1;
        } else {
            missing.push(operation.clone());
        }
    }
    let extra = ours_ops.into_iter().filter(|o| !published_keys.contains(&o.key())).collect();
    Coverage { missing, total: published_ops.len(), groups, extra }
}

fn load(path: &Path) -> Result<Value, String> {
    codegen::load::load_file(path).map(|source| source.value).map_err(|e| e.to_string())
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    const USAGE: &str =
        "usage: cargo xtask coverage [PUBLISHED] [--ours PATH] [--differences PATH] [--table | --list-differences]";
    let mut published = root.join(DEFAULT_PUBLISHED);
    let mut ours = root.join(OURS);
    let mut differences = root.join(DIFFERENCES);
    let (mut table, mut list) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--table" => table = true,
            "--list-differences" => list = true,
            "--ours" => ours = PathBuf::from(args.next().ok_or(USAGE)?),
            "--differences" => differences = PathBuf::from(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with("--") => return Err(format!("coverage: unknown option `{other}`\n{USAGE}")),
            path => published = PathBuf::from(path),
        }
    }
    let wire = || {
        let config = |openapi: &Path| codegen::Config { openapi: openapi.to_path_buf(), ..Default::default() };
        codegen::diff::compare_wire_configs(&config(&published), &config(&ours))
            .map(|report| report.changes.iter().map(ToString::to_string).collect::<Vec<_>>())
            .map_err(|e| format!("coverage: cannot compare the descriptions on the wire: {e}"))
    };
    if list {
        for line in wire()? {
            println!("{line}");
        }
        return Ok(());
    }
    let published_doc = load(&published)?;
    let coverage = compare(&published_doc, &load(&ours)?);
    let version = published_doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("published");
    if table {
        print!("{}", coverage.table(version));
        return Ok(());
    }
    if !coverage.missing.is_empty() {
        println!("operations of {} that {} lacks:", published.display(), ours.display());
        for operation in &coverage.missing {
            println!("  {:<7} {:<70} {}", operation.method, operation.path, operation.group);
        }
    }
    if !coverage.extra.is_empty() {
        println!("operations of ours that {version} does not have: {}", coverage.extra.len());
    }
    println!("{} of {} operations covered", coverage.covered(), coverage.total);
    // Ours is written in its own words: facts carry over, sentences do not.
    let ours_text = std::fs::read_to_string(&ours).map_err(|e| format!("{}: {e}", ours.display()))?;
    let published_text = std::fs::read_to_string(&published).map_err(|e| format!("{}: {e}", published.display()))?;
    let copied = shared_sentences(&published_text, &ours_text);
    println!("sentences of {MIN_WORDS} words or more shared with {version}: {}", copied.len());
    for sentence in copied.iter().take(10) {
        println!("  {sentence}");
    }
    // Every difference on the wire is a documented, deliberate one.
    let documented_text =
        std::fs::read_to_string(&differences).map_err(|e| format!("coverage: {}: {e}", differences.display()))?;
    let (documented, not_documented, gone) = audit_differences(&wire()?, &documented_text);
    println!("differences on the wire: {documented} documented, {} not documented", not_documented.len());
    for line in &not_documented {
        println!("  not documented: {line}");
    }
    for line in &gone {
        println!("  documented, no longer a difference: {line}");
    }
    if !coverage.missing.is_empty() {
        Err(format!("coverage: {} operations of {version} missing", coverage.missing.len()))
    } else if !copied.is_empty() {
        Err(format!("coverage: {} sentences of {version} copied into {}", copied.len(), ours.display()))
    } else if !not_documented.is_empty() || !gone.is_empty() {
        Err(format!(
            "coverage: {} differences on the wire not documented in {} and {} documented ones gone \
             (`cargo xtask coverage --list-differences` prints them all as lines of that file)",
            not_documented.len(),
            differences.display(),
            gone.len()
        ))
    } else {
        Ok(())
    }
}

/// Compares the differences found with the lines of the differences file (`#` starts a comment
/// line; blank lines are skipped): how many are documented, those that are not, and documented
/// lines that are no longer differences.
fn audit_differences(found: &[String], documented_text: &str) -> (usize, Vec<String>, Vec<String>) {
    let documented: BTreeSet<&str> =
        documented_text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')).collect();
    let found_set: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let not_documented = found.iter().filter(|line| !documented.contains(line.as_str())).cloned().collect::<Vec<_>>();
    let gone = documented.iter().filter(|line| !found_set.contains(*line)).map(|line| line.to_string()).collect();
    (found.len() - not_documented.len(), not_documented, gone)
}

/// A sentence this long shared with the published text is copied, not a fact carried over.
const MIN_WORDS: usize = 8;

/// The sentences of `ours` (of [`MIN_WORDS`] words or more, whitespace folded) that `published` has too.
fn shared_sentences(published: &str, ours: &str) -> Vec<String> {
    fn sentences(text: &str) -> std::collections::BTreeSet<String> {
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = std::collections::BTreeSet::new();
        let mut start = 0;
        for (at, c) in folded.char_indices() {
            if matches!(c, '.' | '!' | '?') && folded[at + 1..].starts_with(' ') {
                out.insert(folded[start..=at].trim().to_owned());
                start = at + 1;
            }
        }
        out.insert(folded[start..].trim().to_owned());
        out.retain(|s| s.split(' ').count() >= MIN_WORDS);
        out
    }
    let published = sentences(published);
    sentences(ours).into_iter().filter(|s| published.contains(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_shared_with_the_published_text_are_found() {
        let published = "description: Contacts. Lists every contact of the workspace, newest first. Short one.";
        let copied = "description: >-\n  Ours. Lists every contact of the workspace,\n  newest first. Ours.";
        assert_eq!(shared_sentences(published, copied), ["Lists every contact of the workspace, newest first."]);
        assert!(shared_sentences(published, "Every contact, the newest first, page by page here.").is_empty());
    }

    fn document(yaml: &str) -> Value {
        codegen::load::parse(Path::new("test.yaml"), yaml.to_owned()).expect("the test description parses").value
    }

    const PUBLISHED: &str = "
openapi: 3.0.3
info: {title: published, version: '9.9'}
paths:
  /things:
    get: {tags: [Things], responses: {'200': {description: ok}}}
    post: {tags: [Things], responses: {'200': {description: ok}}}
  /things/{thing_id}:
    parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
    get: {tags: [Things], responses: {'200': {description: ok}}}
    delete: {tags: [Things], responses: {'200': {description: ok}}}
  /widgets:
    get: {responses: {'200': {description: ok}}}
";

    const OURS: &str = "
openapi: 3.0.3
info: {title: ours, version: '9.9'}
paths:
  /things:
    get: {tags: [Things], responses: {'200': {description: ok}}}
  /things/{id}:
    get: {tags: [Things], responses: {'200': {description: ok}}}
  /gadgets:
    put: {tags: [Gadgets], responses: {'200': {description: ok}}}
";

    #[test]
    fn missing_operations_ignore_parameter_names_and_list_in_order() {
        let coverage = compare(&document(PUBLISHED), &document(OURS));
        let missing: Vec<String> = coverage.missing.iter().map(|o| format!("{} {}", o.method, o.path)).collect();
        assert_eq!(missing, ["POST /things", "DELETE /things/{thing_id}", "GET /widgets"]);
        assert_eq!((coverage.covered(), coverage.total), (2, 5));
        assert_eq!(coverage.groups["Things"], (4, 2));
        assert_eq!(coverage.groups["(untagged)"], (1, 0));
        assert_eq!(coverage.extra.len(), 1, "PUT /gadgets is ours only");
        assert_eq!(
            coverage.table("9.9"),
            "| group | operations in 9.9 | in ours | missing |\n|---|---:|---:|---:|\n\
             | (untagged) | 1 | 0 | 1 |\n| Things | 4 | 2 | 2 |\n| **all** | **5** | **2** | **3** |\n"
        );
    }

    #[test]
    fn differences_are_documented_exactly() {
        let found = ["type GET /a 200 .id: integer -> string".to_owned(), "field_extra GET /b 200 .x: string".to_owned()];
        let file = "# why the ids differ\ntype GET /a 200 .id: integer -> string\n\n# fixed since\nrequired POST /c body .n: required\n";
        let (documented, not_documented, gone) = audit_differences(&found, file);
        assert_eq!(documented, 1);
        assert_eq!(not_documented, ["field_extra GET /b 200 .x: string"]);
        assert_eq!(gone, ["required POST /c body .n: required"]);
        assert_eq!(audit_differences(&[], "# nothing\n"), (0, vec![], vec![]));
    }

    #[test]
    fn a_description_covers_itself() {
        let coverage = compare(&document(PUBLISHED), &document(PUBLISHED));
        assert!(coverage.missing.is_empty() && coverage.extra.is_empty());
        assert_eq!(coverage.covered(), 5);
    }
}
