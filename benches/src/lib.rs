//! Benchmarks of the unicors core against the floor of
//! `shared/reference/targets.md`, in one process.
//!
//! - [`workload`]: the policy and the requests (a)–(g) of peer-bench.md;
//! - [`floor`]: the least work a correct answer to that policy needs;
//! - [`write_decision`]: the core's decision written as header lines into a
//!   reused buffer, the same output work the floor does;
//! - [`hostile`]: the hostile requests of the threat model;
//! - [`read_decision`]: the core's decision read the way a host reads the C
//!   ABI's (`benches/c/abi_bench.c`): kind, status, each header's name and
//!   value views, the Vary names.
//!
//! `benches/core.rs` (criterion) and `src/bin/callgrind.rs` (instruction
//! counts) measure them; `run.sh` runs both and prints the table of
//! `docs/benchmarks.md`.

pub mod floor;
pub mod hostile;
pub mod workload;

use unicors::Decision;

/// Reads what a host reads from a decision, as `benches/c/abi_bench.c`
/// does through `unicors_decision_kind`, `_status`, `_header_count`,
/// `_header_at` and `_vary`: folds the views' addresses and lengths into
/// one number, so that none of it is optimised away.
#[inline]
pub fn read_decision(decision: &Decision<'_>) -> usize {
    let mut acc = decision.kind() as usize ^ usize::from(decision.status().unwrap_or(0));
    for header in decision.headers() {
        let name = header.name.as_str();
        acc = acc
            .wrapping_add(name.as_ptr() as usize ^ name.len())
            .wrapping_add(header.value.as_ptr() as usize ^ header.value.len());
    }
    acc ^ decision.vary().as_str().as_ptr() as usize
}

/// Writes every header of `decision`, then its `Vary` line when it has
/// one, as `Name: value\r\n` lines into `out` (cleared first).
#[inline]
pub fn write_decision(decision: &Decision<'_>, out: &mut Vec<u8>) {
    out.clear();
    for header in decision.headers() {
        out.extend_from_slice(header.name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&header.value);
        out.extend_from_slice(b"\r\n");
    }
    let vary = decision.vary().as_str();
    if !vary.is_empty() {
        out.extend_from_slice(b"Vary: ");
        out.extend_from_slice(vary.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}
