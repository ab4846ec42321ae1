// UE shim (see README.md): declarations only, for a syntax and C-ABI check outside the engine.
// Mirrors Runtime/Core/Public/CoreTypes.h and HAL/Platform.h as far as the plugin uses them.

#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

typedef std::uint8_t uint8;
typedef std::uint16_t uint16;
typedef std::uint32_t uint32;
typedef std::uint64_t uint64;
typedef std::int8_t int8;
typedef std::int16_t int16;
typedef std::int32_t int32;
typedef std::int64_t int64;
typedef std::size_t SIZE_T;

typedef char ANSICHAR;
// UE 5 TCHAR is 2 bytes everywhere (wchar_t on Windows, char16_t elsewhere).
typedef char16_t WIDECHAR;
typedef WIDECHAR TCHAR;

#define TEXT_PASTE(x) u##x
#define TEXT(x) TEXT_PASTE(x)

// Platform.h defines every PLATFORM_* to 0 or 1; the shim check picks one with -D.
#ifndef PLATFORM_WINDOWS
#define PLATFORM_WINDOWS 0
#endif
#ifndef PLATFORM_LINUX
#define PLATFORM_LINUX 0
#endif
#ifndef PLATFORM_MAC
#define PLATFORM_MAC 0
#endif

// Defined by Unreal Build Tool on the command line; the shim check passes them with -D.
#if !defined(WITH_EDITOR) || !defined(WITH_EDITORONLY_DATA) || !defined(UE_BUILD_SHIPPING)
#error "Pass -DWITH_EDITOR=0|1 -DWITH_EDITORONLY_DATA=0|1 -DUE_BUILD_SHIPPING=0|1 like Unreal Build Tool does"
#endif

// Misc/Build.h
#ifndef WITH_DEV_AUTOMATION_TESTS
#define WITH_DEV_AUTOMATION_TESTS (!UE_BUILD_SHIPPING)
#endif

#define FORCEINLINE inline
#define FORCENOINLINE
#define DLLEXPORT __attribute__((visibility("default")))
#define DLLIMPORT
#define UE_NODISCARD [[nodiscard]]
#define UE_DEPRECATED(Version, Message) [[deprecated(Message)]]
#define UE_NONCOPYABLE(TypeName) \
	TypeName(TypeName&&) = delete; \
	TypeName(const TypeName&) = delete; \
	TypeName& operator=(const TypeName&) = delete; \
	TypeName& operator=(TypeName&&) = delete;
#define PURE_VIRTUAL(func, ...) = 0;
#define UE_KINDA_SMALL_NUMBER (1.e-4f)
#define UE_SMALL_NUMBER (1.e-8f)
#define KINDA_SMALL_NUMBER UE_KINDA_SMALL_NUMBER

enum
{
	INDEX_NONE = -1
};

enum ENoInit
{
	NoInit
};

// The API macros of the modules the plugin uses (UBT defines them as DLLEXPORT/DLLIMPORT or empty).
#define CORE_API
#define COREUOBJECT_API
#define ENGINE_API
#define RHI_API
#define PROJECTS_API
#define DEVELOPERSETTINGS_API
