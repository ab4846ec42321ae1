// UE shim (see README.md). Runtime/CoreUObject/Public/UObject/ReflectedTypeAccessors.h.

#pragma once

class UClass;
class UEnum;
class UScriptStruct;

// UnrealHeaderTool declares the specializations in each *.generated.h, for UENUMs,
// USTRUCTs and UCLASSes only: with any other type these do not compile (deleted here).
template <typename T>
UClass* StaticClass() = delete;
template <typename T>
UScriptStruct* StaticStruct() = delete;
template <typename T>
UEnum* StaticEnum() = delete;
