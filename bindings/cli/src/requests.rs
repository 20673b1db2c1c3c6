//! Recorded requests, one JSON object per line, in the shared corpus's
//! encoding: `{"method": "GET", "path": "/", "headers": [["Origin",
//! "https://a.example"]], "origin_verdict": true}`; a value is a string
//! (its UTF-8 bytes) or `{"hex": "…"}` for arbitrary bytes. `path`,
//! `origin_verdict` and `name` are optional.

use serde_json::Value;

/// The shared corpus's requests, embedded at build time (build.rs).
pub(crate) const CORPUS: &str = include_str!(concat!(env!("OUT_DIR"), "/corpus-requests.jsonl"));

/// One recorded request.
pub(crate) struct Recorded {
    /// The case name, or `line N`.
    pub(crate) name: String,
    pub(crate) method: Vec<u8>,
    pub(crate) path: Vec<u8>,
    pub(crate) headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub(crate) origin_verdict: Option<bool>,
}

/// Parses every non-empty line; on failure, every bad line's problem.
pub(crate) fn parse(text: &str) -> Result<Vec<Recorded>, Vec<String>> {
    let mut requests = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, index + 1) {
            Ok(request) => requests.push(request),
            Err(problem) => problems.push(format!("line {}: {problem}", index + 1)),
        }
    }
    if problems.is_empty() {
        Ok(requests)
    } else {
        Err(problems)
    }
}

fn parse_line(line: &str, number: usize) -> Result<Recorded, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object().ok_or("expected a JSON object")?;
    if let Some(key) = object
        .keys()
        .find(|k| !["name", "method", "path", "headers", "origin_verdict"].contains(&k.as_str()))
    {
        return Err(format!("unknown key {key:?}"));
    }
    let method = bytes(object.get("method").ok_or("`method` is missing")?)
        .map_err(|e| format!("`method`: {e}"))?;
    let path = match object.get("path") {
        None => b"/".to_vec(),
        Some(path) => bytes(path).map_err(|e| format!("`path`: {e}"))?,
    };
    let mut headers = Vec::new();
    let lines = object
        .get("headers")
        .map_or(Some(&[][..]), |h| h.as_array().map(Vec::as_slice))
        .ok_or("`headers` must be a list of [name, value] pairs")?;
    for (i, pair) in lines.iter().enumerate() {
        match pair.as_array().map(Vec::as_slice) {
            Some([name, value]) => headers.push((
                bytes(name).map_err(|e| format!("`headers[{i}]` name: {e}"))?,
                bytes(value).map_err(|e| format!("`headers[{i}]` value: {e}"))?,
            )),
            _ => return Err(format!("`headers[{i}]` must be a [name, value] pair")),
        }
    }
    let origin_verdict = match object.get("origin_verdict") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(allowed)) => Some(*allowed),
        Some(_) => return Err("`origin_verdict` must be true, false or null".to_owned()),
    };
    let name = match object.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => format!("line {number}"),
    };
    Ok(Recorded {
        name,
        method,
        path,
        headers,
        origin_verdict,
    })
}

/// A string's UTF-8 bytes, or the bytes of `{"hex": "…"}`.
fn bytes(value: &Value) -> Result<Vec<u8>, String> {
    if let Some(text) = value.as_str() {
        return Ok(text.as_bytes().to_vec());
    }
    let hex = value
        .get("hex")
        .and_then(Value::as_str)
        .ok_or("expected a string or {\"hex\": \"…\"}")?;
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{hex:?} is not an even number of hex digits"));
    }
    Ok((0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_corpus_parses() {
        let requests = parse(CORPUS).unwrap_or_else(|problems| panic!("{problems:?}"));
        assert!(requests.len() >= 377, "{}", requests.len());
        assert!(
            requests
                .iter()
                .any(|r| r.headers.iter().any(|(_, v)| !v.is_ascii()))
        );
    }

    #[test]
    fn every_bad_line_is_reported() {
        let text = "{\"method\": \"GET\"}\nnot json\n{\"method\": 1}\n\n{\"method\": \"GET\", \"headers\": [[\"a\"]]}\n{\"method\": \"GET\", \"x\": 1}\n{\"method\": \"GET\", \"headers\": [[\"Origin\", {\"hex\": \"0g\"}]]}";
        let problems = parse(text).err().unwrap();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("line 2: not JSON"));
        assert!(problems[1].starts_with("line 3: `method`"));
        assert!(problems[2].starts_with("line 5: `headers[0]`"));
        assert!(problems[3].contains("unknown key \"x\""));
        assert!(problems[4].contains("hex digits"));
    }

    #[test]
    fn hex_values_are_bytes() {
        let requests = parse(r#"{"method": "GET", "headers": [["Origin", {"hex": "ff0a"}]], "origin_verdict": false}"#)
            .ok()
            .unwrap();
        assert_eq!(requests[0].headers[0].1, vec![0xff, 0x0a]);
        assert_eq!(requests[0].origin_verdict, Some(false));
        assert_eq!(requests[0].path, b"/");
        assert_eq!(requests[0].name, "line 1");
    }
}
