//! Fuzzing the generator with mutated descriptions: load -> resolve -> model -> name -> emit must
//! never panic and never hang, whatever the input. Each case takes one of the fixtures (and the
//! project's own descriptions), mutates its JSON tree a few times (keys deleted, duplicated or
//! renamed, values replaced by other JSON types, `$ref`s to random places, cycles, very long
//! strings, odd unicode), writes it as JSON or YAML (block or flow style, after a byte order mark,
//! or with an alias bomb added, which must be refused), and runs `codegen::generate` on it:
//!
//! - `Ok`: every generated file parses with `syn`;
//! - `Err`: the error is located and is not `Write` (which here would mean invalid Rust came out).
//!
//! 64 cases by default; `PROPTEST_CASES=n` for more, or `FUZZ_SECONDS=s` to run batches until
//! the time is up, e.g. `FUZZ_SECONDS=600 cargo test -p codegen --release --test fuzz -- --nocapture`.
//! The input of the case being run is kept in `target/fuzz/current-<pid>/`, and every failing input
//! in `target/fuzz/findings/`, so a crash (a stack overflow aborts the process) can be replayed.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// One input: an OpenAPI description and, optionally, an AsyncAPI one beside it.
struct Fixture {
    openapi: PathBuf,
    asyncapi: Option<PathBuf>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> Vec<Fixture> {
    let root = root();
    let mut out = Vec::new();
    for dir in ["codegen/tests/fixtures/openapi", "codegen/tests/fixtures/robustness", "codegen/tests/fixtures/errors"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        paths.sort();
        out.extend(paths.into_iter().map(|openapi| Fixture { openapi, asyncapi: None }));
    }
    for case in ["additions_only", "enums", "fields", "operations", "types", "unions"] {
        out.push(Fixture { openapi: root.join(format!("codegen/tests/fixtures/diff/{case}/new.yaml")), asyncapi: None });
    }
    let objects = root.join("codegen/tests/fixtures/openapi/objects.yaml");
    for version in ["v2_minimal", "v3_minimal"] {
        out.push(Fixture {
            openapi: objects.clone(),
            asyncapi: Some(root.join(format!("codegen/tests/fixtures/asyncapi/{version}.yaml"))),
        });
    }
    out.push(Fixture {
        openapi: root.join("codegen/tests/fixtures/diff/topics/new.yaml"),
        asyncapi: Some(root.join("codegen/tests/fixtures/diff/topics/new.asyncapi.yaml")),
    });
    out.push(Fixture { openapi: root.join("specs/openapi.yaml"), asyncapi: Some(root.join("specs/webhooks.asyncapi.yaml")) });
    out.retain(|f| f.openapi.exists() && f.asyncapi.as_ref().is_none_or(|a| a.exists()));
    out
}

/// The fixtures' documents, loaded once.
fn documents() -> &'static Vec<(Fixture, Value, Option<Value>)> {
    static DOCS: std::sync::OnceLock<Vec<(Fixture, Value, Option<Value>)>> = std::sync::OnceLock::new();
    DOCS.get_or_init(|| {
        fixtures()
            .into_iter()
            .filter_map(|f| {
                let openapi = codegen::load::load_file(&f.openapi).ok()?.value;
                let asyncapi = match &f.asyncapi {
                    Some(path) => Some(codegen::load::load_file(path).ok()?.value),
                    None => None,
                };
                Some((f, openapi, asyncapi))
            })
            .collect()
    })
}

// ---------------------------------------------------------------- mutations

