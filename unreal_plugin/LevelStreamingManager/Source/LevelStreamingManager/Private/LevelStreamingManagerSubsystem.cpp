// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LevelStreamingManagerSubsystem.h"

#include "Components/PrimitiveComponent.h"
#include "Engine/Level.h"
#include "Engine/LevelStreaming.h"
#include "Engine/LevelStreamingDynamic.h"
#include "Engine/World.h"
#include "GameFramework/Actor.h"
#include "GameFramework/PlayerController.h"
#include "HAL/PlatformMemory.h"
#include "LevelStreamingManagerLog.h"
#include "LevelStreamingManagerModule.h"
#include "LevelStreamingManagerSettings.h"
#include "LsmConversions.h"
#include "LsmLevelStreamingListener.h"
#include "LsmStreamingSourceComponent.h"
#include "LsmStreamingVolumeComponent.h"
#include "Misc/App.h"
#include "Misc/StringBuilder.h"
#include "RHIStats.h"
#include "Stats/Stats.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LevelStreamingManagerSubsystem)

namespace LevelStreamingManagerSubsystemPrivate
{
	/** Builds the library configuration from the project settings. */
	LsmConfig MakeConfig(const ULevelStreamingManagerSettings& Settings)
	{
		LsmConfig Config = LevelStreamingCore::FManager::DefaultConfig();
		Config.max_loads_in_flight = static_cast<uint32_t>(FMath::Max(Settings.MaxLoadsInFlight, 0));
		Config.min_seconds_between_unloads = Settings.MinSecondsBetweenUnloads;
		Config.max_load_retries = static_cast<uint32_t>(FMath::Max(Settings.MaxLoadRetries, 0));
		Config.retry_backoff_seconds = Settings.RetryBackoffSeconds;
		Config.retry_backoff_max_seconds = Settings.RetryBackoffMaxSeconds;
		Config.unload_distance_factor = Settings.UnloadDistanceFactor;
		Config.event_queue_capacity = static_cast<uint32_t>(FMath::Max(Settings.EventQueueCapacity, 1));
		Config.target_frame_time_ms = Settings.TargetFrameTimeMs;
		Config.profiler_window_size = static_cast<uint32_t>(FMath::Max(Settings.ProfilerWindowSize, 1));
		Config.performance_warning_frames = static_cast<uint32_t>(FMath::Max(Settings.PerformanceWarningFrames, 1));
		Config.performance_recovery_frames = static_cast<uint32_t>(FMath::Max(Settings.PerformanceRecoveryFrames, 1));
		return Config;
	}

	/** Default SET_LOD application: every primitive of the level gets the LOD's draw distance as cull distance. */
	void ApplyDrawDistance(ULevel* Level, double DrawDistance)
	{
		if (Level == nullptr)
		{
			return;
		}
		for (AActor* Actor : Level->Actors)
		{
			if (Actor == nullptr)
			{
				continue;
			}
			TInlineComponentArray<UPrimitiveComponent*> Primitives(Actor);
			for (UPrimitiveComponent* Primitive : Primitives)
			{
				Primitive->SetCullDistance(static_cast<float>(DrawDistance));
			}
		}
	}
} // namespace LevelStreamingManagerSubsystemPrivate

ULevelStreamingManagerSubsystem::ULevelStreamingManagerSubsystem()
{
}

bool ULevelStreamingManagerSubsystem::ShouldCreateSubsystem(UObject* Outer) const
{
	if (!Super::ShouldCreateSubsystem(Outer))
	{
		return false;
	}
	const ULevelStreamingManagerSettings* Settings = GetDefault<ULevelStreamingManagerSettings>();
	if (!Settings->bEnabled)
	{
		return false;
	}
	// On Windows the library is delay-loaded: without it every lsm_ call would fault.
	return FLevelStreamingManagerModule::IsAvailable() && FLevelStreamingManagerModule::Get().IsNativeLibraryLoaded();
}

bool ULevelStreamingManagerSubsystem::DoesSupportWorldType(const EWorldType::Type WorldType) const
{
	// Streaming decisions only make sense where the game runs: not in editor or preview worlds.
	return WorldType == EWorldType::Game || WorldType == EWorldType::PIE;
}

void ULevelStreamingManagerSubsystem::Initialize(FSubsystemCollectionBase& Collection)
{
	Super::Initialize(Collection);
	check(IsInGameThread());

	const ULevelStreamingManagerSettings* Settings = GetDefault<ULevelStreamingManagerSettings>();
	bLogRequests = Settings->bLogRequests;
	bRecordFrames = Settings->bRecordFrames;
	bApplyLodDrawDistance = Settings->bApplyLodDrawDistance;
	bUsePlayerCameras = Settings->bUsePlayerCameras;
	PlayerCameraPriority = Settings->PlayerCameraPriority;
	MaxSourceSpeed = Settings->MaxSourceSpeed;
	SourceLookAheadSeconds = Settings->SourceLookAheadSeconds;

	LevelStreamingCore::TResult<LevelStreamingCore::FManager> Created = LevelStreamingCore::FManager::Create(LevelStreamingManagerSubsystemPrivate::MakeConfig(*Settings));
	if (!CheckResult(Created, TEXT("Initialize")))
	{
		UE_LOG(LogLevelStreamingManager, Error, TEXT("No level streaming for world %s: the manager could not be created (check the project settings)."), *GetNameSafe(GetWorld()));
		return;
	}
	Manager = Created.StealValue();

	RequestScratch.reserve(64);
	EventScratch.reserve(64);
	CreateBudgetsFromSettings();

	UE_LOG(LogLevelStreamingManager, Log, TEXT("Level Streaming Manager %s started for world %s."), *LsmConversions::ToFString(LevelStreamingCore::FManager::LibraryVersion()), *GetNameSafe(GetWorld()));
}

void ULevelStreamingManagerSubsystem::OnWorldBeginPlay(UWorld& InWorld)
{
	Super::OnWorldBeginPlay(InWorld);
	const ULevelStreamingManagerSettings* Settings = GetDefault<ULevelStreamingManagerSettings>();
	if (Settings->bStartDashboard && HasManager())
	{
		StartDashboard(Settings->DashboardPort);
	}
}

