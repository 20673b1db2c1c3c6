//! Evaluates a few typical requests against a policy and prints the
//! decisions as a browser would meet them.
//!
//! ```text
//! cargo run -p unicors --example evaluate              # embedded examples/policy.toml
//! cargo run -p unicors --example evaluate -- my.toml   # your policy
//! ```

#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use unicors::{Policy, Request};

const DEFAULT_POLICY: &str = include_str!("policy.toml");

struct Sample {
    title: &'static str,
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
}

const SAMPLES: &[Sample] = &[
    Sample {
        title: "preflight for a PUT with JSON from the app",
        method: "OPTIONS",
        path: "/api/items/7",
        headers: &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "PUT"),
            (
                "Access-Control-Request-Headers",
                "content-type,x-request-id",
            ),
        ],
    },
    Sample {
        title: "credentialed GET from a preview deployment",
        method: "GET",
        path: "/api/items",
        headers: &[
            ("Origin", "https://pr-42.preview.example.com"),
            ("Cookie", "session=1"),
        ],
    },
    Sample {
        title: "GET from an origin that is not allowed",
        method: "GET",
        path: "/api/items",
        headers: &[("Origin", "https://evil.example.net")],
    },
    Sample {
        title: "preflight asking for lowercase `patch`",
        method: "OPTIONS",
        path: "/api/items/7",
        headers: &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "patch"),
        ],
    },
    Sample {
        title: "same-origin GET (no Origin header)",
        method: "GET",
        path: "/api/items",
        headers: &[],
    },
    Sample {
        title: "GET on the public route from anywhere",
        method: "GET",
        path: "/public/status",
        headers: &[("Origin", "https://someone.example.org")],
    },
];

fn main() -> ExitCode {
    let (source, text) = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => (path, text),
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => (
            "embedded examples/policy.toml".to_owned(),
            DEFAULT_POLICY.to_owned(),
        ),
    };
    let format = unicors::Format::from_path(std::path::Path::new(&source));
    let policy = match Policy::from_document(&text, format) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{source}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("policy: {source}");
    for warning in policy.warnings() {
        println!("  {warning}");
    }
    for sample in SAMPLES {
        let headers: Vec<(&[u8], &[u8])> = sample
            .headers
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
            .collect();
        let request =
            Request::new(sample.method.as_bytes(), &headers).with_path(sample.path.as_bytes());
        let decision = policy.evaluate(request);
        println!();
        println!("# {}", sample.title);
        println!("> {} {}", sample.method, sample.path);
        for (name, value) in sample.headers {
            println!("> {name}: {value}");
        }
        match decision.reason() {
            Some(reason) => println!(
                "= {} ({}: {})",
                decision.kind(),
                reason.code(),
                reason.message()
            ),
            None => println!("= {}", decision.kind()),
        }
        match decision.status() {
            Some(status) => println!("< {status} (answered now; the app is not called)"),
            None => println!("< (the app answers)"),
        }
        for header in decision.headers() {
            println!(
                "< {}: {}",
                header.name,
                String::from_utf8_lossy(&header.value)
            );
        }
        if !decision.vary().is_empty() {
            println!("< Vary: {} (appended)", decision.vary().as_str());
        }
    }
    ExitCode::SUCCESS
}
