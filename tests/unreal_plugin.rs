//! Checks of the Unreal plugin (`unreal_plugin/LevelStreamingManager`) that run without
//! an engine:
//!
//! - `tests/unreal/core_wrapper_test.cpp`, the unit tests of the plugin's engine-free C++
//!   layer (`LevelStreamingCore.h`), built with every C++ compiler found (`CXX` or `c++`,
//!   plus `g++` and `clang++` when present and different) under AddressSanitizer and
//!   UndefinedBehaviorSanitizer, linked to the library cargo built, and run;
//! - the engine-free header compiled the way Unreal compiles it (no exceptions, no RTTI);
//! - every plugin `.cpp`, and every plugin header on its own, compiled with `-fsyntax-only`
//!   against the UE shim in `tests/unreal/shim` and the real `include/level_streaming.h`, in
//!   an editor configuration (Windows code paths, automation specs) and a shipping game
//!   configuration (Linux). The `*.generated.h` / `*.gen.cpp` files UnrealHeaderTool would
//!   write are produced here, after checking the header rules UHT enforces. This is a
//!   syntax and C-ABI binding check, not an engine build (see tests/unreal/shim/README.md);
//! - the plugin layout (descriptor, Build.cs files, .gitignore) and the packaging script.
//!
//! Where things are: the libraries are taken from the directory of this test executable
//! (`target/<profile>/deps/`, where cargo builds the cdylib and staticlib with the rlib
//! this test links) and copied to `target/<profile>/unreal-tests/lib` first; if they are
//! missing, `cargo build --lib` is run. Outputs and logs go to `target/<profile>/unreal-tests/`.
//!
//! Environment: `CXX` chooses the main C++ compiler (default `c++`). Without any working
//! C++ compiler the tests print why and pass, unless `LSM_REQUIRE_C_COMPILER=1`. Without
//! sanitizer support the program is built without them (with a notice), unless
//! `LSM_REQUIRE_SANITIZERS=1`. Without `clang++` the clang++ run is skipped with a notice on
//! stderr; `LSM_REQUIRE_CLANG=1` (set by `.ci/run`) makes that a failure.
//!
//! Unix only (the link lines and the packaging script are those of a Unix host).
#![cfg(unix)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

mod support;
use support::*;

const PLUGIN_DIR: &str = "unreal_plugin/LevelStreamingManager";
const MODULE_DIR: &str = "unreal_plugin/LevelStreamingManager/Source/LevelStreamingManager";
const CORE_TEST: &str = "tests/unreal/core_wrapper_test.cpp";
const SHIM_DIR: &str = "tests/unreal/shim";
const PACKAGE_SCRIPT: &str = "scripts/package-plugin.sh";

const CXX_FLAGS: &[&str] = &[
    "-std=c++17",
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Werror",
    "-Wshadow",
    "-Wundef",
];
/// Flags of the no-engine compile of the plugin: Unreal builds without exceptions and RTTI,
/// with -Wshadow and -Wundef as errors.
const SHIM_FLAGS: &[&str] = &[
    "-std=c++17",
    "-fsyntax-only",
    "-fno-exceptions",
    "-fno-rtti",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wundef",
];

struct Setup {
    /// Held for the life of the test process (see [`lock_out_dir`]).
    _lock: fs::File,
    /// Private copies of the cdylib and the staticlib.
    lib_dir: PathBuf,
    out_dir: PathBuf,
    native_static_libs: Vec<String>,
    /// The main compiler (`CXX` or `c++`), or why there is none.
    cxx: Result<Compiler, String>,
    /// `g++` and `clang++`, when found and different from the main compiler.
    others: Vec<Compiler>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let (deps_dir, profile_dir) = build_dirs();
        let out_dir = profile_dir.join("unreal-tests");
        fs::create_dir_all(&out_dir).expect("create the unreal-tests output directory");
        let lock = lock_out_dir("unreal_plugin", &out_dir);
        let lib_dir = snapshot_libraries("unreal_plugin", &deps_dir, &profile_dir, &out_dir);
        let native_static_libs = native_static_libs("unreal_plugin", &out_dir);
        let spec = compiler_spec("CXX", "c++");
        let cxx = probe_cxx(&spec, &out_dir);
        let mut others: Vec<Compiler> = Vec::new();
        for name in ["g++", "clang++"] {
            if let Ok(found) = probe_cxx(name, &out_dir) {
                let seen = cxx.as_ref().is_ok_and(|c| c.version == found.version)
                    || others.iter().any(|c| c.version == found.version);
                if !seen {
                    others.push(found);
                }
            }
        }
        Setup {
            _lock: lock,
            lib_dir,
            out_dir,
            native_static_libs,
            cxx,
            others,
        }
    })
}