void ULevelStreamingManagerSubsystem::Deinitialize()
{
	check(IsInGameThread());
	if (bDashboardRunning)
	{
		StopDashboard();
	}
	for (TPair<uint32, FLsmTrackedLevel>& Pair : TrackedLevels)
	{
		if (Pair.Value.Listener != nullptr)
		{
			Pair.Value.Listener->Unbind();
		}
	}
	// The world is going away with its levels: outstanding requests die with the manager.
	TrackedLevels.Empty();
	SourceComponents.Empty();
	VolumeComponents.Empty();
	LastCameraLocations.Empty();
	Manager.Reset();
	Super::Deinitialize();
}

TStatId ULevelStreamingManagerSubsystem::GetStatId() const
{
	RETURN_QUICK_DECLARE_CYCLE_STAT(ULevelStreamingManagerSubsystem, STATGROUP_Tickables);
}

bool ULevelStreamingManagerSubsystem::IsTickableWhenPaused() const
{
	// A paused game (menus, photo mode, loading screens) still streams around its cameras.
	// IsInitialized: UTickableWorldSubsystem::Tick asserts it when ticking while paused.
	return IsInitialized();
}

void ULevelStreamingManagerSubsystem::Tick(float DeltaTime)
{
	Super::Tick(DeltaTime);
	if (!HasManager())
	{
		return;
	}
	check(IsInGameThread());

	// Requests whose delegate never fired (failed loads, levels removed under us).
	PollStreamingLevels();

	GatherSources(DeltaTime);
	// Game time (dilated, the tick's delta) drives the manager's clock: retry backoff and
	// unload spacing follow the world. RecordFrame below measures real frame time.
	CheckResult(Manager.Update(SourceScratch.GetData(), static_cast<size_t>(SourceScratch.Num()), FMath::Max(static_cast<double>(DeltaTime), 0.0)), TEXT("Update"));

	ApplyPendingRequests();

	if (bRecordFrames)
	{
		RecordFrameFromEngine();
	}

	DrainEvents();
}

// ----- Sources -------------------------------------------------------------------------

void ULevelStreamingManagerSubsystem::GatherSources(float DeltaSeconds)
{
	SourceScratch.Reset();
	UWorld* World = GetWorld();
	if (World == nullptr)
	{
		return;
	}

	if (bUsePlayerCameras)
	{
		for (FConstPlayerControllerIterator It = World->GetPlayerControllerIterator(); It; ++It)
		{
			APlayerController* PlayerController = It->Get();
			if (PlayerController == nullptr || !PlayerController->IsLocalController())
			{
				continue;
			}
			FVector Location = FVector::ZeroVector;
			FRotator Rotation = FRotator::ZeroRotator;
			PlayerController->GetPlayerViewPoint(Location, Rotation);

			// Camera velocity from its movement since the last tick; a jump faster than
			// MaxSourceSpeed is a teleport (respawn, cut), not a velocity.
			FVector Velocity = FVector::ZeroVector;
			if (const FVector* Previous = LastCameraLocations.Find(PlayerController))
			{
				if (DeltaSeconds > UE_KINDA_SMALL_NUMBER)
				{
					Velocity = (Location - *Previous) / DeltaSeconds;
					if (Velocity.SizeSquared() > FMath::Square(MaxSourceSpeed))
					{
						Velocity = FVector::ZeroVector;
					}
				}
			}
			LastCameraLocations.Add(PlayerController, Location);

			LsmStreamingSource Source = LevelStreamingCore::MakeSource(LsmConversions::ToLsm(Location), LsmConversions::ToLsm(Velocity), LsmConversions::ToLsm(PlayerCameraPriority));
			Source.look_ahead_seconds = SourceLookAheadSeconds;
			SourceScratch.Add(Source);
		}
		for (auto It = LastCameraLocations.CreateIterator(); It; ++It)
		{
			if (!It.Key().IsValid())
			{
				It.RemoveCurrent();
			}
		}
	}

	for (int32 Index = SourceComponents.Num() - 1; Index >= 0; --Index)
	{
		const ULsmStreamingSourceComponent* Component = SourceComponents[Index].Get();
		if (Component == nullptr)
		{
			SourceComponents.RemoveAtSwap(Index);
			continue;
		}
		if (!Component->IsStreamingSourceEnabled())
		{
			continue;
		}
		LsmStreamingSource Source = LevelStreamingCore::MakeSource(LsmConversions::ToLsm(Component->GetComponentLocation()), LsmConversions::ToLsm(Component->GetComponentVelocity()), LsmConversions::ToLsm(Component->Priority));
		Source.look_ahead_seconds = Component->LookAheadSeconds >= 0.f ? static_cast<double>(Component->LookAheadSeconds) : SourceLookAheadSeconds;
		SourceScratch.Add(Source);
	}
}

void ULevelStreamingManagerSubsystem::RegisterSourceComponent(ULsmStreamingSourceComponent* Component)
{
	check(IsInGameThread());
	if (Component != nullptr)
	{
		SourceComponents.AddUnique(Component);
	}
}

void ULevelStreamingManagerSubsystem::UnregisterSourceComponent(ULsmStreamingSourceComponent* Component)
{
	check(IsInGameThread());
	SourceComponents.RemoveSwap(Component);
}

// ----- Requests ------------------------------------------------------------------------

void ULevelStreamingManagerSubsystem::ApplyPendingRequests()
{
	RequestScratch.clear();
	if (!CheckResult(Manager.TakeAllRequests(RequestScratch), TEXT("TakeRequests")))
	{
		return;
	}
	// Nothing called from here broadcasts to Blueprint (OnApplyLod is queued), so no
	// handler can re-enter while RequestScratch and TrackedLevels are in use.
	for (const LsmRequest& Request : RequestScratch)
	{
		ApplyRequest(Request);
	}
}

FLsmTrackedLevel& ULevelStreamingManagerSubsystem::TrackLevel(uint32 LevelId)
{
	FLsmTrackedLevel& Tracked = TrackedLevels.FindOrAdd(LevelId);
	if (Tracked.PackageName.IsEmpty())
	{
		Tracked.PackageName = GetLevelName(LevelId);
	}
	return Tracked;
}

