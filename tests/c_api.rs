//! Builds the C and C++ acceptance programs (`tests/c/*.c`, `tests/cpp/*.cpp`)
//! against both the cdylib and the staticlib of this crate and runs them
//! under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
//! Also checks that `include/level_streaming.h` compiles on its own,
//! warning-free, as C99 and as C++17, with the struct layouts Rust uses.
//!
//! Where things are:
//! - The libraries: cargo builds the `cdylib` and `staticlib` crate types in
//!   the same rustc run as the `rlib` this test links, into the directory of
//!   the test executable (`target/<profile>/deps/`). The copies in
//!   `target/<profile>/` are only refreshed by `cargo build` and may be
//!   stale, so they are not used. The libraries are copied to a private
//!   directory before use, so that a concurrent build cannot swap them out
//!   under a running test. If they are missing, `cargo build --lib` is run
//!   for the same target directory and profile.
//! - Build outputs, logs and the library copies: `target/<profile>/c-tests/`.
//!
//! Environment:
//! - `CC`, `CXX`: the compilers (default `cc` and `c++`). Without a working
//!   compiler the tests print why and pass, unless
//!   `LSM_REQUIRE_C_COMPILER=1`, which makes that a failure.
//! - If the compiler cannot build and run a sanitized program, the programs
//!   are built without sanitizers (with a notice), unless
//!   `LSM_REQUIRE_SANITIZERS=1`, which makes that a failure.
//!
//! `cargo test --test c_api -- --ignored` runs `api_smoke --known-bugs`,
//! which reproduces known callback re-entrancy bugs (expected to fail until
//! they are fixed).
//!
//! Unix only (the link lines are those of a Unix toolchain).
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use level_streaming::ffi::{
    LsmConfig, LsmEvent, LsmLevelDesc, LsmRequest, LsmStreamingSource, LsmVec3, LsmVolumeDesc,
};

mod support;
use support::*;

const C_FLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"];
const CXX_FLAGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror"];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Lang {
    C,
    Cxx,
}

struct Setup {
    /// Held for the life of the test process (see [`lock_out_dir`]).
    _lock: fs::File,
    /// Private copies of the cdylib and the staticlib.
    lib_dir: PathBuf,
    out_dir: PathBuf,
    include_dir: PathBuf,
    native_static_libs: Vec<String>,
    cc: Result<Compiler, String>,
    cxx: Result<Compiler, String>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let (deps_dir, profile_dir) = build_dirs();
        let out_dir = profile_dir.join("c-tests");
        fs::create_dir_all(&out_dir).expect("create the c-tests output directory");
        let lock = lock_out_dir("c_api", &out_dir);
        let lib_dir = snapshot_libraries("c_api", &deps_dir, &profile_dir, &out_dir);
        let native_static_libs = native_static_libs("c_api", &out_dir);
        let cc = find_compiler(Lang::C, &out_dir);
        let cxx = find_compiler(Lang::Cxx, &out_dir);
        Setup {
            _lock: lock,
            lib_dir,
            out_dir,
            include_dir: Path::new(MANIFEST_DIR).join("include"),
            native_static_libs,
            cc,
            cxx,
        }
    })
}

/// The C or C++ compiler from `CC`/`CXX` (default `cc`/`c++`), if it works,
/// and whether it can build and run a program with the sanitizers.
fn find_compiler(lang: Lang, out_dir: &Path) -> Result<Compiler, String> {
    let (var, default, language, probe) = match lang {
        Lang::C => ("CC", "cc", "C", C_SANITIZER_PROBE),
        Lang::Cxx => ("CXX", "c++", "C++", CXX_SANITIZER_PROBE),
    };
    let spec = compiler_spec(var, default);
    probe_compiler("c_api", &spec, language, var, probe, out_dir)
        .map_err(|reason| format!("{reason} (set {var} to choose one)"))
}

/// The compiler for `lang`, or `None` (after saying why) when there is none
/// and `LSM_REQUIRE_C_COMPILER=1` is not set.
fn compiler(lang: Lang) -> Option<&'static Compiler> {
    let found = match lang {
        Lang::C => &setup().cc,
        Lang::Cxx => &setup().cxx,
    };
    compiler_or_skip("c_api", found, "")
}