#[derive(Debug, Clone)]
enum Mutation {
    /// Removes a key of an object or an item of an array.
    Delete { at: u32 },
    /// Replaces a value with another, usually of another JSON type.
    Replace { at: u32, with: u8 },
    /// Copies a key's value under another name in the same object.
    Duplicate { at: u32, name: u8 },
    /// Renames a key.
    Rename { at: u32, name: u8 },
    /// Makes an object a `$ref` (keeping its other keys) to an existing node or to an odd target.
    Reference { at: u32, target: u32, odd: Option<u8> },
    /// Replaces a node with a `$ref` to one of its ancestors.
    Cycle { at: u32, up: u8 },
    /// Copies one subtree over another node.
    Graft { from: u32, to: u32 },
    /// Replaces a string (or a key) with a very long one.
    Long { at: u32, len: u32, unit: u8, key: bool },
    /// Replaces a string (or a key) with odd unicode, or appends it.
    Unicode { at: u32, which: u8, key: bool, append: bool },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Weighted towards mutations that keep the document an OpenAPI one, so more cases get past
    // the shape check into the later stages.
    prop_oneof![
        2 => any::<u32>().prop_map(|at| Mutation::Delete { at }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, name)| Mutation::Duplicate { at, name }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, name)| Mutation::Rename { at, name }),
        4 => (any::<u32>(), any::<u32>(), proptest::option::of(any::<u8>()))
            .prop_map(|(at, target, odd)| Mutation::Reference { at, target, odd }),
        3 => (any::<u32>(), any::<u8>()).prop_map(|(at, up)| Mutation::Cycle { at, up }),
        2 => (any::<u32>(), any::<u32>()).prop_map(|(from, to)| Mutation::Graft { from, to }),
        1 => (any::<u32>(), 1_000u32..300_000, any::<u8>(), any::<bool>())
            .prop_map(|(at, len, unit, key)| Mutation::Long { at, len, unit, key }),
        3 => (any::<u32>(), any::<u8>(), any::<bool>(), any::<bool>())
            .prop_map(|(at, which, key, append)| Mutation::Unicode { at, which, key, append }),
    ]
}

/// Names that make trouble as keys.
const NAMES: &[&str] = &[
    "", "type", "self", "Self", "crate", "super", "r#type", "_", "1", "2fa", "日本", "😀", "a/b", "~", "~1", "$ref", "properties",
    "items", "allOf", "oneOf", "anyOf", "enum", "const", "required", "additionalProperties", "nullable", "discriminator",
    "operationId", "parameters", "responses", "content", "application/json", "schema", "example", "examples", "paths",
    "components", "schemas", "channels", "messages", "payload", "x-intercom-topic", "topic", "data", "item", "{id}", "/{id}",
    "Unknown", "additional_properties", "fooBar", "foo_bar", "FOO-BAR", "\u{0}", "\u{202e}", " ", "İ", "ß", "ǅ", "ﬁ", "#",
    "get", "post", "delete", "200", "default", "4XX", "openapi", "asyncapi", "info", "version", "title", "description",
];

/// Odd `$ref` targets.
const ODD_REFS: &[&str] = &[
    "#", "#/", "", "#//", "#/components", "#/components/schemas", "#/components/schemas/", "#/%", "#/%E2%82", "#/a~2b", "#~",
    "#/~", "other.yaml", "other.yaml#/a", "./", "../", "/", "openapi.yaml#/components/schemas", "new.yaml#/components",
    "objects.yaml#/components/schemas/note", "http://localhost:1/x.json", "#/paths/~1a~1{id}/get", "#/0", "#/paths/0",
    "\u{0}", "#/components/schemas/\u{202e}", "file:///etc/hostname", "#/components/schemas/日本", "#/info/title",
    "#/components/schemas/node/properties/parent", "webhooks.asyncapi.yaml#/components/schemas",
];

/// Odd unicode and text that means something to Rust, markdown or YAML.
const UNICODE: &[&str] = &[
    "\u{200b}", "\u{202e}rtl", "e\u{301}\u{301}\u{301}", "𝔘𝔫𝔦", "\u{feff}", "\r\n", "\r", "\t", "\\", "\"", "*/", "/*", "#[",
    "r#", "```", "\u{0}", "\u{1b}[31m", "Ω", "İ", "ß", "ǅ", "ﬁ", "[x](y)", "<script>", "]]", "}}", "{{", "%s", "\\u0000", "'",
    "--- ", ": ", "- ", "&a", "*a", "!!binary", "\u{10ffff}", "\u{fffd}", "ǈǋ", "\u{1f600}\u{200d}\u{1f600}",
];

