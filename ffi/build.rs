//! Gives the shared library its SONAME, so programs link against the ABI
//! major (`libunicors.so.0`) rather than a path.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libunicors.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
