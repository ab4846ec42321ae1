// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"

#include "LsmTypes.generated.h"

/**
 * Blueprint mirrors of the C enums in level_streaming.h. The values are the C values,
 * checked by static_assert in Private/LsmConversions.h, so a changed header fails the
 * build instead of silently mislabelling states.
 */

/** State of a level (LsmStreamingState). */
UENUM(BlueprintType)
enum class ELsmStreamingState : uint8
{
	/** Not in memory. */
	Unloaded = 0,
	/** A load request is outstanding. */
	Loading = 1,
	/** In memory, not visible. */
	Loaded = 2,
	/** Visible. */
	Active = 3,
	/** An unload request is outstanding. */
	Unloading = 4,
	/** In memory, hidden after having been visible. */
	Hidden = 5,
};

/** What a request asks the host to do (LsmRequestKind). */
UENUM(BlueprintType)
enum class ELsmRequestKind : uint8
{
	Load = 0,
	MakeVisible = 1,
	Hide = 2,
	Unload = 3,
	SetLod = 4 UMETA(DisplayName = "Set LOD"),
};

/** How full a memory budget is (LsmMemoryState). */
UENUM(BlueprintType)
enum class ELsmMemoryState : uint8
{
	Normal = 0,
	Warning = 1,
	Critical = 2,
};

/** A level of detail, lower is better quality (LsmLodLevel). */
UENUM(BlueprintType)
enum class ELsmLodLevel : uint8
{
	Ultra = 0,
	High = 1,
	Medium = 2,
	Low = 3,
	Minimal = 4,
};

/** Importance of a level, volume, budget or source, lower is more important (LsmPriority). */
UENUM(BlueprintType)
enum class ELsmPriority : uint8
{
	/** Must always be loaded; never evicted. */
	Critical = 1,
	High = 2,
	Normal = 3,
	Low = 4,
	/** Evicted first. */
	Background = 5,
};

/** Result of a library call (LsmStatus); see GetLastStatus / GetLastErrorMessage. */
UENUM(BlueprintType)
enum class ELsmStatus : uint8
{
	Ok = 0,
	NullArgument = 1,
	InvalidUtf8 = 2 UMETA(DisplayName = "Invalid UTF-8"),
	NonFiniteValue = 3,
	NegativeValue = 4,
	UnloadBelowLoad = 5,
	UnknownLevel = 6,
	UnknownVolume = 7,
	DuplicateName = 8,
	UnknownRequest = 9,
	RequestAlreadyCompleted = 10,
	InvalidTransition = 11,
	BufferTooSmall = 12,
	InvalidArgument = 13,
	NotFound = 14,
	InvalidHandle = 15,
	/** This build of the library lacks the feature (for example the dashboard). */
	NotSupported = 16,
	/** A system call failed (for example the dashboard's port could not be bound). */
	IoError = 17,
	/** The library caught an internal error; the manager is still usable. */
	Panic = 100,
};

/** The whole manager's memory picture (LsmMemoryStatus). */
USTRUCT(BlueprintType)
struct LEVELSTREAMINGMANAGER_API FLsmMemoryStatus
{
	GENERATED_BODY()

	/** Memory held by all levels, budgeted or not, in MB. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double UsedMemoryMb = 0.0;

	/** Sum of all budgets' maxima in MB. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double TotalMemoryMb = 0.0;

	/** Budgeted usage over the sum of maxima (0 without budgets). */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double UsageFraction = 0.0;

	/** Memory held by levels in no budget, in MB. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double UnbudgetedMemoryMb = 0.0;

	/** The most severe budget state. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	ELsmMemoryState WorstState = ELsmMemoryState::Normal;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	int32 BudgetCount = 0;
};

/** One memory budget (LsmBudgetStatus plus its name). */
USTRUCT(BlueprintType)
struct LEVELSTREAMINGMANAGER_API FLsmBudgetStatus
{
	GENERATED_BODY()

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	FString Name;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double MaxMemoryMb = 0.0;

	/** Memory of its levels that hold memory now (loading, loaded, unloading), in MB. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double CurrentUsageMb = 0.0;

	/** Memory of all levels allocated to it, loaded or not, in MB. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double AllocatedMemoryMb = 0.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double UsageFraction = 0.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double WarningThreshold = 0.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	double CriticalThreshold = 0.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	ELsmMemoryState State = ELsmMemoryState::Normal;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	ELsmPriority Priority = ELsmPriority::Normal;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	int32 LevelCount = 0;

	/** True from reaching Critical until back below Warning. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|Memory")
	bool bEvicting = false;
};

/** A memory budget created when the subsystem starts (project settings). */
USTRUCT(BlueprintType)
struct LEVELSTREAMINGMANAGER_API FLsmBudgetSettings
{
	GENERATED_BODY()

	/** Name that streaming volume components use to allocate their level to this budget. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Memory")
	FName Name;

	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Memory", meta = (ClampMin = "0", Units = "Megabytes"))
	double MaxMemoryMb = 2048.0;

	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Memory")
	ELsmPriority Priority = ELsmPriority::Normal;

	/** Fraction of the maximum at which the budget reports Warning (0 < Warning <= Critical <= 1). */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Memory", meta = (ClampMin = "0.01", ClampMax = "1"))
	double WarningThreshold = 0.8;

	/** Fraction of the maximum at which the budget reports Critical and evicts cached levels. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Memory", meta = (ClampMin = "0.01", ClampMax = "1"))
	double CriticalThreshold = 0.95;
};

/** Quality values of a LOD (LsmLodQuality), passed to the LOD hook and OnApplyLod. */
USTRUCT(BlueprintType)
struct LEVELSTREAMINGMANAGER_API FLsmLodQuality
{
	GENERATED_BODY()

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|LOD")
	double TextureQuality = 1.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|LOD")
	double MeshQuality = 1.0;

	/** Draw distance in world units (cm). */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|LOD")
	double DrawDistance = 0.0;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming|LOD")
	double ShadowQuality = 1.0;
};

/** One level as the manager sees it (for debug UIs and the lsm.Dump command). */
USTRUCT(BlueprintType)
struct LEVELSTREAMINGMANAGER_API FLsmLevelInfo
{
	GENERATED_BODY()

	/** The level's long package name, e.g. /Game/Maps/Forest. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming")
	FString Name;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming")
	ELsmStreamingState State = ELsmStreamingState::Unloaded;

	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming")
	ELsmLodLevel Lod = ELsmLodLevel::Ultra;

	/** Whether the subsystem has a ULevelStreaming object for it. */
	UPROPERTY(BlueprintReadOnly, Category = "Level Streaming")
	bool bHasStreamingObject = false;
};