ULevelStreaming* ULevelStreamingManagerSubsystem::FindOrCreateStreamingLevel(uint32 LevelId, FLsmTrackedLevel& Tracked, bool& bOutCreated)
{
	bOutCreated = false;
	if (Tracked.Streaming != nullptr)
	{
		return Tracked.Streaming;
	}
	UWorld* World = GetWorld();
	if (World == nullptr || Tracked.PackageName.IsEmpty())
	{
		return nullptr;
	}

	// 1. A sublevel of the persistent level (Levels window, streaming method "Blueprint").
	//    FindAndCacheLevelStreamingObject handles PIE package prefixes and short names.
	ULevelStreaming* Streaming = FStreamLevelAction::FindAndCacheLevelStreamingObject(FName(*Tracked.PackageName), World);
	if (Streaming != nullptr && !Streaming->IsA<ULevelStreamingDynamic>())
	{
		UE_LOG(LogLevelStreamingManager, Error, TEXT("%s is an always-loaded sublevel: set its streaming method to Blueprint so the manager can stream it."), *Tracked.PackageName);
		return nullptr;
	}

	// 2. Otherwise a level instance at the origin, created hidden (its LOAD is this creation).
	if (Streaming == nullptr)
	{
		ULevelStreamingDynamic::FLoadLevelInstanceParams Params(World, Tracked.PackageName, FTransform::Identity);
		Params.bInitiallyVisible = false;
		bool bSuccess = false;
		Streaming = ULevelStreamingDynamic::LoadLevelInstance(Params, bSuccess);
		if (!bSuccess || Streaming == nullptr)
		{
			UE_LOG(LogLevelStreamingManager, Warning, TEXT("Cannot stream %s: no such level package."), *Tracked.PackageName);
			return nullptr;
		}
		Tracked.bCreatedInstance = true;
		bOutCreated = true;
	}

	Tracked.Streaming = Streaming;
	if (Tracked.Listener == nullptr)
	{
		Tracked.Listener = NewObject<ULsmLevelStreamingListener>(this);
	}
	Tracked.Listener->Bind(this, Streaming, LevelId);
	return Streaming;
}

void ULevelStreamingManagerSubsystem::ApplyRequest(const LsmRequest& Request)
{
	FLsmTrackedLevel& Tracked = TrackLevel(Request.level_id);
	const ELsmRequestKind Kind = LsmConversions::FromLsm(Request.kind);
	UE_CLOG(bLogRequests, LogLevelStreamingManager, Log, TEXT("Request %llu: %s %s (priority %u, distance %.0f, LOD %s)"),
		static_cast<unsigned long long>(Request.id), *LsmConversions::ToFString(LevelStreamingCore::RequestKindToString(Request.kind)), *Tracked.PackageName,
		static_cast<uint32>(Request.priority), Request.distance, *LsmConversions::ToFString(LevelStreamingCore::LodToString(Request.lod)));

	if (Kind == ELsmRequestKind::SetLod)
	{
		// LOD requests ride alongside the state machine: applied and completed at once.
		const bool bApplied = ApplyLod(Tracked, LsmConversions::FromLsm(Request.lod));
		CheckResult(Manager.CompleteRequest(Request.id, bApplied), TEXT("CompleteRequest (SET_LOD)"));
		return;
	}

	if (Tracked.bHasOutstandingRequest)
	{
		// The library issues one state request per level at a time; a second one means the
		// host lost track. Fail the old one so the library stays consistent.
		UE_LOG(LogLevelStreamingManager, Warning, TEXT("%s: request %llu replaces unfinished request %llu."), *Tracked.PackageName,
			static_cast<unsigned long long>(Request.id), static_cast<unsigned long long>(Tracked.OutstandingRequestId));
		CompleteOutstanding(Tracked, false);
	}
	Tracked.OutstandingRequestId = Request.id;
	Tracked.OutstandingKind = Kind;
	Tracked.bHasOutstandingRequest = true;

	bool bCreated = false;
	ULevelStreaming* Streaming = FindOrCreateStreamingLevel(Request.level_id, Tracked, bCreated);
	if (Streaming == nullptr)
	{
		// Nothing to stream: only an unload or hide of nothing succeeds.
		CompleteOutstanding(Tracked, Kind == ELsmRequestKind::Unload || Kind == ELsmRequestKind::Hide);
		return;
	}

	switch (Kind)
	{
	case ELsmRequestKind::Load:
		Streaming->SetShouldBeVisible(false);
		Streaming->SetShouldBeLoaded(true);
		break;
	case ELsmRequestKind::MakeVisible:
		Tracked.LodWhenShown = LsmConversions::FromLsm(Request.lod);
		Streaming->SetShouldBeLoaded(true);
		Streaming->SetShouldBeVisible(true);
		break;
	case ELsmRequestKind::Hide:
		Streaming->SetShouldBeVisible(false);
		break;
	case ELsmRequestKind::Unload:
		// UNLOAD hides first if visible; the level streaming object is kept for the next load.
		Streaming->SetShouldBeVisible(false);
		Streaming->SetShouldBeLoaded(false);
		break;
	case ELsmRequestKind::SetLod:
		break;
	}

	// Already there (loaded by someone else, or a level instance that was reused): no delegate will fire.
	TryCompleteFromStreamingState(Tracked);
}

void ULevelStreamingManagerSubsystem::TryCompleteFromStreamingState(FLsmTrackedLevel& Tracked)
{
	if (!Tracked.bHasOutstandingRequest)
	{
		return;
	}
	const ULevelStreaming* Streaming = Tracked.Streaming;
	if (Streaming == nullptr)
	{
		CompleteOutstanding(Tracked, Tracked.OutstandingKind == ELsmRequestKind::Unload);
		return;
	}
	const ELevelStreamingState State = Streaming->GetLevelStreamingState();
	switch (Tracked.OutstandingKind)
	{
	case ELsmRequestKind::Load:
		if (State == ELevelStreamingState::FailedToLoad)
		{
			// Let a retry start from scratch.
			Tracked.Streaming->SetShouldBeLoaded(false);
			CompleteOutstanding(Tracked, false);
		}
		else if (State == ELevelStreamingState::LoadedNotVisible || State == ELevelStreamingState::LoadedVisible)
		{
			CompleteOutstanding(Tracked, true);
		}
		break;
	case ELsmRequestKind::MakeVisible:
		if (State == ELevelStreamingState::LoadedVisible)
		{
			ApplyLod(Tracked, Tracked.LodWhenShown);
			CompleteOutstanding(Tracked, true);
		}
		else if (State == ELevelStreamingState::FailedToLoad || State == ELevelStreamingState::Removed)
		{
			CompleteOutstanding(Tracked, false);
		}
		break;
	case ELsmRequestKind::Hide:
		if (State == ELevelStreamingState::LoadedNotVisible)
		{
			CompleteOutstanding(Tracked, true);
		}
		break;
	case ELsmRequestKind::Unload:
		if (State == ELevelStreamingState::Unloaded || State == ELevelStreamingState::Removed || State == ELevelStreamingState::FailedToLoad)
		{
			CompleteOutstanding(Tracked, true);
		}
		break;
	case ELsmRequestKind::SetLod:
		break;
	}
}

