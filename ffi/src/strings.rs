//! NUL-terminated copies of the core's static strings (codes, messages,
//! Vary values), built once and kept for the life of the process.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use unicors::{ProblemCode, Reason, Vary, VaryName};

fn c_string(text: &str) -> CString {
    // The core's static strings never contain NUL; drop one rather than panic.
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

struct Table {
    reason_codes: Vec<CString>,
    reason_messages: Vec<CString>,
    problem_codes: Vec<CString>,
    vary: Vec<CString>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        reason_codes: Reason::ALL.iter().map(|r| c_string(r.code())).collect(),
        reason_messages: Reason::ALL.iter().map(|r| c_string(r.message())).collect(),
        problem_codes: ProblemCode::ALL
            .iter()
            .map(|c| c_string(c.as_str()))
            .collect(),
        vary: (0u8..16)
            .map(|bits| c_string(vary_from_bits(bits).as_str()))
            .collect(),
    })
}

const VARY_NAMES: [VaryName; 4] = [
    VaryName::Origin,
    VaryName::RequestMethod,
    VaryName::RequestHeaders,
    VaryName::RequestPrivateNetwork,
];

fn vary_from_bits(bits: u8) -> Vary {
    VARY_NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .fold(Vary::EMPTY, |vary, (_, name)| vary.with(*name))
}

fn bits_of(vary: Vary) -> usize {
    VARY_NAMES
        .iter()
        .enumerate()
        .filter(|(_, name)| vary.contains(**name))
        .map(|(i, _)| 1 << i)
        .sum()
}

fn lookup<T: PartialEq>(all: &[T], item: &T, strings: &'static [CString]) -> *const c_char {
    all.iter()
        .position(|x| x == item)
        .and_then(|i| strings.get(i))
        .map_or(c"".as_ptr(), |s| s.as_ptr())
}

pub(crate) fn reason_code(reason: Reason) -> *const c_char {
    lookup(Reason::ALL, &reason, &table().reason_codes)
}

pub(crate) fn reason_message(reason: Reason) -> *const c_char {
    lookup(Reason::ALL, &reason, &table().reason_messages)
}

pub(crate) fn problem_code(code: ProblemCode) -> *const c_char {
    lookup(ProblemCode::ALL, &code, &table().problem_codes)
}

pub(crate) fn vary(vary: Vary) -> *const c_char {
    table()
        .vary
        .get(bits_of(vary))
        .map_or(c"".as_ptr(), |s| s.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_strings_match_the_core() {
        for bits in 0u8..16 {
            let vary = vary_from_bits(bits);
            assert_eq!(bits_of(vary), usize::from(bits));
            assert_eq!(
                table().vary[usize::from(bits)].to_str().unwrap(),
                vary.as_str()
            );
        }
    }
}