/// The compile command, without the output and link parts.
fn compile_command(compiler: &Compiler, lang: Lang) -> Command {
    let setup = setup();
    let mut cmd = compiler.command();
    cmd.args(match lang {
        Lang::C => C_FLAGS,
        Lang::Cxx => CXX_FLAGS,
    });
    if compiler.sanitize {
        cmd.args(SANITIZER_FLAGS);
    }
    cmd.arg("-g").arg("-I").arg(&setup.include_dir);
    cmd
}

fn run_compiler(mut cmd: Command, what: &str) {
    let line = show(&cmd);
    println!("c_api: {line}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run the compiler for {what}: {e}\n{line}"));
    assert!(
        out.status.success(),
        "compiling {what} failed ({}):\n{line}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compiles and links `source` (relative to the crate) against the library.
/// `variant` keeps the outputs of tests that build the same program apart.
fn build_program(lang: Lang, source: &str, linkage: Linkage, variant: &str) -> Option<PathBuf> {
    let compiler = compiler(lang)?;
    let setup = setup();
    let stem = Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("source file name");
    let exe = setup
        .out_dir
        .join(format!("{stem}{variant}-{}", linkage.name()));
    let _ = fs::remove_file(&exe);
    let mut cmd = compile_command(compiler, lang);
    cmd.arg(Path::new(MANIFEST_DIR).join(source));
    cmd.args(linkage.link_args(&setup.lib_dir, &setup.native_static_libs));
    cmd.arg("-o").arg(&exe);
    run_compiler(cmd, &format!("{source} ({})", linkage.name()));
    check_linkage(&exe, linkage);
    Some(exe)
}

/// The dynamic build must need the cdylib; the static one must not.
fn check_linkage(exe: &Path, linkage: Linkage) {
    let bytes = fs::read(exe).expect("read the built program");
    let needle = cdylib_name();
    let mentions = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert_eq!(
        mentions,
        linkage == Linkage::Dynamic,
        "{} {} {needle}",
        exe.display(),
        if mentions {
            "refers to"
        } else {
            "does not refer to"
        }
    );
}

/// Builds `source` with `linkage`, runs it, and asserts exit status 0.
fn build_and_run(lang: Lang, source: &str, linkage: Linkage) {
    let Some(exe) = build_program(lang, source, linkage, "") else {
        return;
    };
    let result = run_program(&exe, &[], &setup().out_dir, &setup().lib_dir);
    assert!(
        result.status.success(),
        "{} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        exe.display(),
        result.status,
        result.stdout,
        result.stderr
    );
    print!("{}", result.stdout);
    eprint!("{}", result.stderr);
}

// ----- the header alone ---------------------------------------------------------

/// `(name, expression, expected value)` for every size, alignment and field
/// offset of the C ABI structs, from Rust's point of view.
fn layout_facts(lang: Lang) -> Vec<(String, String, usize)> {
    let mut facts = Vec::new();
    macro_rules! layout {
        ($ty:ident { $($field:ident),* $(,)? }) => {{
            let ty = stringify!($ty);
            facts.push((format!("sizeof_{ty}"), format!("sizeof({ty})"), std::mem::size_of::<$ty>()));
            let align = match lang {
                Lang::C => format!("offsetof(struct {{ char c; {ty} t; }}, t)"),
                Lang::Cxx => format!("alignof({ty})"),
            };
            facts.push((format!("alignof_{ty}"), align, std::mem::align_of::<$ty>()));
            $(
                let field = stringify!($field);
                facts.push((
                    format!("offsetof_{ty}_{field}"),
                    format!("offsetof({ty}, {field})"),
                    std::mem::offset_of!($ty, $field),
                ));
            )*
        }};
    }
    layout!(LsmVec3 { x, y, z });
    layout!(LsmConfig {
        max_loads_in_flight,
        min_seconds_between_unloads,
        max_load_retries,
        retry_backoff_seconds,
        retry_backoff_max_seconds,
        unload_distance_factor,
        event_queue_capacity,
    });
    layout!(LsmEvent {
        kind,
        level_id,
        old_state,
        new_state,
        request_kind,
        attempts,
        will_retry
    });
    layout!(LsmLevelDesc {
        name,
        estimated_memory_mb,
        priority
    });
    layout!(LsmVolumeDesc {
        name,
        level_name,
        center,
        radius,
        load_distance,
        unload_distance,
        priority,
        enabled,
    });
    layout!(LsmStreamingSource {
        position,
        velocity,
        priority
    });
    layout!(LsmRequest {
        id,
        kind,
        level_id,
        priority,
        distance
    });
    for ty in [
        "LsmStatus",
        "LsmEventKind",
        "LsmStreamingState",
        "LsmRequestKind",
        "LsmPriority",
    ] {
        facts.push((format!("sizeof_{ty}"), format!("sizeof({ty})"), 4));
    }
    facts
}

/// Compiles (without linking) a file that includes only the header, first,
/// plus compile-time checks of the struct layouts against Rust's.
fn check_header(lang: Lang) {
    let Some(compiler) = compiler(lang) else {
        return;
    };
    let setup = setup();
    let (file, extra_flags): (&str, &[&str]) = match lang {
        Lang::C => (
            "header_only.c",
            &["-Wstrict-prototypes", "-Wundef", "-Wshadow"],
        ),
        Lang::Cxx => (
            "header_only.cpp",
            &["-Wundef", "-Wshadow", "-Wold-style-cast"],
        ),
    };
    let mut text = String::from(
        "/* Generated by tests/c_api.rs: the header must compile on its own. */\n\
         #include \"level_streaming.h\"\n\
         #include \"level_streaming.h\"\n\
         #include <stddef.h>\n",
    );
    for (name, expr, value) in layout_facts(lang) {
        let line = match lang {
            // C99 has no static assertion: a negative array size fails to compile.
            Lang::C => format!("typedef char lsm_abi_{name}[({expr}) == {value} ? 1 : -1];"),
            Lang::Cxx => {
                format!("static_assert(({expr}) == {value}, \"{name} differs from Rust\");")
            }
        };
        text.push_str(&line);
        text.push('\n');
    }
    let source = setup.out_dir.join(file);
    fs::write(&source, text).expect("write the header check");
    let mut cmd = compile_command(compiler, lang);
    cmd.args(extra_flags)
        .arg("-c")
        .arg(&source)
        .arg("-o")
        .arg(setup.out_dir.join(format!("{file}.o")));
    run_compiler(cmd, &format!("{} (the header alone)", source.display()));
}

#[test]
fn header_alone_compiles_as_c99() {
    check_header(Lang::C);
}

#[test]
fn header_alone_compiles_as_cpp17() {
    check_header(Lang::Cxx);
}

// ----- the programs ---------------------------------------------------------------

#[test]
fn camera_walk_c_with_cdylib() {
    build_and_run(Lang::C, "tests/c/camera_walk.c", Linkage::Dynamic);
}

#[test]
fn camera_walk_c_with_staticlib() {
    build_and_run(Lang::C, "tests/c/camera_walk.c", Linkage::Static);
}

#[test]
fn bad_inputs_c_with_cdylib() {
    build_and_run(Lang::C, "tests/c/bad_inputs.c", Linkage::Dynamic);
}

#[test]
fn bad_inputs_c_with_staticlib() {
    build_and_run(Lang::C, "tests/c/bad_inputs.c", Linkage::Static);
}

#[test]
fn seed_features_c_with_cdylib() {
    build_and_run(Lang::C, "tests/c/seed_features.c", Linkage::Dynamic);
}

#[test]
fn seed_features_c_with_staticlib() {
    build_and_run(Lang::C, "tests/c/seed_features.c", Linkage::Static);
}

#[test]
fn api_smoke_cpp_with_cdylib() {
    build_and_run(Lang::Cxx, "tests/cpp/api_smoke.cpp", Linkage::Dynamic);
}

#[test]
fn api_smoke_cpp_with_staticlib() {
    build_and_run(Lang::Cxx, "tests/cpp/api_smoke.cpp", Linkage::Static);
}

/// Callback re-entrancy (once bugs, now fixed in `ffi::handle::dispatch_events`
/// and `lsm_poll_events`): a callback that unregisters itself must not make
/// the next callback miss the event; a callback registered during a dispatch
/// must not receive an earlier event; a nested poll must not hide events
/// from callbacks.
#[test]
fn known_bug_callback_reentrancy_cpp() {
    let Some(exe) = build_program(
        Lang::Cxx,
        "tests/cpp/api_smoke.cpp",
        Linkage::Dynamic,
        "-known-bugs",
    ) else {
        return;
    };
    let result = run_program(&exe, &["--known-bugs"], &setup().out_dir, &setup().lib_dir);
    assert!(
        result.status.success(),
        "{} --known-bugs exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        exe.display(),
        result.status,
        result.stdout,
        result.stderr
    );
}