void ULevelStreamingManagerSubsystem::PollStreamingLevels()
{
	for (TPair<uint32, FLsmTrackedLevel>& Pair : TrackedLevels)
	{
		TryCompleteFromStreamingState(Pair.Value);
	}
}

void ULevelStreamingManagerSubsystem::HandleStreamingLevelEvent(uint32 LevelId, EHostEvent Event)
{
	check(IsInGameThread());
	FLsmTrackedLevel* Tracked = TrackedLevels.Find(LevelId);
	if (Tracked == nullptr || !Tracked->bHasOutstandingRequest || !HasManager())
	{
		// Someone else streamed the level (a Blueprint Load Stream Level, for instance):
		// the manager must be the only driver of the levels it manages.
		UE_CLOG(Tracked != nullptr, LogLevelStreamingManager, Verbose, TEXT("%s changed with no request outstanding."), *Tracked->PackageName);
		return;
	}
	bool bMatches = false;
	switch (Event)
	{
	case EHostEvent::Loaded:
		bMatches = Tracked->OutstandingKind == ELsmRequestKind::Load;
		break;
	case EHostEvent::Shown:
		bMatches = Tracked->OutstandingKind == ELsmRequestKind::MakeVisible;
		if (bMatches)
		{
			ApplyLod(*Tracked, Tracked->LodWhenShown);
		}
		break;
	case EHostEvent::Hidden:
		bMatches = Tracked->OutstandingKind == ELsmRequestKind::Hide;
		break;
	case EHostEvent::Unloaded:
		bMatches = Tracked->OutstandingKind == ELsmRequestKind::Unload;
		break;
	}
	if (bMatches)
	{
		CompleteOutstanding(*Tracked, true);
	}
}

void ULevelStreamingManagerSubsystem::CompleteOutstanding(FLsmTrackedLevel& Tracked, bool bSuccess)
{
	if (!Tracked.bHasOutstandingRequest)
	{
		return;
	}
	Tracked.bHasOutstandingRequest = false;
	UE_CLOG(bLogRequests, LogLevelStreamingManager, Log, TEXT("Request %llu (%s %s) completed: %s"), static_cast<unsigned long long>(Tracked.OutstandingRequestId),
		*UEnum::GetValueAsString(Tracked.OutstandingKind), *Tracked.PackageName, bSuccess ? TEXT("success") : TEXT("failure"));
	// Completing may issue the follow-up (LOAD -> MAKE_VISIBLE); it is applied next tick.
	CheckResult(Manager.CompleteRequest(Tracked.OutstandingRequestId, bSuccess), TEXT("CompleteRequest"));
}

bool ULevelStreamingManagerSubsystem::ApplyLod(FLsmTrackedLevel& Tracked, ELsmLodLevel Lod)
{
	const LevelStreamingCore::TResult<LsmLodQuality> Quality = LevelStreamingCore::FManager::LodQuality(LsmConversions::ToLsm(Lod));
	if (!CheckResult(Quality, TEXT("LodQuality")))
	{
		return false;
	}
	const FLsmLodQuality QualityValues = LsmConversions::FromLsm(Quality.GetValue());
	bool bApplied = true;
	if (ApplyLodHook.IsBound())
	{
		bApplied = ApplyLodHook.Execute(Tracked.Streaming, Lod, QualityValues);
	}
	else if (bApplyLodDrawDistance && Tracked.Streaming != nullptr)
	{
		LevelStreamingManagerSubsystemPrivate::ApplyDrawDistance(Tracked.Streaming->GetLoadedLevel(), QualityValues.DrawDistance);
	}
	// Broadcast after this tick's bookkeeping (DrainEvents): a Blueprint handler may call
	// back into the subsystem, which must not happen while requests are being applied.
	FPendingLodBroadcast& Pending = PendingLodBroadcasts.AddDefaulted_GetRef();
	Pending.LevelName = Tracked.PackageName;
	Pending.Lod = Lod;
	Pending.Quality = QualityValues;
	return bApplied;
}

// ----- Events --------------------------------------------------------------------------

void ULevelStreamingManagerSubsystem::DrainEvents()
{
	EventScratch.clear();
	if (!CheckResult(Manager.PollAllEvents(EventScratch), TEXT("PollEvents")))
	{
		return;
	}
	// Broadcast from copies: a Blueprint handler may call back into the subsystem.
	TArray<FPendingLodBroadcast> LodBroadcasts = MoveTemp(PendingLodBroadcasts);
	PendingLodBroadcasts.Reset();
	for (const FPendingLodBroadcast& Pending : LodBroadcasts)
	{
		OnApplyLod.Broadcast(Pending.LevelName, Pending.Lod, Pending.Quality);
	}
	for (const LsmEvent& Event : EventScratch)
	{
		if (!HasManager())
		{
			return; // a handler tore the world down
		}
		BroadcastEvent(Event);
	}
}

