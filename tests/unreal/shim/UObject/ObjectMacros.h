// UE shim (see README.md). Runtime/CoreUObject/Public/UObject/ObjectMacros.h: the reflection
// markup compiles to nothing; GENERATED_BODY() pastes the file id and line into the name of
// a macro that the matching *.generated.h defines (exactly how the engine does it).
// tests/unreal_plugin.rs writes those *.generated.h files (a stand-in for UnrealHeaderTool).

#pragma once

#include "CoreTypes.h"
#include "UObject/ReflectedTypeAccessors.h"

#define UCLASS(...)
#define USTRUCT(...)
#define UENUM(...)
#define UINTERFACE(...)
#define UPROPERTY(...)
#define UFUNCTION(...)
#define UPARAM(...)
#define UMETA(...)
#define UDELEGATE(...)

#define BODY_MACRO_COMBINE_INNER(A, B, C, D) A##B##C##D
#define BODY_MACRO_COMBINE(A, B, C, D) BODY_MACRO_COMBINE_INNER(A, B, C, D)
#define GENERATED_BODY(...) BODY_MACRO_COMBINE(CURRENT_FILE_ID, _, __LINE__, _GENERATED_BODY)

// UE 5.1+: #include UE_INLINE_GENERATED_CPP_BY_NAME(MyClass) includes MyClass.gen.cpp.
#define UE_INLINE_STRINGIFY_INNER(x) #x
#define UE_INLINE_STRINGIFY(x) UE_INLINE_STRINGIFY_INNER(x)
#define UE_INLINE_GENERATED_CPP_BY_NAME(name) UE_INLINE_STRINGIFY(name.gen.cpp)

enum EObjectFlags
{
	RF_NoFlags = 0x00000000,
	RF_Public = 0x00000001,
	RF_Transient = 0x00000040,
};
