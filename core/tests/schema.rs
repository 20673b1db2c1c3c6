//! `docs/policy.schema.json`, the JSON Schema editors use for policy files,
//! is a valid draft 2020-12 schema that accepts every policy the engine
//! builds (the examples, the corpus, generated values) and refuses wrong
//! types, unknown keys and out-of-range values, as the engine does.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use unicors::{Decision, Format, Policy, ProblemCode, Reason, Request, lint};

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &Path) -> Json {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

static SCHEMA: LazyLock<Json> =
    LazyLock::new(|| read_json(&repo().join("docs/policy.schema.json")));

static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::draft202012::new(&SCHEMA).unwrap_or_else(|e| panic!("the schema compiles: {e}"))
});

/// The schema's complaints about `document`, one line each.
fn schema_errors(document: &Json) -> Vec<String> {
    VALIDATOR
        .iter_errors(document)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn schema_accepts(document: &Json) -> bool {
    VALIDATOR.is_valid(document)
}

/// Whether the engine builds the document (warnings allowed).
fn engine_accepts(document: &Json) -> bool {
    Policy::from_json(&document.to_string()).is_ok()
}

/// Follows a local `$ref` (`#/$defs/name`) to the schema it names.
fn resolve(node: &Json) -> &Json {
    match node.get("$ref").and_then(Json::as_str) {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("only local $defs references: {reference}"));
            SCHEMA["$defs"]
                .get(name)
                .unwrap_or_else(|| panic!("dangling reference {reference}"))
        }
        None => node,
    }
}

fn property_names(object_schema: &Json) -> BTreeSet<String> {
    object_schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------
// The schema itself

/// Keywords this schema may use; anything else is most likely a typo that
/// validators silently ignore.
const KNOWN_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "title",
    "description",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "pattern",
    "not",
    "anyOf",
    "minimum",
    "maximum",
    "default",
    "examples",
];