/// The C++ compiler `spec` if it works, and whether it can build and run a sanitized program.
fn probe_cxx(spec: &str, out_dir: &Path) -> Result<Compiler, String> {
    let label = spec.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    probe_compiler(
        "unreal_plugin",
        spec,
        "C++",
        &label,
        CXX_SANITIZER_PROBE,
        out_dir,
    )
}

/// The main compiler, or `None` (after saying why) when there is none and
/// `LSM_REQUIRE_C_COMPILER=1` is not set.
fn main_compiler() -> Option<&'static Compiler> {
    compiler_or_skip("unreal_plugin", &setup().cxx, " (set CXX to choose one)")
}

fn try_compile(mut cmd: Command) -> Result<(), String> {
    let line = show(&cmd);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run the compiler: {e}\n{line}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{line}\n--- exit {} ---\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join(relative)
}

// ----- the engine-free C++ layer ----------------------------------------------------------

/// Builds `tests/unreal/core_wrapper_test.cpp` with `compiler`, linked to the library.
fn build_core_test(compiler: &Compiler, linkage: Linkage) -> PathBuf {
    let setup = setup();
    let exe = setup.out_dir.join(format!(
        "core_wrapper_test-{}-{}",
        compiler.label(),
        linkage.name()
    ));
    let _ = fs::remove_file(&exe);
    let mut cmd = compiler.command();
    cmd.args(CXX_FLAGS).arg("-g");
    if compiler.sanitize {
        cmd.args(SANITIZER_FLAGS);
    }
    if header_has_dashboard() {
        // The same rule as LevelStreamingCore.Build.cs.
        cmd.arg("-DLSM_HAS_DASHBOARD=1");
    }
    cmd.arg("-I")
        .arg(manifest_path("include"))
        .arg("-I")
        .arg(manifest_path(&format!("{MODULE_DIR}/Public")))
        .arg(manifest_path(CORE_TEST))
        .args(linkage.link_args(&setup.lib_dir, &setup.native_static_libs));
    cmd.arg("-o").arg(&exe);
    println!("unreal_plugin: {}", show(&cmd));
    if let Err(failure) = try_compile(cmd) {
        panic!("building {CORE_TEST} failed:\n{failure}");
    }
    exe
}

fn build_and_run_core_test(compiler: &Compiler, linkage: Linkage) {
    let exe = build_core_test(compiler, linkage);
    let result = run_program(&exe, &[], &setup().out_dir, &setup().lib_dir);
    assert!(
        result.status.success(),
        "{} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        exe.display(),
        result.status,
        result.stdout,
        result.stderr
    );
    assert!(
        result.stdout.contains("checks passed"),
        "{} printed no summary:\n{}",
        exe.display(),
        result.stdout
    );
    print!("{}", result.stdout);
    eprint!("{}", result.stderr);
}

/// The other compiler of this family, if found (`g++` or `clang++`).
fn other_compiler(clang: bool) -> Option<&'static Compiler> {
    setup().others.iter().find(|c| c.is_clang() == clang)
}

#[test]
fn core_wrapper_test_with_cxx() {
    if let Some(compiler) = main_compiler() {
        build_and_run_core_test(compiler, Linkage::Dynamic);
    }
}

#[test]
fn core_wrapper_test_with_cxx_and_staticlib() {
    if let Some(compiler) = main_compiler() {
        build_and_run_core_test(compiler, Linkage::Static);
    }
}

#[test]
fn core_wrapper_test_with_gxx() {
    let main_is_gcc = setup().cxx.as_ref().is_ok_and(|c| !c.is_clang());
    match other_compiler(false) {
        Some(gxx) => build_and_run_core_test(gxx, Linkage::Dynamic),
        None if main_is_gcc => {
            println!("unreal_plugin: g++ is the main compiler (core_wrapper_test_with_cxx)")
        }
        None => println!("unreal_plugin: SKIPPED: no g++"),
    }
}

#[test]
fn core_wrapper_test_with_clangxx() {
    let main_is_clang = setup().cxx.as_ref().is_ok_and(|c| c.is_clang());
    match other_compiler(true) {
        Some(clang) => build_and_run_core_test(clang, Linkage::Dynamic),
        None if main_is_clang => {
            println!("unreal_plugin: clang++ is the main compiler (core_wrapper_test_with_cxx)")
        }
        None => {
            assert!(
                std::env::var("LSM_REQUIRE_CLANG").as_deref() != Ok("1"),
                "no clang++, and LSM_REQUIRE_CLANG=1"
            );
            notice(
                "unreal_plugin: SKIPPED core_wrapper_test_with_clangxx: no clang++ \
                 (Unreal's Linux and Mac toolchains are clang: install it to check)",
            );
        }
    }
}

