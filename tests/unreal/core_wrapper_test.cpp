// core_wrapper_test.cpp - unit tests of the Unreal plugin's engine-free C++ layer
// (unreal_plugin/LevelStreamingManager/Source/LevelStreamingManager/Public/LevelStreamingCore.h)
// against the real library.
//
// Built and run by tests/unreal_plugin.rs with g++ and clang++ (when present):
//   -std=c++17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef, ASan + UBSan,
// linked to the cdylib cargo built. Exit status 0 when every check passed; otherwise
// each failed check is printed with its line and the status is 1.
//
// The program plays the part of the Unreal subsystem: it streams a small world with a
// camera, takes requests, "loads" them a few frames later like ULevelStreaming would
// (failing one load on purpose), completes them, and checks that its own view of
// which levels are loaded and visible always agrees with the library's states.

#include "LevelStreamingCore.h"
#include "LevelStreamingCore.h" // include guard / #pragma once: twice is harmless

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

using namespace LevelStreamingCore;

// ----- compile-time properties of the layer -------------------------------------------

static_assert(!std::is_copy_constructible<FManager>::value, "FManager owns a handle: not copyable");
static_assert(!std::is_copy_assignable<FManager>::value, "FManager owns a handle: not copyable");
static_assert(std::is_nothrow_move_constructible<FManager>::value, "FManager moves without throwing");
static_assert(std::is_nothrow_move_assignable<FManager>::value, "FManager moves without throwing");
static_assert(std::is_same<decltype(std::declval<FManager&>().LoadLevel("x")), FResult>::value, "");
static_assert(std::is_same<decltype(std::declval<const FManager&>().GetLevelState("x")), TResult<LsmStreamingState>>::value, "");
static_assert(std::is_same<decltype(std::declval<const FManager&>().GetPerformanceReport()), TResult<std::string>>::value, "");
static_assert(std::is_constructible<FUtf8Arg, const char*>::value && std::is_constructible<FUtf8Arg, const std::string&>::value, "");

namespace
{
	int GFailures = 0;
	int GChecks = 0;

