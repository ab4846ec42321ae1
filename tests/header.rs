//! The committed header is exactly what build.rs generates, carries the
//! crate version, and exports only `lsm`-prefixed names.

use std::path::Path;

fn committed() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/level_streaming.h"))
        .expect("include/level_streaming.h is committed")
}

#[test]
fn committed_header_matches_a_fresh_generation() {
    let fresh = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join("level_streaming.h"))
        .expect("build.rs generated the header into OUT_DIR");
    assert!(
        committed() == fresh,
        "include/level_streaming.h is stale: rebuild outside CI (build.rs rewrites it) and commit it"
    );
}

#[test]
fn header_version_matches_cargo_toml() {
    let header = committed();
    let expected = format!("#define LSM_VERSION \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(header.contains(&expected), "missing `{expected}`");
    for (name, value) in [
        ("LSM_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("LSM_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("LSM_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {name} {value}\n")),
            "{name} != {value}"
        );
    }
    // SAFETY: lsm_version returns a static NUL-terminated string.
    let runtime =
        unsafe { std::ffi::CStr::from_ptr(level_streaming::ffi::lifecycle::lsm_version()) };
    assert_eq!(runtime.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn header_exports_only_prefixed_names() {
    let header = committed();
    for line in header.lines() {
        let line = line.trim_start();
        let name = if let Some(rest) = line.strip_prefix("#define ") {
            rest.split_whitespace().next()
        } else if let Some(rest) = line.strip_prefix("typedef struct ") {
            rest.split_whitespace().next()
        } else if let Some(rest) = line.strip_prefix("enum ") {
            rest.split_whitespace().next()
        } else if line.contains('(')
            && !line.starts_with("typedef")
            && !line.starts_with('*')
            && !line.starts_with('/')
            && !line.starts_with('#')
        {
            line.split('(')
                .next()
                .and_then(|head| head.split_whitespace().last())
                .map(|n| n.trim_start_matches('*'))
        } else {
            None
        };
        if let Some(name) = name {
            let ok = name.starts_with("lsm_")
                || name.starts_with("Lsm")
                || name.starts_with("LSM_")
                || name == "LEVEL_STREAMING_H"
                || name.starts_with("(*Lsm");
            assert!(ok, "unprefixed name `{name}` in the header: {line}");
        }
    }
}

#[test]
fn every_function_is_documented_with_its_threading_rule() {
    let header = committed();
    let mut doc = String::new();
    let mut functions = 0;
    for line in header.lines() {
        let t = line.trim_start();
        if t.starts_with("/**") {
            doc.clear();
        }
        if t.starts_with("/**") || t.starts_with('*') {
            doc.push_str(t);
            doc.push('\n');
            continue;
        }
        if let Some(idx) = t.find("lsm_") {
            if t.contains('(') && !t.starts_with('#') && idx < t.find('(').unwrap() {
                let name = &t[idx..t.find('(').unwrap()];
                assert!(!doc.is_empty(), "{name} has no doc comment");
                assert!(
                    doc.contains("Threading"),
                    "{name} does not state its threading rule"
                );
                doc.clear();
                functions += 1;
            }
        }
    }
    assert!(
        functions >= 25,
        "only {functions} functions found: is the parser broken?"
    );
}
