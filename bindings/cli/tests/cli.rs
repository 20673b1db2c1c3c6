//! The `unicors` command, run as a user would.

use std::io::Write;
use std::process::{Command, Output};

fn unicors(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unicors"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write_policy(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("unicors-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write policy");
    path
}

const BAD_POLICY: &str = r#"
allowedOrigins = ["https://a.example"]
allow_origins = ["https://App.example/", "*", "http://api.example.com", "file:///tmp"]
allow_credentials = true
allow_methods = ["TRACE", "patch", "BAD METHOD"]
expose_headers = ["set-cookie"]
max_age = 100000

[[routes]]
path = "api"
"#;

/// Every (code, field) the bad policy must report, errors and warnings.
const EXPECTED: [(&str, &str, &str); 12] = [
    ("error", "unknown_key", "allowedOrigins"),
    ("error", "origin_not_canonical", "allow_origins[0]"),
    ("warning", "origin_redundant", "allow_origins[1]"),
    ("error", "origin_file_scheme", "allow_origins[3]"),
    ("error", "method_forbidden", "allow_methods[0]"),
    ("warning", "method_not_uppercase", "allow_methods[1]"),
    ("error", "method_invalid", "allow_methods[2]"),
    ("error", "expose_forbidden", "expose_headers[0]"),
    ("error", "max_age_out_of_range", "max_age"),
    ("error", "route_path_invalid", "routes[0].path"),
    (
        "error",
        "origin_wildcard_with_credentials",
        "allow_origins[1]",
    ),
    (
        "error",
        "origin_insecure_with_credentials",
        "allow_origins[2]",
    ),
];

