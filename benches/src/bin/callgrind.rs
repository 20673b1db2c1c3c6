//! Runs one workload kind N times, for `valgrind --tool=callgrind`:
//! two runs with different N give instructions per decision as
//! (Ir(N2) − Ir(N1)) / (N2 − N1), with the setup cancelled out.
//!
//! Usage: `callgrind floor|core|core_write|core_read a|b|c|d|e|f|g N`
//! (`core_write`: `evaluate` plus writing its header lines, like the floor;
//! `core_read`: `evaluate` plus reading it as a C ABI host does, the Rust
//! side of `benches/abi.sh`).

use std::hint::black_box;
use std::process::ExitCode;

use unicors::{Kind, Request};
use unicors_benches::workload::{Case, Workload};
use unicors_benches::{read_decision, write_decision};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    Floor,
    Core,
    CoreWrite,
    CoreRead,
}

fn parse(args: &[String]) -> Option<(Subject, Case, u64)> {
    let [_, subject, case, n] = args else {
        return None;
    };
    let subject = match subject.as_str() {
        "floor" => Subject::Floor,
        "core" => Subject::Core,
        "core_write" => Subject::CoreWrite,
        "core_read" => Subject::CoreRead,
        _ => return None,
    };
    Some((subject, Case::from_letter(case)?, n.parse().ok()?))
}

/// One decision; returns its kind.
#[inline(always)]
fn once(
    subject: Subject,
    workload: &Workload,
    case: Case,
    headers: &[(&[u8], &[u8])],
    out: &mut Vec<u8>,
) -> Kind {
    let method = black_box(case.method());
    let headers = black_box(headers);
    match subject {
        Subject::Floor => {
            let answer = black_box(workload.floor(case)).decide(method, headers, out);
            black_box(out.as_slice());
            answer.kind
        }
        Subject::Core => {
            let decision = black_box(workload.policy(case))
                .evaluate(Request::new(method, headers).with_path(black_box(b"/")));
            black_box(&decision).kind()
        }
        Subject::CoreWrite => {
            let decision = black_box(workload.policy(case))
                .evaluate(Request::new(method, headers).with_path(black_box(b"/")));
            write_decision(&decision, out);
            black_box(out.as_slice());
            decision.kind()
        }
        Subject::CoreRead => {
            let decision = black_box(workload.policy(case))
                .evaluate(Request::new(method, headers).with_path(black_box(b"/")));
            black_box(read_decision(&decision));
            decision.kind()
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some((subject, case, n)) = parse(&args) else {
        eprintln!("usage: callgrind floor|core|core_write|core_read a|b|c|d|e|f|g ITERATIONS");
        return ExitCode::from(2);
    };
    let workload = Workload::new();
    let headers = case.headers();
    let mut out = Vec::with_capacity(512);
    let kind = once(subject, &workload, case, &headers, &mut out);
    if kind != case.expected() {
        eprintln!("{case:?}: decided {kind}, expected {}", case.expected());
        return ExitCode::FAILURE;
    }
    for _ in 0..n {
        black_box(once(subject, &workload, case, &headers, &mut out));
    }
    ExitCode::SUCCESS
}