void ULevelStreamingManagerSubsystem::BroadcastEvent(const LsmEvent& Event)
{
	UE_CLOG(bLogRequests, LogLevelStreamingManager, Log, TEXT("Event %s (level %u)"), *LsmConversions::ToFString(LevelStreamingCore::EventKindToString(Event.kind)), Event.level_id);
	switch (Event.kind)
	{
	case LSM_EVENT_KIND_LEVEL_STATE_CHANGED:
		OnLevelStateChanged.Broadcast(GetLevelName(Event.level_id), LsmConversions::FromLsm(Event.old_state), LsmConversions::FromLsm(Event.new_state));
		break;
	case LSM_EVENT_KIND_LOAD_FAILED:
		UE_LOG(LogLevelStreamingManager, Warning, TEXT("Loading %s failed (attempt %u)%s"), *GetLevelName(Event.level_id), Event.attempts, Event.will_retry ? TEXT(", will retry") : TEXT(", giving up"));
		OnLevelLoadFailed.Broadcast(GetLevelName(Event.level_id), static_cast<int32>(Event.attempts), Event.will_retry);
		break;
	case LSM_EVENT_KIND_REQUEST_FAILED:
		UE_LOG(LogLevelStreamingManager, Warning, TEXT("%s request for %s failed (attempt %u)"), *LsmConversions::ToFString(LevelStreamingCore::RequestKindToString(Event.request_kind)), *GetLevelName(Event.level_id), Event.attempts);
		break;
	case LSM_EVENT_KIND_STREAMING_COMPLETE:
		OnStreamingComplete.Broadcast();
		break;
	case LSM_EVENT_KIND_MEMORY_STATE_CHANGED:
		OnMemoryStateChanged.Broadcast(GetBudgetName(Event.budget_id), LsmConversions::FromLsm(Event.old_memory_state), LsmConversions::FromLsm(Event.new_memory_state), static_cast<float>(Event.usage_fraction));
		break;
	case LSM_EVENT_KIND_LOAD_DEFERRED:
		UE_LOG(LogLevelStreamingManager, Log, TEXT("%s waits for memory: budget %s has %.1f MB left, it needs %.1f MB."), *GetLevelName(Event.level_id), *GetBudgetName(Event.budget_id), Event.available_mb, Event.needed_mb);
		break;
	case LSM_EVENT_KIND_LEVEL_EVICTED:
		UE_LOG(LogLevelStreamingManager, Log, TEXT("%s evicted from budget %s."), *GetLevelName(Event.level_id), *GetBudgetName(Event.budget_id));
		break;
	case LSM_EVENT_KIND_LOD_CHANGED:
		OnLevelLodChanged.Broadcast(GetLevelName(Event.level_id), LsmConversions::FromLsm(Event.old_lod), LsmConversions::FromLsm(Event.new_lod));
		break;
	case LSM_EVENT_KIND_PERFORMANCE_WARNING:
		OnPerformanceWarning.Broadcast(static_cast<float>(Event.frame_time_ms), static_cast<float>(Event.target_frame_time_ms), static_cast<int32>(Event.consecutive_frames));
		break;
	case LSM_EVENT_KIND_PERFORMANCE_RECOVERED:
		OnPerformanceRecovered.Broadcast(static_cast<float>(Event.target_frame_time_ms), static_cast<int32>(Event.consecutive_frames));
		break;
	case LSM_EVENT_KIND_SOURCE_TELEPORTED:
		UE_CLOG(bLogRequests, LogLevelStreamingManager, Log, TEXT("Source %u teleported %.0f units."), Event.source_index, Event.distance);
		break;
	default:
		// Loading screens, stream-around and per-source streaming states are not surfaced
		// to Blueprint yet; kinds added to the library later land here too.
		break;
	}
}

// ----- Frame statistics ----------------------------------------------------------------

void ULevelStreamingManagerSubsystem::RecordFrameFromEngine()
{
	// Real (undilated) frame time; process memory; the RHI's draw statistics of the last
	// rendered frame (documented as readable from any thread).
	const double FrameTimeMs = FApp::GetDeltaTime() * 1000.0;
	const double MemoryMb = static_cast<double>(FPlatformMemory::GetStats().UsedPhysical) / (1024.0 * 1024.0);
	const uint32 DrawCalls = static_cast<uint32>(FMath::Max(GNumDrawCallsRHI[0], 0));
	const uint64 Triangles = static_cast<uint64>(FMath::Max(GNumPrimitivesDrawnRHI[0], 0));
	CheckResult(Manager.RecordFrame(FrameTimeMs, MemoryMb, DrawCalls, Triangles), TEXT("RecordFrame"));
}

// ----- Names ---------------------------------------------------------------------------

FString ULevelStreamingManagerSubsystem::GetLevelName(uint32 LevelId) const
{
	if (LevelNameCache.IsValidIndex(static_cast<int32>(LevelId)) && !LevelNameCache[static_cast<int32>(LevelId)].IsEmpty())
	{
		return LevelNameCache[static_cast<int32>(LevelId)];
	}
	LevelStreamingCore::TResult<std::string> Name = Manager.LevelName(LevelId);
	if (!CheckResult(Name, TEXT("LevelName")))
	{
		return FString();
	}
	// The library knows the id, so it is below the level count: the cache stays dense.
	const FString Converted = LsmConversions::ToFString(Name.GetValue());
	if (LevelNameCache.Num() <= static_cast<int32>(LevelId))
	{
		LevelNameCache.SetNum(static_cast<int32>(LevelId) + 1);
	}
	LevelNameCache[static_cast<int32>(LevelId)] = Converted;
	return Converted;
}

FString ULevelStreamingManagerSubsystem::GetBudgetName(uint32 BudgetId) const
{
	if (BudgetId == LSM_INVALID_ID)
	{
		return FString();
	}
	// Budget ids are their indices (LsmBudgetStatus.budget_id).
	LevelStreamingCore::TResult<std::string> Name = Manager.BudgetName(BudgetId);
	return CheckResult(Name, TEXT("BudgetName")) ? LsmConversions::ToFString(Name.GetValue()) : FString();
}

// ----- Errors --------------------------------------------------------------------------

void ULevelStreamingManagerSubsystem::RememberError(const LevelStreamingCore::FCallError& Error, const TCHAR* Context) const
{
	LastStatus = LsmConversions::FromLsm(Error.Status);
	LastErrorMessage = LsmConversions::ToFString(Error.ToString());
	UE_LOG(LogLevelStreamingManager, Warning, TEXT("%s: %s"), Context, *LastErrorMessage);
}

bool ULevelStreamingManagerSubsystem::CheckResult(const LevelStreamingCore::FResult& Result, const TCHAR* Context) const
{
	if (Result.HasError())
	{
		RememberError(Result.GetError(), Context);
		return false;
	}
	return true;
}

