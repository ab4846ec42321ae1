#!/usr/bin/env bash
# Builds the Level Streaming Manager library in release and stages it into the Unreal
# plugin for the host platform:
#
#   unreal_plugin/LevelStreamingManager/Source/ThirdParty/LevelStreamingCore/
#     include/level_streaming.h
#     lib/Linux/liblevel_streaming.so        (SONAME liblevel_streaming.so)
#     lib/Mac/liblevel_streaming.dylib       (install name @rpath/liblevel_streaming.dylib)
#     lib/Win64/level_streaming.dll, level_streaming.dll.lib, level_streaming.pdb
#
# The staged files are build outputs, ignored by git (see the plugin's .gitignore).
# Run it on each platform you ship (Git Bash or MSYS2 on Windows, MSVC toolchain).
#
# Usage: scripts/package-plugin.sh [--no-build] [--lib-dir DIR] [--plugin-dir DIR]
#   --no-build        stage what is already built instead of running cargo build --release
#   --lib-dir DIR     where the built libraries are (default: $CARGO_TARGET_DIR/release or target/release)
#   --plugin-dir DIR  the plugin to stage into (default: unreal_plugin/LevelStreamingManager)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
lib_dir=""
plugin_dir="unreal_plugin/LevelStreamingManager"

while [ "$#" -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --lib-dir) lib_dir="${2:?--lib-dir needs a directory}"; shift ;;
        --plugin-dir) plugin_dir="${2:?--plugin-dir needs a directory}"; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "package-plugin: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$lib_dir" ]; then
    lib_dir="${CARGO_TARGET_DIR:-target}/release"
fi

case "$(uname -s)" in
    Linux) platform=Linux; libs=(liblevel_streaming.so) ;;
    Darwin) platform=Mac; libs=(liblevel_streaming.dylib) ;;
    MINGW*|MSYS*|CYGWIN*) platform=Win64; libs=(level_streaming.dll level_streaming.dll.lib) ;;
    *) echo "package-plugin: unsupported host $(uname -s) (Linux, Mac and Windows are)" >&2; exit 1 ;;
esac

if [ "$build" -eq 1 ]; then
    echo "package-plugin: cargo build --release"
    cargo build --release
fi

# Linux: give the shared library a SONAME, so that a module linked against it records
# "liblevel_streaming.so" (found through the rpath) rather than the build machine's path.
has_soname() {
    command -v readelf >/dev/null 2>&1 && readelf -d "$1" 2>/dev/null | grep -q '(SONAME)'
}
if [ "$platform" = Linux ] && [ "$build" -eq 1 ] && ! has_soname "$lib_dir/liblevel_streaming.so"; then
    echo "package-plugin: relinking liblevel_streaming.so with a SONAME"
    cargo rustc --release --lib --crate-type cdylib -- -C link-arg=-Wl,-soname,liblevel_streaming.so
fi

for lib in "${libs[@]}"; do
    if [ ! -f "$lib_dir/$lib" ]; then
        echo "package-plugin: $lib_dir/$lib is missing (on Windows, build with the MSVC toolchain)" >&2
        exit 1
    fi
done
if [ ! -f include/level_streaming.h ]; then
    echo "package-plugin: include/level_streaming.h is missing; run cargo build first" >&2
    exit 1
fi

third_party="$plugin_dir/Source/ThirdParty/LevelStreamingCore"
stage_lib="$third_party/lib/$platform"
mkdir -p "$third_party/include" "$stage_lib"
cp include/level_streaming.h "$third_party/include/level_streaming.h"
for lib in "${libs[@]}"; do
    cp "$lib_dir/$lib" "$stage_lib/$lib"
done
if [ "$platform" = Win64 ] && [ -f "$lib_dir/level_streaming.pdb" ]; then
    cp "$lib_dir/level_streaming.pdb" "$stage_lib/level_streaming.pdb"
fi

case "$platform" in
    Linux)
        staged="$stage_lib/liblevel_streaming.so"
        if ! has_soname "$staged"; then
            if command -v patchelf >/dev/null 2>&1; then
                patchelf --set-soname liblevel_streaming.so "$staged"
            else
                echo "package-plugin: WARNING: $staged has no SONAME (no readelf/patchelf, or --no-build);" >&2
                echo "package-plugin: WARNING: modules linked against it may record its absolute path." >&2
            fi
        fi
        ;;
    Mac)
        install_name_tool -id @rpath/liblevel_streaming.dylib "$stage_lib/liblevel_streaming.dylib"
        ;;
esac

echo "package-plugin: staged for $platform:"
echo "  $third_party/include/level_streaming.h"
for lib in "$stage_lib"/*; do
    echo "  $lib"
done
