// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

// Automation spec of the subsystem in a transient game world (no map needed):
// Session Frontend > Automation > LevelStreamingManager.Subsystem.

#include "CoreMinimal.h"
#include "Engine/Engine.h"
#include "Engine/World.h"
#include "LevelStreamingManagerSubsystem.h"
#include "LsmStreamingVolume.h"
#include "LsmStreamingVolumeComponent.h"
#include "Misc/AutomationTest.h"

#if WITH_DEV_AUTOMATION_TESTS

BEGIN_DEFINE_SPEC(FLevelStreamingManagerSubsystemSpec, "LevelStreamingManager.Subsystem", EAutomationTestFlags::ApplicationContextMask | EAutomationTestFlags::ProductFilter)
	UWorld* World = nullptr;
	ULevelStreamingManagerSubsystem* Subsystem = nullptr;
END_DEFINE_SPEC(FLevelStreamingManagerSubsystemSpec)

void FLevelStreamingManagerSubsystemSpec::Define()
{
	BeforeEach([this]()
	{
		World = UWorld::CreateWorld(EWorldType::Game, false);
		FWorldContext& Context = GEngine->CreateNewWorldContext(EWorldType::Game);
		Context.SetCurrentWorld(World);
		World->InitializeActorsForPlay(FURL());
		World->BeginPlay();
		Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>();
	});

	AfterEach([this]()
	{
		GEngine->DestroyWorldContext(World);
		World->DestroyWorld(false);
		World = nullptr;
		Subsystem = nullptr;
	});

	It("exists in game worlds with a manager", [this]()
	{
		if (TestNotNull(TEXT("subsystem"), Subsystem))
		{
			TestTrue(TEXT("manager"), Subsystem->HasManager());
		}
	});

	It("registers a level and reports its state", [this]()
	{
		if (!TestNotNull(TEXT("subsystem"), Subsystem))
		{
			return;
		}
		TestTrue(TEXT("RegisterLevel"), Subsystem->RegisterLevel(TEXT("/Game/Maps/SpecLevel"), 32.f, ELsmPriority::High));
		TestTrue(TEXT("registering twice is fine"), Subsystem->RegisterLevel(TEXT("/Game/Maps/SpecLevel")));
		TestEqual(TEXT("state"), Subsystem->GetLevelState(TEXT("/Game/Maps/SpecLevel")), ELsmStreamingState::Unloaded);
		TestEqual(TEXT("unknown level"), Subsystem->GetLevelState(TEXT("/Game/Maps/Unknown")), ELsmStreamingState::Unloaded);
		TestEqual(TEXT("last status"), Subsystem->GetLastStatus(), ELsmStatus::UnknownLevel);
	});

	It("creates a volume for a placed ALsmStreamingVolume", [this]()
	{
		if (!TestNotNull(TEXT("subsystem"), Subsystem))
		{
			return;
		}
		const int32 Before = Subsystem->GetStreamingVolumeCount();
		ALsmStreamingVolume* Volume = World->SpawnActorDeferred<ALsmStreamingVolume>(ALsmStreamingVolume::StaticClass(), FTransform::Identity);
		if (!TestNotNull(TEXT("spawned"), Volume))
		{
			return;
		}
		Volume->GetStreamingVolumeComponent()->Level = TSoftObjectPtr<UWorld>(FSoftObjectPath(TEXT("/Game/Maps/SpecVolumeLevel.SpecVolumeLevel")));
		Volume->FinishSpawning(FTransform::Identity);
		TestEqual(TEXT("one more volume"), Subsystem->GetStreamingVolumeCount(), Before + 1);
		Volume->Destroy();
		TestEqual(TEXT("removed with its actor"), Subsystem->GetStreamingVolumeCount(), Before);
	});

	It("mirrors the budgets of its API in the memory status", [this]()
	{
		if (!TestNotNull(TEXT("subsystem"), Subsystem))
		{
			return;
		}
		const int32 Before = Subsystem->GetMemoryStatus().BudgetCount;
		TestTrue(TEXT("CreateMemoryBudget"), Subsystem->CreateMemoryBudget(TEXT("LsmSpecBudget"), 256.f, ELsmPriority::Low));
		FLsmBudgetStatus Budget;
		TestTrue(TEXT("GetBudgetStatus"), Subsystem->GetBudgetStatus(TEXT("LsmSpecBudget"), Budget));
		TestEqual(TEXT("max"), Budget.MaxMemoryMb, 256.0);
		TestEqual(TEXT("budget count"), Subsystem->GetMemoryStatus().BudgetCount, Before + 1);
	});
}

#endif // WITH_DEV_AUTOMATION_TESTS