template <typename T>
bool ULevelStreamingManagerSubsystem::CheckResult(const LevelStreamingCore::TResult<T>& Result, const TCHAR* Context) const
{
	if (Result.HasError())
	{
		RememberError(Result.GetError(), Context);
		return false;
	}
	return true;
}

ELsmStatus ULevelStreamingManagerSubsystem::GetLastStatus() const
{
	return LastStatus;
}

FString ULevelStreamingManagerSubsystem::GetLastErrorMessage() const
{
	return LastErrorMessage;
}

bool ULevelStreamingManagerSubsystem::HasManager() const
{
	return Manager.IsValid();
}

LevelStreamingCore::FManager& ULevelStreamingManagerSubsystem::GetNativeManager()
{
	check(IsInGameThread());
	return Manager;
}

// ----- Blueprint API: levels -----------------------------------------------------------

bool ULevelStreamingManagerSubsystem::RegisterLevel(const FString& LevelName, float EstimatedMemoryMb, ELsmPriority Priority)
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<uint32_t> Registered = Manager.RegisterLevel(LsmConversions::ToUtf8(LevelName), EstimatedMemoryMb, LsmConversions::ToLsm(Priority));
	if (Registered.GetStatus() == LSM_STATUS_DUPLICATE_NAME)
	{
		return true;
	}
	return CheckResult(Registered, TEXT("RegisterLevel"));
}

bool ULevelStreamingManagerSubsystem::LoadLevel(const FString& LevelName)
{
	check(IsInGameThread());
	// The library issues the load at once; the subsystem applies it at its next tick.
	return CheckResult(Manager.LoadLevel(LsmConversions::ToUtf8(LevelName)), TEXT("LoadLevel"));
}

bool ULevelStreamingManagerSubsystem::UnloadLevel(const FString& LevelName)
{
	check(IsInGameThread());
	return CheckResult(Manager.UnloadLevel(LsmConversions::ToUtf8(LevelName)), TEXT("UnloadLevel"));
}

bool ULevelStreamingManagerSubsystem::SetLevelVisible(const FString& LevelName, bool bVisible)
{
	check(IsInGameThread());
	return CheckResult(Manager.SetLevelVisible(LsmConversions::ToUtf8(LevelName), bVisible), TEXT("SetLevelVisible"));
}

ELsmStreamingState ULevelStreamingManagerSubsystem::GetLevelState(const FString& LevelName) const
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<LsmStreamingState> State = Manager.GetLevelState(LsmConversions::ToUtf8(LevelName));
	return CheckResult(State, TEXT("GetLevelState")) ? LsmConversions::FromLsm(State.GetValue()) : ELsmStreamingState::Unloaded;
}

TArray<FLsmLevelInfo> ULevelStreamingManagerSubsystem::GetLevels() const
{
	check(IsInGameThread());
	TArray<FLsmLevelInfo> Levels;
	const size_t Count = Manager.LevelCount();
	Levels.Reserve(static_cast<int32>(Count));
	for (uint32 LevelId = 0; LevelId < Count; ++LevelId)
	{
		FLsmLevelInfo& Info = Levels.AddDefaulted_GetRef();
		Info.Name = GetLevelName(LevelId);
		const LevelStreamingCore::TResult<LsmStreamingState> State = Manager.GetLevelStateById(LevelId);
		Info.State = CheckResult(State, TEXT("GetLevels")) ? LsmConversions::FromLsm(State.GetValue()) : ELsmStreamingState::Unloaded;
		const LevelStreamingCore::TResult<LsmLodLevel> Lod = Manager.GetLod(LsmConversions::ToUtf8(Info.Name));
		Info.Lod = CheckResult(Lod, TEXT("GetLevels")) ? LsmConversions::FromLsm(Lod.GetValue()) : ELsmLodLevel::Ultra;
		const FLsmTrackedLevel* Tracked = TrackedLevels.Find(LevelId);
		Info.bHasStreamingObject = Tracked != nullptr && Tracked->Streaming != nullptr;
	}
	return Levels;
}

// ----- Blueprint API: LOD --------------------------------------------------------------

bool ULevelStreamingManagerSubsystem::SetLOD(const FString& LevelName, ELsmLodLevel Lod)
{
	check(IsInGameThread());
	return CheckResult(Manager.SetLod(LsmConversions::ToUtf8(LevelName), LsmConversions::ToLsm(Lod)), TEXT("SetLOD"));
}

bool ULevelStreamingManagerSubsystem::SetLODAutoAdjust(const FString& LevelName, bool bAutoAdjust)
{
	check(IsInGameThread());
	return CheckResult(Manager.SetLodAutoAdjust(LsmConversions::ToUtf8(LevelName), bAutoAdjust), TEXT("SetLODAutoAdjust"));
}

ELsmLodLevel ULevelStreamingManagerSubsystem::GetLOD(const FString& LevelName) const
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<LsmLodLevel> Lod = Manager.GetLod(LsmConversions::ToUtf8(LevelName));
	return CheckResult(Lod, TEXT("GetLOD")) ? LsmConversions::FromLsm(Lod.GetValue()) : ELsmLodLevel::Ultra;
}

// ----- Blueprint API: memory -----------------------------------------------------------

FLsmMemoryStatus ULevelStreamingManagerSubsystem::GetMemoryStatus() const
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<LsmMemoryStatus> Status = Manager.GetMemoryStatus();
	return CheckResult(Status, TEXT("GetMemoryStatus")) ? LsmConversions::FromLsm(Status.GetValue()) : FLsmMemoryStatus();
}

bool ULevelStreamingManagerSubsystem::GetBudgetStatus(const FString& BudgetName, FLsmBudgetStatus& OutStatus) const
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<LsmBudgetStatus> Status = Manager.GetBudgetStatus(LsmConversions::ToUtf8(BudgetName));
	if (!CheckResult(Status, TEXT("GetBudgetStatus")))
	{
		return false;
	}
	OutStatus = LsmConversions::FromLsm(Status.GetValue(), BudgetName);
	return true;
}

TArray<FLsmBudgetStatus> ULevelStreamingManagerSubsystem::GetAllBudgets() const
{
	check(IsInGameThread());
	TArray<FLsmBudgetStatus> Budgets;
	std::vector<LevelStreamingCore::FBudgetInfo> Infos;
	if (CheckResult(Manager.GetAllBudgets(Infos), TEXT("GetAllBudgets")))
	{
		for (const LevelStreamingCore::FBudgetInfo& Info : Infos)
		{
			Budgets.Add(LsmConversions::FromLsm(Info.Status, LsmConversions::ToFString(Info.Name)));
		}
	}
	return Budgets;
}