#[test]
fn lint_lists_every_problem_at_once() {
    let path = write_policy("bad.toml", BAD_POLICY);
    let output = unicors(&["lint", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for (severity, code, field) in EXPECTED {
        let needle = format!("{severity} [{code}] {field}");
        assert!(text.contains(&needle), "missing `{needle}` in:\n{text}");
    }
    assert!(text.contains("did you mean `allow_origins`"), "{text}");
    assert!(
        text.contains("\"https://app.example\""),
        "names the canonical form:\n{text}"
    );
    assert!(text.trim_end().ends_with("10 errors, 2 warnings"), "{text}");
}

#[test]
fn lint_json_is_for_machines() {
    let path = write_policy(
        "bad.json",
        r#"{"allow_origins": ["*"], "allow_credentials": true, "max_age": -1}"#,
    );
    let output = unicors(&["lint", "--json", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"], 2);
    let codes: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        vec!["max_age_out_of_range", "origin_wildcard_with_credentials"]
    );
    assert_eq!(report["problems"][0]["field"], "max_age");
    assert_eq!(report["problems"][0]["value"], "-1");
}

#[test]
fn lint_accepts_the_example_policies() {
    for file in ["policy.toml", "policy.json"] {
        let path = format!("{}/../../examples/{file}", env!("CARGO_MANIFEST_DIR"));
        let output = unicors(&["lint", &path]);
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        assert!(stdout(&output).contains("ok, no problems"));
    }
}

#[test]
fn check_explains_a_rejection_in_one_line() {
    let output = unicors(&[
        "check",
        "--origin",
        "https://app.example.com",
        "--preflight",
        "patch",
        "--path",
        "/api/items",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("rejected")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0]
            .starts_with("rejected (method_not_allowed): the method patch is not in allow_methods"),
        "{text}"
    );
    assert!(text.contains("< 403 (unicors answers now"), "{text}");
    assert!(!text.contains("Access-Control-Allow-Origin"), "{text}");

    let output = unicors(&["check", "--origin", "https://evil.example"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "rejected (origin_not_allowed): the origin https://evil.example is not allowed"
        )
    );
}

#[test]
fn check_shows_an_allowed_preflight_on_the_embedded_policy() {
    let output = unicors(&[
        "check",
        "--origin",
        "https://app.example.com",
        "--preflight",
        "PUT",
        "--request-headers",
        "content-type,x-request-id",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("policy: embedded examples/policy.toml"),
        "{text}"
    );
    for line in [
        "< 204 (unicors answers now; the app is not called)",
        "< Access-Control-Allow-Origin: https://app.example.com",
        "< Access-Control-Allow-Credentials: true",
        "< Access-Control-Allow-Methods: PUT",
        "< Access-Control-Allow-Headers: content-type,x-request-id",
        "< Access-Control-Max-Age: 600",
        "< Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers (appended to the app's Vary)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in:\n{text}"
        );
    }
}

#[test]
fn check_json_and_header_lines() {
    let output = unicors(&[
        "check",
        "--json",
        "--method",
        "GET",
        "--path",
        "/public/status",
        "-H",
        "Origin:   https://someone.example.org  ",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let decision: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(decision["kind"], "actual");
    assert_eq!(decision["status"], serde_json::Value::Null);
    assert_eq!(
        decision["headers"][0],
        serde_json::json!(["Access-Control-Allow-Origin", "*"])
    );
    assert_eq!(decision["vary"], serde_json::json!([]));
    assert_eq!(
        decision["request"]["headers"][0][1],
        "https://someone.example.org"
    );
}

#[test]
fn unusable_input_exits_2() {
    let path = write_policy(
        "refused.toml",
        "allow_origins = [\"*\"]\nallow_credentials = true\n",
    );
    let output = unicors(&[
        "check",
        "--policy",
        path.to_str().expect("utf-8 path"),
        "--origin",
        "https://a.example",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("origin_wildcard_with_credentials"));
    let output = unicors(&["check", "-H", "no colon here"]);
    assert_eq!(output.status.code(), Some(2));
    let output = unicors(&["lint", "/nonexistent/policy.toml"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The example policy without `http://localhost:*` and with a shorter max-age.
fn narrower_example() -> std::path::PathBuf {
    let text = include_str!("../../../examples/policy.toml")
        .replace("  \"http://localhost:*\",\n", "")
        .replace("max_age = 600", "max_age = 300");
    assert!(!text.contains("localhost:*"));
    write_policy("narrower.toml", &text)
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/policy.toml");

#[test]
fn check_shadow_shows_both_decisions_and_what_differs() {
    let candidate = narrower_example();
    let candidate = candidate.to_str().expect("utf-8 path");
    let args = [
        "check",
        "--policy",
        EXAMPLE,
        "--shadow",
        candidate,
        "--origin",
        "http://localhost:3000",
    ];
    let output = unicors(&args);
    // The exit status follows the enforced policy, which allows it.
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("allowed: the page at http://localhost:3000"),
        "{text}"
    );
    assert!(
        text.contains(&format!("report-only policy: {candidate} (not applied)")),
        "{text}"
    );
    assert!(text.contains("rejected (origin_not_allowed)"), "{text}");
    assert!(text.contains("difference: kind, reason, headers"), "{text}");

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let report: serde_json::Value =
        serde_json::from_slice(&unicors(&json_args).stdout).expect("JSON output");
    assert_eq!(report["kind"], "actual");
    assert_eq!(report["shadow"]["kind"], "rejected");
    assert_eq!(report["shadow"]["reason"]["code"], "origin_not_allowed");
    assert_eq!(report["shadow"]["policy"], candidate);
    assert_eq!(
        report["difference"],
        serde_json::json!(["kind", "reason", "headers"])
    );

    // An origin both allow: same answer.
    let output = unicors(&[
        "check",
        "--policy",
        EXAMPLE,
        "--shadow",
        candidate,
        "--origin",
        "https://app.example.com",
    ]);
    assert!(
        stdout(&output).contains("difference: none"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn diff_replays_the_corpus_and_counts_what_changes() {
    let candidate = narrower_example();
    let candidate = candidate.to_str().expect("utf-8 path");
    let output = unicors(&["diff", EXAMPLE, candidate]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("requests: 3"), "{text}");
    assert!(
        text.contains("from the shared corpus (tests/cases), embedded"),
        "{text}"
    );
    assert!(text.contains("newly rejected: GET / ["), "{text}");
    assert!(
        text.contains("  - Access-Control-Allow-Origin: http://localhost:3000"),
        "{text}"
    );
    assert!(text.contains("  + Access-Control-Max-Age: 300"), "{text}");
    assert!(
        text.contains("newly rejected by reason: origin_not_allowed"),
        "{text}"
    );

    let report: serde_json::Value =
        serde_json::from_slice(&unicors(&["diff", "--json", EXAMPLE, candidate]).stdout)
            .expect("JSON output");
    let corpus_size = report["requests"]["count"].as_u64().expect("a count");
    assert!(corpus_size >= 377, "{corpus_size}");
    let changed = report["changed"].as_array().expect("a list");
    assert_eq!(report["summary"]["changed"], changed.len());
    assert!(
        changed
            .iter()
            .all(|c| !c["difference"].as_array().expect("names").is_empty())
    );
    let rejected = &report["summary"]["newly_rejected_by_reason"]["origin_not_allowed"];
    assert_eq!(rejected, &report["summary"]["newly_rejected"]);

    // A policy against itself: nothing changes, exit 0.
    let output = unicors(&["diff", EXAMPLE, EXAMPLE]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("none would change"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn diff_reads_recorded_requests() {
    let candidate = narrower_example();
    let requests = write_policy(
        "recorded.jsonl",
        concat!(
            r#"{"method": "GET", "headers": [["Origin", "http://localhost:8080"]]}"#,
            "\n\n",
            r#"{"method": "GET", "path": "/x", "headers": [["Origin", "https://app.example.com"]]}"#,
            "\n",
            r#"{"name": "odd bytes", "method": "GET", "headers": [["Origin", {"hex": "ff"}]]}"#,
            "\n",
        ),
    );
    let output = unicors(&[
        "diff",
        "--requests",
        requests.to_str().expect("utf-8 path"),
        EXAMPLE,
        candidate.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("requests: 3 from"), "{text}");
    assert!(text.contains("newly rejected: GET / [line 1]"), "{text}");
    assert!(
        text.contains("summary: 3 requests, 1 would change: 1 newly rejected"),
        "{text}"
    );
}

#[test]
fn diff_lists_every_unusable_input() {
    let requests = write_policy(
        "broken.jsonl",
        "{\"method\": \"GET\"}\nnot json\n{\"headers\": []}\n",
    );
    let output = unicors(&[
        "diff",
        "--requests",
        requests.to_str().expect("utf-8 path"),
        EXAMPLE,
        EXAMPLE,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("line 2: not JSON"), "{error}");
    assert!(error.contains("line 3: `method` is missing"), "{error}");

    let bad_one = write_policy(
        "bad-one.toml",
        "allow_origins = [\"*\"]\nallow_credentials = true\n",
    );
    let bad_two = write_policy("bad-two.toml", "max_age = -1\n");
    let output = unicors(&[
        "diff",
        bad_one.to_str().expect("utf-8 path"),
        bad_two.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("origin_wildcard_with_credentials"),
        "{error}"
    );
    assert!(error.contains("max_age"), "{error}");
}
