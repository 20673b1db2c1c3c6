//! TOML and JSON documents mean the same thing, and a bad document reports
//! every problem at once in either format.

use unicors::{Format, Policy, ProblemCode, Severity, document, lint};

const EXAMPLE_TOML: &str = include_str!("../../examples/policy.toml");
const EXAMPLE_JSON: &str = include_str!("../../examples/policy.json");

#[test]
fn example_policies_are_the_same_document() {
    let toml = document::parse(EXAMPLE_TOML, Format::Toml).expect("valid TOML");
    let json = document::parse(EXAMPLE_JSON, Format::Json).expect("valid JSON");
    assert_eq!(toml, json);
    let policy = Policy::from_toml(EXAMPLE_TOML).expect("the example policy builds");
    assert!(policy.warnings().is_empty(), "{:?}", policy.warnings());
}

const BAD_TOML: &str = r#"
allowed_origins = ["https://a.example"]
allow_origins = ["https://App.example/", "*", "file:///x", "null", 42]
allow_credentials = "yes"
allow_methods = ["PUT", "TRACE", "BAD METHOD"]
allow_headers = ["x-ok", "bad header"]
max_age = 90000
preflight_status = 302

[[routes]]
path = "api"
allow_methods = ["patch"]
"#;

const BAD_JSON: &str = r#"{
  "allowed_origins": ["https://a.example"],
  "allow_origins": ["https://App.example/", "*", "file:///x", "null", 42],
  "allow_credentials": "yes",
  "allow_methods": ["PUT", "TRACE", "BAD METHOD"],
  "allow_headers": ["x-ok", "bad header"],
  "max_age": 90000,
  "preflight_status": 302,
  "routes": [{"path": "api", "allow_methods": ["patch"]}]
}"#;

#[test]
fn every_problem_at_once_in_both_formats() {
    let from_toml = lint(BAD_TOML, Format::Toml);
    let from_json = lint(BAD_JSON, Format::Json);
    assert_eq!(from_toml, from_json);
    let errors: Vec<(ProblemCode, &str)> = from_toml
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.code, p.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (ProblemCode::UnknownKey, "allowed_origins"),
            (ProblemCode::OriginNotCanonical, "allow_origins[0]"),
            (ProblemCode::OriginFileScheme, "allow_origins[2]"),
            (ProblemCode::OriginNull, "allow_origins[3]"),
            (ProblemCode::WrongType, "allow_origins[4]"),
            (ProblemCode::WrongType, "allow_credentials"),
            (ProblemCode::MethodForbidden, "allow_methods[1]"),
            (ProblemCode::MethodInvalid, "allow_methods[2]"),
            (ProblemCode::HeaderInvalid, "allow_headers[1]"),
            (ProblemCode::MaxAgeOutOfRange, "max_age"),
            (ProblemCode::StatusOutOfRange, "preflight_status"),
            (ProblemCode::RoutePathInvalid, "routes[0].path"),
        ]
    );
    let unknown = &from_toml[0];
    assert!(
        unknown.message.contains("did you mean `allow_origins`"),
        "{}",
        unknown.message
    );
    let canonical = &from_toml[1];
    assert!(
        canonical.message.contains("\"https://app.example\""),
        "{}",
        canonical.message
    );
    assert!(
        from_toml
            .iter()
            .any(|p| p.code == ProblemCode::MethodNotUppercase
                && p.field == "routes[0].allow_methods[0]"),
        "{from_toml:#?}"
    );
}

#[test]
fn syntax_errors_and_missing_files_are_problems_too() {
    let problems = lint("allow_origins = [", Format::Toml);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, ProblemCode::Syntax);
    let error = Policy::from_file("/nonexistent/policy.toml").expect_err("no such file");
    assert_eq!(error.problems()[0].code, ProblemCode::Io);
    let error = Policy::from_json("[1, 2]").expect_err("not a table");
    assert_eq!(error.problems()[0].code, ProblemCode::WrongType);
}

#[test]
fn route_for_names_the_route_that_decides() {
    let policy = Policy::from_toml(
        "allow_origins = [\"https://a.example\"]\n\
         [[routes]]\npath = \"/api\"\nmax_age = 5\n\
         [[routes]]\npath = \"/api/admin\"\nmax_age = 6\n",
    )
    .expect("valid");
    assert!(policy.has_routes());
    assert_eq!(policy.route_for(b"/"), None);
    assert_eq!(policy.route_for(b"/api/x?y"), Some(0));
    assert_eq!(policy.route_for(b"/api/admin/1"), Some(1));
    assert_eq!(policy.route_for(b"/apix"), None);
    let flat = Policy::from_toml("allow_origins = [\"https://a.example\"]").expect("valid");
    assert!(!flat.has_routes());
    assert_eq!(flat.route_for(b"/api"), None);
}
