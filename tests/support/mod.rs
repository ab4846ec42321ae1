//! Shared by the tests that compile C and C++ programs against the real
//! library (`c_api.rs`, `unreal_plugin.rs`): finding the cdylib and
//! staticlib cargo built for this test run, snapshotting them, the system
//! libraries a static link needs, the link arguments of either, probing a
//! compiler for sanitizer support, a lock so concurrent runs sharing a
//! target directory wait for each other, and running a built program.

#![allow(dead_code)]

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
pub const LIB_NAME: &str = "level_streaming";

/// A program that runs longer than this is killed and the test fails.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(600);

/// Compile and run programs under AddressSanitizer and UBSan.
pub const SANITIZER_FLAGS: &[&str] = &["-fsanitize=address,undefined", "-fno-omit-frame-pointer"];
/// Leaks are errors; the first error aborts.
pub const ASAN_OPTIONS: &str = "detect_leaks=1:abort_on_error=1";
/// Undefined behaviour halts with a stack trace.
pub const UBSAN_OPTIONS: &str = "halt_on_error=1:print_stacktrace=1";
/// Used when `rustc --print native-static-libs` cannot be run.
pub const FALLBACK_NATIVE_STATIC_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// How a test program is linked to the library.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Linkage {
    /// To the cdylib, found through an rpath to the snapshot.
    Dynamic,
    /// To the staticlib, with the system libraries it needs.
    Static,
}

impl Linkage {
    pub fn name(self) -> &'static str {
        match self {
            Linkage::Dynamic => "dynamic",
            Linkage::Static => "static",
        }
    }

    /// The link arguments for a program using the library snapshot in
    /// `lib_dir` (see [`snapshot_libraries`]); `native_static_libs` is what
    /// [`native_static_libs`] returned.
    pub fn link_args(self, lib_dir: &Path, native_static_libs: &[String]) -> Vec<OsString> {
        match self {
            Linkage::Dynamic => {
                let mut rpath = OsString::from("-Wl,-rpath,");
                rpath.push(lib_dir);
                vec![
                    "-L".into(),
                    lib_dir.into(),
                    format!("-l{LIB_NAME}").into(),
                    rpath,
                    "-lm".into(),
                ]
            }
            Linkage::Static => std::iter::once(lib_dir.join(staticlib_name()).into_os_string())
                .chain(native_static_libs.iter().map(OsString::from))
                .collect(),
        }
    }
}

/// The sanitizer probe program in C: `(file name, source)`.
pub const C_SANITIZER_PROBE: (&str, &str) = (
    "probe.c",
    "#include <stdlib.h>\nint main(void) { free(malloc(8)); return 0; }\n",
);
/// The sanitizer probe program in C++: `(file name, source)`.
pub const CXX_SANITIZER_PROBE: (&str, &str) = (
    "probe.cpp",
    "#include <memory>\nint main() { return *std::make_unique<int>(0); }\n",
);

/// Whether the compiler `argv` (given as `spec`) can build `probe` (one of
/// [`C_SANITIZER_PROBE`], [`CXX_SANITIZER_PROBE`]) with [`SANITIZER_FLAGS`]
/// and run it, in a scratch directory `out_dir/sanitizer-probe-<label>-<pid>`.
/// If it cannot, that is a failure under `LSM_REQUIRE_SANITIZERS=1` and a
/// notice otherwise.
pub fn sanitizers_work(
    tag: &str,
    spec: &str,
    argv: &[String],
    label: &str,
    probe: (&str, &str),
    out_dir: &Path,
) -> bool {
    let probe_dir = out_dir.join(format!("sanitizer-probe-{label}-{}", std::process::id()));
    let _ = fs::create_dir_all(&probe_dir);
    let (file, text) = probe;
    let source = probe_dir.join(file);
    let exe = probe_dir.join("probe");
    let sanitize = fs::write(&source, text).is_ok()
        && Command::new(&argv[0])
            .args(&argv[1..])
            .args(SANITIZER_FLAGS)
            .arg(&source)
            .arg("-o")
            .arg(&exe)
            .output()
            .is_ok_and(|o| o.status.success())
        && Command::new(&exe)
            .env("ASAN_OPTIONS", ASAN_OPTIONS)
            .env("UBSAN_OPTIONS", UBSAN_OPTIONS)
            .output()
            .is_ok_and(|o| o.status.success());
    let _ = fs::remove_dir_all(&probe_dir);
    if !sanitize {
        let message = format!(
            "`{spec}` cannot build and run a program with {}",
            SANITIZER_FLAGS.join(" ")
        );
        assert!(
            std::env::var("LSM_REQUIRE_SANITIZERS").as_deref() != Ok("1"),
            "{message} and LSM_REQUIRE_SANITIZERS=1"
        );
        eprintln!("{tag}: NOTICE: {message}; building WITHOUT sanitizers");
    }
    sanitize
}