fn replacement(with: u8) -> Value {
    match with % 32 {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(false),
        3 => json!(0),
        4 => json!(-1),
        5 => json!(i64::MAX),
        6 => json!(u64::MAX),
        7 => json!(1e308),
        8 => json!(0.5),
        9 => json!(""),
        10 => json!("string"),
        11 => json!([]),
        12 => json!({}),
        13 => json!([1, "a", null, {}, []]),
        14 => json!({"type": "object"}),
        15 => json!({"type": "array"}),
        16 => json!({"type": ["string", "null"]}),
        17 => json!({"enum": []}),
        18 => json!({"allOf": []}),
        19 => json!({"oneOf": [{}]}),
        20 => json!({"$ref": "#"}),
        21 => json!({"type": "integer", "format": "date-time"}),
        22 => json!({"type": "object", "additionalProperties": true}),
        23 => json!({"nullable": true, "type": "null"}),
        24 => json!({"type": "array", "items": {}}),
        25 => json!({"type": "object", "properties": {"type": {"enum": ["x"]}}}),
        26 => json!({"oneOf": [{"$ref": "#/nope"}, {"type": "string"}], "discriminator": {"propertyName": "type", "mapping": {"a": "#/nope"}}}),
        27 => json!({"type": "object", "properties": {"": {}, "type": {"type": "string"}}, "required": ["", "missing", 3]}),
        28 => json!({"type": "string", "enum": ["", "a", "A", null, 1, "Unknown"]}),
        29 => json!({"anyOf": [{"type": "null"}, {"type": "object", "properties": {"x": {"type": "string"}}}]}),
        30 => json!({"type": "object", "additionalProperties": {"type": "array", "items": {"nullable": true, "type": "string"}}}),
        _ => json!({"allOf": [{"$ref": "#/components/schemas"}, {"oneOf": []}], "properties": {"a": {"const": "b"}}}),
    }
}