/// `LevelStreamingCore.h` compiles the way Unreal compiles a module: no exceptions, no
/// RTTI, shadowing and undefined macros as errors, and no old-style casts.
#[test]
fn core_header_compiles_without_exceptions_and_rtti() {
    let Some(compiler) = main_compiler() else {
        return;
    };
    let setup = setup();
    let source = setup.out_dir.join("core_header_alone.cpp");
    fs::write(
        &source,
        "// Generated by tests/unreal_plugin.rs: the engine-free layer alone, as Unreal compiles it.\n\
         #include \"LevelStreamingCore.h\"\n\
         #include \"LevelStreamingCore.h\"\n\
         static_assert(sizeof(LevelStreamingCore::FManager) == sizeof(void*), \"FManager is one pointer\");\n",
    )
    .expect("write the header check");
    let mut cmd = compiler.command();
    cmd.args(CXX_FLAGS).args([
        "-fsyntax-only",
        "-fno-exceptions",
        "-fno-rtti",
        "-Wold-style-cast",
        "-Wnon-virtual-dtor",
    ]);
    if header_has_dashboard() {
        cmd.arg("-DLSM_HAS_DASHBOARD=1");
    }
    cmd.arg("-I")
        .arg(manifest_path("include"))
        .arg("-I")
        .arg(manifest_path(&format!("{MODULE_DIR}/Public")))
        .arg(&source);
    if let Err(failure) = try_compile(cmd) {
        panic!("LevelStreamingCore.h does not compile like Unreal compiles it:\n{failure}");
    }
}

// ----- the Unreal layer against the shim ----------------------------------------------------

/// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(MANIFEST_DIR)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum ReflectedKind {
    Class,
    Struct,
    Enum,
}

/// A UCLASS, USTRUCT or UENUM found in a header.
struct ReflectedType {
    kind: ReflectedKind,
    name: String,
    /// Direct base (classes and structs), or the underlying type (enums).
    base: Option<String>,
}

/// Parses `class X_API UName : public UBase` / `struct FName` / `enum class EName : uint8`.
fn parse_type_line(kind: ReflectedKind, line: &str) -> Option<ReflectedType> {
    let mut tokens = line
        .split(|c: char| c.is_whitespace() || c == '{')
        .filter(|t| !t.is_empty())
        .peekable();
    match (kind, tokens.next()?) {
        (ReflectedKind::Enum, "enum") => {
            if tokens.next()? != "class" {
                return None;
            }
        }
        (ReflectedKind::Class, "class") | (ReflectedKind::Struct, "struct") => {}
        _ => return None,
    }
    let mut name = None;
    let mut base = None;
    let mut after_colon = false;
    for token in tokens {
        let token = token.trim_end_matches(',');
        if token == ":" {
            after_colon = true;
            continue;
        }
        if let Some(stripped) = token.strip_suffix(':') {
            if name.is_none() && !stripped.is_empty() {
                name = Some(stripped.to_string());
            }
            after_colon = true;
            continue;
        }
        if !after_colon {
            if token.ends_with("_API") || token == "final" {
                continue;
            }
            if name.is_none() {
                name = Some(token.to_string());
            }
        } else if !matches!(token, "public" | "protected" | "private") && base.is_none() {
            base = Some(token.to_string());
        }
    }
    Some(ReflectedType {
        kind,
        name: name?,
        base,
    })
}

/// What UnrealHeaderTool would generate for one header, or why it would refuse it.
struct GeneratedHeader {
    stem: String,
    text: String,
    types: Vec<ReflectedType>,
}

