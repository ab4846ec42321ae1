// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "LevelStreamingCore.h"
#include "LsmTypes.h"

/**
 * Type conversions between the UObject layer and the C ABI: FString <-> UTF-8,
 * FVector <-> LsmVec3, UENUM <-> C enum, C structs -> USTRUCTs. Nothing here calls
 * the library.
 */

// The UENUMs are cast to and from the C enums by value: keep them identical.
static_assert(static_cast<uint32>(ELsmStreamingState::Unloaded) == LSM_STREAMING_STATE_UNLOADED, "ELsmStreamingState::Unloaded differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStreamingState::Loading) == LSM_STREAMING_STATE_LOADING, "ELsmStreamingState::Loading differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStreamingState::Loaded) == LSM_STREAMING_STATE_LOADED, "ELsmStreamingState::Loaded differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStreamingState::Active) == LSM_STREAMING_STATE_ACTIVE, "ELsmStreamingState::Active differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStreamingState::Unloading) == LSM_STREAMING_STATE_UNLOADING, "ELsmStreamingState::Unloading differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStreamingState::Hidden) == LSM_STREAMING_STATE_HIDDEN, "ELsmStreamingState::Hidden differs from level_streaming.h");

static_assert(static_cast<uint32>(ELsmRequestKind::Load) == LSM_REQUEST_KIND_LOAD, "ELsmRequestKind::Load differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmRequestKind::MakeVisible) == LSM_REQUEST_KIND_MAKE_VISIBLE, "ELsmRequestKind::MakeVisible differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmRequestKind::Hide) == LSM_REQUEST_KIND_HIDE, "ELsmRequestKind::Hide differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmRequestKind::Unload) == LSM_REQUEST_KIND_UNLOAD, "ELsmRequestKind::Unload differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmRequestKind::SetLod) == LSM_REQUEST_KIND_SET_LOD, "ELsmRequestKind::SetLod differs from level_streaming.h");

static_assert(static_cast<uint32>(ELsmMemoryState::Normal) == LSM_MEMORY_STATE_NORMAL, "ELsmMemoryState::Normal differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmMemoryState::Warning) == LSM_MEMORY_STATE_WARNING, "ELsmMemoryState::Warning differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmMemoryState::Critical) == LSM_MEMORY_STATE_CRITICAL, "ELsmMemoryState::Critical differs from level_streaming.h");

static_assert(static_cast<uint32>(ELsmLodLevel::Ultra) == LSM_LOD_LEVEL_ULTRA, "ELsmLodLevel::Ultra differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmLodLevel::High) == LSM_LOD_LEVEL_HIGH, "ELsmLodLevel::High differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmLodLevel::Medium) == LSM_LOD_LEVEL_MEDIUM, "ELsmLodLevel::Medium differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmLodLevel::Low) == LSM_LOD_LEVEL_LOW, "ELsmLodLevel::Low differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmLodLevel::Minimal) == LSM_LOD_LEVEL_MINIMAL, "ELsmLodLevel::Minimal differs from level_streaming.h");

static_assert(static_cast<uint32>(ELsmPriority::Critical) == LSM_PRIORITY_CRITICAL, "ELsmPriority::Critical differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmPriority::High) == LSM_PRIORITY_HIGH, "ELsmPriority::High differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmPriority::Normal) == LSM_PRIORITY_NORMAL, "ELsmPriority::Normal differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmPriority::Low) == LSM_PRIORITY_LOW, "ELsmPriority::Low differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmPriority::Background) == LSM_PRIORITY_BACKGROUND, "ELsmPriority::Background differs from level_streaming.h");

static_assert(static_cast<uint32>(ELsmStatus::Ok) == LSM_STATUS_OK, "ELsmStatus::Ok differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::NullArgument) == LSM_STATUS_NULL_ARGUMENT, "ELsmStatus::NullArgument differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::InvalidUtf8) == LSM_STATUS_INVALID_UTF8, "ELsmStatus::InvalidUtf8 differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::NonFiniteValue) == LSM_STATUS_NON_FINITE_VALUE, "ELsmStatus::NonFiniteValue differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::NegativeValue) == LSM_STATUS_NEGATIVE_VALUE, "ELsmStatus::NegativeValue differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::UnloadBelowLoad) == LSM_STATUS_UNLOAD_BELOW_LOAD, "ELsmStatus::UnloadBelowLoad differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::UnknownLevel) == LSM_STATUS_UNKNOWN_LEVEL, "ELsmStatus::UnknownLevel differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::UnknownVolume) == LSM_STATUS_UNKNOWN_VOLUME, "ELsmStatus::UnknownVolume differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::DuplicateName) == LSM_STATUS_DUPLICATE_NAME, "ELsmStatus::DuplicateName differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::UnknownRequest) == LSM_STATUS_UNKNOWN_REQUEST, "ELsmStatus::UnknownRequest differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::RequestAlreadyCompleted) == LSM_STATUS_REQUEST_ALREADY_COMPLETED, "ELsmStatus::RequestAlreadyCompleted differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::InvalidTransition) == LSM_STATUS_INVALID_TRANSITION, "ELsmStatus::InvalidTransition differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::BufferTooSmall) == LSM_STATUS_BUFFER_TOO_SMALL, "ELsmStatus::BufferTooSmall differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::InvalidArgument) == LSM_STATUS_INVALID_ARGUMENT, "ELsmStatus::InvalidArgument differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::NotFound) == LSM_STATUS_NOT_FOUND, "ELsmStatus::NotFound differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::InvalidHandle) == LSM_STATUS_INVALID_HANDLE, "ELsmStatus::InvalidHandle differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::NotSupported) == LSM_STATUS_NOT_SUPPORTED, "ELsmStatus::NotSupported differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::IoError) == LSM_STATUS_IO_ERROR, "ELsmStatus::IoError differs from level_streaming.h");
static_assert(static_cast<uint32>(ELsmStatus::Panic) == LSM_STATUS_PANIC, "ELsmStatus::Panic differs from level_streaming.h");