/// A step of a path to a node.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every node's path, parents before children.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    let mut stack = vec![(value, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter().rev() {
                    let mut p = path.clone();
                    p.push(Step::Key(key.clone()));
                    stack.push((child, p));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    let mut p = path.clone();
                    p.push(Step::Index(i));
                    stack.push((child, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut current = value;
    for step in path {
        current = match step {
            Step::Key(k) => current.get_mut(k.as_str())?,
            Step::Index(i) => current.get_mut(*i)?,
        };
    }
    Some(current)
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut current = value;
    for step in path {
        current = match step {
            Step::Key(k) => current.get(k.as_str())?,
            Step::Index(i) => current.get(*i)?,
        };
    }
    Some(current)
}

fn pointer(path: &[Step]) -> String {
    let mut out = String::from("#");
    for step in path {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

fn pick(all: &[Vec<Step>], at: u32) -> &[Step] {
    all.get(at as usize % all.len().max(1)).map_or(&[], Vec::as_slice)
}

/// Replaces a string value, or the key the node sits under, with `text`.
fn set_text(doc: &mut Value, path: &[Step], text: String, key: bool, append: bool) {
    if key {
        if let Some((Step::Key(old), parent)) = path.split_last() {
            if let Some(Value::Object(map)) = get_mut(doc, parent) {
                if let Some(v) = map.remove(old) {
                    let new = if append { format!("{old}{text}") } else { text };
                    map.insert(new, v);
                }
            }
            return;
        }
    }
    if path.is_empty() {
        return;
    }
    if let Some(node) = get_mut(doc, path) {
        *node = match (&*node, append) {
            (Value::String(s), true) => Value::String(format!("{s}{text}")),
            _ => Value::String(text),
        };
    }
}

fn apply(doc: &mut Value, m: &Mutation) {
    let all = paths(doc);
    // `$ref`s go in objects, where the OpenAPI shape allows them far more often than elsewhere.
    let objects: Vec<Vec<Step>> = all.iter().filter(|p| get(doc, p).is_some_and(Value::is_object)).cloned().collect();
    match *m {
        Mutation::Delete { at } => {
            let path = pick(&all, at).to_vec();
            if let Some((last, parent)) = path.split_last() {
                match (get_mut(doc, parent), last) {
                    (Some(Value::Object(map)), Step::Key(k)) => {
                        map.remove(k);
                    }
                    (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace { at, with } => {
            let path = pick(&all, at).to_vec();
            if !path.is_empty() {
                if let Some(node) = get_mut(doc, &path) {
                    *node = replacement(with);
                }
            }
        }
        Mutation::Duplicate { at, name } | Mutation::Rename { at, name } => {
            let rename = matches!(m, Mutation::Rename { .. });
            let path = pick(&all, at).to_vec();
            let Some((Step::Key(old), parent)) = path.split_last() else { return };
            let new = match name % 4 {
                // Case flips of the key itself collide after conversion.
                0 => old.to_uppercase(),
                1 => heck_like_camel(old),
                _ => NAMES[name as usize % NAMES.len()].to_owned(),
            };
            if let Some(Value::Object(map)) = get_mut(doc, parent) {
                if let Some(v) = if rename { map.remove(old) } else { map.get(old).cloned() } {
                    map.insert(new, v);
                }
            }
        }
        Mutation::Reference { at, target, odd } => {
            let reference = match odd {
                Some(i) => ODD_REFS[i as usize % ODD_REFS.len()].to_owned(),
                None => pointer(pick(&all, target)),
            };
            let path = pick(&objects, at).to_vec();
            if let Some(node) = get_mut(doc, &path) {
                match node {
                    Value::Object(map) => {
                        map.insert("$ref".to_owned(), Value::String(reference));
                    }
                    other if !path.is_empty() => *other = json!({ "$ref": reference }),
                    _ => {}
                }
            }
        }
        Mutation::Cycle { at, up } => {
            let path = pick(&objects, at).to_vec();
            if path.is_empty() {
                return;
            }
            let ancestor = &path[..(path.len() - 1 - (up as usize % path.len()))];
            let reference = pointer(ancestor);
            if let Some(node) = get_mut(doc, &path) {
                *node = json!({ "$ref": reference });
            }
        }
        Mutation::Graft { from, to } => {
            let source = pick(&all, from).to_vec();
            let target = pick(&all, to).to_vec();
            if target.is_empty() {
                return;
            }
            if let Some(copy) = get(doc, &source).cloned() {
                if let Some(node) = get_mut(doc, &target) {
                    *node = copy;
                }
            }
        }
        Mutation::Long { at, len, unit, key } => {
            let units = ["a", "[", "`", "\n", "<", "{", "é", "ab_", "https://x.io/", " ", "\\", "😀"];
            let unit = units[unit as usize % units.len()];
            let text = unit.repeat((len as usize / unit.len()).max(1));
            let path = pick(&all, at).to_vec();
            set_text(doc, &path, text, key, false);
        }
        Mutation::Unicode { at, which, key, append } => {
            let text = UNICODE[which as usize % UNICODE.len()].to_owned();
            let path = pick(&all, at).to_vec();
            set_text(doc, &path, text, key, append);
        }
    }
}

/// `foo_bar` -> `fooBar`, `fooBar` -> `foo_bar` (a collision after case conversion).
fn heck_like_camel(name: &str) -> String {
    if name.contains('_') {
        let mut out = String::new();
        let mut upper = false;
        for c in name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    } else {
        name.chars().flat_map(|c| if c.is_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect()
    }
}

// ---------------------------------------------------------------- the property

#[derive(Debug, Clone)]
struct Case {
    fixture: usize,
    mutate_asyncapi: bool,
    mutations: Vec<Mutation>,
    style: Style,
    strict: bool,
}

/// How a mutated document is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Pretty-printed JSON.
    Json,
    /// Block-style YAML.
    Yaml,
    /// YAML whose top-level entries hold flow collections (`{..}`, `[..]`) on one line each.
    Flow,
    /// Block-style YAML after a UTF-8 byte order mark.
    Bom,
    /// Block-style YAML with an alias bomb added at the top level: must be a located error.
    AliasBomb,
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![4 => Just(Style::Json), 4 => Just(Style::Yaml), 2 => Just(Style::Flow), 1 => Just(Style::Bom), 1 => Just(Style::AliasBomb)]
}

fn case() -> impl Strategy<Value = Case> {
    let count = documents().len();
    (0..count, any::<bool>(), proptest::collection::vec(mutation(), 1..6), style(), any::<bool>())
        .prop_map(|(fixture, mutate_asyncapi, mutations, style, strict)| Case { fixture, mutate_asyncapi, mutations, style, strict })
}

static CASES: AtomicU64 = AtomicU64::new(0);
static OUTCOMES: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

fn render(value: &Value, style: Style) -> String {
    let yaml = || serde_yaml::to_string(value).unwrap_or_else(|_| value.to_string());
    match style {
        Style::Json => serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()),
        Style::Yaml => yaml(),
        Style::Flow => match value {
            // Each entry's value as JSON, which is a YAML flow collection (or scalar).
            Value::Object(map) => map.iter().map(|(key, value)| format!("{}: {value}\n", Value::String(key.clone()))).collect(),
            other => other.to_string(),
        },
        Style::Bom => format!("\u{feff}{}", yaml()),
        Style::AliasBomb => {
            // 32 million nodes from 64 KB: past the bound even with the longest strings mutations add.
            let bomb = format!("x-bomb-a: &bomb [{}]\nx-bomb-b: [{}]\n", vec!["lol"; 4000].join(","), vec!["*bomb"; 8000].join(","));
            let text = yaml();
            // Mutations can leave the document something other than a mapping: then only the bomb.
            if text.starts_with(|c: char| c.is_alphanumeric() || c == '"' || c == '\'') { format!("{text}{bomb}") } else { bomb }
        }
    }
}

/// Where the input of the case being run is written: one folder per process, as `cargo test`
/// may run in several checkouts' worth of processes at once.
fn current_dir() -> PathBuf {
    root().join("target/fuzz").join(format!("current-{}", std::process::id()))
}

/// How long one generation may take before it counts as a hang.
fn time_limit() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(20)
    }
}

fn run_case(case: &Case) -> Result<(), TestCaseError> {
    let (fixture, openapi, asyncapi) = &documents()[case.fixture];
    let mut openapi = openapi.clone();
    let mut asyncapi = asyncapi.clone();
    let target = match (&mut asyncapi, case.mutate_asyncapi) {
        (Some(doc), true) => doc,
        _ => &mut openapi,
    };
    for m in &case.mutations {
        apply(target, m);
    }
    // Written where a crash leaves it for replay, under the fixtures' own names ($refs between them).
    let dir = current_dir();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| TestCaseError::fail(format!("cannot create {}: {e}", dir.display())))?;
    let name = |p: &Path| p.file_name().map(|n| n.to_owned()).unwrap_or_default();
    let openapi_path = dir.join(name(&fixture.openapi));
    std::fs::write(&openapi_path, render(&openapi, case.style))
        .map_err(|e| TestCaseError::fail(format!("cannot write {}: {e}", openapi_path.display())))?;
    let asyncapi_path = match (&fixture.asyncapi, &asyncapi) {
        (Some(path), Some(doc)) => {
            let p = dir.join(name(path));
            std::fs::write(&p, render(doc, case.style))
                .map_err(|e| TestCaseError::fail(format!("cannot write {}: {e}", p.display())))?;
            Some(p)
        }
        _ => None,
    };
    let config = codegen::Config { openapi: openapi_path, asyncapi: asyncapi_path, strict: case.strict };
    CASES.fetch_add(1, Ordering::Relaxed);

    // In a thread of its own (the default 2 MiB stack), so a hang can be told from slow progress.
    let (send, receive) = mpsc::channel();
    let worker_config = config.clone();
    std::thread::Builder::new()
        .name("generate".to_owned())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| check(&worker_config)));
            let _ = send.send(outcome.unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                Err(format!("panicked: {message}"))
            }));
        })
        .map_err(|e| TestCaseError::fail(format!("cannot spawn: {e}")))?;
    let (outcome, hang) = match receive.recv_timeout(time_limit()) {
        Ok(outcome) => (outcome, false),
        Err(_) => (Err(format!("no answer within {:?}: a hang", time_limit())), true),
    };
    // The OpenAPI document holds an alias bomb: it must be refused.
    let outcome = match outcome {
        Ok(label) if case.style == Style::AliasBomb && label == "ok" => {
            Err("an alias bomb was read".to_owned())
        }
        other => other,
    };
    match outcome {
        Ok(label) => {
            *OUTCOMES.lock().unwrap_or_else(|e| e.into_inner()).entry(label).or_default() += 1;
            Ok(())
        }
        Err(problem) => {
            let findings = root()
                .join("target/fuzz/findings")
                .join(format!("{}-{}", std::process::id(), CASES.load(Ordering::Relaxed)));
            let _ = std::fs::create_dir_all(&findings);
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let _ = std::fs::copy(entry.path(), findings.join(entry.file_name()));
            }
            let _ = std::fs::write(findings.join("problem.txt"), format!("{problem}\n{case:#?}\n"));
            if hang {
                // Shrinking would hang again and again, each time leaving a busy thread behind.
                eprintln!("fuzz: {problem} (input kept in {})", findings.display());
                std::process::exit(101);
            }
            Err(TestCaseError::fail(format!("{problem} (input kept in {})", findings.display())))
        }
    }
}

