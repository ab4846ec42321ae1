// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "Engine/DeveloperSettings.h"
#include "LsmTypes.h"

#include "LevelStreamingManagerSettings.generated.h"

/**
 * Project Settings > Plugins > Level Streaming Manager (saved to DefaultGame.ini).
 * Read when a world's ULevelStreamingManagerSubsystem starts; changes apply to the next
 * world (the next PIE session or map load).
 */
UCLASS(Config = Game, DefaultConfig, meta = (DisplayName = "Level Streaming Manager"))
class LEVELSTREAMINGMANAGER_API ULevelStreamingManagerSettings : public UDeveloperSettings
{
	GENERATED_BODY()

public:
	ULevelStreamingManagerSettings();

	//~ Begin UDeveloperSettings Interface
	virtual FName GetCategoryName() const override;
#if WITH_EDITOR
	virtual FText GetSectionText() const override;
	virtual FText GetSectionDescription() const override;
#endif
	//~ End UDeveloperSettings Interface

	/** Create a manager for every game and PIE world. Off: the subsystem is not created at all. */
	UPROPERTY(Config, EditAnywhere, Category = "General")
	bool bEnabled = true;

	/** Log every request applied and every event drained (LogLevelStreamingManager, Verbose otherwise). */
	UPROPERTY(Config, EditAnywhere, Category = "General")
	bool bLogRequests = false;

	// ----- Streaming (LsmConfig) -----

	/** Most level loads outstanding at once; 0 = unlimited. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0"))
	int32 MaxLoadsInFlight = 8;

	/** Least seconds between two unload requests; 0 = none. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0", Units = "Seconds"))
	double MinSecondsBetweenUnloads = 0.0;

	/** Retries of a failed load before OnLevelLoadFailed reports that it gave up. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0"))
	int32 MaxLoadRetries = 3;

	/** Seconds before the first retry, doubled after each failure. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0", Units = "Seconds"))
	double RetryBackoffSeconds = 0.5;

	/** Upper bound of the retry delay. */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "0", Units = "Seconds"))
	double RetryBackoffMaxSeconds = 30.0;

	/** Unload distance of a volume whose UnloadDistance is 0: LoadDistance times this (>= 1, hysteresis). */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "1"))
	double UnloadDistanceFactor = 1.25;

	/** Events kept between two ticks; the oldest is dropped when full (see lsm.Dump). */
	UPROPERTY(Config, EditAnywhere, Category = "Streaming", meta = (ClampMin = "1"))
	int32 EventQueueCapacity = 4096;

	// ----- Sources -----

	/** Every local player's camera (GetPlayerViewPoint) is a streaming source. */
	UPROPERTY(Config, EditAnywhere, Category = "Sources")
	bool bUsePlayerCameras = true;

	UPROPERTY(Config, EditAnywhere, Category = "Sources", meta = (EditCondition = "bUsePlayerCameras"))
	ELsmPriority PlayerCameraPriority = ELsmPriority::High;

	/**
	 * A camera moving faster than this between two frames is taken as teleported: its
	 * velocity is reported as zero for that frame instead of a huge jump.
	 */
	UPROPERTY(Config, EditAnywhere, Category = "Sources", meta = (ClampMin = "0", Units = "CentimetersPerSecond"))
	double MaxSourceSpeed = 100000.0;

	/**
	 * Velocity prediction: each source also reaches this many seconds ahead along its
	 * velocity, so levels ahead are requested before the camera arrives (0 = none).
	 */
	UPROPERTY(Config, EditAnywhere, Category = "Sources", meta = (ClampMin = "0", Units = "Seconds"))
	double SourceLookAheadSeconds = 0.0;

	// ----- Memory -----

	/** Budgets created at start-up; ULsmStreamingVolumeComponent::MemoryBudget names one of them. */
	UPROPERTY(Config, EditAnywhere, Category = "Memory")
	TArray<FLsmBudgetSettings> MemoryBudgets;

	// ----- Performance -----

	/** Feed RecordFrame every tick from FApp::GetDeltaTime, process memory and RHI draw stats. */
	UPROPERTY(Config, EditAnywhere, Category = "Performance")
	bool bRecordFrames = true;

	/** Frame-time target for OnPerformanceWarning and the LOD rule. */
	UPROPERTY(Config, EditAnywhere, Category = "Performance", meta = (ClampMin = "0.1", Units = "Milliseconds"))
	double TargetFrameTimeMs = 16.67;

	/** Consecutive frames over the target before OnPerformanceWarning. */
	UPROPERTY(Config, EditAnywhere, Category = "Performance", meta = (ClampMin = "1"))
	int32 PerformanceWarningFrames = 30;

	/** Consecutive frames within the target before OnPerformanceRecovered. */
	UPROPERTY(Config, EditAnywhere, Category = "Performance", meta = (ClampMin = "1"))
	int32 PerformanceRecoveryFrames = 30;

	/** Samples per metric in the profiler's window (the performance report's statistics). */
	UPROPERTY(Config, EditAnywhere, Category = "Performance", meta = (ClampMin = "1", ClampMax = "1000000"))
	int32 ProfilerWindowSize = 300;

	// ----- LOD -----

	/**
	 * Without an ApplyLodHook bound in C++, apply a SET_LOD request by setting the cull
	 * distance of every primitive in the level to the LOD's draw distance. Off by
	 * default: it overrides per-primitive cull distances set by artists.
	 */
	UPROPERTY(Config, EditAnywhere, Category = "LOD")
	bool bApplyLodDrawDistance = false;

	// ----- Dashboard -----

	/** Start the embedded web dashboard with each game world (needs a library built with the dashboard). */
	UPROPERTY(Config, EditAnywhere, Category = "Dashboard")
	bool bStartDashboard = false;

	/** Port of the dashboard on 127.0.0.1 (the library's default is 8000); 0 = any free port. The log shows the URL to open. */
	UPROPERTY(Config, EditAnywhere, Category = "Dashboard", meta = (ClampMin = "0", ClampMax = "65535"))
	int32 DashboardPort = 8000;
};
