// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "LevelStreamingCore.h"
#include "LsmTypes.h"
#include "Subsystems/WorldSubsystem.h"

#include "LevelStreamingManagerSubsystem.generated.h"

class APlayerController;
class ULevel;
class ULevelStreaming;
class ULsmLevelStreamingListener;
class ULsmStreamingSourceComponent;
class ULsmStreamingVolumeComponent;

DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FLsmOnLevelStateChanged, const FString&, LevelName, ELsmStreamingState, OldState, ELsmStreamingState, NewState);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_FourParams(FLsmOnMemoryStateChanged, const FString&, BudgetName, ELsmMemoryState, OldState, ELsmMemoryState, NewState, float, UsageFraction);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FLsmOnPerformanceWarning, float, FrameTimeMs, float, TargetFrameTimeMs, int32, ConsecutiveFrames);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(FLsmOnPerformanceRecovered, float, TargetFrameTimeMs, int32, ConsecutiveFrames);
DECLARE_DYNAMIC_MULTICAST_DELEGATE(FLsmOnStreamingComplete);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FLsmOnLevelLoadFailed, const FString&, LevelName, int32, Attempts, bool, bWillRetry);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FLsmOnLevelLodChanged, const FString&, LevelName, ELsmLodLevel, OldLod, ELsmLodLevel, NewLod);
DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(FLsmOnApplyLod, const FString&, LevelName, ELsmLodLevel, Lod, const FLsmLodQuality&, Quality);

/**
 * Native hook that applies a SET_LOD request to a visible level (for example a LOD bias,
 * HLOD or Nanite settings of your own). Return false if it could not be applied: the
 * request is completed as failed and the library reports it (REQUEST_FAILED). Called on
 * the game thread while the subsystem applies requests: it must not call back into the
 * subsystem (OnApplyLod, broadcast later in the tick, may).
 */
DECLARE_DELEGATE_RetVal_ThreeParams(bool, FLsmApplyLodHook, ULevelStreaming* /*StreamingLevel*/, ELsmLodLevel /*Lod*/, const FLsmLodQuality& /*Quality*/);

/** The subsystem's bookkeeping for one level the library knows (by level id). */
USTRUCT()
struct FLsmTrackedLevel
{
	GENERATED_BODY()

	/** The streaming level the requests are applied to (a sublevel or a level instance we created). */
	UPROPERTY(Transient)
	TObjectPtr<ULevelStreaming> Streaming = nullptr;

	/** Receives OnLevelLoaded/Shown/Hidden/Unloaded of Streaming. */
	UPROPERTY(Transient)
	TObjectPtr<ULsmLevelStreamingListener> Listener = nullptr;

	/** The level's long package name (the library's level name). */
	FString PackageName;

	/** The state request being carried out (the library issues at most one per level). */
	uint64 OutstandingRequestId = 0;
	ELsmRequestKind OutstandingKind = ELsmRequestKind::Load;
	bool bHasOutstandingRequest = false;

	/** LOD carried by the MAKE_VISIBLE request, applied once the level is shown. */
	ELsmLodLevel LodWhenShown = ELsmLodLevel::Ultra;

	/** Whether Streaming is a ULevelStreamingDynamic instance this subsystem created. */
	bool bCreatedInstance = false;
};

/**
 * Owns the Level Streaming Manager of one world and drives Unreal's level streaming with it.
 *
 * Why a world subsystem (and not an engine subsystem owning one manager with a world
 * subsystem ticking): everything the manager decides about lives in one UWorld - its
 * ULevelStreaming objects, its player cameras, the volumes placed in its levels - and
 * Play-In-Editor runs several game worlds side by side (one per client). One manager per
 * world keeps each world's state machine consistent with that world's levels, dies with
 * the world (no stale requests after a map change), and needs no world-to-manager map.
 * The library itself is stateless between managers, so nothing is lost by not sharing one.
 *
 * Every tick (game thread, also while paused): gather sources (each local player's camera
 * location and velocity, plus ULsmStreamingSourceComponents), lsm_update, take the
 * requests and apply them to ULevelStreaming (SetShouldBeLoaded / SetShouldBeVisible),
 * feed RecordFrame, and drain events into the Blueprint delegates. Requests are completed
 * from ULevelStreaming's OnLevelLoaded/OnLevelShown/OnLevelHidden/OnLevelUnloaded.
 *
 * Threading: every UFUNCTION and every native method is game-thread only, like the
 * manager itself; events are polled, never delivered from another thread.
 */