/// Runs the pipeline; gives the kind of outcome, or what broke the property.
fn check(config: &codegen::Config) -> Result<String, String> {
    match codegen::generate(config) {
        Ok(output) => {
            for file in &output.files {
                syn::parse_file(&file.contents).map_err(|e| format!("generated {} does not parse: {e}", file.path))?;
            }
            Ok("ok".to_owned())
        }
        Err(err) if err.kind == codegen::ErrorKind::Write => Err(format!("the generator emitted invalid Rust: {err}")),
        Err(err) if err.location.is_none() => Err(format!("an error without a location: {err}")),
        Err(err) => Ok(format!("{:?}", err.kind)),
    }
}

#[test]
fn mutated_descriptions_never_panic_or_hang() {
    assert!(documents().len() >= 20, "only {} fixtures load", documents().len());
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS").ok().and_then(|v| v.parse().ok());
    let cases: u32 = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let started = Instant::now();
    loop {
        let config = ProptestConfig {
            cases: if seconds.is_some() { 500 } else { cases },
            failure_persistence: None,
            max_shrink_iters: 256,
            max_shrink_time: 120_000,
            ..ProptestConfig::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&case(), |case| run_case(&case));
        if let Err(err) = result {
            panic!("{err}");
        }
        if seconds.is_none_or(|s| started.elapsed() >= Duration::from_secs(s)) {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(current_dir());
    eprintln!(
        "fuzz: {} cases in {:.1}s; outcomes: {:?}",
        CASES.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        OUTCOMES.lock().unwrap_or_else(|e| e.into_inner())
    );
}

/// Replays a kept input: `FUZZ_REPLAY=target/fuzz/findings/<n> cargo test -p codegen --test fuzz replay -- --nocapture`.
#[test]
fn replay() {
    let Some(dir) = std::env::var_os("FUZZ_REPLAY").map(PathBuf::from) else { return };
    let mut openapi = None;
    let mut asyncapi = None;
    for entry in std::fs::read_dir(&dir).expect("a findings folder").flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.contains("asyncapi") || name.starts_with('v') && name.contains("minimal") {
            asyncapi = Some(path);
        } else if name.ends_with(".yaml") {
            openapi = Some(path);
        }
    }
    let config = codegen::Config { openapi: openapi.expect("an OpenAPI file"), asyncapi, strict: false };
    eprintln!("{:?}", check(&config));
    if let Ok(output) = codegen::generate(&config) {
        for file in &output.files {
            if let Err(e) = syn::parse_file(&file.contents) {
                eprintln!("{}: {e}", file.path);
                for line in file.contents.lines().filter(|l| l.chars().any(|c| c.is_control() && c != '\t')) {
                    eprintln!("  {line:?}");
                }
            }
        }
    }
}
