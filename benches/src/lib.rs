//! Benchmarks of the unicors core against the floor of
//! `shared/reference/targets.md`, in one process.
//!
//! - [`workload`]: the policy and the requests (a)–(g) of peer-bench.md;
//! - [`floor`]: the least work a correct answer to that policy needs;
//! - [`write_decision`]: the core's decision written as header lines into a
//!   reused buffer, the same output work the floor does.
//!
//! `benches/core.rs` (criterion) and `src/bin/callgrind.rs` (instruction
//! counts) measure them; `run.sh` runs both and prints the table of
//! `docs/benchmarks.md`.

pub mod floor;
pub mod workload;

use unicors::Decision;

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
