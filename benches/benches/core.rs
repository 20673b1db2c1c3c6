//! The core against the floor, in one process (docs/benchmarks.md).
//!
//! For every workload kind (a)–(g), group `<letter>`:
//! - `floor`: the hand-written floor, header lines into a reused buffer;
//! - `core`: `Policy::evaluate` alone (the decision is returned and dropped);
//! - `core_write`: `evaluate`, then its header lines into a reused buffer
//!   (the floor's output work);
//! - `core_read`: `evaluate`, then read as a C ABI host reads it (kind,
//!   status, header views, Vary): the Rust side of `benches/abi.sh`.
//!
//! Group `origins`: `evaluate` on (a) and (b) with 3 and with 1000 allowed
//! origins. Group `hostile`: `evaluate` on each hostile request of
//! [`unicors_benches::hostile`], next to an ordinary preflight. Group
//! `shadow`: `evaluate_shadowed` on (a)–(e), against the same policy
//! (`<letter>_same`, they agree) and against a candidate with another
//! max-age and one origin fewer (`<letter>_candidate`), next to `<letter>/core`.
//!
//! `bash benches/run.sh` runs this and prints the table.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use unicors::{Policy, Request};
use unicors_benches::workload::{Case, Workload};
use unicors_benches::{read_decision, write_decision};

type Headers = Vec<(&'static [u8], &'static [u8])>;

fn core_only(c: &mut Criterion, workload: &Workload) {
    for case in Case::ALL {
        let headers: Headers = case.headers();
        let method = case.method();
        let policy = workload.policy(case);
        let floor = workload.floor(case);
        let mut group = c.benchmark_group(case.letter());

        let mut out = Vec::with_capacity(512);
        group.bench_function("floor", |b| {
            b.iter(|| {
                let answer = black_box(floor).decide(
                    black_box(method),
                    black_box(headers.as_slice()),
                    &mut out,
                );
                black_box(out.as_slice());
                answer
            });
        });
        group.bench_function("core", |b| {
            b.iter(|| {
                black_box(policy).evaluate(
                    Request::new(black_box(method), black_box(headers.as_slice()))
                        .with_path(black_box(b"/")),
                )
            });
        });
        let mut out = Vec::with_capacity(512);
        group.bench_function("core_write", |b| {
            b.iter(|| {
                let decision = black_box(policy).evaluate(
                    Request::new(black_box(method), black_box(headers.as_slice()))
                        .with_path(black_box(b"/")),
                );
                write_decision(&decision, &mut out);
                black_box(out.as_slice());
                (decision.kind(), decision.status())
            });
        });
        group.bench_function("core_read", |b| {
            b.iter(|| {
                let decision = black_box(policy).evaluate(
                    Request::new(black_box(method), black_box(headers.as_slice()))
                        .with_path(black_box(b"/")),
                );
                read_decision(&decision)
            });
        });
        group.finish();
    }
}

fn origins(c: &mut Criterion, workload: &Workload) {
    let mut group = c.benchmark_group("origins");
    let policies: [(&str, &Policy); 2] = [("3", &workload.policy), ("1000", &workload.policy_many)];
    for case in [Case::A, Case::B] {
        let headers: Headers = case.headers();
        let method = case.method();
        for (count, policy) in policies {
            group.bench_function(format!("{}_{count}", case.letter()), |b| {
                b.iter(|| {
                    black_box(policy).evaluate(
                        Request::new(black_box(method), black_box(headers.as_slice()))
                            .with_path(black_box(b"/")),
                    )
                });
            });
        }
    }
    group.finish();
}

fn hostile(c: &mut Criterion, workload: &Workload) {
    let mut group = c.benchmark_group("hostile");
    for request in unicors_benches::hostile::all() {
        group.bench_function(request.name, |b| {
            b.iter(|| {
                black_box(&workload.policy).evaluate(
                    Request::new(
                        black_box(request.method),
                        black_box(request.headers.as_slice()),
                    )
                    .with_path(black_box(b"/")),
                )
            });
        });
    }
    group.finish();
}

fn shadow(c: &mut Criterion, workload: &Workload) {
    let origins: Vec<String> = unicors_benches::workload::ORIGINS[..2]
        .iter()
        .map(|&o| o.to_owned())
        .collect();
    let candidate = Policy::from_toml(
        &unicors_benches::workload::policy_toml(&origins).replace("max_age = 600", "max_age = 300"),
    )
    .expect("the candidate policy is valid");
    let mut group = c.benchmark_group("shadow");
    for case in [Case::A, Case::B, Case::C, Case::D, Case::E] {
        let headers: Headers = case.headers();
        let method = case.method();
        let policy = workload.policy(case);
        for (name, other) in [("same", policy), ("candidate", &candidate)] {
            group.bench_function(format!("{}_{name}", case.letter()), |b| {
                b.iter(|| {
                    black_box(policy).evaluate_shadowed(
                        black_box(other),
                        Request::new(black_box(method), black_box(headers.as_slice()))
                            .with_path(black_box(b"/")),
                    )
                });
            });
        }
    }
    group.finish();
}

fn main() {
    let workload = Workload::new();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
        .without_plots()
        .configure_from_args();
    core_only(&mut criterion, &workload);
    origins(&mut criterion, &workload);
    hostile(&mut criterion, &workload);
    shadow(&mut criterion, &workload);
    criterion.final_summary();
}
