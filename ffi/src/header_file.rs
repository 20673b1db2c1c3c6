//! `include/unicors.h` must be exactly what cbindgen generates from this
//! crate, version macros included. `UNICORS_BLESS=1` rewrites it.

use std::path::PathBuf;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../include/unicors.h")
}

fn version_macros() -> String {
    let (major, minor, patch) = (
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    );
    let number: u64 = major.parse::<u64>().unwrap() * 1_000_000
        + minor.parse::<u64>().unwrap() * 1_000
        + patch.parse::<u64>().unwrap();
    format!(
        "\n/** The version of this header; compare with unicors_version() at run time. */\n\
         #define UNICORS_VERSION_MAJOR {major}\n\
         #define UNICORS_VERSION_MINOR {minor}\n\
         #define UNICORS_VERSION_PATCH {patch}\n\
         /** MAJOR * 1000000 + MINOR * 1000 + PATCH, for #if comparisons. */\n\
         #define UNICORS_VERSION_NUMBER {number}\n\
         #define UNICORS_VERSION_STRING \"{major}.{minor}.{patch}\"\n\
         \n\
         #if defined(__GNUC__) || defined(__clang__)\n\
         #define UNICORS_MUST_USE __attribute__((warn_unused_result))\n\
         #else\n\
         #define UNICORS_MUST_USE\n\
         #endif\n"
    )
}

fn generate() -> String {
    let mut config = cbindgen::Config::from_file(crate_dir().join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml parses");
    config.after_includes = Some(version_macros());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir())
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn header_is_up_to_date() {
    let fresh = generate();
    if std::env::var_os("UNICORS_BLESS").is_some() {
        std::fs::write(header_path(), &fresh).expect("write include/unicors.h");
        return;
    }
    let checked_in = std::fs::read_to_string(header_path()).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/unicors.h differs from a fresh cbindgen run: run `UNICORS_BLESS=1 cargo test -p unicors-ffi header` and commit it"
    );
}

#[test]
fn header_version_macros_match_cargo() {
    let header = std::fs::read_to_string(header_path()).expect("include/unicors.h exists");
    let macro_value = |name: &str| {
        header
            .lines()
            .find_map(|line| line.strip_prefix(&format!("#define {name} ")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{name} missing"))
            .to_owned()
    };
    assert_eq!(
        macro_value("UNICORS_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        macro_value("UNICORS_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        macro_value("UNICORS_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        macro_value("UNICORS_VERSION_STRING"),
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
    let number: u64 = macro_value("UNICORS_VERSION_NUMBER")
        .parse()
        .expect("a number");
    let (major, minor, patch) = (number / 1_000_000, number / 1_000 % 1_000, number % 1_000);
    assert_eq!(
        format!("{major}.{minor}.{patch}"),
        env!("CARGO_PKG_VERSION")
    );
    let runtime = unsafe { std::ffi::CStr::from_ptr(crate::version::unicors_version()) };
    assert_eq!(
        runtime.to_str().unwrap(),
        format!("unicors/{}", env!("CARGO_PKG_VERSION"))
    );
}