/// Checks a header the way UnrealHeaderTool does (the rules the plugin can break) and
/// writes the text of its `*.generated.h`: the `GENERATED_BODY()` macro of each reflected
/// class or struct (at its line), and the `StaticClass<>`/`StaticStruct<>`/`StaticEnum<>`
/// declarations. `Ok(None)` for a header with no reflected type.
fn generate_for_header(header: &Path) -> Result<Option<GeneratedHeader>, String> {
    let text = fs::read_to_string(header).map_err(|e| format!("{}: {e}", relative(header)))?;
    let stem = header
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("header file name")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let reflected = lines.iter().any(|l| {
        let t = l.trim_start();
        t.starts_with("UCLASS(") || t.starts_with("USTRUCT(") || t.starts_with("UENUM(")
    });
    let generated_include = format!("#include \"{stem}.generated.h\"");
    if !reflected {
        if text.contains(".generated.h\"") {
            return Err(format!(
                "{}: includes a .generated.h but declares no UCLASS, USTRUCT or UENUM",
                relative(header)
            ));
        }
        return Ok(None);
    }
    let mut errors = Vec::new();
    if !lines.iter().any(|l| l.trim() == "#pragma once") {
        errors.push("has no #pragma once".to_string());
    }
    let includes: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with("#include"))
        .collect();
    if includes.last() != Some(&generated_include.as_str()) {
        errors.push(format!(
            "`{generated_include}` must be its last #include (UnrealHeaderTool rule)"
        ));
    }

    let id = format!(
        "LevelStreamingManager_{}",
        stem.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let mut types: Vec<ReflectedType> = Vec::new();
    let mut body_macros = String::new();
    let mut pending: Option<ReflectedKind> = None;
    let mut current: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("UCLASS(") {
            pending = Some(ReflectedKind::Class);
            continue;
        }
        if trimmed.starts_with("USTRUCT(") {
            pending = Some(ReflectedKind::Struct);
            continue;
        }
        if trimmed.starts_with("UENUM(") {
            pending = Some(ReflectedKind::Enum);
            continue;
        }
        if let Some(kind) = pending {
            if let Some(found) = parse_type_line(kind, trimmed) {
                let prefix_ok = match kind {
                    ReflectedKind::Class => {
                        found.name.starts_with('U') || found.name.starts_with('A')
                    }
                    ReflectedKind::Struct => found.name.starts_with('F'),
                    ReflectedKind::Enum => found.name.starts_with('E'),
                };
                if !prefix_ok {
                    errors.push(format!(
                        "line {}: {:?} `{}` has an invalid Unreal prefix",
                        index + 1,
                        kind,
                        found.name
                    ));
                }
                if kind == ReflectedKind::Enum
                    && found.base.as_deref() != Some("uint8")
                    && lines[index.saturating_sub(1)].contains("BlueprintType")
                {
                    errors.push(format!(
                        "line {}: a BlueprintType UENUM must be `enum class {} : uint8`",
                        index + 1,
                        found.name
                    ));
                }
                if kind == ReflectedKind::Class && found.base.is_none() {
                    errors.push(format!(
                        "line {}: UCLASS `{}` has no base class",
                        index + 1,
                        found.name
                    ));
                }
                types.push(found);
                current = Some(types.len() - 1);
                pending = None;
                continue;
            }
            if !trimmed.is_empty() && !trimmed.starts_with("//") && !trimmed.starts_with("/*") {
                errors.push(format!(
                    "line {}: expected the declaration of the reflected type, found `{trimmed}`",
                    index + 1
                ));
                pending = None;
            }
        }
        if trimmed.starts_with("GENERATED_BODY(") || trimmed.starts_with("GENERATED_UCLASS_BODY(") {
            let Some(owner) = current.map(|i| &types[i]) else {
                errors.push(format!(
                    "line {}: GENERATED_BODY() outside a reflected class or struct",
                    index + 1
                ));
                continue;
            };
            let line_number = index + 1;
            match owner.kind {
                ReflectedKind::Class => {
                    let base = owner.base.clone().unwrap_or_else(|| "UObject".to_string());
                    let _ = write!(
                        body_macros,
                        "#define FID_{id}_h_{line_number}_GENERATED_BODY \\\n\
                         public: \\\n\
                         \tusing Super = {base}; \\\n\
                         \tusing ThisClass = {name}; \\\n\
                         \tstatic class UClass* StaticClass(); \\\n\
                         private:\n\n",
                        name = owner.name
                    );
                }
                ReflectedKind::Struct => {
                    let super_line = owner
                        .base
                        .as_ref()
                        .map(|b| format!("\tusing Super = {b}; \\\n"))
                        .unwrap_or_default();
                    let _ = write!(
                        body_macros,
                        "#define FID_{id}_h_{line_number}_GENERATED_BODY \\\n\
                         {super_line}\
                         \tstatic class UScriptStruct* StaticStruct();\n\n"
                    );
                }
                ReflectedKind::Enum => {
                    errors.push(format!("line {line_number}: GENERATED_BODY() in an enum"))
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{}: {}",
            relative(header),
            errors.join(&format!("\n{}: ", relative(header)))
        ));
    }

    let mut generated = format!(
        "// Written by tests/unreal_plugin.rs for {}: a stand-in for UnrealHeaderTool\n\
         // (see tests/unreal/shim/README.md). Not engine code.\n\
         #include \"UObject/ObjectMacros.h\"\n\
         #include \"UObject/ScriptMacros.h\"\n\n\
         #ifdef {id}_generated_h\n\
         #error \"{stem}.generated.h already included, missing '#pragma once' in {stem}.h\"\n\
         #endif\n\
         #define {id}_generated_h\n\n\
         #undef CURRENT_FILE_ID\n\
         #define CURRENT_FILE_ID FID_{id}_h\n\n",
        relative(header)
    );
    for ty in &types {
        match ty.kind {
            ReflectedKind::Class => {
                let _ = writeln!(
                    generated,
                    "class {name};\ntemplate <> UClass* StaticClass<class {name}>();",
                    name = ty.name
                );
            }
            ReflectedKind::Struct => {
                let _ = writeln!(
                    generated,
                    "struct {name};\ntemplate <> UScriptStruct* StaticStruct<struct {name}>();",
                    name = ty.name
                );
            }
            ReflectedKind::Enum => {
                let underlying = ty
                    .base
                    .as_ref()
                    .map(|b| format!(" : {b}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    generated,
                    "enum class {name}{underlying};\ntemplate <> UEnum* StaticEnum<{name}>();",
                    name = ty.name
                );
            }
        }
    }
    generated.push('\n');
    generated.push_str(&body_macros);
    Ok(Some(GeneratedHeader {
        stem,
        text: generated,
        types,
    }))
}

/// The UHT stand-ins, generated once per process: the tests that use them run in parallel
/// threads, and regenerating would delete the directory while another test compiles with it.
fn uht_stand_ins() -> &'static (PathBuf, Vec<ReflectedType>) {
    static STAND_INS: OnceLock<(PathBuf, Vec<ReflectedType>)> = OnceLock::new();
    STAND_INS.get_or_init(generate_uht_stand_ins)
}