UCLASS()
class LEVELSTREAMINGMANAGER_API ULevelStreamingManagerSubsystem : public UTickableWorldSubsystem
{
	GENERATED_BODY()

public:
	ULevelStreamingManagerSubsystem();

	//~ Begin USubsystem Interface
	virtual bool ShouldCreateSubsystem(UObject* Outer) const override;
	virtual void Initialize(FSubsystemCollectionBase& Collection) override;
	virtual void Deinitialize() override;
	//~ End USubsystem Interface

	//~ Begin UWorldSubsystem Interface
	virtual void OnWorldBeginPlay(UWorld& InWorld) override;
	//~ End UWorldSubsystem Interface

	//~ Begin FTickableGameObject Interface
	virtual void Tick(float DeltaTime) override;
	virtual TStatId GetStatId() const override;
	virtual bool IsTickableWhenPaused() const override;
	//~ End FTickableGameObject Interface

protected:
	//~ Begin UWorldSubsystem Interface
	virtual bool DoesSupportWorldType(const EWorldType::Type WorldType) const override;
	//~ End UWorldSubsystem Interface

public:

	// ----- Levels -----

	/**
	 * Registers a level (its long package name, e.g. /Game/Maps/Forest) with its memory
	 * estimate and priority. Volumes register their level themselves; registering twice
	 * keeps the first registration and returns true.
	 */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming", meta = (AdvancedDisplay = "EstimatedMemoryMb,Priority"))
	bool RegisterLevel(const FString& LevelName, float EstimatedMemoryMb = 0.f, ELsmPriority Priority = ELsmPriority::Normal);

	/** Loads a level and keeps it loaded (and shown) until UnloadLevel, whatever the volumes say. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	bool LoadLevel(const FString& LevelName);

	/** Releases LoadLevel's pin: the level unloads unless a streaming volume still wants it. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	bool UnloadLevel(const FString& LevelName);

	/** Hides or shows a loaded level by hand, keeping it in memory. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	bool SetLevelVisible(const FString& LevelName, bool bVisible);

	/** The level's state; Unloaded for a level the manager does not know (see GetLastStatus). */
	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	ELsmStreamingState GetLevelState(const FString& LevelName) const;

	/** Every level the manager knows, with its state and LOD. */
	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	TArray<FLsmLevelInfo> GetLevels() const;

	// ----- LOD -----

	/** Sets a level's LOD by hand (auto-adjust off for it). A visible level gets a SET_LOD request: OnApplyLod. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|LOD", meta = (DisplayName = "Set LOD"))
	bool SetLOD(const FString& LevelName, ELsmLodLevel Lod);

	/** Lets the library choose the level's LOD again from distance, free memory and frame time. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|LOD", meta = (DisplayName = "Set LOD Auto Adjust"))
	bool SetLODAutoAdjust(const FString& LevelName, bool bAutoAdjust);

	UFUNCTION(BlueprintPure, Category = "Level Streaming|LOD", meta = (DisplayName = "Get LOD"))
	ELsmLodLevel GetLOD(const FString& LevelName) const;

	// ----- Memory -----

	UFUNCTION(BlueprintPure, Category = "Level Streaming|Memory")
	FLsmMemoryStatus GetMemoryStatus() const;

	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Memory")
	bool GetBudgetStatus(const FString& BudgetName, FLsmBudgetStatus& OutStatus) const;

	UFUNCTION(BlueprintPure, Category = "Level Streaming|Memory")
	TArray<FLsmBudgetStatus> GetAllBudgets() const;

	/** Creates a memory budget (the project settings create theirs at start-up). */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Memory")
	bool CreateMemoryBudget(const FString& BudgetName, float MaxMemoryMb, ELsmPriority Priority = ELsmPriority::Normal, float WarningThreshold = 0.8f, float CriticalThreshold = 0.95f);