/// A compiler that works: it ran `--version`.
pub struct Compiler {
    /// Program and leading arguments (`CC` or `CXX` may be `ccache g++`).
    pub argv: Vec<String>,
    /// First line of `--version` without the program name, to tell compilers apart
    /// (`c++` and `g++` are often the same compiler).
    pub version: String,
    /// Whether it can build and run a sanitized program (see [`sanitizers_work`]).
    pub sanitize: bool,
}

impl Compiler {
    pub fn is_clang(&self) -> bool {
        self.version.to_lowercase().contains("clang")
    }

    /// The file name of the compiler program, for output file names.
    pub fn label(&self) -> String {
        Path::new(&self.argv[self.argv.len() - 1])
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "c++".to_string())
    }

    /// The compiler program with its leading arguments.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.argv[0]);
        cmd.args(&self.argv[1..]);
        cmd
    }
}

/// The compiler command in the environment variable `var` (`CC`, `CXX`), or
/// `default` when it is unset or blank.
pub fn compiler_spec(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// The compiler `spec` (for `language`, "C" or "C++") if `spec --version`
/// works, and whether it can build and run `probe` with the sanitizers (see
/// [`sanitizers_work`], which gets `tag`, `label` and `out_dir`). The error
/// is "no working <language> compiler: `<spec> --version` failed".
pub fn probe_compiler(
    tag: &str,
    spec: &str,
    language: &str,
    label: &str,
    probe: (&str, &str),
    out_dir: &Path,
) -> Result<Compiler, String> {
    let argv: Vec<String> = spec.split_whitespace().map(String::from).collect();
    if argv.is_empty() {
        return Err("empty compiler command".to_string());
    }
    let version = Command::new(&argv[0])
        .args(&argv[1..])
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            let first = String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            // "g++ (Debian 12.2.0-14) 12.2.0" and "c++ (Debian 12.2.0-14) 12.2.0" are one compiler.
            first
                .split_once(' ')
                .map(|(_, rest)| rest.to_string())
                .unwrap_or(first)
        })
        .ok_or_else(|| format!("no working {language} compiler: `{spec} --version` failed"))?;
    let sanitize = sanitizers_work(tag, spec, &argv, label, probe, out_dir);
    Ok(Compiler {
        argv,
        version,
        sanitize,
    })
}

/// The compiler in `found`, or `None` when there is none: then, with
/// `LSM_REQUIRE_C_COMPILER=1`, a failure ("<reason><hint>, and
/// LSM_REQUIRE_C_COMPILER=1"), otherwise a "<tag>: SKIPPED: <reason>" line
/// on stdout and stderr.
pub fn compiler_or_skip<'a>(
    tag: &str,
    found: &'a Result<Compiler, String>,
    hint: &str,
) -> Option<&'a Compiler> {
    match found {
        Ok(compiler) => Some(compiler),
        Err(reason) => {
            assert!(
                std::env::var("LSM_REQUIRE_C_COMPILER").as_deref() != Ok("1"),
                "{reason}{hint}, and LSM_REQUIRE_C_COMPILER=1"
            );
            eprintln!("{tag}: SKIPPED: {reason}");
            println!("{tag}: SKIPPED: {reason}");
            None
        }
    }
}

/// Takes an exclusive lock on `out_dir` for the rest of this process, so
/// that two concurrent `cargo test` runs sharing a target directory do not
/// overwrite each other's programs and library copies; the second one waits.
pub fn lock_out_dir(tag: &str, out_dir: &Path) -> fs::File {
    use std::os::fd::AsRawFd;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out_dir.join(".lock"))
        .expect("open the test lock file");
    // SAFETY: flock on a file descriptor we own; no memory is involved.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        eprintln!(
            "{tag}: waiting for another test run to release {}",
            out_dir.join(".lock").display()
        );
        // SAFETY: as above.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(rc, 0, "flock: {}", std::io::Error::last_os_error());
    }
    file
}

/// `target/<profile>/deps` (where this test executable is) and `target/<profile>`.
pub fn build_dirs() -> (PathBuf, PathBuf) {
    let exe = std::env::current_exe().expect("path of the test executable");
    let deps_dir = exe
        .parent()
        .expect("the test executable has a directory")
        .to_path_buf();
    let profile_dir = deps_dir
        .parent()
        .expect("the deps directory has a parent")
        .to_path_buf();
    (deps_dir, profile_dir)
}