bool ULevelStreamingManagerSubsystem::CreateMemoryBudget(const FString& BudgetName, float MaxMemoryMb, ELsmPriority Priority, float WarningThreshold, float CriticalThreshold)
{
	check(IsInGameThread());
	const std::string Name = LsmConversions::ToUtf8(BudgetName);
	return CheckResult(Manager.CreateMemoryBudget(Name, MaxMemoryMb, LsmConversions::ToLsm(Priority)), TEXT("CreateMemoryBudget"))
		&& CheckResult(Manager.SetBudgetThresholds(Name, WarningThreshold, CriticalThreshold), TEXT("CreateMemoryBudget"));
}

bool ULevelStreamingManagerSubsystem::AllocateLevelToBudget(const FString& BudgetName, const FString& LevelName, float MemoryMb)
{
	check(IsInGameThread());
	return CheckResult(Manager.AllocateLevelToBudget(LsmConversions::ToUtf8(BudgetName), LsmConversions::ToUtf8(LevelName), MemoryMb), TEXT("AllocateLevelToBudget"));
}

void ULevelStreamingManagerSubsystem::CreateBudgetsFromSettings()
{
	const ULevelStreamingManagerSettings* Settings = GetDefault<ULevelStreamingManagerSettings>();
	for (const FLsmBudgetSettings& Budget : Settings->MemoryBudgets)
	{
		if (Budget.Name.IsNone())
		{
			UE_LOG(LogLevelStreamingManager, Warning, TEXT("A memory budget in the project settings has no name; skipped."));
			continue;
		}
		CreateMemoryBudget(Budget.Name.ToString(), static_cast<float>(Budget.MaxMemoryMb), Budget.Priority, static_cast<float>(Budget.WarningThreshold), static_cast<float>(Budget.CriticalThreshold));
	}
}

// ----- Blueprint API: performance ------------------------------------------------------

bool ULevelStreamingManagerSubsystem::RecordFrame(float FrameTimeMs, float MemoryMb, int32 DrawCalls, int64 Triangles)
{
	check(IsInGameThread());
	return CheckResult(Manager.RecordFrame(FrameTimeMs, MemoryMb, static_cast<uint32>(FMath::Max(DrawCalls, 0)), static_cast<uint64>(FMath::Max<int64>(Triangles, 0))), TEXT("RecordFrame"));
}

FString ULevelStreamingManagerSubsystem::GetPerformanceReport() const
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<std::string> Report = Manager.GetPerformanceReport();
	return CheckResult(Report, TEXT("GetPerformanceReport")) ? LsmConversions::ToFString(Report.GetValue()) : FString();
}

// ----- Blueprint API: volumes ----------------------------------------------------------

bool ULevelStreamingManagerSubsystem::AddStreamingVolume(const FString& VolumeName, const FString& LevelName, FVector Center, float Radius, float LoadDistance, float UnloadDistance, ELsmPriority Priority)
{
	check(IsInGameThread());
	LevelStreamingCore::FVolumeDesc Desc;
	Desc.Name = LsmConversions::ToUtf8(VolumeName);
	Desc.LevelName = LsmConversions::ToUtf8(LevelName);
	Desc.Center = LsmConversions::ToLsm(Center);
	Desc.Radius = Radius;
	Desc.LoadDistance = LoadDistance;
	Desc.UnloadDistance = UnloadDistance;
	Desc.Priority = LsmConversions::ToLsm(Priority);
	Desc.bEnabled = true;
	return CheckResult(Manager.CreateStreamingVolume(Desc), TEXT("AddStreamingVolume"));
}

bool ULevelStreamingManagerSubsystem::RemoveStreamingVolume(const FString& VolumeName)
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<uint32_t> VolumeId = Manager.FindVolume(LsmConversions::ToUtf8(VolumeName));
	return CheckResult(VolumeId, TEXT("RemoveStreamingVolume")) && CheckResult(Manager.RemoveStreamingVolume(VolumeId.GetValue()), TEXT("RemoveStreamingVolume"));
}

bool ULevelStreamingManagerSubsystem::SetStreamingVolumeEnabled(const FString& VolumeName, bool bEnabled)
{
	check(IsInGameThread());
	const LevelStreamingCore::TResult<uint32_t> VolumeId = Manager.FindVolume(LsmConversions::ToUtf8(VolumeName));
	return CheckResult(VolumeId, TEXT("SetStreamingVolumeEnabled")) && CheckResult(Manager.SetVolumeEnabled(VolumeId.GetValue(), bEnabled), TEXT("SetStreamingVolumeEnabled"));
}

int32 ULevelStreamingManagerSubsystem::GetStreamingVolumeCount() const
{
	return static_cast<int32>(Manager.VolumeCount());
}

bool ULevelStreamingManagerSubsystem::RegisterVolumeComponent(ULsmStreamingVolumeComponent* Component)
{
	check(IsInGameThread());
	if (Component == nullptr || !HasManager())
	{
		return false;
	}
	const FString LevelName = Component->GetLevelPackageName();
	if (LevelName.IsEmpty())
	{
		UE_LOG(LogLevelStreamingManager, Warning, TEXT("%s has no level to stream."), *Component->GetPathName());
		return false;
	}
	if (!RegisterLevel(LevelName, Component->EstimatedMemoryMb, Component->Priority))
	{
		return false;
	}
	if (!Component->MemoryBudget.IsNone() && !AllocateLevelToBudget(Component->MemoryBudget.ToString(), LevelName, Component->EstimatedMemoryMb))
	{
		return false;
	}

	LevelStreamingCore::FVolumeDesc Desc;
	Desc.Name = LsmConversions::ToUtf8(Component->GetStreamingVolumeName());
	Desc.LevelName = LsmConversions::ToUtf8(LevelName);
	Desc.Center = LsmConversions::ToLsm(Component->GetComponentLocation());
	Desc.Radius = Component->Radius;
	Desc.LoadDistance = Component->LoadDistance;
	Desc.UnloadDistance = Component->UnloadDistance;
	Desc.Priority = LsmConversions::ToLsm(Component->Priority);
	Desc.bEnabled = Component->bStreamingEnabled;
	const LevelStreamingCore::TResult<uint32_t> VolumeId = Manager.CreateStreamingVolume(Desc);
	if (!CheckResult(VolumeId, TEXT("RegisterVolumeComponent")))
	{
		return false;
	}
	VolumeComponents.Add(Component, VolumeId.GetValue());
	return true;
}