	/** Puts a level in a budget with its size; released levels of a budget stay cached until it needs room. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Memory")
	bool AllocateLevelToBudget(const FString& BudgetName, const FString& LevelName, float MemoryMb);

	// ----- Performance -----

	/**
	 * Records one frame. The subsystem already does this every tick when the project
	 * setting "Record Frames" is on; call it yourself only with that setting off.
	 */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Performance")
	bool RecordFrame(float FrameTimeMs, float MemoryMb, int32 DrawCalls, int64 Triangles);

	/** The performance report as JSON (metrics, memory, budgets, levels, occlusion). Empty on failure. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Performance")
	FString GetPerformanceReport() const;

	// ----- Volumes -----

	/** Adds a streaming volume by code (ULsmStreamingVolumeComponent does this for placed volumes). */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Volumes", meta = (AdvancedDisplay = "UnloadDistance,Priority"))
	bool AddStreamingVolume(const FString& VolumeName, const FString& LevelName, FVector Center, float Radius, float LoadDistance, float UnloadDistance = 0.f, ELsmPriority Priority = ELsmPriority::Normal);

	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Volumes")
	bool RemoveStreamingVolume(const FString& VolumeName);

	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Volumes")
	bool SetStreamingVolumeEnabled(const FString& VolumeName, bool bEnabled);

	UFUNCTION(BlueprintPure, Category = "Level Streaming|Volumes")
	int32 GetStreamingVolumeCount() const;

	// ----- Dashboard -----

	/** Starts the embedded web dashboard on 127.0.0.1:Port (0 = any free port); logs the URL to open. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Dashboard")
	bool StartDashboard(int32 Port);

	/** Stops the dashboard; false if none was running. */
	UFUNCTION(BlueprintCallable, Category = "Level Streaming|Dashboard")
	bool StopDashboard();

	UFUNCTION(BlueprintPure, Category = "Level Streaming|Dashboard")
	bool IsDashboardRunning() const;

	/** The URL to open in a browser, with its session token (empty when no dashboard runs). */
	UFUNCTION(BlueprintPure, Category = "Level Streaming|Dashboard")
	FString GetDashboardUrl() const;

	// ----- Errors -----

	/** Status of the last failed call made through this subsystem (Ok if none failed). */
	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	ELsmStatus GetLastStatus() const;

	/** The library's message for GetLastStatus. */
	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	FString GetLastErrorMessage() const;

	// ----- Events (broadcast on the game thread, from Tick) -----

	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnLevelStateChanged OnLevelStateChanged;

	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnMemoryStateChanged OnMemoryStateChanged;

	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnPerformanceWarning OnPerformanceWarning;

	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnPerformanceRecovered OnPerformanceRecovered;

	/** Every wanted level is active. */
	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnStreamingComplete OnStreamingComplete;

	/** A load failed; bWillRetry is false on the final report. */
	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnLevelLoadFailed OnLevelLoadFailed;

	/** The library chose a new LOD for a level (visible or not). */
	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnLevelLodChanged OnLevelLodChanged;

	/** A visible level must now be shown at this LOD (a SET_LOD request, or a level just shown). */
	UPROPERTY(BlueprintAssignable, Category = "Level Streaming|Events")
	FLsmOnApplyLod OnApplyLod;

	/** C++ hook for SET_LOD requests; see FLsmApplyLodHook. */
	FLsmApplyLodHook ApplyLodHook;

	// ----- Native API (game thread) -----

	/** Whether the native manager exists (false if the library could not be loaded). */
	bool HasManager() const;

	/** The engine-free manager, for lsm_ features the UFUNCTIONs do not cover. Game thread only. */
	LevelStreamingCore::FManager& GetNativeManager();

	void RegisterSourceComponent(ULsmStreamingSourceComponent* Component);
	void UnregisterSourceComponent(ULsmStreamingSourceComponent* Component);