pub fn cdylib_name() -> String {
    format!(
        "{}{LIB_NAME}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

pub fn staticlib_name() -> String {
    format!("lib{LIB_NAME}.a")
}

pub fn has_libraries(dir: &Path) -> bool {
    dir.join(cdylib_name()).is_file() && dir.join(staticlib_name()).is_file()
}

/// Finds the cdylib and staticlib cargo built with the rlib this test links,
/// and copies them to `out_dir/lib`.
pub fn snapshot_libraries(
    tag: &str,
    deps_dir: &Path,
    profile_dir: &Path,
    out_dir: &Path,
) -> PathBuf {
    if !has_libraries(deps_dir) {
        eprintln!(
            "{tag}: {} and {} are not in {}; running `cargo build --lib`",
            cdylib_name(),
            staticlib_name(),
            deps_dir.display()
        );
        cargo_build_lib(profile_dir);
    }
    assert!(
        has_libraries(deps_dir),
        "{} and {} must be in {} (crate-type cdylib and staticlib in Cargo.toml)",
        cdylib_name(),
        staticlib_name(),
        deps_dir.display()
    );
    let lib_dir = out_dir.join("lib");
    fs::create_dir_all(&lib_dir).expect("create the library snapshot directory");
    for name in [cdylib_name(), staticlib_name()] {
        // Copy, then rename: atomic for anybody already using the old copy.
        let tmp = lib_dir.join(format!(".{name}.{}", std::process::id()));
        fs::copy(deps_dir.join(&name), &tmp)
            .unwrap_or_else(|e| panic!("copy {name} from {}: {e}", deps_dir.display()));
        fs::rename(&tmp, lib_dir.join(&name)).expect("move the library copy in place");
    }
    lib_dir
}

/// Builds the library for the target directory and profile this test was
/// built for. Not needed with a normal `cargo test`, which builds every crate
/// type of the library before the tests.
pub fn cargo_build_lib(profile_dir: &Path) {
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("profile directory name");
    let mut target_dir = profile_dir
        .parent()
        .expect("target directory")
        .to_path_buf();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["build", "--lib", "--manifest-path"])
        .arg(Path::new(MANIFEST_DIR).join("Cargo.toml"));
    // `target/<triple>/<profile>` when built with `--target`.
    if !target_dir.join("CACHEDIR.TAG").exists()
        && target_dir
            .parent()
            .is_some_and(|p| p.join("CACHEDIR.TAG").exists())
    {
        let triple = target_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("target triple")
            .to_string();
        cmd.args(["--target", &triple]);
        target_dir = target_dir.parent().expect("target directory").to_path_buf();
    }
    cmd.arg("--target-dir").arg(&target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("run cargo build");
    assert!(status.success(), "{cmd:?} failed: {status}");
}

/// The system libraries a Rust staticlib needs, as rustc reports them.
pub fn native_static_libs(tag: &str, out_dir: &Path) -> Vec<String> {
    let probe_dir = out_dir.join(format!("native-static-libs-{}", std::process::id()));
    let _ = fs::create_dir_all(&probe_dir);
    let source = probe_dir.join("empty.rs");
    let libs = fs::write(&source, "")
        .ok()
        .and_then(|()| {
            Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
                .args([
                    "--crate-type",
                    "staticlib",
                    "--print",
                    "native-static-libs",
                    "-o",
                ])
                .arg(probe_dir.join("libempty.a"))
                .arg(&source)
                .output()
                .ok()
        })
        .and_then(|out| {
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .find_map(|l| l.split_once("native-static-libs:"))
                .map(|(_, libs)| {
                    libs.split_whitespace()
                        .map(String::from)
                        .collect::<Vec<_>>()
                })
        });
    let _ = fs::remove_dir_all(&probe_dir);
    libs.unwrap_or_else(|| {
        eprintln!("{tag}: `rustc --print native-static-libs` failed; using the usual Linux list");
        FALLBACK_NATIVE_STATIC_LIBS
            .iter()
            .map(ToString::to_string)
            .collect()
    })
}

/// Writes `line` to the test process's real stderr. libtest captures
/// `println!` and `eprintln!` of a passing test, so a skip reported that way
/// is invisible in a plain `cargo test`; this is not captured.
pub fn notice(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `cmd` as one line, for logs and failure messages.
pub fn show(cmd: &Command) -> String {
    let mut parts: Vec<OsString> = vec![cmd.get_program().to_os_string()];
    parts.extend(cmd.get_args().map(std::ffi::OsStr::to_os_string));
    parts
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub struct RunResult {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a built program in `out_dir` with the sanitizer options and `lib_dir` (the
/// library snapshot) first on the library path, output captured to files in `out_dir`.
pub fn run_program(exe: &Path, args: &[&str], out_dir: &Path, lib_dir: &Path) -> RunResult {
    let name = exe
        .file_name()
        .and_then(|n| n.to_str())
        .expect("program name");
    let stdout_path = out_dir.join(format!("{name}.stdout"));
    let stderr_path = out_dir.join(format!("{name}.stderr"));
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .current_dir(out_dir)
        .env("ASAN_OPTIONS", ASAN_OPTIONS)
        .env("UBSAN_OPTIONS", UBSAN_OPTIONS);
    // cargo test puts target/<profile>/deps on the library search path, which
    // would win over the rpath (DT_RUNPATH); put our snapshot first.
    for var in ["LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"] {
        let mut path = lib_dir.as_os_str().to_os_string();
        if let Some(old) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            path.push(":");
            path.push(old);
        }
        cmd.env(var, path);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_path).expect("create the stdout log"))
        .stderr(fs::File::create(&stderr_path).expect("create the stderr log"))
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", exe.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the program") {
            break status;
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish in {RUN_TIMEOUT:?}", exe.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    RunResult {
        status,
        stdout: fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: fs::read_to_string(&stderr_path).unwrap_or_default(),
    }
}
