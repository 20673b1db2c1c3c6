//! Runs every case of the shared corpus `tests/cases/*.json` against the core.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use unicors::{Kind, Policy, Request, Severity};

/// The corpus must not silently shrink.
const MIN_REQUEST_CASES: usize = 200;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/cases exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A corpus value: a string (UTF-8 bytes) or `{"hex": "…"}`.
fn bytes(value: &Json) -> Result<Vec<u8>, String> {
    match value {
        Json::String(s) => Ok(s.as_bytes().to_vec()),
        Json::Object(map) => {
            let hex = map
                .get("hex")
                .and_then(Json::as_str)
                .ok_or("expected {\"hex\": …}")?;
            if hex.len() % 2 != 0 {
                return Err(format!("odd hex length: {hex}"));
            }
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| format!("{hex}: {e}")))
                .collect()
        }
        other => Err(format!("expected a string or {{\"hex\"}}, found {other}")),
    }
}

/// Header lines as owned byte pairs.
type Lines = Vec<(Vec<u8>, Vec<u8>)>;

fn pairs(value: Option<&Json>) -> Result<Lines, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value.as_array().ok_or("headers must be an array")?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([name, value]) => Ok((bytes(name)?, bytes(value)?)),
            _ => Err(format!("a header is [name, value], found {pair}")),
        })
        .collect()
}

fn policy_from(json: &Json) -> Result<Policy, String> {
    Policy::from_json(&json.to_string()).map_err(|e| e.to_string())
}

/// Runs one request case; returns the differences.
fn run_case(policy: &Policy, case: &Json) -> Result<(), String> {
    let request = case.get("request").ok_or("missing request")?;
    let method = bytes(request.get("method").ok_or("missing method")?)?;
    let path = request.get("path").and_then(Json::as_str).unwrap_or("/");
    let headers = pairs(request.get("headers"))?;
    let verdict = request.get("origin_verdict").and_then(Json::as_bool);
    let borrowed: Vec<(&[u8], &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect();
    let decision = policy.evaluate(
        Request::new(&method, &borrowed)
            .with_path(path.as_bytes())
            .with_origin_verdict(verdict),
    );

    let expect = case.get("expect").ok_or("missing expect")?;
    let mut diffs = Vec::new();
    let kind = expect
        .get("kind")
        .and_then(Json::as_str)
        .ok_or("missing expect.kind")?;
    let kind = Kind::from_name(kind).ok_or_else(|| format!("unknown kind {kind}"))?;
    if decision.kind() != kind {
        diffs.push(format!("kind: expected {kind}, got {}", decision.kind()));
    }
    let reason = expect.get("reason").and_then(Json::as_str);
    if reason.is_some() != (kind == Kind::Rejected) {
        return Err("expect.reason must be present exactly when kind is rejected".into());
    }
    let got_reason = decision.reason().map(|r| r.code());
    if got_reason != reason {
        diffs.push(format!("reason: expected {reason:?}, got {got_reason:?}"));
    }
    let status = expect
        .get("status")
        .and_then(Json::as_u64)
        .map(|s| s as u16);
    if decision.status() != status {
        diffs.push(format!(
            "status: expected {status:?}, got {:?}",
            decision.status()
        ));
    }
    let mut want: Vec<(String, Vec<u8>)> = pairs(expect.get("headers"))?
        .into_iter()
        .map(|(n, v)| (String::from_utf8_lossy(&n).to_ascii_lowercase(), v))
        .collect();
    let mut got: Vec<(String, Vec<u8>)> = decision
        .headers()
        .map(|h| (h.name.as_lowercase_str().to_owned(), h.value.to_vec()))
        .collect();
    want.sort();
    got.sort();
    if want != got {
        diffs.push(format!(
            "headers:\n      expected {}\n      got      {}",
            show(&want),
            show(&got)
        ));
    }
    let mut want_vary: Vec<String> = expect
        .get("vary")
        .and_then(Json::as_array)
        .ok_or("missing expect.vary")?
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_ascii_lowercase())
        .collect();
    let mut got_vary: Vec<String> = decision
        .vary()
        .iter()
        .map(|v| v.as_str().to_ascii_lowercase())
        .collect();
    want_vary.sort();
    got_vary.sort();
    if want_vary != got_vary {
        diffs.push(format!("vary: expected {want_vary:?}, got {got_vary:?}"));
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n    "))
    }
}

