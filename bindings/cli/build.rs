//! Embeds the shared corpus's requests (tests/cases/*.json) for
//! `unicors diff`: one JSON object per line, named `file: case`.

use std::path::Path;

fn main() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut files: Vec<_> = std::fs::read_dir(&cases)
        .expect("tests/cases is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut lines = String::new();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a corpus file is readable");
        let document: serde_json::Value =
            serde_json::from_str(&text).expect("a corpus file is JSON");
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        for case in document["cases"].as_array().into_iter().flatten() {
            let mut request = case["request"].clone();
            if let Some(object) = request.as_object_mut() {
                let name = case["name"].as_str().unwrap_or("?");
                object.insert("name".into(), format!("{stem}: {name}").into());
                lines.push_str(&request.to_string());
                lines.push('\n');
            }
        }
    }
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("corpus-requests.jsonl");
    std::fs::write(out, lines).expect("OUT_DIR is writable");
}
