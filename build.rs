//! Generates `include/level_streaming.h` from the C ABI in `src/ffi` with
//! cbindgen. The header is committed; a test compares it with a fresh
//! generation. Under CI (`CI` set) the committed header is never
//! overwritten, so a stale one fails that test instead of being fixed
//! silently.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CI");

    // Give the shared library a SONAME / install name, so an executable or
    // Unreal module linked against it records the library's name rather
    // than the absolute path of the machine that built it.
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liblevel_streaming.so"),
        Ok("macos") => println!(
            "cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/liblevel_streaming.dylib"
        ),
        _ => {}
    }

    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets it");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets it");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("cargo sets it");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    config.after_includes = Some(format!(
        "\n/** Version of the library this header belongs to (equals lsm_version()). */\n\
         #define LSM_VERSION \"{version}\"\n\
         #define LSM_VERSION_MAJOR {major}\n\
         #define LSM_VERSION_MINOR {minor}\n\
         #define LSM_VERSION_PATCH {patch}\n"
    ));

    // Only the C ABI module is parsed, so nothing of the pure-Rust core can
    // leak into the header.
    let bindings = match cbindgen::Builder::new()
        .with_src(crate_dir.join("src").join("ffi").join("mod.rs"))
        .with_config(config)
        .generate()
    {
        Ok(bindings) => bindings,
        Err(err) => {
            // A syntax error in src/ is reported by rustc itself; do not mask it.
            println!("cargo:warning=cbindgen could not generate the header: {err}");
            return;
        }
    };
    let fresh = out_dir.join("level_streaming.h");
    bindings.write_to_file(&fresh);

    let committed = crate_dir.join("include").join("level_streaming.h");
    if env::var_os("CI").is_none() {
        let new_text = fs::read(&fresh).expect("header was just written");
        if fs::read(&committed).ok().as_deref() != Some(&new_text[..]) {
            fs::create_dir_all(committed.parent().expect("has a parent")).expect("create include/");
            fs::write(&committed, new_text).expect("write include/level_streaming.h");
        }
    }
}