	/** Creates the component's volume (and registers its level). */
	bool RegisterVolumeComponent(ULsmStreamingVolumeComponent* Component);
	void UnregisterVolumeComponent(ULsmStreamingVolumeComponent* Component);
	/** Pushes the component's current centre, distances and enabled flag to its volume. */
	void UpdateVolumeComponent(ULsmStreamingVolumeComponent* Component);

	/** Multi-line description of levels, volumes, memory and requests (lsm.Dump). */
	FString DescribeState() const;

private:
	friend class ULsmLevelStreamingListener;

	/** What a ULevelStreaming reported through one of its delegates. */
	enum class EHostEvent : uint8
	{
		Loaded,
		Unloaded,
		Shown,
		Hidden,
	};

	/** Called by ULsmLevelStreamingListener. */
	void HandleStreamingLevelEvent(uint32 LevelId, EHostEvent Event);

	void CreateBudgetsFromSettings();
	void GatherSources(float DeltaSeconds);
	void ApplyPendingRequests();
	void ApplyRequest(const LsmRequest& Request);
	bool ApplyLod(FLsmTrackedLevel& Tracked, ELsmLodLevel Lod);
	void PollStreamingLevels();
	void TryCompleteFromStreamingState(FLsmTrackedLevel& Tracked);
	void CompleteOutstanding(FLsmTrackedLevel& Tracked, bool bSuccess);
	void DrainEvents();
	void BroadcastEvent(const LsmEvent& Event);
	void RecordFrameFromEngine();
	ULevelStreaming* FindOrCreateStreamingLevel(uint32 LevelId, FLsmTrackedLevel& Tracked, bool& bOutCreated);
	FLsmTrackedLevel& TrackLevel(uint32 LevelId);
	FString GetLevelName(uint32 LevelId) const;
	FString GetBudgetName(uint32 BudgetId) const;

	/** Logs a failed call and remembers it for GetLastStatus; returns Result.IsOk(). */
	bool CheckResult(const LevelStreamingCore::FResult& Result, const TCHAR* Context) const;
	template <typename T>
	bool CheckResult(const LevelStreamingCore::TResult<T>& Result, const TCHAR* Context) const;
	void RememberError(const LevelStreamingCore::FCallError& Error, const TCHAR* Context) const;

	/** The native manager; empty until Initialize, reset in Deinitialize. */
	LevelStreamingCore::FManager Manager;

	/** Per level id. */
	UPROPERTY(Transient)
	TMap<uint32, FLsmTrackedLevel> TrackedLevels;

	TArray<TWeakObjectPtr<ULsmStreamingSourceComponent>> SourceComponents;
	TMap<TWeakObjectPtr<ULsmStreamingVolumeComponent>, uint32> VolumeComponents;
	TMap<TWeakObjectPtr<APlayerController>, FVector> LastCameraLocations;

	/** An OnApplyLod broadcast waiting for the end of the tick. */
	struct FPendingLodBroadcast
	{
		FString LevelName;
		ELsmLodLevel Lod = ELsmLodLevel::Ultra;
		FLsmLodQuality Quality;
	};
	TArray<FPendingLodBroadcast> PendingLodBroadcasts;

	/** Per-tick scratch storage, reused so that a steady-state tick does not allocate. */
	TArray<LsmStreamingSource> SourceScratch;
	std::vector<LsmRequest> RequestScratch;
	std::vector<LsmEvent> EventScratch;

	/** Level names by id (names never change; ids are dense). */
	mutable TArray<FString> LevelNameCache;

	mutable ELsmStatus LastStatus = ELsmStatus::Ok;
	mutable FString LastErrorMessage;
	bool bDashboardRunning = false;
	bool bLogRequests = false;
	bool bRecordFrames = true;
	bool bApplyLodDrawDistance = false;
	bool bUsePlayerCameras = true;
	ELsmPriority PlayerCameraPriority = ELsmPriority::High;
	double MaxSourceSpeed = 100000.0;
	double SourceLookAheadSeconds = 0.0;
};
