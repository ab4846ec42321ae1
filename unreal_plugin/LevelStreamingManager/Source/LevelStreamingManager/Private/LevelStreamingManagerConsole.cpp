// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

// Console commands (game thread; they act on the world the console belongs to):
//   lsm.Dump                      levels, states, LODs, budgets, volumes, pending requests
//   lsm.Report                    the performance report (JSON)
//   lsm.LoadLevel <Package>       LoadLevel (pins the level)
//   lsm.UnloadLevel <Package>     UnloadLevel (removes the pin)
//   lsm.SetLOD <Package> <Ultra|High|Medium|Low|Minimal>
//   lsm.Dashboard.Start [Port]    start the web dashboard (default: the project setting)
//   lsm.Dashboard.Stop

#include "CoreMinimal.h"
#include "Engine/World.h"
#include "HAL/IConsoleManager.h"
#include "LevelStreamingManagerSettings.h"
#include "LevelStreamingManagerSubsystem.h"
#include "Misc/OutputDevice.h"

namespace LevelStreamingManagerConsole
{
	ULevelStreamingManagerSubsystem* FindSubsystem(UWorld* World, FOutputDevice& Ar)
	{
		ULevelStreamingManagerSubsystem* Subsystem = World != nullptr ? World->GetSubsystem<ULevelStreamingManagerSubsystem>() : nullptr;
		if (Subsystem == nullptr || !Subsystem->HasManager())
		{
			Ar.Logf(TEXT("No Level Streaming Manager in this world (it runs in game and PIE worlds when enabled in the project settings)."));
			return nullptr;
		}
		return Subsystem;
	}

	void Dump(const TArray<FString>& /*Args*/, UWorld* World, FOutputDevice& Ar)
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			Ar.Logf(TEXT("%s"), *Subsystem->DescribeState());
		}
	}

	void Report(const TArray<FString>& /*Args*/, UWorld* World, FOutputDevice& Ar)
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			Ar.Logf(TEXT("%s"), *Subsystem->GetPerformanceReport());
		}
	}

	void LoadLevel(const TArray<FString>& Args, UWorld* World, FOutputDevice& Ar)
	{
		if (Args.Num() != 1)
		{
			Ar.Logf(TEXT("Usage: lsm.LoadLevel /Game/Maps/LevelName"));
			return;
		}
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			const bool bOk = Subsystem->LoadLevel(Args[0]);
			Ar.Logf(TEXT("LoadLevel %s: %s"), *Args[0], bOk ? TEXT("ok") : *Subsystem->GetLastErrorMessage());
		}
	}

	void UnloadLevel(const TArray<FString>& Args, UWorld* World, FOutputDevice& Ar)
	{
		if (Args.Num() != 1)
		{
			Ar.Logf(TEXT("Usage: lsm.UnloadLevel /Game/Maps/LevelName"));
			return;
		}
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			const bool bOk = Subsystem->UnloadLevel(Args[0]);
			Ar.Logf(TEXT("UnloadLevel %s: %s"), *Args[0], bOk ? TEXT("ok") : *Subsystem->GetLastErrorMessage());
		}
	}

	void SetLod(const TArray<FString>& Args, UWorld* World, FOutputDevice& Ar)
	{
		const int64 Value = Args.Num() == 2 ? StaticEnum<ELsmLodLevel>()->GetValueByNameString(Args[1]) : static_cast<int64>(INDEX_NONE);
		if (Value == INDEX_NONE)
		{
			Ar.Logf(TEXT("Usage: lsm.SetLOD /Game/Maps/LevelName Ultra|High|Medium|Low|Minimal"));
			return;
		}
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			const bool bOk = Subsystem->SetLOD(Args[0], static_cast<ELsmLodLevel>(Value));
			Ar.Logf(TEXT("SetLOD %s %s: %s"), *Args[0], *Args[1], bOk ? TEXT("ok") : *Subsystem->GetLastErrorMessage());
		}
	}

	void StartDashboard(const TArray<FString>& Args, UWorld* World, FOutputDevice& Ar)
	{
		int32 Port = GetDefault<ULevelStreamingManagerSettings>()->DashboardPort;
		if (Args.Num() >= 1 && !LexTryParseString(Port, *Args[0]))
		{
			Ar.Logf(TEXT("Usage: lsm.Dashboard.Start [Port]"));
			return;
		}
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			if (Subsystem->StartDashboard(Port))
			{
				Ar.Logf(TEXT("Dashboard running: open %s"), *Subsystem->GetDashboardUrl());
			}
			else
			{
				Ar.Logf(TEXT("Dashboard not started: %s"), *Subsystem->GetLastErrorMessage());
			}
		}
	}

	void StopDashboard(const TArray<FString>& /*Args*/, UWorld* World, FOutputDevice& Ar)
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = FindSubsystem(World, Ar))
		{
			Ar.Logf(TEXT("Dashboard %s."), Subsystem->StopDashboard() ? TEXT("stopped") : TEXT("was not running"));
		}
	}

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice DumpCommand(
		TEXT("lsm.Dump"),
		TEXT("Dumps the Level Streaming Manager state of this world: levels with state and LOD, budgets, volumes, pending requests."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&Dump));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice ReportCommand(
		TEXT("lsm.Report"),
		TEXT("Prints the Level Streaming Manager performance report (JSON)."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&Report));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice LoadLevelCommand(
		TEXT("lsm.LoadLevel"),
		TEXT("lsm.LoadLevel <LongPackageName>: loads a level and pins it until lsm.UnloadLevel."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&LoadLevel));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice UnloadLevelCommand(
		TEXT("lsm.UnloadLevel"),
		TEXT("lsm.UnloadLevel <LongPackageName>: removes the pin of lsm.LoadLevel."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&UnloadLevel));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice SetLodCommand(
		TEXT("lsm.SetLOD"),
		TEXT("lsm.SetLOD <LongPackageName> <Ultra|High|Medium|Low|Minimal>: sets a level's LOD by hand."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&SetLod));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice StartDashboardCommand(
		TEXT("lsm.Dashboard.Start"),
		TEXT("lsm.Dashboard.Start [Port]: starts the web dashboard on 127.0.0.1 (default port: the project setting)."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&StartDashboard));

	static FAutoConsoleCommandWithWorldArgsAndOutputDevice StopDashboardCommand(
		TEXT("lsm.Dashboard.Stop"),
		TEXT("Stops the web dashboard."),
		FConsoleCommandWithWorldArgsAndOutputDeviceDelegate::CreateStatic(&StopDashboard));
} // namespace LevelStreamingManagerConsole