	void Fail(int Line, const std::string& What)
	{
		++GFailures;
		std::fprintf(stderr, "core_wrapper_test.cpp:%d: FAILED: %s\n", Line, What.c_str());
	}

// A failed check is reported and the test goes on; main() returns 1 at the end.
#define TEST_TRUE(Condition)                                                                    \
	do                                                                                          \
	{                                                                                           \
		++GChecks;                                                                              \
		if (!(Condition))                                                                       \
		{                                                                                       \
			Fail(__LINE__, #Condition);                                                         \
		}                                                                                       \
	} while (0)

#define TEST_EQ(Actual, Expected)                                                               \
	do                                                                                          \
	{                                                                                           \
		++GChecks;                                                                              \
		const auto ActualValue_ = (Actual);                                                     \
		const auto ExpectedValue_ = (Expected);                                                 \
		if (!(ActualValue_ == ExpectedValue_))                                                  \
		{                                                                                       \
			Fail(__LINE__, std::string(#Actual " == " #Expected " (got ") +                     \
				std::to_string(static_cast<long long>(ActualValue_)) + ", expected " +          \
				std::to_string(static_cast<long long>(ExpectedValue_)) + ")");                   \
		}                                                                                       \
	} while (0)

// The result is OK; otherwise prints the library's error.
#define TEST_OK(Result)                                                                         \
	do                                                                                          \
	{                                                                                           \
		++GChecks;                                                                              \
		const auto& Result_ = (Result);                                                         \
		if (Result_.HasError())                                                                 \
		{                                                                                       \
			Fail(__LINE__, std::string(#Result " failed: ") + Result_.GetError().ToString());   \
		}                                                                                       \
	} while (0)

// The result failed with this status and a non-empty message.
#define TEST_ERR(Result, ExpectedStatus)                                                        \
	do                                                                                          \
	{                                                                                           \
		++GChecks;                                                                              \
		const auto& Result_ = (Result);                                                         \
		if (Result_.IsOk())                                                                     \
		{                                                                                       \
			Fail(__LINE__, std::string(#Result " succeeded, expected ") + StatusToString(ExpectedStatus)); \
		}                                                                                       \
		else if (Result_.GetStatus() != (ExpectedStatus) || Result_.GetError().Message.empty()) \
		{                                                                                       \
			Fail(__LINE__, std::string(#Result ": expected ") + StatusToString(ExpectedStatus) + \
				" with a message, got " + Result_.GetError().ToString());                       \
		}                                                                                       \
	} while (0)

	bool Contains(const std::string& Haystack, const std::string& Needle)
	{
		return Haystack.find(Needle) != std::string::npos;
	}

	/** The host's view of one level, as an Unreal ULevelStreaming would hold it. */
	struct FHostLevel
	{
		bool bLoaded = false;
		bool bVisible = false;
		LsmLodLevel AppliedLod = LSM_LOD_LEVEL_ULTRA;
		int Loads = 0;
	};

	/**
	 * A fake engine: requests are "in flight" for a few frames, like async package
	 * loading, then completed. The first load of each level named in FailFirstLoadOf
	 * fails, like a missing package would.
	 */
	class FFakeHost
	{
	public:
		int LatencyFrames = 2;
		std::set<std::string> FailFirstLoadOf;
		std::map<uint32_t, FHostLevel> Levels;
		size_t MaxLoadsInFlightSeen = 0;
		size_t CompletedRequests = 0;
		size_t FailedLoads = 0;
		size_t SetLodRequests = 0;
		/** Requests in the order taken (to check ordering rules). */
		std::vector<LsmRequest> Taken;

		/** One host frame after lsm_update: take everything, advance, complete what is done. */
		void Frame(FManager& Manager)
		{
			// Drain into caller storage, reusing the vector like a per-frame scratch buffer.
			Scratch.clear();
			const TResult<size_t> Took = Manager.TakeAllRequests(Scratch);
			TEST_OK(Took);
			TEST_EQ(Manager.PendingRequestCount(), static_cast<size_t>(0));
			for (const LsmRequest& Request : Scratch)
			{
				Taken.push_back(Request);
				if (Request.kind == LSM_REQUEST_KIND_SET_LOD)
				{
					// Applied at once (the subsystem broadcasts it and calls its LOD hook).
					++SetLodRequests;
					Levels[Request.level_id].AppliedLod = Request.lod;
					TEST_OK(Manager.CompleteRequest(Request.id, true));
					++CompletedRequests;
					continue;
				}
				InFlight.push_back(FInFlight{Request, LatencyFrames});
			}
			size_t Loads = 0;
			for (const FInFlight& Pending : InFlight)
			{
				Loads += Pending.Request.kind == LSM_REQUEST_KIND_LOAD ? 1 : 0;
			}
			MaxLoadsInFlightSeen = std::max(MaxLoadsInFlightSeen, Loads);

			std::vector<FInFlight> StillInFlight;
			for (FInFlight& Pending : InFlight)
			{
				if (--Pending.FramesLeft > 0)
				{
					StillInFlight.push_back(Pending);
					continue;
				}
				Finish(Manager, Pending.Request);
			}
			InFlight.swap(StillInFlight);
		}

		bool Idle() const
		{
			return InFlight.empty();
		}

		/** Every level's library state agrees with what the host did. */
		void CheckAgreesWith(const FManager& Manager, int Line) const
		{
			for (uint32_t LevelId = 0; LevelId < Manager.LevelCount(); ++LevelId)
			{
				const TResult<LsmStreamingState> State = Manager.GetLevelStateById(LevelId);
				if (State.HasError())
				{
					Fail(Line, State.GetError().ToString());
					continue;
				}
				const auto Found = Levels.find(LevelId);
				const FHostLevel Host = Found != Levels.end() ? Found->second : FHostLevel();
				bool bAgrees = true;
				switch (State.GetValue())
				{
				case LSM_STREAMING_STATE_UNLOADED: bAgrees = !Host.bLoaded && !Host.bVisible; break;
				case LSM_STREAMING_STATE_LOADED:
				case LSM_STREAMING_STATE_HIDDEN: bAgrees = Host.bLoaded && !Host.bVisible; break;
				case LSM_STREAMING_STATE_ACTIVE: bAgrees = Host.bLoaded && Host.bVisible; break;
				case LSM_STREAMING_STATE_LOADING:
				case LSM_STREAMING_STATE_UNLOADING: break; // a request is in flight
				}
				++GChecks;
				if (!bAgrees)
				{
					Fail(Line, "level " + std::to_string(LevelId) + " is " + StateToString(State.GetValue()) + " but the host has loaded=" + std::to_string(Host.bLoaded) + " visible=" + std::to_string(Host.bVisible));
				}
			}
		}

	private:
		struct FInFlight
		{
			LsmRequest Request;
			int FramesLeft;
		};

		std::vector<FInFlight> InFlight;
		std::vector<LsmRequest> Scratch;

		void Finish(FManager& Manager, const LsmRequest& Request)
		{
			FHostLevel& Level = Levels[Request.level_id];
			const TResult<std::string> Name = Manager.LevelName(Request.level_id);
			TEST_OK(Name);
			bool bSuccess = true;
			switch (Request.kind)
			{
			case LSM_REQUEST_KIND_LOAD:
				TEST_TRUE(!Level.bLoaded);
				++Level.Loads;
				if (Level.Loads == 1 && Name.IsOk() && FailFirstLoadOf.count(Name.GetValue()) > 0)
				{
					bSuccess = false;
					++FailedLoads;
				}
				else
				{
					Level.bLoaded = true;
				}
				break;
			case LSM_REQUEST_KIND_MAKE_VISIBLE:
				TEST_TRUE(Level.bLoaded);
				Level.bVisible = true;
				Level.AppliedLod = Request.lod;
				break;
			case LSM_REQUEST_KIND_HIDE:
				TEST_TRUE(Level.bLoaded);
				Level.bVisible = false;
				break;
			case LSM_REQUEST_KIND_UNLOAD:
				// UE: SetShouldBeVisible(false) + SetShouldBeLoaded(false).
				TEST_TRUE(Level.bLoaded);
				Level.bVisible = false;
				Level.bLoaded = false;
				break;
			case LSM_REQUEST_KIND_SET_LOD:
				break;
			}
			TEST_OK(Manager.CompleteRequest(Request.id, bSuccess));
			++CompletedRequests;
		}
	};

	LsmConfig TestConfig()
	{
		LsmConfig Config = FManager::DefaultConfig();
		Config.max_loads_in_flight = 2;
		Config.retry_backoff_seconds = 0.05;
		Config.retry_backoff_max_seconds = 0.2;
		Config.performance_warning_frames = 5;
		Config.performance_recovery_frames = 5;
		return Config;
	}

	FManager MakeManager(const LsmConfig& Config)
	{
		TResult<FManager> Created = FManager::Create(Config);
		TEST_OK(Created);
		return Created.IsOk() ? Created.StealValue() : FManager();
	}

	// ----- the tests ----------------------------------------------------------------------

	void TestVersionAndNames()
	{
		TEST_TRUE(std::strcmp(FManager::LibraryVersion(), LSM_VERSION) == 0);
		TEST_OK(FManager::CheckLibraryVersion());
		TEST_TRUE(std::strcmp(StatusToString(LSM_STATUS_UNKNOWN_LEVEL), "LSM_STATUS_UNKNOWN_LEVEL") == 0);
		TEST_TRUE(std::strcmp(StatusToString(LSM_STATUS_PANIC), "LSM_STATUS_PANIC") == 0);
		TEST_TRUE(std::strcmp(StatusToString(static_cast<LsmStatus>(77)), "LSM_STATUS_<unknown>") == 0);
		TEST_TRUE(std::strcmp(StateToString(LSM_STREAMING_STATE_HIDDEN), "Hidden") == 0);
		TEST_TRUE(std::strcmp(RequestKindToString(LSM_REQUEST_KIND_SET_LOD), "SetLod") == 0);
		TEST_TRUE(std::strcmp(EventKindToString(LSM_EVENT_KIND_PERFORMANCE_WARNING), "PerformanceWarning") == 0);
		TEST_TRUE(std::strcmp(MemoryStateToString(LSM_MEMORY_STATE_CRITICAL), "Critical") == 0);
		TEST_TRUE(std::strcmp(LodToString(LSM_LOD_LEVEL_MINIMAL), "Minimal") == 0);
		TEST_TRUE(std::strcmp(PriorityToString(LSM_PRIORITY_BACKGROUND), "Background") == 0);
	}

	void TestUtf8Helpers()
	{
		TEST_TRUE(IsValidUtf8(""));
		TEST_TRUE(IsValidUtf8("plain ascii"));
		TEST_TRUE(IsValidUtf8("H\xC3\xB6hle \xE2\x9C\x93 \xF0\x9F\x8F\x94"));         // Höhle ✓ 🏔
		TEST_TRUE(!IsValidUtf8("\xC3"));                                             // truncated
		TEST_TRUE(!IsValidUtf8("\xC0\x80"));                                         // overlong NUL
		TEST_TRUE(!IsValidUtf8("\xE0\x80\xAF"));                                     // overlong '/'
		TEST_TRUE(!IsValidUtf8("\xED\xA0\x80"));                                     // UTF-16 surrogate
		TEST_TRUE(!IsValidUtf8("\xF4\x90\x80\x80"));                                 // above U+10FFFF
		TEST_TRUE(!IsValidUtf8("\xFF"));
		TEST_TRUE(!IsValidUtf8("a\x80" "b"));                                        // stray continuation

		const std::string Text = "H\xC3\xB6hle \xE2\x9C\x93 \xF0\x9F\x8F\x94";
		const std::u16string Wide = Utf8ToUtf16(Text);
		TEST_TRUE(Wide == u"H\u00F6hle \u2713 \U0001F3D4");
		TEST_EQ(Wide.size(), static_cast<size_t>(10)); // 9 characters, the mountain is a surrogate pair
		TEST_TRUE(Utf16ToUtf8(Wide) == Text);
		TEST_TRUE(Utf8ToUtf16("a\xFF" "b") == u"a\uFFFD" "b");
		TEST_TRUE(Utf8ToUtf16("\xE2\x9C") == u"\uFFFD\uFFFD");
		const char16_t LoneSurrogate[] = {u'x', static_cast<char16_t>(0xD800), u'y', 0};
		TEST_TRUE(Utf16ToUtf8(LoneSurrogate) == "x\xEF\xBF\xBDy");

		// The last error is per thread and copied whole, however long.
		FManager Empty;
		const FResult Failed = Empty.LoadLevel("anything");
		TEST_ERR(Failed, LSM_STATUS_NULL_ARGUMENT);
		TEST_TRUE(LastErrorMessage() == Failed.GetError().Message);
	}

	void TestErrorPaths()
	{
		// An invalid configuration: lsm_manager_create returns NULL and says why.
		LsmConfig Bad = FManager::DefaultConfig();
		Bad.unload_distance_factor = 0.5;
		const TResult<FManager> NotCreated = FManager::Create(Bad);
		TEST_ERR(NotCreated, LSM_STATUS_INVALID_ARGUMENT);
		TEST_TRUE(std::strcmp(NotCreated.GetError().Function, "lsm_manager_create") == 0);

		// An empty manager answers NULL_ARGUMENT everywhere, and nothing crashes.
		FManager Empty;
		TEST_TRUE(!Empty.IsValid() && !Empty);
		TEST_TRUE(Empty.Get() == nullptr);
		TEST_ERR(Empty.RegisterLevel("L", 1.0), LSM_STATUS_NULL_ARGUMENT);
		TEST_ERR(Empty.Update(nullptr, 0, 0.016), LSM_STATUS_NULL_ARGUMENT);
		TEST_ERR(Empty.GetPerformanceReport(), LSM_STATUS_NULL_ARGUMENT);
		TEST_ERR(Empty.RegisterEventCallback(LSM_EVENT_FILTER_ALL, [](const LsmEvent&) {}), LSM_STATUS_NULL_ARGUMENT);
		TEST_ERR(Empty.UnregisterEventCallback(1), LSM_STATUS_NULL_ARGUMENT);
		std::vector<LsmRequest> NoRequests;
		TEST_ERR(Empty.TakeAllRequests(NoRequests), LSM_STATUS_NULL_ARGUMENT);
		std::vector<LsmEvent> NoEvents;
		TEST_ERR(Empty.PollAllEvents(NoEvents), LSM_STATUS_NULL_ARGUMENT);
		TEST_EQ(Empty.LevelCount(), static_cast<size_t>(0));
		TEST_EQ(Empty.PendingRequestCount(), static_cast<size_t>(0));
		TEST_TRUE(Empty.Release() == nullptr);

		FManager Manager = MakeManager(TestConfig());
		TEST_TRUE(Manager.IsValid());

		TEST_OK(Manager.RegisterLevel("/Game/Maps/Forest", 100.0, LSM_PRIORITY_HIGH));
		const TResult<uint32_t> Duplicate = Manager.RegisterLevel("/Game/Maps/Forest", 100.0);
		TEST_ERR(Duplicate, LSM_STATUS_DUPLICATE_NAME);
		TEST_TRUE(std::strcmp(Duplicate.GetError().Function, "lsm_register_level") == 0);

		const FResult Unknown = Manager.LoadLevel("/Game/Maps/Nowhere");
		TEST_ERR(Unknown, LSM_STATUS_UNKNOWN_LEVEL);
		TEST_TRUE(Contains(Unknown.GetError().Message, "Nowhere"));
		TEST_TRUE(Contains(Unknown.GetError().ToString(), "lsm_load_level: LSM_STATUS_UNKNOWN_LEVEL: "));
		TEST_ERR(Manager.GetLevelState("/Game/Maps/Nowhere"), LSM_STATUS_UNKNOWN_LEVEL);
		TEST_ERR(Manager.GetLevelStateById(999), LSM_STATUS_UNKNOWN_LEVEL);
		TEST_ERR(Manager.LevelName(999), LSM_STATUS_UNKNOWN_LEVEL);
		TEST_ERR(Manager.RegisterLevel("bad \xC3(", 1.0), LSM_STATUS_INVALID_UTF8);
		TEST_ERR(Manager.RegisterLevel("", 1.0), LSM_STATUS_INVALID_ARGUMENT);
		TEST_ERR(Manager.RegisterLevel("/Game/Maps/Negative", -1.0), LSM_STATUS_NEGATIVE_VALUE);
		TEST_ERR(Manager.RegisterLevel(static_cast<const char*>(nullptr), 1.0), LSM_STATUS_NULL_ARGUMENT);
		TEST_ERR(Manager.SetLevelVisible("/Game/Maps/Forest", true), LSM_STATUS_INVALID_TRANSITION);

		FVolumeDesc Volume;
		Volume.Name = "ForestVolume";
		Volume.LevelName = "/Game/Maps/Forest";
		Volume.Radius = 100.0;
		Volume.LoadDistance = 500.0;
		Volume.UnloadDistance = 400.0; // below the load distance
		TEST_ERR(Manager.CreateStreamingVolume(Volume), LSM_STATUS_UNLOAD_BELOW_LOAD);
		Volume.UnloadDistance = 0.0;
		Volume.Center = MakeVec3(std::nan(""), 0.0, 0.0);
		TEST_ERR(Manager.CreateStreamingVolume(Volume), LSM_STATUS_NON_FINITE_VALUE);
		TEST_EQ(Manager.VolumeCount(), static_cast<size_t>(0));
		TEST_ERR(Manager.FindVolume("ForestVolume"), LSM_STATUS_UNKNOWN_VOLUME);
		TEST_ERR(Manager.RemoveStreamingVolume(42), LSM_STATUS_UNKNOWN_VOLUME);

		const LsmStreamingSource NaNSource = MakeSource(MakeVec3(0.0, std::nan(""), 0.0));
		TEST_ERR(Manager.Update(&NaNSource, 1, 0.016), LSM_STATUS_NON_FINITE_VALUE);
		TEST_ERR(Manager.Update(nullptr, 0, -1.0), LSM_STATUS_NEGATIVE_VALUE);

		TEST_ERR(Manager.CompleteRequest(12345, true), LSM_STATUS_UNKNOWN_REQUEST);
		TEST_OK(Manager.LoadLevel("/Game/Maps/Forest"));
		TEST_OK(Manager.Update(nullptr, 0, 0.016));
		LsmRequest One[1];
		const TResult<size_t> Took = Manager.TakeRequests(One);
		TEST_OK(Took);
		TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
		TEST_EQ(One[0].kind, LSM_REQUEST_KIND_LOAD);
		TEST_OK(Manager.CompleteRequest(One[0].id, true));
		TEST_ERR(Manager.CompleteRequest(One[0].id, true), LSM_STATUS_REQUEST_ALREADY_COMPLETED);

		TEST_ERR(Manager.GetLodSettings("/Game/Maps/Forest"), LSM_STATUS_NOT_FOUND);
		TEST_ERR(Manager.SetLod("/Game/Maps/Forest", static_cast<LsmLodLevel>(9)), LSM_STATUS_INVALID_ARGUMENT);
		TEST_ERR(Manager.CreateMemoryBudget("Budget", -5.0), LSM_STATUS_NEGATIVE_VALUE);
		TEST_OK(Manager.CreateMemoryBudget("Budget", 500.0));
		TEST_ERR(Manager.CreateMemoryBudget("Budget", 500.0), LSM_STATUS_DUPLICATE_NAME);
		TEST_ERR(Manager.SetBudgetThresholds("Budget", 0.9, 0.5), LSM_STATUS_INVALID_ARGUMENT);
		TEST_ERR(Manager.GetBudgetStatus("NoSuchBudget"), LSM_STATUS_NOT_FOUND);
		TEST_ERR(Manager.SetTargetFrameTime(0.0), LSM_STATUS_INVALID_ARGUMENT);
		TEST_ERR(FManager::LodQuality(static_cast<LsmLodLevel>(5)), LSM_STATUS_INVALID_ARGUMENT);
		TEST_ERR(Manager.UnregisterEventCallback(777), LSM_STATUS_NOT_FOUND);

		// Release hands the handle over; the caller destroys it. The wrapper's callbacks are
		// unregistered first: their storage dies with the wrapper (ASan would see a use).
		size_t CallsAfterRelease = 0;
		TEST_OK(Manager.RegisterEventCallback(LSM_EVENT_FILTER_ALL, [&CallsAfterRelease](const LsmEvent&)
		{
			++CallsAfterRelease;
		}));
		LsmManager* Raw = Manager.Release();
		TEST_TRUE(Raw != nullptr && !Manager.IsValid());
		TEST_EQ(Manager.EventCallbackCount(), static_cast<size_t>(0));
		TEST_EQ(lsm_unload_level(Raw, "/Game/Maps/Forest"), LSM_STATUS_OK);
		TEST_EQ(lsm_update(Raw, nullptr, 0, 0.016), LSM_STATUS_OK); // raises events: no callback left
		TEST_EQ(CallsAfterRelease, static_cast<size_t>(0));
		lsm_manager_destroy(Raw);
	}

	void TestStreamAWorld()
	{
		FManager Manager = MakeManager(TestConfig());
		const char* const Names[] = {"/Game/Maps/Hub", "/Game/Maps/Desert", "/Game/Maps/Pass", "/Game/Maps/Coast"};
		const LsmPriority Priorities[] = {LSM_PRIORITY_CRITICAL, LSM_PRIORITY_NORMAL, LSM_PRIORITY_HIGH, LSM_PRIORITY_LOW};
		for (int Index = 0; Index < 4; ++Index)
		{
			const TResult<uint32_t> LevelId = Manager.RegisterLevel(Names[Index], 128.0, Priorities[Index]);
			TEST_OK(LevelId);
			TEST_EQ(LevelId.ValueOr(LSM_INVALID_ID), static_cast<uint32_t>(Index));
			FVolumeDesc Volume;
			Volume.Name = std::string(Names[Index]) + "_Volume";
			Volume.LevelName = Names[Index];
			Volume.Center = MakeVec3(3000.0 * Index, 0.0, 0.0);
			Volume.Radius = 500.0;
			Volume.LoadDistance = 1000.0;
			Volume.Priority = Priorities[Index];
			TEST_OK(Manager.CreateStreamingVolume(Volume));
		}
		TEST_OK(Manager.CompactSpatialIndex());
		TEST_EQ(Manager.LevelCount(), static_cast<size_t>(4));
		TEST_EQ(Manager.VolumeCount(), static_cast<size_t>(4));
		TEST_EQ(Manager.FindLevel("/Game/Maps/Pass").ValueOr(LSM_INVALID_ID), 2u);
		TEST_TRUE(Manager.LevelName(3).ValueOr("") == "/Game/Maps/Coast");

		// Events reach both a callback and the poll queue.
		std::vector<LsmEvent> FromCallback;
		const TResult<uint64_t> CallbackId = Manager.RegisterEventCallback(LSM_EVENT_FILTER_ALL, [&FromCallback](const LsmEvent& Event)
		{
			FromCallback.push_back(Event);
		});
		TEST_OK(CallbackId);
		size_t StateChangesFromCallback = 0;
		TEST_OK(Manager.RegisterEventCallback(LSM_EVENT_KIND_LEVEL_STATE_CHANGED, [&StateChangesFromCallback](const LsmEvent& Event)
		{
			TEST_EQ(Event.kind, LSM_EVENT_KIND_LEVEL_STATE_CHANGED);
			++StateChangesFromCallback;
		}));
		TEST_EQ(Manager.EventCallbackCount(), static_cast<size_t>(2));

		FFakeHost Host;
		Host.FailFirstLoadOf.insert("/Game/Maps/Desert");
		std::vector<LsmEvent> Polled;
		std::map<uint32_t, std::vector<LsmStreamingState>> History;
		bool bSawHubActive = false;
		bool bSawPassActive = false;

		// The camera flies from the hub to the coast and waits there.
		LsmStreamingSource Camera = MakeSource(MakeVec3(0.0, 0.0, 0.0), MakeVec3(1500.0, 0.0, 0.0), LSM_PRIORITY_HIGH);
		for (int Frame = 0; Frame < 400; ++Frame)
		{
			Camera.position.x = std::min(9000.0, 25.0 * Frame);
			Camera.velocity.x = Camera.position.x < 9000.0 ? 1500.0 : 0.0;
			TEST_OK(Manager.Update(&Camera, 1, 1.0 / 60.0));
			Host.Frame(Manager);
			Host.CheckAgreesWith(Manager, __LINE__);
			TEST_OK(Manager.RecordFrame(12.0, 900.0, 1500, 2000000));

			const size_t Before = Polled.size();
			TEST_OK(Manager.PollAllEvents(Polled));
			for (size_t Index = Before; Index < Polled.size(); ++Index)
			{
				const LsmEvent& Event = Polled[Index];
				if (Event.kind == LSM_EVENT_KIND_LEVEL_STATE_CHANGED)
				{
					std::vector<LsmStreamingState>& Seen = History[Event.level_id];
					// Each change starts where the previous one ended.
					TEST_TRUE(Seen.empty() ? Event.old_state == LSM_STREAMING_STATE_UNLOADED : Seen.back() == Event.old_state);
					Seen.push_back(Event.new_state);
					bSawHubActive |= Event.level_id == 0 && Event.new_state == LSM_STREAMING_STATE_ACTIVE;
					bSawPassActive |= Event.level_id == 2 && Event.new_state == LSM_STREAMING_STATE_ACTIVE;
				}
			}
		}
		for (int Frame = 0; Frame < 10 && !Host.Idle(); ++Frame)
		{
			TEST_OK(Manager.Update(&Camera, 1, 1.0 / 60.0));
			Host.Frame(Manager);
		}
		TEST_OK(Manager.PollAllEvents(Polled));
		TEST_TRUE(Host.Idle());
		Host.CheckAgreesWith(Manager, __LINE__);

		// Where the camera ended: only the coast is wanted.
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Coast").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_ACTIVE);
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Hub").ValueOr(LSM_STREAMING_STATE_ACTIVE), LSM_STREAMING_STATE_UNLOADED);
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Pass").ValueOr(LSM_STREAMING_STATE_ACTIVE), LSM_STREAMING_STATE_UNLOADED);
		TEST_TRUE(bSawHubActive && bSawPassActive);
		TEST_TRUE(Host.MaxLoadsInFlightSeen >= 1 && Host.MaxLoadsInFlightSeen <= 2);

		// The desert's first load failed and was retried.
		TEST_EQ(Host.FailedLoads, static_cast<size_t>(1));
		TEST_EQ(Host.Levels[1].Loads, 2);
		const auto LoadFailed = std::find_if(Polled.begin(), Polled.end(), [](const LsmEvent& Event)
		{
			return Event.kind == LSM_EVENT_KIND_LOAD_FAILED;
		});
		TEST_TRUE(LoadFailed != Polled.end());
		if (LoadFailed != Polled.end())
		{
			TEST_EQ(LoadFailed->level_id, 1u);
			TEST_EQ(LoadFailed->attempts, 1u);
			TEST_TRUE(LoadFailed->will_retry);
			TEST_EQ(LoadFailed->request_kind, LSM_REQUEST_KIND_LOAD);
		}
		TEST_TRUE(std::any_of(Polled.begin(), Polled.end(), [](const LsmEvent& Event)
		{
			return Event.kind == LSM_EVENT_KIND_STREAMING_COMPLETE;
		}));

		// Every level went through the state machine legally and ended where it is now.
		for (const auto& Entry : History)
		{
			TEST_TRUE(!Entry.second.empty());
			TEST_EQ(Entry.second.back(), Manager.GetLevelStateById(Entry.first).ValueOr(LSM_STREAMING_STATE_LOADING));
		}

		// The callbacks saw exactly what was polled.
		TEST_EQ(FromCallback.size(), Polled.size());
		const size_t StateChangesPolled = static_cast<size_t>(std::count_if(Polled.begin(), Polled.end(), [](const LsmEvent& Event)
		{
			return Event.kind == LSM_EVENT_KIND_LEVEL_STATE_CHANGED;
		}));
		TEST_EQ(StateChangesFromCallback, StateChangesPolled);
		TEST_TRUE(StateChangesPolled >= 12);
		TEST_EQ(Manager.DroppedEventCount(), static_cast<uint64_t>(0));

		// Unregistering stops delivery; the poll queue still works.
		TEST_OK(Manager.UnregisterEventCallback(CallbackId.ValueOr(0)));
		TEST_EQ(Manager.EventCallbackCount(), static_cast<size_t>(1));
		const size_t CallbackEventsBefore = FromCallback.size();
		Camera.position.x = 0.0;
		for (int Frame = 0; Frame < 20; ++Frame)
		{
			TEST_OK(Manager.Update(&Camera, 1, 1.0 / 60.0));
			Host.Frame(Manager);
		}
		TEST_EQ(FromCallback.size(), CallbackEventsBefore);
		std::vector<LsmEvent> After;
		TEST_OK(Manager.PollAllEvents(After));
		TEST_TRUE(!After.empty());
	}

	void TestRequestOrderingAndSpans()
	{
		LsmConfig Config = TestConfig();
		Config.max_loads_in_flight = 0; // unlimited, to see the order of all loads
		FManager Manager = MakeManager(Config);
		const char* const Names[] = {"/Game/Maps/Background", "/Game/Maps/Critical", "/Game/Maps/Normal"};
		const LsmPriority Priorities[] = {LSM_PRIORITY_BACKGROUND, LSM_PRIORITY_CRITICAL, LSM_PRIORITY_NORMAL};
		for (int Index = 0; Index < 3; ++Index)
		{
			TEST_OK(Manager.RegisterLevel(Names[Index], 10.0, Priorities[Index]));
			FVolumeDesc Volume;
			Volume.Name = std::string(Names[Index]) + "_Volume";
			Volume.LevelName = Names[Index];
			Volume.Radius = 100.0;
			Volume.LoadDistance = 100.0;
			Volume.Priority = Priorities[Index];
			TEST_OK(Manager.CreateStreamingVolume(Volume));
		}
		// One update wants all three: their loads are issued together, by priority.
		const LsmStreamingSource Origin = MakeSource(MakeVec3(0.0, 0.0, 0.0));
		TEST_OK(Manager.Update(&Origin, 1, 0.016));
		TEST_EQ(Manager.PendingRequestCount(), static_cast<size_t>(3));

		// A span of one: requests come out one at a time, CRITICAL first.
		LsmRequest Span[1];
		std::vector<LsmRequest> Loads;
		for (int Index = 0; Index < 3; ++Index)
		{
			const TResult<size_t> Took = Manager.TakeRequests(Span, 1);
			TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
			TEST_EQ(Span[0].kind, LSM_REQUEST_KIND_LOAD);
			TEST_TRUE(Span[0].distance == 0.0); // inside the volume
			Loads.push_back(Span[0]);
		}
		TEST_EQ(Manager.TakeRequests(Span, 1).ValueOr(99), static_cast<size_t>(0));
		TEST_EQ(Loads.size(), static_cast<size_t>(3));
		if (Loads.size() == 3)
		{
			TEST_EQ(Loads[0].priority, LSM_PRIORITY_CRITICAL);
			TEST_EQ(Loads[1].priority, LSM_PRIORITY_NORMAL);
			TEST_EQ(Loads[2].priority, LSM_PRIORITY_BACKGROUND);
			TEST_TRUE(Loads[0].id != Loads[1].id && Loads[1].id != Loads[2].id);
		}
		for (const LsmRequest& Load : Loads)
		{
			// Completing a load issues its MAKE_VISIBLE at once.
			TEST_OK(Manager.CompleteRequestWithMemory(Load.id, true, 12.5));
		}
		TEST_EQ(Manager.PendingRequestCount(), static_cast<size_t>(3));

		// A vector with existing content: TakeAllRequests appends.
		std::vector<LsmRequest> Storage(1);
		Storage[0].id = 0;
		const TResult<size_t> Appended = Manager.TakeAllRequests(Storage);
		TEST_EQ(Appended.ValueOr(0), static_cast<size_t>(3));
		TEST_EQ(Storage.size(), static_cast<size_t>(4));
		for (size_t Index = 1; Index < Storage.size(); ++Index)
		{
			TEST_EQ(Storage[Index].kind, LSM_REQUEST_KIND_MAKE_VISIBLE);
			TEST_OK(Manager.CompleteRequest(Storage[Index].id, true));
		}
		Storage.clear();
		TEST_EQ(Manager.TakeAllRequests(Storage).ValueOr(99), static_cast<size_t>(0));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Critical").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_ACTIVE);

		// The measured sizes replaced the estimates.
		const TResult<LsmMemoryStatus> Memory = Manager.GetMemoryStatus();
		TEST_OK(Memory);
		TEST_TRUE(std::fabs(Memory.ValueOr(LsmMemoryStatus{}).used_memory_mb - 37.5) < 1e-9);

		// Manual control of a level no volume wants: pin, hide, show, unpin.
		TEST_OK(Manager.RegisterLevel("/Game/Maps/Manual", 5.0));
		TEST_OK(Manager.LoadLevel("/Game/Maps/Manual")); // issued at once
		LsmRequest Fixed[8];
		TResult<size_t> Took = Manager.TakeRequests(Fixed);
		TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
		TEST_EQ(Fixed[0].kind, LSM_REQUEST_KIND_LOAD);
		TEST_TRUE(std::isinf(Fixed[0].distance)); // a manual load with no volume nearby
		TEST_OK(Manager.CompleteRequest(Fixed[0].id, true));
		Took = Manager.TakeRequests(Fixed);
		TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
		TEST_EQ(Fixed[0].kind, LSM_REQUEST_KIND_MAKE_VISIBLE);
		TEST_OK(Manager.CompleteRequest(Fixed[0].id, true));

		TEST_OK(Manager.SetLevelVisible("/Game/Maps/Manual", false));
		TEST_OK(Manager.Update(&Origin, 1, 0.016));
		Took = Manager.TakeRequests(Fixed);
		TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
		TEST_EQ(Fixed[0].kind, LSM_REQUEST_KIND_HIDE);
		TEST_OK(Manager.CompleteRequest(Fixed[0].id, true));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Manual").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_HIDDEN);

		TEST_OK(Manager.UnloadLevel("/Game/Maps/Manual"));
		TEST_OK(Manager.Update(&Origin, 1, 0.016));
		Took = Manager.TakeRequests(Fixed);
		TEST_EQ(Took.ValueOr(0), static_cast<size_t>(1));
		TEST_EQ(Fixed[0].kind, LSM_REQUEST_KIND_UNLOAD);
		TEST_EQ(Fixed[0].level_id, Manager.FindLevel("/Game/Maps/Manual").ValueOr(LSM_INVALID_ID));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Manual").ValueOr(LSM_STREAMING_STATE_ACTIVE), LSM_STREAMING_STATE_UNLOADING);
		TEST_OK(Manager.CompleteRequest(Fixed[0].id, true));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Manual").ValueOr(LSM_STREAMING_STATE_ACTIVE), LSM_STREAMING_STATE_UNLOADED);

		// Unpinning a level a volume still wants keeps it.
		TEST_OK(Manager.UnloadLevel("/Game/Maps/Critical"));
		TEST_OK(Manager.Update(&Origin, 1, 0.016));
		TEST_EQ(Manager.PendingRequestCount(), static_cast<size_t>(0));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Critical").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_ACTIVE);
	}

	void TestVolumes()
	{
		FManager Manager = MakeManager(TestConfig());
		FVolumeDesc Volume;
		Volume.Name = "CaveVolume";
		Volume.LevelName = "/Game/Maps/Cave"; // created implicitly
		Volume.Center = MakeVec3(0.0, 0.0, 0.0);
		Volume.Radius = 100.0;
		Volume.LoadDistance = 200.0;
		const TResult<uint32_t> VolumeId = Manager.CreateStreamingVolume(Volume);
		TEST_OK(VolumeId);
		TEST_EQ(Manager.FindVolume("CaveVolume").ValueOr(LSM_INVALID_ID), VolumeId.ValueOr(0));
		TEST_OK(Manager.FindLevel("/Game/Maps/Cave"));
		TEST_ERR(Manager.CreateStreamingVolume(Volume), LSM_STATUS_DUPLICATE_NAME);

		const uint32_t Id = VolumeId.ValueOr(0);
		const LsmStreamingSource Here = MakeSource(MakeVec3(50.0, 0.0, 0.0));
		TEST_OK(Manager.Update(&Here, 1, 0.016));
		std::vector<LsmRequest> Requests;
		TEST_OK(Manager.TakeAllRequests(Requests));
		TEST_EQ(Requests.size(), static_cast<size_t>(1));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Cave").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_LOADING);
		TEST_OK(Manager.CompleteRequest(Requests.empty() ? 0 : Requests[0].id, true));
		Requests.clear();
		TEST_OK(Manager.TakeAllRequests(Requests)); // the MAKE_VISIBLE follow-up
		TEST_EQ(Requests.size(), static_cast<size_t>(1));
		TEST_EQ(Requests.empty() ? LSM_REQUEST_KIND_LOAD : Requests[0].kind, LSM_REQUEST_KIND_MAKE_VISIBLE);
		TEST_OK(Manager.CompleteRequest(Requests.empty() ? 0 : Requests[0].id, true));
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Cave").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_ACTIVE);

		// Moving the volume away releases the level at the next update.
		TEST_OK(Manager.MoveStreamingVolume(Id, MakeVec3(100000.0, 0.0, 0.0)));
		TEST_ERR(Manager.SetVolumeDistances(Id, 100.0, 300.0, 200.0), LSM_STATUS_UNLOAD_BELOW_LOAD);
		TEST_ERR(Manager.SetVolumeDistances(Id, -1.0, 300.0, 0.0), LSM_STATUS_NEGATIVE_VALUE);
		TEST_OK(Manager.SetVolumeDistances(Id, 100.0, 300.0, 0.0));
		Requests.clear();
		TEST_OK(Manager.Update(&Here, 1, 0.016));
		TEST_OK(Manager.TakeAllRequests(Requests));
		TEST_EQ(Requests.size(), static_cast<size_t>(1));
		TEST_EQ(Requests.empty() ? LSM_REQUEST_KIND_LOAD : Requests[0].kind, LSM_REQUEST_KIND_UNLOAD);
		TEST_OK(Manager.CompleteRequest(Requests.empty() ? 0 : Requests[0].id, true));

		// Back in place, but disabled: nothing is wanted.
		TEST_OK(Manager.MoveStreamingVolume(Id, MakeVec3(0.0, 0.0, 0.0)));
		TEST_OK(Manager.SetVolumeEnabled(Id, false));
		Requests.clear();
		TEST_OK(Manager.Update(&Here, 1, 0.016));
		TEST_OK(Manager.TakeAllRequests(Requests));
		TEST_TRUE(Requests.empty());
		TEST_OK(Manager.SetVolumeEnabled(Id, true));
		TEST_OK(Manager.Update(&Here, 1, 0.016));
		TEST_OK(Manager.TakeAllRequests(Requests));
		TEST_EQ(Requests.size(), static_cast<size_t>(1));

		TEST_OK(Manager.RemoveStreamingVolume(Id));
		TEST_EQ(Manager.VolumeCount(), static_cast<size_t>(0));
		TEST_ERR(Manager.FindVolume("CaveVolume"), LSM_STATUS_UNKNOWN_VOLUME);
	}

	void TestBudgets()
	{
		FManager Manager = MakeManager(TestConfig());
		const TResult<uint32_t> BudgetId = Manager.CreateMemoryBudget("World", 1000.0, LSM_PRIORITY_NORMAL);
		TEST_OK(BudgetId);
		TEST_OK(Manager.CreateMemoryBudget("Audio", 256.0, LSM_PRIORITY_LOW));
		TEST_OK(Manager.SetBudgetThresholds("World", 0.5, 0.95));
		const char* const Names[] = {"/Game/Maps/A", "/Game/Maps/B", "/Game/Maps/C"};
		for (const char* Name : Names)
		{
			TEST_OK(Manager.RegisterLevel(Name, 300.0, LSM_PRIORITY_NORMAL));
			TEST_OK(Manager.AllocateLevelToBudget("World", Name, 300.0));
		}

		TResult<LsmBudgetStatus> World = Manager.GetBudgetStatus("World");
		TEST_OK(World);
		TEST_EQ(World.ValueOr(LsmBudgetStatus{}).level_count, 3u);
		TEST_TRUE(std::fabs(World.ValueOr(LsmBudgetStatus{}).allocated_memory_mb - 900.0) < 1e-9);
		TEST_TRUE(World.ValueOr(LsmBudgetStatus{}).current_usage_mb == 0.0);
		TEST_EQ(World.ValueOr(LsmBudgetStatus{}).state, LSM_MEMORY_STATE_NORMAL);

		std::vector<FBudgetInfo> Budgets;
		TEST_OK(Manager.GetAllBudgets(Budgets));
		TEST_EQ(Budgets.size(), static_cast<size_t>(2));
		if (Budgets.size() == 2)
		{
			TEST_TRUE(Budgets[0].Name == "World" && Budgets[1].Name == "Audio");
			TEST_EQ(Budgets[1].Status.priority, LSM_PRIORITY_LOW);
			TEST_TRUE(Budgets[1].Status.max_memory_mb == 256.0);
		}
		TEST_TRUE(Manager.BudgetName(1).ValueOr("") == "Audio");
		TEST_ERR(Manager.BudgetName(2), LSM_STATUS_NOT_FOUND);

		// Two loads in flight hold 600 of 1000 MB: over the 0.5 warning threshold.
		for (const char* Name : Names)
		{
			TEST_OK(Manager.LoadLevel(Name));
		}
		TEST_OK(Manager.Update(nullptr, 0, 0.016));
		std::vector<LsmEvent> Events;
		TEST_OK(Manager.PollAllEvents(Events));
		const auto Changed = std::find_if(Events.begin(), Events.end(), [](const LsmEvent& Event)
		{
			return Event.kind == LSM_EVENT_KIND_MEMORY_STATE_CHANGED;
		});
		TEST_TRUE(Changed != Events.end());
		if (Changed != Events.end())
		{
			TEST_EQ(Changed->budget_id, BudgetId.ValueOr(LSM_INVALID_ID));
			TEST_EQ(Changed->old_memory_state, LSM_MEMORY_STATE_NORMAL);
			TEST_EQ(Changed->new_memory_state, LSM_MEMORY_STATE_WARNING);
			TEST_TRUE(Changed->usage_fraction >= 0.5 && Changed->usage_fraction <= 1.0);
		}
		World = Manager.GetBudgetStatus("World");
		TEST_EQ(World.ValueOr(LsmBudgetStatus{}).state, LSM_MEMORY_STATE_WARNING);

		const TResult<LsmMemoryStatus> Memory = Manager.GetMemoryStatus();
		TEST_OK(Memory);
		TEST_EQ(Memory.ValueOr(LsmMemoryStatus{}).budget_count, 2u);
		TEST_TRUE(Memory.ValueOr(LsmMemoryStatus{}).total_memory_mb == 1256.0);
		TEST_EQ(Memory.ValueOr(LsmMemoryStatus{}).worst_state, LSM_MEMORY_STATE_WARNING);
		TEST_TRUE(Memory.ValueOr(LsmMemoryStatus{}).used_memory_mb >= 600.0);
	}

	void TestLod()
	{
		FManager Manager = MakeManager(TestConfig());
		TEST_OK(Manager.RegisterLevel("/Game/Maps/Town", 50.0, LSM_PRIORITY_NORMAL));
		TEST_EQ(Manager.GetLod("/Game/Maps/Town").ValueOr(LSM_LOD_LEVEL_MINIMAL), LSM_LOD_LEVEL_ULTRA);
		TEST_OK(Manager.CreateLodSettings("/Game/Maps/Town"));
		const TResult<LsmLodSettings> Settings = Manager.GetLodSettings("/Game/Maps/Town");
		TEST_OK(Settings);
		TEST_TRUE(Settings.ValueOr(LsmLodSettings{}).auto_adjust);
		TEST_TRUE(Settings.ValueOr(LsmLodSettings{}).distance_thresholds[0] == LSM_ULTRA_DISTANCE);
		TEST_TRUE(Settings.ValueOr(LsmLodSettings{}).distance_thresholds[4] == LSM_MINIMAL_DISTANCE);

		// Bring the level up, then change its LOD by hand: a SET_LOD request for the host.
		TEST_OK(Manager.LoadLevel("/Game/Maps/Town"));
		FFakeHost Host;
		Host.LatencyFrames = 1;
		for (int Frame = 0; Frame < 5; ++Frame)
		{
			TEST_OK(Manager.Update(nullptr, 0, 0.016));
			Host.Frame(Manager);
		}
		TEST_EQ(Manager.GetLevelState("/Game/Maps/Town").ValueOr(LSM_STREAMING_STATE_UNLOADED), LSM_STREAMING_STATE_ACTIVE);
		const size_t SetLodBefore = Host.SetLodRequests;
		TEST_OK(Manager.SetLod("/Game/Maps/Town", LSM_LOD_LEVEL_LOW));
		TEST_OK(Manager.Update(nullptr, 0, 0.016));
		Host.Frame(Manager);
		TEST_EQ(Host.SetLodRequests, SetLodBefore + 1);
		TEST_EQ(Host.Levels[0].AppliedLod, LSM_LOD_LEVEL_LOW);
		TEST_EQ(Manager.GetLod("/Game/Maps/Town").ValueOr(LSM_LOD_LEVEL_ULTRA), LSM_LOD_LEVEL_LOW);
		TEST_TRUE(!Manager.GetLodSettings("/Game/Maps/Town").ValueOr(LsmLodSettings{}).auto_adjust);

		std::vector<LsmEvent> Events;
		TEST_OK(Manager.PollAllEvents(Events));
		TEST_TRUE(std::any_of(Events.begin(), Events.end(), [](const LsmEvent& Event)
		{
			// Auto-adjust had already picked MINIMAL (a manual load has no nearby source).
			return Event.kind == LSM_EVENT_KIND_LOD_CHANGED && Event.new_lod == LSM_LOD_LEVEL_LOW && Event.old_lod == LSM_LOD_LEVEL_MINIMAL;
		}));

		const TResult<LsmLodQuality> Low = FManager::LodQuality(LSM_LOD_LEVEL_LOW);
		TEST_OK(Low);
		TEST_TRUE(Low.ValueOr(LsmLodQuality{}).texture_quality == 0.4);
		TEST_TRUE(Low.ValueOr(LsmLodQuality{}).draw_distance == 4000.0);
		const TResult<LsmLodQuality> Current = Manager.GetLodQualityValues("/Game/Maps/Town");
		TEST_TRUE(Current.ValueOr(LsmLodQuality{}).mesh_quality == Low.ValueOr(LsmLodQuality{}).mesh_quality);

		TEST_EQ(Manager.CalculateOptimalLod(500.0, 4096.0, 10.0).ValueOr(LSM_LOD_LEVEL_MINIMAL), LSM_LOD_LEVEL_ULTRA);
		TEST_EQ(Manager.CalculateOptimalLod(5000.0, 4096.0, 10.0).ValueOr(LSM_LOD_LEVEL_ULTRA), LSM_LOD_LEVEL_LOW);
		TEST_ERR(Manager.CalculateOptimalLod(-1.0, 4096.0, 10.0), LSM_STATUS_NEGATIVE_VALUE);
		TEST_OK(Manager.CalculateOptimalLodForLevel("/Game/Maps/Town"));

		TEST_OK(Manager.SetLodAutoAdjust("/Game/Maps/Town", true));
		TEST_TRUE(Manager.GetLodSettings("/Game/Maps/Town").ValueOr(LsmLodSettings{}).auto_adjust);
		LsmLodSettings Custom = Settings.ValueOr(LsmLodSettings{});
		Custom.distance_thresholds[1] = 1.0; // decreasing: refused
		TEST_ERR(Manager.SetLodSettings("/Game/Maps/Town", Custom), LSM_STATUS_INVALID_ARGUMENT);
	}

	void TestPerformance()
	{
		FManager Manager = MakeManager(TestConfig());
		std::vector<LsmEvent> Warnings;
		std::vector<LsmEvent> Recoveries;
		// Callbacks filtered by kind: each sees only its own.
		TEST_OK(Manager.RegisterEventCallback(LSM_EVENT_KIND_PERFORMANCE_WARNING, [&Warnings](const LsmEvent& Event)
		{
			TEST_EQ(Event.kind, LSM_EVENT_KIND_PERFORMANCE_WARNING);
			Warnings.push_back(Event);
		}));
		TEST_OK(Manager.RegisterEventCallback(LSM_EVENT_KIND_PERFORMANCE_RECOVERED, [&Recoveries](const LsmEvent& Event)
		{
			TEST_EQ(Event.kind, LSM_EVENT_KIND_PERFORMANCE_RECOVERED);
			Recoveries.push_back(Event);
		}));
		// Every kind the header names is a valid filter; anything else is refused.
		for (uint32_t Kind = LSM_EVENT_KIND_LEVEL_STATE_CHANGED; Kind <= LSM_EVENT_KIND_SOURCE_STREAMING_STATE_CHANGED; ++Kind)
		{
			const TResult<uint64_t> Registered = Manager.RegisterEventCallback(Kind, [](const LsmEvent&) {});
			TEST_OK(Registered);
			TEST_OK(Manager.UnregisterEventCallback(Registered.ValueOr(0)));
		}
		TEST_ERR(Manager.RegisterEventCallback(1000, [](const LsmEvent&) {}), LSM_STATUS_INVALID_ARGUMENT);
		TEST_EQ(Manager.EventCallbackCount(), static_cast<size_t>(2));
		for (int Frame = 0; Frame < 5; ++Frame)
		{
			TEST_OK(Manager.RecordFrame(40.0, 1024.0, 3000, 5000000));
		}
		TEST_EQ(Warnings.size(), static_cast<size_t>(1));
		if (!Warnings.empty())
		{
			TEST_EQ(Warnings[0].consecutive_frames, 5u);
			TEST_TRUE(Warnings[0].frame_time_ms == 40.0);
			TEST_TRUE(std::fabs(Warnings[0].target_frame_time_ms - LSM_FRAME_TIME_TARGET_60FPS) < 1e-9);
		}
		for (int Frame = 0; Frame < 5; ++Frame)
		{
			TEST_OK(Manager.RecordFrame(10.0, 1024.0, 3000, 5000000));
		}
		TEST_EQ(Recoveries.size(), static_cast<size_t>(1));
		// A bad sample is refused and changes nothing.
		TEST_ERR(Manager.RecordFrame(std::nan(""), 1.0, 0, 0), LSM_STATUS_NON_FINITE_VALUE);
		TEST_ERR(Manager.RecordFrame(16.0, -1.0, 0, 0), LSM_STATUS_NEGATIVE_VALUE);
		TEST_EQ(Recoveries.size(), static_cast<size_t>(1));
		TEST_EQ(Warnings.size(), static_cast<size_t>(1));
		TEST_OK(Manager.SetTargetFrameTime(LSM_FRAME_TIME_TARGET_30FPS));
	}

	/** Brackets and braces balance outside strings, and the text is one object. */
	bool LooksLikeJsonObject(const std::string& Json)
	{
		if (Json.size() < 2 || Json.front() != '{' || Json.back() != '}')
		{
			return false;
		}
		std::vector<char> Stack;
		bool bInString = false;
		for (size_t Index = 0; Index < Json.size(); ++Index)
		{
			const char Char = Json[Index];
			if (bInString)
			{
				if (Char == '\\')
				{
					++Index;
				}
				else if (Char == '"')
				{
					bInString = false;
				}
				continue;
			}
			switch (Char)
			{
			case '"': bInString = true; break;
			case '{':
			case '[': Stack.push_back(Char); break;
			case '}':
				if (Stack.empty() || Stack.back() != '{') return false;
				Stack.pop_back();
				if (Stack.empty() && Index + 1 != Json.size()) return false;
				break;
			case ']':
				if (Stack.empty() || Stack.back() != '[') return false;
				Stack.pop_back();
				break;
			default: break;
			}
		}
		return Stack.empty() && !bInString;
	}

	void TestPerformanceReportAndLongNames()
	{
		FManager Manager = MakeManager(TestConfig());
		// Longer than ReadString's first 128-byte buffer: exercises the BUFFER_TOO_SMALL retry.
		const std::string LongName = "/Game/Maps/" + std::string(300, 'x') + "/H\xC3\xB6hle";
		TEST_OK(Manager.RegisterLevel(LongName, 64.0));
		TEST_OK(Manager.RegisterLevel("/Game/Maps/Quote\"Level", 64.0));
		TEST_OK(Manager.CreateMemoryBudget("World", 2048.0));
		TEST_OK(Manager.AllocateLevelToBudget("World", LongName, 64.0));
		const TResult<std::string> Name = Manager.LevelName(0);
		TEST_OK(Name);
		TEST_TRUE(Name.ValueOr("") == LongName);
		TEST_TRUE(IsValidUtf8(Name.ValueOr("")));
		for (int Frame = 0; Frame < 3; ++Frame)
		{
			TEST_OK(Manager.RecordFrame(16.0, 512.0, 1000, 100000));
			TEST_OK(Manager.Update(nullptr, 0, 0.016));
		}

		const TResult<std::string> Report = Manager.GetPerformanceReport();
		TEST_OK(Report);
		const std::string Json = Report.ValueOr("");
		TEST_TRUE(LooksLikeJsonObject(Json));
		TEST_TRUE(IsValidUtf8(Json));
		TEST_TRUE(Contains(Json, "\"version\":\"" LSM_VERSION "\""));
		TEST_TRUE(Contains(Json, "\"levels\":["));
		TEST_TRUE(Contains(Json, "\"metrics\":["));
		TEST_TRUE(Contains(Json, "\"memory\":{"));
		TEST_TRUE(Contains(Json, LongName));
		TEST_TRUE(Contains(Json, "Quote\\\"Level")); // escaped inside the JSON string
		TEST_TRUE(Contains(Json, "\"World\""));

		// The raw convention ReadString relies on: the needed length comes with BUFFER_TOO_SMALL.
		size_t Needed = 0;
		TEST_EQ(lsm_get_performance_report(Manager.Get(), nullptr, 0, &Needed), LSM_STATUS_BUFFER_TOO_SMALL);
		TEST_EQ(Needed, Json.size());
		char Tiny[4] = {'a', 'b', 'c', 0};
		TEST_EQ(lsm_get_performance_report(Manager.Get(), Tiny, sizeof(Tiny), &Needed), LSM_STATUS_BUFFER_TOO_SMALL);
		TEST_TRUE(std::strcmp(Tiny, "abc") == 0); // untouched on failure

		// ReadString gives up on a getter that answers BUFFER_TOO_SMALL without asking for more.
		const TResult<std::string> Stuck = ReadString("stuck", [](char*, size_t, size_t* OutLength)
		{
			*OutLength = 1;
			return LSM_STATUS_BUFFER_TOO_SMALL;
		});
		TEST_EQ(Stuck.GetStatus(), LSM_STATUS_BUFFER_TOO_SMALL);
	}

	void TestCallbackLifetime()
	{
		FManager Manager = MakeManager(TestConfig());
		TEST_OK(Manager.RegisterLevel("/Game/Maps/One", 1.0));
		TEST_OK(Manager.RegisterLevel("/Game/Maps/Two", 1.0));

		size_t Counted = 0;
		TEST_OK(Manager.RegisterEventCallback(LSM_EVENT_KIND_LEVEL_STATE_CHANGED, [&Counted](const LsmEvent&)
		{
			++Counted;
		}));
		// Registered last, so that the check does not depend on how the library orders a
		// dispatch after a callback removed itself.
		FManager* Target = &Manager;
		uint64_t SelfId = 0;
		size_t SelfCalls = 0;
		const TResult<uint64_t> Self = Manager.RegisterEventCallback(LSM_EVENT_KIND_LEVEL_STATE_CHANGED, [&Target, &SelfId, &SelfCalls](const LsmEvent&)
		{
			++SelfCalls;
			// Unregisters itself while it runs: its storage must outlive this call (ASan checks).
			const FResult Removed = Target->UnregisterEventCallback(SelfId);
			TEST_OK(Removed);
		});
		TEST_OK(Self);
		SelfId = Self.ValueOr(0);

		TEST_OK(Manager.LoadLevel("/Game/Maps/One"));
		TEST_OK(Manager.Update(nullptr, 0, 0.016)); // UNLOADED -> LOADING: one event
		TEST_EQ(SelfCalls, static_cast<size_t>(1));
		TEST_EQ(Counted, static_cast<size_t>(1));
		TEST_EQ(Manager.EventCallbackCount(), static_cast<size_t>(1));

		// Moving the manager keeps the callbacks' user_data valid.
		FManager Moved = std::move(Manager);
		Target = &Moved;
		TEST_TRUE(!Manager.IsValid() && Moved.IsValid());
		TEST_OK(Moved.LoadLevel("/Game/Maps/Two"));
		TEST_OK(Moved.Update(nullptr, 0, 0.016));
		TEST_EQ(Counted, static_cast<size_t>(2));
		TEST_EQ(SelfCalls, static_cast<size_t>(1));

		// Move-assigning over a live manager destroys the old one first.
		FManager Other = MakeManager(TestConfig());
		Other = std::move(Moved);
		TEST_TRUE(Other.IsValid() && !Moved.IsValid());
		TEST_EQ(Other.LevelCount(), static_cast<size_t>(2));
		Other.Reset();
		TEST_TRUE(!Other.IsValid());
		Other.Reset(); // twice is fine
	}


#if defined(LSM_HAS_DASHBOARD)
	void TestDashboard()
	{
		FManager Manager = MakeManager(TestConfig());
		const LsmDashboardConfig Defaults = FManager::DefaultDashboardConfig();
		TEST_TRUE(Defaults.port != 0);
		TEST_TRUE(Defaults.bind_address != nullptr && std::strcmp(Defaults.bind_address, "127.0.0.1") == 0);
		TEST_TRUE(!Defaults.allow_non_loopback);

		const FResult Started = Manager.StartDashboard(0); // any free port
		if (Started.GetStatus() == LSM_STATUS_NOT_SUPPORTED)
		{
			std::printf("core_wrapper_test: the library was built without its dashboard feature\n");
			TEST_ERR(Manager.DashboardUrl(), LSM_STATUS_NOT_SUPPORTED);
			return;
		}
		TEST_OK(Started);
		TEST_ERR(Manager.StartDashboard(0), LSM_STATUS_INVALID_ARGUMENT); // already running
		const TResult<uint16_t> Port = Manager.DashboardPort();
		TEST_OK(Port);
		TEST_TRUE(Port.ValueOr(0) != 0);
		const TResult<std::string> Url = Manager.DashboardUrl();
		TEST_OK(Url);
		const std::string Expected = "http://127.0.0.1:" + std::to_string(Port.ValueOr(0)) + "/";
		TEST_TRUE(Url.ValueOr("").compare(0, Expected.size(), Expected) == 0);
		TEST_TRUE(Contains(Url.ValueOr(""), "#token="));
		// The game keeps updating while the dashboard runs; it never waits on it.
		TEST_OK(Manager.RegisterLevel("/Game/Maps/Watched", 8.0));
		TEST_OK(Manager.LoadLevel("/Game/Maps/Watched"));
		for (int Frame = 0; Frame < 10; ++Frame)
		{
			TEST_OK(Manager.Update(nullptr, 0, 1.0 / 60.0));
			TEST_OK(Manager.RecordFrame(16.0, 256.0, 100, 1000));
		}
		TEST_OK(Manager.StopDashboard());
		TEST_ERR(Manager.DashboardPort(), LSM_STATUS_NOT_FOUND);
		TEST_OK(Manager.StopDashboard()); // stopping twice is fine

		// Invalid configurations are refused with a message.
		LsmDashboardConfig Public = FManager::DefaultDashboardConfig();
		Public.bind_address = "0.0.0.0";
		Public.port = 0;
		TEST_ERR(Manager.StartDashboard(Public), LSM_STATUS_INVALID_ARGUMENT);
	}
#endif
} // namespace

int main()
{
	TestVersionAndNames();
	TestUtf8Helpers();
	TestErrorPaths();
	TestStreamAWorld();
	TestRequestOrderingAndSpans();
	TestVolumes();
	TestBudgets();
	TestLod();
	TestPerformance();
	TestPerformanceReportAndLongNames();
	TestCallbackLifetime();
#if defined(LSM_HAS_DASHBOARD)
	TestDashboard();
#else
	std::printf("core_wrapper_test: no dashboard API in level_streaming.h; its checks were not compiled\n");
#endif

	if (GFailures > 0)
	{
		std::fprintf(stderr, "core_wrapper_test: %d of %d checks FAILED\n", GFailures, GChecks);
		return 1;
	}
	std::printf("core_wrapper_test: all %d checks passed (library %s)\n", GChecks, FManager::LibraryVersion());
	return 0;
}