fn show(headers: &[(String, Vec<u8>)]) -> String {
    let items: Vec<String> = headers
        .iter()
        .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
        .collect();
    format!("[{}]", items.join(" | "))
}

fn problem_set(list: &Json) -> Result<Vec<(String, String)>, String> {
    let mut set: Vec<(String, String)> = list
        .as_array()
        .ok_or("expected an array of {code, field}")?
        .iter()
        .map(|p| {
            (
                p.get("code")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                p.get("field")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    set.sort();
    Ok(set)
}

/// Runs one validation case.
fn run_validation(case: &Json) -> Result<(), String> {
    let policy = case.get("policy").ok_or("missing policy")?;
    let problems = unicors::lint(&policy.to_string(), unicors::Format::Json);
    let mut diffs = Vec::new();
    for (severity, key) in [(Severity::Error, "errors"), (Severity::Warning, "warnings")] {
        let Some(expected) = case.get(key) else {
            if key == "errors" {
                return Err("missing errors".into());
            }
            continue;
        };
        let want = problem_set(expected)?;
        let mut got: Vec<(String, String)> = problems
            .iter()
            .filter(|p| p.severity == severity)
            .map(|p| (p.code.as_str().to_owned(), p.field.clone()))
            .collect();
        got.sort();
        if want != got {
            let detail: Vec<String> = problems.iter().map(ToString::to_string).collect();
            diffs.push(format!(
                "{key}: expected {want:?}, got {got:?}\n      {}",
                detail.join("\n      ")
            ));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n    "))
    }
}

/// The array under `key`, or nothing.
fn list<'d>(doc: &'d Json, key: &str) -> &'d [Json] {
    doc.get(key)
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

#[test]
fn shared_corpus() {
    let mut failures = Vec::new();
    let mut per_file = BTreeMap::new();
    let (mut requests, mut validations) = (0usize, 0usize);
    for file in corpus_files() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = fs::read_to_string(&file).expect("readable corpus file");
        let doc: Json = match serde_json::from_str(&text) {
            Ok(doc) => doc,
            Err(e) => {
                failures.push(format!("{name}: invalid JSON: {e}"));
                continue;
            }
        };
        let file_policy = doc.get("policy").map(policy_from);
        let mut names = std::collections::HashSet::new();
        // Names are unique across a file's request and validation cases.
        let mut named = |case: &Json, failures: &mut Vec<String>| {
            let case_name = case
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or("(unnamed)")
                .to_owned();
            if !names.insert(case_name.clone()) {
                failures.push(format!("{name} / {case_name}: duplicate case name"));
            }
            case_name
        };
        let cases = list(&doc, "cases");
        for case in cases {
            let case_name = named(case, &mut failures);
            let case_policy = case.get("policy").map(policy_from);
            let policy = match case_policy.as_ref().or(file_policy.as_ref()) {
                Some(Ok(policy)) => policy,
                Some(Err(e)) => {
                    failures.push(format!("{name} / {case_name}: policy refused: {e}"));
                    continue;
                }
                None => {
                    failures.push(format!("{name} / {case_name}: no policy"));
                    continue;
                }
            };
            requests += 1;
            if let Err(diff) = run_case(policy, case) {
                failures.push(format!("{name} / {case_name}:\n    {diff}"));
            }
        }
        let checks = list(&doc, "validation");
        for case in checks {
            let case_name = named(case, &mut failures);
            validations += 1;
            if let Err(diff) = run_validation(case) {
                failures.push(format!("{name} / {case_name} (validation):\n    {diff}"));
            }
        }
        per_file.insert(name, cases.len() + checks.len());
    }
    eprintln!("corpus: {requests} request cases, {validations} validation cases");
    for (file, count) in &per_file {
        eprintln!("  {count:4}  {file}");
    }
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        requests >= MIN_REQUEST_CASES,
        "only {requests} request cases; the corpus needs at least {MIN_REQUEST_CASES}"
    );
}
