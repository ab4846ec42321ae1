// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

// Automation spec of the engine-free layer inside the engine: the same library calls the
// subsystem makes, with Unreal's allocator, exceptions off and the real plugin binaries.
// Session Frontend > Automation > LevelStreamingManager.Core, or
//   UnrealEditor-Cmd <Project> -ExecCmds="Automation RunTests LevelStreamingManager" -unattended -nullrhi

#include "CoreMinimal.h"
#include "LevelStreamingCore.h"
#include "Misc/AutomationTest.h"

#if WITH_DEV_AUTOMATION_TESTS

BEGIN_DEFINE_SPEC(FLevelStreamingCoreSpec, "LevelStreamingManager.Core", EAutomationTestFlags::ApplicationContextMask | EAutomationTestFlags::ProductFilter)
	LevelStreamingCore::FManager Manager;

	/** Takes every pending request and completes it successfully, like a host with instant I/O. */
	int32 CompleteAll()
	{
		std::vector<LsmRequest> Requests;
		const LevelStreamingCore::TResult<size_t> Taken = Manager.TakeAllRequests(Requests);
		TestTrue(TEXT("TakeAllRequests succeeds"), Taken.IsOk());
		for (const LsmRequest& Request : Requests)
		{
			TestTrue(TEXT("CompleteRequest succeeds"), Manager.CompleteRequest(Request.id, true).IsOk());
		}
		return static_cast<int32>(Requests.size());
	}
END_DEFINE_SPEC(FLevelStreamingCoreSpec)

void FLevelStreamingCoreSpec::Define()
{
	BeforeEach([this]()
	{
		LevelStreamingCore::TResult<LevelStreamingCore::FManager> Created = LevelStreamingCore::FManager::Create();
		TestTrue(TEXT("the manager is created"), Created.IsOk());
		if (Created.IsOk())
		{
			Manager = Created.StealValue();
		}
	});

	AfterEach([this]()
	{
		Manager.Reset();
	});

	Describe("Library", [this]()
	{
		It("is the version the header was generated for", [this]()
		{
			TestTrue(TEXT("lsm_version() == LSM_VERSION"), LevelStreamingCore::FManager::CheckLibraryVersion().IsOk());
		});
	});

	Describe("Levels", [this]()
	{
		It("streams a pinned level in through LOAD then MAKE_VISIBLE", [this]()
		{
			TestTrue(TEXT("RegisterLevel"), Manager.RegisterLevel("/Game/Maps/Spec", 16.0).IsOk());
			TestTrue(TEXT("LoadLevel"), Manager.LoadLevel("/Game/Maps/Spec").IsOk());
			TestEqual(TEXT("state after the load is issued"), static_cast<int32>(Manager.GetLevelState("/Game/Maps/Spec").ValueOr(LSM_STREAMING_STATE_UNLOADED)), static_cast<int32>(LSM_STREAMING_STATE_LOADING));
			TestEqual(TEXT("the load"), CompleteAll(), 1);
			TestEqual(TEXT("its MAKE_VISIBLE"), CompleteAll(), 1);
			TestEqual(TEXT("state when shown"), static_cast<int32>(Manager.GetLevelState("/Game/Maps/Spec").ValueOr(LSM_STREAMING_STATE_UNLOADED)), static_cast<int32>(LSM_STREAMING_STATE_ACTIVE));
		});

		It("reports an unknown level with its status and message", [this]()
		{
			const LevelStreamingCore::FResult Result = Manager.LoadLevel("/Game/Maps/DoesNotExist");
			TestEqual(TEXT("status"), static_cast<int32>(Result.GetStatus()), static_cast<int32>(LSM_STATUS_UNKNOWN_LEVEL));
			TestFalse(TEXT("message"), Result.GetError().Message.empty());
		});
	});

	Describe("Volumes", [this]()
	{
		It("wants its level while a source is near", [this]()
		{
			LevelStreamingCore::FVolumeDesc Volume;
			Volume.Name = "SpecVolume";
			Volume.LevelName = "/Game/Maps/SpecVolumeLevel";
			Volume.Radius = 100.0;
			Volume.LoadDistance = 500.0;
			TestTrue(TEXT("CreateStreamingVolume"), Manager.CreateStreamingVolume(Volume).IsOk());
			const LsmStreamingSource Near = LevelStreamingCore::MakeSource(LevelStreamingCore::MakeVec3(200.0, 0.0, 0.0));
			TestTrue(TEXT("Update"), Manager.Update(&Near, 1, 1.0 / 60.0).IsOk());
			TestEqual(TEXT("one load"), CompleteAll(), 1);
		});
	});

	Describe("Report", [this]()
	{
		It("is a JSON object that names the levels", [this]()
		{
			TestTrue(TEXT("RegisterLevel"), Manager.RegisterLevel("/Game/Maps/Reported", 1.0).IsOk());
			TestTrue(TEXT("RecordFrame"), Manager.RecordFrame(16.0, 512.0, 100, 1000).IsOk());
			const LevelStreamingCore::TResult<std::string> Report = Manager.GetPerformanceReport();
			TestTrue(TEXT("GetPerformanceReport"), Report.IsOk());
			const std::string Json = Report.ValueOr(std::string());
			TestTrue(TEXT("an object"), !Json.empty() && Json.front() == '{' && Json.back() == '}');
			TestTrue(TEXT("names the level"), Json.find("/Game/Maps/Reported") != std::string::npos);
		});
	});
}

#endif // WITH_DEV_AUTOMATION_TESTS