void ULevelStreamingManagerSubsystem::UnregisterVolumeComponent(ULsmStreamingVolumeComponent* Component)
{
	check(IsInGameThread());
	uint32 VolumeId = 0;
	if (VolumeComponents.RemoveAndCopyValue(Component, VolumeId) && HasManager())
	{
		CheckResult(Manager.RemoveStreamingVolume(VolumeId), TEXT("UnregisterVolumeComponent"));
	}
}

void ULevelStreamingManagerSubsystem::UpdateVolumeComponent(ULsmStreamingVolumeComponent* Component)
{
	check(IsInGameThread());
	const uint32* VolumeId = VolumeComponents.Find(Component);
	if (VolumeId == nullptr || Component == nullptr || !HasManager())
	{
		return;
	}
	CheckResult(Manager.MoveStreamingVolume(*VolumeId, LsmConversions::ToLsm(Component->GetComponentLocation())), TEXT("UpdateVolumeComponent"));
	CheckResult(Manager.SetVolumeDistances(*VolumeId, Component->Radius, Component->LoadDistance, Component->UnloadDistance), TEXT("UpdateVolumeComponent"));
	CheckResult(Manager.SetVolumeEnabled(*VolumeId, Component->bStreamingEnabled), TEXT("UpdateVolumeComponent"));
}

// ----- Dashboard -----------------------------------------------------------------------

bool ULevelStreamingManagerSubsystem::StartDashboard(int32 Port)
{
	check(IsInGameThread());
#if defined(LSM_HAS_DASHBOARD)
	if (Port < 0 || Port > 65535)
	{
		UE_LOG(LogLevelStreamingManager, Warning, TEXT("StartDashboard: port %d is out of range."), Port);
		return false;
	}
	if (!CheckResult(Manager.StartDashboard(static_cast<uint16_t>(Port)), TEXT("StartDashboard")))
	{
		return false;
	}
	bDashboardRunning = true;
	// The URL carries the session token: shown to whoever runs the game, never sent anywhere.
	UE_LOG(LogLevelStreamingManager, Display, TEXT("Level Streaming Manager dashboard: %s"), *GetDashboardUrl());
	return true;
#else
	UE_LOG(LogLevelStreamingManager, Warning, TEXT("StartDashboard(%d): this build of the library has no dashboard (no lsm_dashboard_start in level_streaming.h)."), Port);
	LastStatus = ELsmStatus::NotSupported;
	LastErrorMessage = TEXT("the staged level_streaming.h has no dashboard API");
	return false;
#endif
}

bool ULevelStreamingManagerSubsystem::StopDashboard()
{
	check(IsInGameThread());
#if defined(LSM_HAS_DASHBOARD)
	const bool bWasRunning = bDashboardRunning;
	bDashboardRunning = false;
	return CheckResult(Manager.StopDashboard(), TEXT("StopDashboard")) && bWasRunning;
#else
	return false;
#endif
}

bool ULevelStreamingManagerSubsystem::IsDashboardRunning() const
{
	return bDashboardRunning;
}

FString ULevelStreamingManagerSubsystem::GetDashboardUrl() const
{
	check(IsInGameThread());
#if defined(LSM_HAS_DASHBOARD)
	if (bDashboardRunning)
	{
		const LevelStreamingCore::TResult<std::string> Url = Manager.DashboardUrl();
		if (CheckResult(Url, TEXT("GetDashboardUrl")))
		{
			return LsmConversions::ToFString(Url.GetValue());
		}
	}
#endif
	return FString();
}

// ----- Debug ---------------------------------------------------------------------------

FString ULevelStreamingManagerSubsystem::DescribeState() const
{
	check(IsInGameThread());
	if (!HasManager())
	{
		return TEXT("Level Streaming Manager: no manager for this world.");
	}
	TStringBuilder<2048> Out;
	Out.Appendf(TEXT("Level Streaming Manager %s, world %s\n"), *LsmConversions::ToFString(LevelStreamingCore::FManager::LibraryVersion()), *GetNameSafe(GetWorld()));
	Out.Appendf(TEXT("  sources %d, volumes %d, pending requests %d, dropped events %llu, dashboard %s\n"), SourceScratch.Num(),
		static_cast<int32>(Manager.VolumeCount()), static_cast<int32>(Manager.PendingRequestCount()),
		static_cast<unsigned long long>(Manager.DroppedEventCount()), bDashboardRunning ? TEXT("running") : TEXT("off"));
	const FLsmMemoryStatus Memory = GetMemoryStatus();
	Out.Appendf(TEXT("  memory %.1f MB used of %.1f MB budgeted (%.0f%%), %.1f MB unbudgeted, worst %s\n"), Memory.UsedMemoryMb, Memory.TotalMemoryMb,
		Memory.UsageFraction * 100.0, Memory.UnbudgetedMemoryMb, *UEnum::GetDisplayValueAsText(Memory.WorstState).ToString());
	for (const FLsmBudgetStatus& Budget : GetAllBudgets())
	{
		Out.Appendf(TEXT("  budget %s: %.1f / %.1f MB, %s%s\n"), *Budget.Name, Budget.CurrentUsageMb, Budget.MaxMemoryMb, *UEnum::GetDisplayValueAsText(Budget.State).ToString(), Budget.bEvicting ? TEXT(", evicting") : TEXT(""));
	}
	for (const FLsmLevelInfo& Level : GetLevels())
	{
		Out.Appendf(TEXT("  %-48s %-10s LOD %-8s%s\n"), *Level.Name, *UEnum::GetDisplayValueAsText(Level.State).ToString(), *UEnum::GetDisplayValueAsText(Level.Lod).ToString(),
			Level.bHasStreamingObject ? TEXT("") : TEXT(" (no streaming level yet)"));
	}
	return FString(Out.ToString());
}