/// Writes every `*.generated.h` and `*.gen.cpp` of the plugin module into a fresh
/// directory and returns it, with the reflected types found. Call it through
/// [`uht_stand_ins`].
fn generate_uht_stand_ins() -> (PathBuf, Vec<ReflectedType>) {
    let dir = setup().out_dir.join("generated");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create the generated directory");
    let mut errors = Vec::new();
    let mut all_types = Vec::new();
    let mut stems = BTreeSet::new();
    for header in files_with_suffix(&manifest_path(MODULE_DIR), ".h") {
        match generate_for_header(&header) {
            Ok(Some(generated)) => {
                assert!(
                    stems.insert(generated.stem.clone()),
                    "two headers are named {}.h: UnrealHeaderTool needs unique names",
                    generated.stem
                );
                fs::write(
                    dir.join(format!("{}.generated.h", generated.stem)),
                    &generated.text,
                )
                .expect("write a generated header");
                fs::write(
                    dir.join(format!("{}.gen.cpp", generated.stem)),
                    format!(
                        "// Written by tests/unreal_plugin.rs: stands in for the {}.gen.cpp UnrealHeaderTool writes.\n",
                        generated.stem
                    ),
                )
                .expect("write a generated source");
                all_types.extend(generated.types);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    assert!(
        errors.is_empty(),
        "plugin headers break UnrealHeaderTool rules:\n{}",
        errors.join("\n")
    );
    (dir, all_types)
}

/// One configuration of the no-engine compile.
struct ShimConfig {
    name: &'static str,
    defines: &'static [&'static str],
}

const EDITOR_WINDOWS: ShimConfig = ShimConfig {
    name: "editor, Win64 code paths, automation specs",
    defines: &[
        "WITH_EDITOR=1",
        "WITH_EDITORONLY_DATA=1",
        "UE_BUILD_SHIPPING=0",
        "WITH_DEV_AUTOMATION_TESTS=1",
        "PLATFORM_WINDOWS=1",
    ],
};

const GAME_LINUX: ShimConfig = ShimConfig {
    name: "shipping game, Linux code paths",
    defines: &[
        "WITH_EDITOR=0",
        "WITH_EDITORONLY_DATA=0",
        "UE_BUILD_SHIPPING=1",
        "WITH_DEV_AUTOMATION_TESTS=0",
        "PLATFORM_LINUX=1",
    ],
};

/// Whether the generated header declares the dashboard C API (the same rule as
/// LevelStreamingCore.Build.cs, which then defines LSM_HAS_DASHBOARD).
fn header_has_dashboard() -> bool {
    fs::read_to_string(manifest_path("include/level_streaming.h"))
        .expect("read include/level_streaming.h")
        .contains("lsm_dashboard_start")
}

fn shim_command(compiler: &Compiler, config: &ShimConfig, generated: &Path) -> Command {
    let mut cmd = compiler.command();
    cmd.args(SHIM_FLAGS);
    for define in config.defines {
        cmd.arg(format!("-D{define}"));
    }
    cmd.arg("-DLEVELSTREAMINGMANAGER_API=DLLEXPORT");
    if header_has_dashboard() {
        cmd.arg("-DLSM_HAS_DASHBOARD=1");
    }
    for dir in [
        manifest_path(SHIM_DIR),
        generated.to_path_buf(),
        manifest_path("include"),
        manifest_path(&format!("{MODULE_DIR}/Public")),
        manifest_path(&format!("{MODULE_DIR}/Private")),
    ] {
        cmd.arg("-I").arg(dir);
    }
    cmd
}

/// Compiles every plugin source with the main compiler and, when present, the other of
/// g++/clang++ (Unreal's Linux and Mac toolchains are clang, Windows' is MSVC).
fn compile_plugin_against_shim(config: &ShimConfig) {
    let Some(main) = main_compiler() else {
        return;
    };
    let (generated, _) = uht_stand_ins();
    let sources = files_with_suffix(&manifest_path(MODULE_DIR), ".cpp");
    let mut failures = Vec::new();
    for compiler in std::iter::once(main).chain(setup().others.iter()) {
        for source in &sources {
            let mut cmd = shim_command(compiler, config, generated);
            cmd.arg(source);
            println!("unreal_plugin: {}", show(&cmd));
            if let Err(failure) = try_compile(cmd) {
                failures.push(format!(
                    "{} ({}, {}):\n{failure}",
                    relative(source),
                    config.name,
                    compiler.label()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} plugin sources do not compile against the UE shim and level_streaming.h \
         (a syntax and C-ABI check, not an engine build):\n\n{}",
        failures.len(),
        sources.len(),
        failures.join("\n\n")
    );
}

#[test]
fn plugin_sources_compile_against_the_shim_editor_win64() {
    compile_plugin_against_shim(&EDITOR_WINDOWS);
}

#[test]
fn plugin_sources_compile_against_the_shim_game_linux() {
    compile_plugin_against_shim(&GAME_LINUX);
}

/// Each header compiles on its own (Unreal's include-what-you-use builds require it).
#[test]
fn plugin_headers_compile_on_their_own() {
    let Some(compiler) = main_compiler() else {
        return;
    };
    let (generated, _) = uht_stand_ins();
    let dir = setup().out_dir.join("header-alone");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create the header-alone directory");
    let mut failures = Vec::new();
    let headers = files_with_suffix(&manifest_path(MODULE_DIR), ".h");
    for header in &headers {
        let stem = header.file_stem().and_then(|s| s.to_str()).expect("name");
        let source = dir.join(format!("{stem}_alone.cpp"));
        fs::write(
            &source,
            format!(
                "// Written by tests/unreal_plugin.rs: {} on its own.\n#include \"{}\"\n",
                relative(header),
                header.display()
            ),
        )
        .expect("write the header-alone source");
        let mut cmd = shim_command(compiler, &EDITOR_WINDOWS, generated);
        cmd.arg(&source);
        if let Err(failure) = try_compile(cmd) {
            failures.push(format!("{}:\n{failure}", relative(header)));
        }
    }
    assert!(
        failures.is_empty(),
        "headers that do not compile on their own:\n\n{}",
        failures.join("\n\n")
    );
}

/// The reflected types the Blueprint API promises, and the shim check seeing them.
#[test]
fn plugin_declares_the_blueprint_types() {
    let (_, types) = uht_stand_ins();
    let names: BTreeSet<&str> = types.iter().map(|t| t.name.as_str()).collect();
    for expected in [
        "ULevelStreamingManagerSubsystem",
        "ULevelStreamingManagerSettings",
        "ULsmStreamingVolumeComponent",
        "ULsmStreamingSourceComponent",
        "ALsmStreamingVolume",
        "ULsmLevelStreamingListener",
        "ELsmStreamingState",
        "ELsmRequestKind",
        "ELsmMemoryState",
        "ELsmLodLevel",
        "ELsmPriority",
        "ELsmStatus",
        "FLsmMemoryStatus",
        "FLsmBudgetStatus",
        "FLsmTrackedLevel",
    ] {
        assert!(
            names.contains(expected),
            "{expected} is not declared as a reflected type"
        );
    }
    let subsystem = types
        .iter()
        .find(|t| t.name == "ULevelStreamingManagerSubsystem")
        .expect("the subsystem");
    assert_eq!(subsystem.base.as_deref(), Some("UTickableWorldSubsystem"));

    let header = fs::read_to_string(manifest_path(&format!(
        "{MODULE_DIR}/Public/LevelStreamingManagerSubsystem.h"
    )))
    .expect("read the subsystem header");
    for function in [
        "LoadLevel",
        "UnloadLevel",
        "SetLOD",
        "GetLevelState",
        "GetMemoryStatus",
        "RecordFrame",
        "GetPerformanceReport",
    ] {
        let declared = header.lines().collect::<Vec<_>>().windows(2).any(|w| {
            w[0].trim_start().starts_with("UFUNCTION(Blueprint")
                && w[1].contains(&format!(" {function}("))
        });
        assert!(declared, "{function} is not a Blueprint UFUNCTION");
    }
    for event in [
        "OnLevelStateChanged",
        "OnMemoryStateChanged",
        "OnPerformanceWarning",
        "OnStreamingComplete",
    ] {
        let declared = header.lines().collect::<Vec<_>>().windows(2).any(|w| {
            w[0].trim_start()
                .starts_with("UPROPERTY(BlueprintAssignable")
                && w[1].trim_end().ends_with(&format!(" {event};"))
        });
        assert!(declared, "{event} is not a BlueprintAssignable event");
    }
}

// ----- layout and packaging ---------------------------------------------------------------

#[test]
fn plugin_descriptor_declares_a_runtime_module_for_win64_linux_mac() {
    let text = fs::read_to_string(manifest_path(&format!(
        "{PLUGIN_DIR}/LevelStreamingManager.uplugin"
    )))
    .expect("read the .uplugin");
    let descriptor: serde_json::Value = serde_json::from_str(&text).expect("the .uplugin is JSON");
    assert_eq!(descriptor["FileVersion"], 3);
    let modules = descriptor["Modules"].as_array().expect("Modules");
    assert_eq!(modules.len(), 1, "one module");
    let module = &modules[0];
    assert_eq!(module["Name"], "LevelStreamingManager");
    assert_eq!(module["Type"], "Runtime");
    let platforms: BTreeSet<&str> = module["PlatformAllowList"]
        .as_array()
        .expect("PlatformAllowList")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert_eq!(platforms, BTreeSet::from(["Win64", "Linux", "Mac"]));
}

#[test]
fn build_rules_link_and_stage_the_native_library() {
    let module_rules = fs::read_to_string(manifest_path(&format!(
        "{MODULE_DIR}/LevelStreamingManager.Build.cs"
    )))
    .expect("read LevelStreamingManager.Build.cs");
    assert!(module_rules.contains("\"LevelStreamingCore\""));
    assert!(module_rules.contains("\"DeveloperSettings\""));
    assert!(module_rules.contains("\"Projects\""));

    let third_party = fs::read_to_string(manifest_path(&format!(
        "{PLUGIN_DIR}/Source/ThirdParty/LevelStreamingCore/LevelStreamingCore.Build.cs"
    )))
    .expect("read LevelStreamingCore.Build.cs");
    for needle in [
        "Type = ModuleType.External",
        "PublicSystemIncludePaths.Add(",
        "PublicAdditionalLibraries.Add(",
        "RuntimeDependencies.Add(",
        "PublicDelayLoadDLLs.Add(\"level_streaming.dll\")",
        "UnrealTargetPlatform.Win64",
        "UnrealTargetPlatform.Linux",
        "UnrealTargetPlatform.Mac",
        "level_streaming.dll.lib",
        "liblevel_streaming.so",
        "liblevel_streaming.dylib",
        "LSM_HAS_DASHBOARD",
    ] {
        assert!(
            third_party.contains(needle),
            "LevelStreamingCore.Build.cs lacks {needle}"
        );
    }

    // The delay-loaded DLL is loaded by hand at start-up, from where Build.cs stages it.
    let module = fs::read_to_string(manifest_path(&format!(
        "{MODULE_DIR}/Private/LevelStreamingManagerModule.cpp"
    )))
    .expect("read the module source");
    assert!(module.contains("FPlatformProcess::GetDllHandle"));
    assert!(module.contains("TEXT(\"level_streaming.dll\")"));
    assert!(module.contains("CheckLibraryVersion"));
}

#[test]
fn staged_binaries_are_never_committed() {
    let ignore = fs::read_to_string(manifest_path(&format!("{PLUGIN_DIR}/.gitignore")))
        .expect("read the plugin .gitignore");
    for needle in [
        "/Source/ThirdParty/LevelStreamingCore/include/",
        "/Source/ThirdParty/LevelStreamingCore/lib/",
        "/Binaries/",
        "/Intermediate/",
    ] {
        assert!(
            ignore.lines().any(|l| l.trim() == needle),
            "{PLUGIN_DIR}/.gitignore lacks {needle}"
        );
    }
    // If git is here, ask it (the staged files may exist after a packaging run).
    let probe = "unreal_plugin/LevelStreamingManager/Source/ThirdParty/LevelStreamingCore/lib/Linux/liblevel_streaming.so";
    if let Ok(out) = Command::new("git")
        .args(["check-ignore", "-q", probe])
        .current_dir(MANIFEST_DIR)
        .output()
    {
        // 0: ignored, 1: not ignored, 128: not a repository (nothing to check).
        assert_ne!(
            out.status.code(),
            Some(1),
            "git does not ignore the staged library {probe}"
        );
    }
}

#[test]
fn readmes_say_the_shim_check_is_not_an_engine_build() {
    for path in [
        "README.md",
        "tests/unreal/shim/README.md",
        "unreal_plugin/LevelStreamingManager/README.md",
    ] {
        let text =
            fs::read_to_string(manifest_path(path)).unwrap_or_else(|e| panic!("read {path}: {e}"));
        assert!(
            text.contains("not an engine build"),
            "{path} must say plainly that the shim check is not an engine build"
        );
    }
    let guide = fs::read_to_string(manifest_path("docs/unreal.md")).expect("read docs/unreal.md");
    for needle in [
        "package-plugin.sh",
        "Load Level",
        "Get Level State",
        "On Level State Changed",
        "lsm.Dump",
        "lsm.Dashboard.Start",
        "SetShouldBeLoaded",
        "SetShouldBeVisible",
        "not an engine build",
    ] {
        assert!(
            guide.contains(needle),
            "docs/unreal.md does not mention {needle}"
        );
    }
}

#[test]
fn package_script_is_valid_bash() {
    let script = manifest_path(PACKAGE_SCRIPT);
    let text = fs::read_to_string(&script).expect("read the packaging script");
    assert!(text.starts_with("#!/usr/bin/env bash\n"));
    assert!(text.contains("set -euo pipefail"));
    assert!(text.contains("cargo build --release"));
    assert!(
        !text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .any(|l| l.contains(MANIFEST_DIR)),
        "the script must not hard-code this checkout's path"
    );
    match Command::new("bash").arg("-n").arg(&script).output() {
        Ok(out) => assert!(
            out.status.success(),
            "bash -n {PACKAGE_SCRIPT}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => println!("unreal_plugin: SKIPPED bash -n: no bash ({e})"),
    }
}

/// Runs the script's staging step (`--no-build`) on the libraries of this build into a
/// scratch plugin directory.
#[test]
fn package_script_stages_header_and_library() {
    if Command::new("bash").arg("--version").output().is_err() {
        println!("unreal_plugin: SKIPPED: no bash");
        return;
    }
    let platform = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Mac",
        other => {
            println!("unreal_plugin: SKIPPED: staging is not checked on {other}");
            return;
        }
    };
    let setup = setup();
    let plugin = setup.out_dir.join("staged-plugin");
    let _ = fs::remove_dir_all(&plugin);
    let out = Command::new("bash")
        .arg(manifest_path(PACKAGE_SCRIPT))
        .arg("--no-build")
        .arg("--lib-dir")
        .arg(&setup.lib_dir)
        .arg("--plugin-dir")
        .arg(&plugin)
        .output()
        .expect("run the packaging script");
    assert!(
        out.status.success(),
        "{PACKAGE_SCRIPT} --no-build failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let third_party = plugin.join("Source/ThirdParty/LevelStreamingCore");
    assert_eq!(
        fs::read(third_party.join("include/level_streaming.h")).expect("staged header"),
        fs::read(manifest_path("include/level_streaming.h")).expect("header"),
        "the staged header differs from include/level_streaming.h"
    );
    let staged = third_party.join("lib").join(platform).join(cdylib_name());
    let bytes = fs::read(&staged).unwrap_or_else(|e| panic!("{}: {e}", staged.display()));
    let magic_ok = match platform {
        "Linux" => bytes.starts_with(b"\x7fELF"),
        _ => bytes.len() > 4,
    };
    assert!(magic_ok, "{} is not a shared library", staged.display());
}