fn check_keywords(node: &Json, at: &str, problems: &mut Vec<String>) {
    let Some(object) = node.as_object() else {
        if !node.is_boolean() {
            problems.push(format!("{at}: a schema is an object or a boolean"));
        }
        return;
    };
    for (keyword, value) in object {
        let here = format!("{at}/{keyword}");
        if !KNOWN_KEYWORDS.contains(&keyword.as_str()) {
            problems.push(format!("{here}: unknown keyword"));
            continue;
        }
        match keyword.as_str() {
            "properties" | "$defs" => {
                for (name, child) in value.as_object().into_iter().flatten() {
                    check_keywords(child, &format!("{here}/{name}"), problems);
                }
            }
            "items" | "not" | "additionalProperties" => check_keywords(value, &here, problems),
            "anyOf" => {
                for (i, child) in value.as_array().into_iter().flatten().enumerate() {
                    check_keywords(child, &format!("{here}/{i}"), problems);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    assert_eq!(SCHEMA["$schema"], DRAFT_2020_12);
    if let Err(error) = jsonschema::meta::validate(&SCHEMA) {
        panic!("not a valid draft 2020-12 schema: {error}");
    }
    LazyLock::force(&VALIDATOR);
    let mut problems = Vec::new();
    check_keywords(&SCHEMA, "#", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_key_is_described_and_closed() {
    let route = &SCHEMA["$defs"]["route"];
    for (scope, object) in [("top level", &*SCHEMA), ("route", route)] {
        assert_eq!(object["type"], "object", "{scope}");
        assert_eq!(object["additionalProperties"], false, "{scope}");
        for (key, property) in object["properties"].as_object().expect("properties") {
            let target = resolve(property);
            let description = target["description"].as_str().unwrap_or_default();
            assert!(description.len() > 20, "{scope}.{key} needs a description");
            assert!(target.get("type").is_some(), "{scope}.{key} needs a type");
        }
    }
    assert_eq!(route["required"], json!(["path"]));
    assert!(
        route["properties"].get("routes").is_none(),
        "routes never nest"
    );
}

/// The keys the engine lists when it meets an unknown one.
fn engine_keys(document: &Json) -> BTreeSet<String> {
    let problems = lint(&document.to_string(), Format::Json);
    let unknown = problems
        .iter()
        .find(|p| p.code == ProblemCode::UnknownKey)
        .unwrap_or_else(|| panic!("no unknown_key problem: {problems:?}"));
    let (_, keys) = unknown
        .message
        .split_once("the keys are ")
        .unwrap_or_else(|| panic!("the message lists the keys: {}", unknown.message));
    keys.split(", ").map(str::to_owned).collect()
}

#[test]
fn the_schema_has_exactly_the_engine_keys() {
    let probe = "qqq_unlisted_zzz";
    // `$schema` (a string, ignored) is accepted at the top level for
    // editors, beside the policy keys the engine lists.
    let mut top = engine_keys(&json!({ probe: 0 }));
    top.insert("$schema".to_owned());
    assert!(engine_accepts(
        &json!({ "$schema": "./policy.schema.json", "allow_origins": ["https://a.example"] })
    ));
    assert_eq!(property_names(&SCHEMA), top, "top-level keys");
    let route = engine_keys(&json!({ "routes": [{ "path": "/", probe: 0 }] }));
    assert_eq!(
        property_names(&SCHEMA["$defs"]["route"]),
        route,
        "route keys"
    );
    // Each key is known to the engine: a value of the wrong type is a
    // wrong_type problem at that key, never unknown_key.
    for key in &top {
        let problems = lint(&json!({ key.as_str(): {} }).to_string(), Format::Json);
        assert!(
            problems
                .iter()
                .any(|p| p.code == ProblemCode::WrongType && p.field == *key),
            "{key}: {problems:?}"
        );
    }
}

/// A header line.
type Line<'a> = (&'a [u8], &'a [u8]);
/// A request: method and header lines.
type Sample<'a> = (&'a [u8], &'a [Line<'a>]);

#[test]
fn the_schema_defaults_are_the_engine_defaults() {
    let origin = "https://app.example";
    let requests: &[Sample<'_>] = &[
        (b"GET", &[]),
        (b"GET", &[(b"Origin", origin.as_bytes())]),
        (b"GET", &[(b"Origin", b"null")]),
        (b"GET", &[(b"Origin", b"https://other.example")]),
        (
            b"OPTIONS",
            &[
                (b"Origin", origin.as_bytes()),
                (b"Access-Control-Request-Method", b"PUT"),
                (b"Access-Control-Request-Headers", b"x-a"),
                (b"Access-Control-Request-Private-Network", b"true"),
            ],
        ),
        (
            b"OPTIONS",
            &[
                (b"Origin", origin.as_bytes()),
                (b"Access-Control-Request-Method", b"GET"),
                (b"Access-Control-Request-Private-Network", b"true"),
            ],
        ),
    ];
    let decide = |document: &Json| -> Vec<Decision<'static>> {
        let policy =
            Policy::from_json(&document.to_string()).unwrap_or_else(|e| panic!("{document}: {e}"));
        requests
            .iter()
            .map(|(method, headers)| {
                policy
                    .evaluate(Request::new(method, headers).with_path(b"/api"))
                    .into_owned()
            })
            .collect()
    };
    let mut checked = 0;
    let keys = SCHEMA["properties"].as_object().expect("properties");
    for (key, property) in keys {
        let Some(default) = resolve(property).get("default") else {
            continue;
        };
        let mut base = if key == "allow_origins" {
            json!({})
        } else {
            json!({ "allow_origins": [origin] })
        };
        let without = decide(&base);
        base[key] = default.clone();
        assert_eq!(decide(&base), without, "{key} = {default}");
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} defaults checked");
}

// ---------------------------------------------------------------------------
// Documents the engine builds validate

const EXAMPLE_TOML: &str = include_str!("../../examples/policy.toml");
const EXAMPLE_JSON: &str = include_str!("../../examples/policy.json");

#[test]
fn the_example_policies_validate() {
    let from_toml: Json = toml::from_str(EXAMPLE_TOML).expect("examples/policy.toml is TOML");
    let from_json: Json = serde_json::from_str(EXAMPLE_JSON).expect("examples/policy.json is JSON");
    for (name, document) in [("policy.toml", &from_toml), ("policy.json", &from_json)] {
        assert!(engine_accepts(document), "{name} builds");
        assert_eq!(schema_errors(document), Vec::<String>::new(), "{name}");
    }
}

struct CorpusPolicy {
    file: String,
    name: String,
    policy: Json,
    /// The codes of the errors the corpus expects (empty: the policy builds).
    errors: Vec<String>,
}

/// Every policy of the corpus: each file's, each case's and each validation
/// entry's.
fn corpus_policies() -> Vec<CorpusPolicy> {
    let mut files: Vec<PathBuf> = fs::read_dir(repo().join("tests/cases"))
        .expect("tests/cases exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut policies = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let corpus = read_json(&path);
        let mut push = |name: &str, policy: &Json, errors: Vec<String>| {
            policies.push(CorpusPolicy {
                file: file.clone(),
                name: name.to_owned(),
                policy: policy.clone(),
                errors,
            });
        };
        if let Some(policy) = corpus.get("policy") {
            push("(file policy)", policy, Vec::new());
        }
        for case in corpus["cases"].as_array().into_iter().flatten() {
            if let Some(policy) = case.get("policy") {
                push(case["name"].as_str().unwrap_or("?"), policy, Vec::new());
            }
        }
        for entry in corpus["validation"].as_array().into_iter().flatten() {
            let errors = entry["errors"]
                .as_array()
                .expect("errors is a list")
                .iter()
                .map(|e| e["code"].as_str().expect("a code").to_owned())
                .collect();
            push(
                entry["name"].as_str().unwrap_or("?"),
                &entry["policy"],
                errors,
            );
        }
    }
    policies
}

#[test]
fn every_corpus_policy_that_builds_validates() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in corpus_policies().iter().filter(|e| e.errors.is_empty()) {
        assert!(
            engine_accepts(&entry.policy),
            "{} / {}: the corpus says it builds",
            entry.file,
            entry.name
        );
        let errors = schema_errors(&entry.policy);
        if !errors.is_empty() {
            failures.push(format!("{} / {}: {errors:?}", entry.file, entry.name));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(checked >= 60, "only {checked} corpus policies checked");
}

/// Problems the schema models completely: a document with one of them
/// never validates.
const SCHEMA_CODES: &[&str] = &[
    "unknown_key",
    "wrong_type",
    "max_age_out_of_range",
    "status_out_of_range",
    "method_invalid",
    "method_forbidden",
    "header_invalid",
    "expose_forbidden",
    "origin_null",
    "origin_file_scheme",
    "route_path_missing",
    "route_path_invalid",
    "route_nested",
];

#[test]
fn corpus_policies_with_problems_the_schema_models_do_not_validate() {
    let mut checked = 0;
    for entry in corpus_policies() {
        if entry
            .errors
            .iter()
            .any(|code| SCHEMA_CODES.contains(&code.as_str()))
        {
            assert!(
                !schema_accepts(&entry.policy),
                "{} / {}: the schema accepts a policy with {:?}",
                entry.file,
                entry.name,
                entry.errors
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} corpus policies checked");
}

// ---------------------------------------------------------------------------
// Hand-picked documents: the schema agrees with the engine

#[test]
fn documents_the_engine_refuses_do_not_validate() {
    let documents = [
        json!([{ "allow_origins": ["https://a.example"] }]),
        json!({ "allow_origins": "https://a.example" }),
        json!({ "allow_origins": ["https://a.example", 42] }),
        json!({ "allowed_origins": ["https://a.example"] }),
        json!({ "allowedOrigins": ["https://a.example"] }),
        json!({ "$schema": 42, "allow_origins": ["https://a.example"] }),
        json!({ "path": "/api" }),
        json!({ "allow_origins": ["null"] }),
        json!({ "allow_origins": ["file:///etc"] }),
        json!({ "allow_origins": ["app.example.com"] }),
        json!({ "allow_origins": ["https://app.example.com/"] }),
        json!({ "allow_origins": ["https://App.example.com"] }),
        json!({ "allow_origins": ["HTTPS://app.example.com"] }),
        json!({ "allow_origins": ["https://user@app.example.com"] }),
        json!({ "allow_origin_regex": 5 }),
        json!({ "allow_origin_regex": ["https://a\\.example", null] }),
        json!({ "allow_null_origin": "true" }),
        json!({ "allow_credentials": 1 }),
        json!({ "allow_private_network": null }),
        json!({ "preflight_continue": "yes" }),
        json!({ "dangerously_allow_insecure_origins": [] }),
        json!({ "dangerously_allow_public_suffix_wildcards": "true" }),
        json!({ "allow_methods": "PUT" }),
        json!({ "allow_methods": ["PUT", 5] }),
        json!({ "allow_methods": ["GET,PUT"] }),
        json!({ "allow_methods": ["PUT PATCH"] }),
        json!({ "allow_methods": [""] }),
        json!({ "allow_methods": ["TRACE"] }),
        json!({ "allow_methods": ["track"] }),
        json!({ "allow_methods": ["Connect"] }),
        json!({ "allow_headers": ["x a"] }),
        json!({ "allow_headers": ["x-b:"] }),
        json!({ "allow_headers": [["x-a"]] }),
        json!({ "expose_headers": ["Set-Cookie"] }),
        json!({ "expose_headers": ["set-cookie2"] }),
        json!({ "expose_headers": ["x,y"] }),
        json!({ "max_age": -1 }),
        json!({ "max_age": 86401 }),
        json!({ "max_age": "600" }),
        json!({ "max_age": 600.5 }),
        json!({ "max_age": null }),
        json!({ "preflight_status": 199 }),
        json!({ "preflight_status": 300 }),
        json!({ "preflight_status": "204" }),
        json!({ "rejected_preflight_status": 302 }),
        json!({ "rejected_preflight_status": 399 }),
        json!({ "rejected_preflight_status": 600 }),
        json!({ "rejected_preflight_status": 100 }),
        json!({ "routes": { "path": "/api" } }),
        json!({ "routes": ["/api"] }),
        json!({ "routes": [{ "max_age": 5 }] }),
        json!({ "routes": [{ "path": 5 }] }),
        json!({ "routes": [{ "path": "" }] }),
        json!({ "routes": [{ "path": "api" }] }),
        json!({ "routes": [{ "path": "/api?x=1" }] }),
        json!({ "routes": [{ "path": "/api#top" }] }),
        json!({ "routes": [{ "path": "/a b" }] }),
        json!({ "routes": [{ "path": "/a\u{1}" }] }),
        json!({ "routes": [{ "path": "/api", "routes": [{ "path": "/api/v1" }] }] }),
        json!({ "routes": [{ "path": "/api", "maxAge": 10 }] }),
        json!({ "routes": [{ "path": "/api", "max_age": 90000 }] }),
    ];
    for document in documents {
        assert!(!engine_accepts(&document), "the engine builds {document}");
        assert!(!schema_accepts(&document), "the schema accepts {document}");
    }
}

#[test]
fn unusual_documents_the_engine_builds_validate() {
    let documents = [
        json!({}),
        json!({ "allow_origins": [] }),
        json!({ "allow_origins": ["*"] }),
        json!({
            "allow_origins": [
                "https://*.example.com:*",
                "https://*.example.com:8443",
                "http://[::1]:8080",
                "http://[::ffff:7f00:1]",
                "http://127.0.0.1:*",
                "https://xn--caf-dma.example",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                "tauri://localhost",
                "moz-extension://0b9d6a5e-5b5c-4a5f-9d55-1f2e3d4c5b6a",
                "custom+x.y-z://h_o~st:65535",
                "https://a_b.example",
                "https://app.example.",
                "ws://localhost:*"
            ]
        }),
        json!({ "allow_origin_regex": "https://[a-z0-9-]+\\.example\\.com" }),
        json!({ "allow_origin_regex": [] }),
        json!({ "allow_origins": ["https://a.example"], "allow_null_origin": true }),
        json!({ "allow_origins": ["https://a.example"], "allow_methods": ["*", "patch", "M-SEARCH", "get"] }),
        json!({ "allow_origins": ["https://a.example"], "allow_headers": ["*", "Authorization", "Cookie", "X-Request-ID"] }),
        json!({ "allow_origins": ["https://a.example"], "expose_headers": ["*", "Content-Type"] }),
        json!({ "allow_origins": ["https://a.example"], "max_age": 0 }),
        json!({ "allow_origins": ["https://a.example"], "max_age": 86400 }),
        json!({ "allow_origins": ["https://a.example"], "preflight_status": 200, "rejected_preflight_status": 299 }),
        json!({ "allow_origins": ["https://a.example"], "preflight_status": 299, "rejected_preflight_status": 400 }),
        json!({ "allow_origins": ["https://a.example"], "rejected_preflight_status": 599, "preflight_continue": true }),
        json!({ "allow_origins": ["http://a.example"], "allow_credentials": true, "dangerously_allow_insecure_origins": true }),
        json!({ "allow_origins": ["https://*.github.io"], "dangerously_allow_public_suffix_wildcards": true }),
        json!({
            "allow_origins": ["https://a.example"],
            "routes": [
                { "path": "/" },
                { "path": "/static/" },
                { "path": "/caf\u{e9}/a\u{a0}b" },
                { "path": "/files+docs/%2F", "allow_origins": ["*"], "allow_private_network": false },
                { "path": "/x", "allow_origin_regex": "https://x\\.example" }
            ]
        }),
    ];
    for document in documents {
        assert!(engine_accepts(&document), "the engine refuses {document}");
        assert_eq!(schema_errors(&document), Vec::<String>::new(), "{document}");
    }
}

/// Where the schema is knowingly looser than the engine (docs/policy.md,
/// "Editor support"): it validates these, the engine refuses them.
#[test]
fn the_schema_leaves_these_to_the_engine() {
    let documents = [
        json!({ "allow_origins": ["https://a.example"], "max_age": 600.0 }),
        json!({ "allow_origins": ["https://app.example.com:443"] }),
        json!({ "allow_origins": ["https://caf\u{e9}.example"] }),
        json!({ "allow_origins": ["https://*.com"] }),
        json!({ "allow_origins": ["*"], "allow_credentials": true }),
        json!({ "allow_origins": ["http://a.example"], "allow_credentials": true }),
        json!({ "allow_origin_regex": "https://(a" }),
        json!({ "allow_origins": ["*"], "allow_private_network": true }),
        json!({ "allow_origins": ["https://a.example"], "routes": [{ "path": "/a" }, { "path": "/a" }] }),
    ];
    for document in documents {
        assert!(!engine_accepts(&document), "the engine builds {document}");
        assert!(
            schema_accepts(&document),
            "{document}: {:?}",
            schema_errors(&document)
        );
    }
}

// ---------------------------------------------------------------------------
// docs/policy.md stays complete: every key, problem code and reason code

fn policy_reference() -> String {
    let path = repo().join("docs/policy.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_reference_lists_every_key_and_code() {
    let reference = policy_reference();
    let mut keys = property_names(&SCHEMA);
    keys.insert("path".to_owned());
    for key in keys {
        assert!(
            reference.contains(&format!("\n### `{key}`\n")),
            "docs/policy.md has no section for {key}"
        );
    }
    for code in ProblemCode::ALL {
        let row = format!(
            "\n| `{}` | {}",
            code.as_str(),
            code.default_severity().as_str()
        );
        assert!(reference.contains(&row), "docs/policy.md: no row {row:?}");
    }
    for reason in Reason::ALL {
        let row = format!("\n| `{}` | ", reason.code());
        assert!(reference.contains(&row), "docs/policy.md: no row {row:?}");
    }
}

/// Each ```toml example of docs/policy.md builds (except one that starts
/// with `# refused`): a block as a whole when it is a document, else line by
/// line (blocks that list alternatives repeat a key), next to an allowed
/// origin.
#[test]
fn the_reference_toml_examples_build() {
    let reference = policy_reference();
    let mut blocks = 0;
    for block in reference.split("```toml\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        blocks += 1;
        if block.starts_with("# refused") {
            assert!(Policy::from_toml(block).is_err(), "{block}");
            continue;
        }
        let documents: Vec<String> = if toml::from_str::<toml::Table>(block).is_ok() {
            vec![block.to_owned()]
        } else {
            block
                .lines()
                .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
                .map(|line| {
                    if line.starts_with("allow_origin") {
                        line.to_owned()
                    } else {
                        format!("allow_origins = [\"https://app.example.com\"]\n{line}")
                    }
                })
                .collect()
        };
        for document in documents {
            if let Err(error) = Policy::from_toml(&document) {
                panic!("docs/policy.md example does not build:\n{document}\n{error}");
            }
        }
    }
    assert!(blocks >= 10, "only {blocks} TOML examples");
}

// ---------------------------------------------------------------------------
// Generated values: where the schema models a check completely it agrees
// with the engine both ways; for origins it never refuses what the engine
// accepts.

fn with_key(key: &str, value: Json) -> Json {
    json!({ "allow_origins": ["https://app.example"], key: value })
}

fn origin_candidates() -> impl Strategy<Value = String> {
    let scheme = proptest::sample::select(vec![
        "https",
        "http",
        "wss",
        "ws",
        "ftp",
        "chrome-extension",
        "tauri",
        "x+y.z-1",
        "HTTPS",
        "file",
        "1x",
    ]);
    let wildcard = proptest::sample::select(vec!["", "", "", "*."]);
    let fixed_host = proptest::sample::select(vec![
        "127.0.0.1",
        "127.1",
        "[::1]",
        "[0:0:0:0:0:0:0:1]",
        "[::ffff:7f00:1]",
        "caf\u{e9}.example",
        "xn--caf-dma.example",
        "user@a.example",
        "%61.example",
    ])
    .prop_map(str::to_owned);
    let host = prop_oneof![
        "[a-z0-9.\\-]{1,12}",
        "[a-z0-9._~!$&'()+,;={}\\-]{1,8}",
        "[a-zA-Z0-9.\\-]{1,8}",
        "[a-z]{1,6}\\.(com|co\\.uk|github\\.io|example|localhost)",
        fixed_host,
    ];
    let port = proptest::sample::select(vec![
        "", "", "", ":*", ":0", ":8080", ":443", ":80", ":65535", ":65536", ":080",
    ]);
    let rest = proptest::sample::select(vec!["", "", "", "", "", "", "/", "/x", "?q", "#f"]);
    prop_oneof![
        12 => (scheme, wildcard, host, port, rest)
            .prop_map(|(s, w, h, p, r)| format!("{s}://{w}{h}{p}{r}")),
        1 => Just("*".to_owned()),
        1 => Just("null".to_owned()),
        1 => "[ -~]{0,12}",
    ]
}

proptest! {
    #[test]
    fn origins_the_engine_accepts_validate(origin in origin_candidates()) {
        let document = json!({ "allow_origins": [origin] });
        if engine_accepts(&document) {
            prop_assert!(schema_accepts(&document), "{:?}", schema_errors(&document));
        }
    }

    #[test]
    fn methods_agree(method in prop_oneof![
        "[!-~]{0,6}",
        "[ -~\u{e9}]{0,6}",
        "(?i)(connect|trace|track|get|patch)",
    ]) {
        let document = with_key("allow_methods", json!([method]));
        prop_assert_eq!(schema_accepts(&document), engine_accepts(&document), "{}", document);
    }

    #[test]
    fn request_header_names_agree(name in prop_oneof!["[!-~]{0,6}", "[ -~\u{e9}]{0,6}"]) {
        let document = with_key("allow_headers", json!([name]));
        prop_assert_eq!(schema_accepts(&document), engine_accepts(&document), "{}", document);
    }

    #[test]
    fn exposed_header_names_agree(name in prop_oneof![
        "[!-~]{0,6}",
        "[ -~\u{e9}]{0,6}",
        "(?i)set-cookie2?",
    ]) {
        let document = with_key("expose_headers", json!([name]));
        prop_assert_eq!(schema_accepts(&document), engine_accepts(&document), "{}", document);
    }

    #[test]
    fn route_paths_agree(path in "/?[a/?# \t\u{0}\u{7f}\u{a0}\u{e9}%.]{0,6}") {
        let document = json!({ "allow_origins": ["https://app.example"], "routes": [{ "path": path }] });
        prop_assert_eq!(schema_accepts(&document), engine_accepts(&document), "{}", document);
    }

    #[test]
    fn numbers_agree(
        key in prop_oneof![Just("max_age"), Just("preflight_status"), Just("rejected_preflight_status")],
        value in prop_oneof![-2i64..1000, 7000i64..7300, 86_300i64..86_500, Just(i64::MIN), Just(i64::MAX)],
    ) {
        let document = with_key(key, json!(value));
        prop_assert_eq!(schema_accepts(&document), engine_accepts(&document), "{}", document);
    }
}