// The C structs carry doubles: UE 5 world coordinates are doubles too, nothing is narrowed.
static_assert(sizeof(FVector::FReal) == sizeof(double), "FVector is expected to hold doubles (UE 5 large world coordinates)");

namespace LsmConversions
{
	inline LsmVec3 ToLsm(const FVector& Vector)
	{
		return LevelStreamingCore::MakeVec3(Vector.X, Vector.Y, Vector.Z);
	}

	inline FVector FromLsm(const LsmVec3& Vector)
	{
		return FVector(Vector.x, Vector.y, Vector.z);
	}

	inline LsmStreamingState ToLsm(ELsmStreamingState State)
	{
		return static_cast<LsmStreamingState>(State);
	}

	inline LsmLodLevel ToLsm(ELsmLodLevel Lod)
	{
		return static_cast<LsmLodLevel>(Lod);
	}

	inline LsmPriority ToLsm(ELsmPriority Priority)
	{
		return static_cast<LsmPriority>(Priority);
	}

	// Values a newer library may add map to a safe neighbour (states: Unloaded; LODs and
	// memory states: the most conservative; statuses: InvalidArgument), never to garbage.

	inline ELsmStreamingState FromLsm(LsmStreamingState State)
	{
		return State <= LSM_STREAMING_STATE_HIDDEN ? static_cast<ELsmStreamingState>(State) : ELsmStreamingState::Unloaded;
	}

	inline ELsmRequestKind FromLsm(LsmRequestKind Kind)
	{
		return Kind <= LSM_REQUEST_KIND_SET_LOD ? static_cast<ELsmRequestKind>(Kind) : ELsmRequestKind::Load;
	}

	inline ELsmMemoryState FromLsm(LsmMemoryState State)
	{
		return State <= LSM_MEMORY_STATE_CRITICAL ? static_cast<ELsmMemoryState>(State) : ELsmMemoryState::Critical;
	}

	inline ELsmLodLevel FromLsm(LsmLodLevel Lod)
	{
		return Lod <= LSM_LOD_LEVEL_MINIMAL ? static_cast<ELsmLodLevel>(Lod) : ELsmLodLevel::Minimal;
	}

	inline ELsmPriority FromLsm(LsmPriority Priority)
	{
		return (Priority >= LSM_PRIORITY_CRITICAL && Priority <= LSM_PRIORITY_BACKGROUND) ? static_cast<ELsmPriority>(Priority) : ELsmPriority::Normal;
	}

	inline ELsmStatus FromLsm(LsmStatus Status)
	{
		return (Status <= LSM_STATUS_IO_ERROR || Status == LSM_STATUS_PANIC) ? static_cast<ELsmStatus>(Status) : ELsmStatus::InvalidArgument;
	}

	/** UTF-8 from the library (std::string) to FString, length-aware. */
	inline FString ToFString(const std::string& Utf8)
	{
		const FUTF8ToTCHAR Converted(Utf8.data(), static_cast<int32>(Utf8.size()));
		return FString(Converted.Length(), Converted.Get());
	}

	inline FString ToFString(const char* Utf8)
	{
		return Utf8 != nullptr ? FString(UTF8_TO_TCHAR(Utf8)) : FString();
	}

	/**
	 * FString to a NUL-terminated UTF-8 std::string the library can take. Built once
	 * per call site; do not keep the pointer of a temporary FTCHARToUTF8 beyond the
	 * full expression.
	 */
	inline std::string ToUtf8(const FString& Text)
	{
		const FTCHARToUTF8 Converted(*Text);
		return std::string(Converted.Get(), static_cast<size_t>(Converted.Length()));
	}

	inline FLsmMemoryStatus FromLsm(const LsmMemoryStatus& Status)
	{
		FLsmMemoryStatus Out;
		Out.UsedMemoryMb = Status.used_memory_mb;
		Out.TotalMemoryMb = Status.total_memory_mb;
		Out.UsageFraction = Status.usage_fraction;
		Out.UnbudgetedMemoryMb = Status.unbudgeted_memory_mb;
		Out.WorstState = FromLsm(Status.worst_state);
		Out.BudgetCount = static_cast<int32>(Status.budget_count);
		return Out;
	}

	inline FLsmBudgetStatus FromLsm(const LsmBudgetStatus& Status, const FString& Name)
	{
		FLsmBudgetStatus Out;
		Out.Name = Name;
		Out.MaxMemoryMb = Status.max_memory_mb;
		Out.CurrentUsageMb = Status.current_usage_mb;
		Out.AllocatedMemoryMb = Status.allocated_memory_mb;
		Out.UsageFraction = Status.usage_fraction;
		Out.WarningThreshold = Status.warning_threshold;
		Out.CriticalThreshold = Status.critical_threshold;
		Out.State = FromLsm(Status.state);
		Out.Priority = FromLsm(Status.priority);
		Out.LevelCount = static_cast<int32>(Status.level_count);
		Out.bEvicting = Status.evicting;
		return Out;
	}

	inline FLsmLodQuality FromLsm(const LsmLodQuality& Quality)
	{
		FLsmLodQuality Out;
		Out.TextureQuality = Quality.texture_quality;
		Out.MeshQuality = Quality.mesh_quality;
		Out.DrawDistance = Quality.draw_distance;
		Out.ShadowQuality = Quality.shadow_quality;
		return Out;
	}
} // namespace LsmConversions
