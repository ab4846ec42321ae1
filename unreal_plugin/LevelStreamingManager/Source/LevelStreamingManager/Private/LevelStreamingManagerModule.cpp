// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LevelStreamingManagerModule.h"

#include "HAL/PlatformProcess.h"
#include "Interfaces/IPluginManager.h"
#include "LevelStreamingCore.h"
#include "LevelStreamingManagerLog.h"
#include "LsmConversions.h"
#include "Misc/Paths.h"

DEFINE_LOG_CATEGORY(LogLevelStreamingManager);

void FLevelStreamingManagerModule::StartupModule()
{
#if PLATFORM_WINDOWS
	// PublicDelayLoadDLLs: nothing resolves level_streaming.dll until the first lsm_ call.
	// Load it by full path now (the Windows loader would not look in the plugin directory),
	// so that the delay-load stubs find the module already in the process.
	const TSharedPtr<IPlugin> Plugin = IPluginManager::Get().FindPlugin(TEXT("LevelStreamingManager"));
	if (!Plugin.IsValid())
	{
		UE_LOG(LogLevelStreamingManager, Error, TEXT("The LevelStreamingManager plugin descriptor was not found; the library is not loaded."));
		return;
	}
	const FString LibraryPath = FPaths::Combine(Plugin->GetBaseDir(), TEXT("Source"), TEXT("ThirdParty"), TEXT("LevelStreamingCore"), TEXT("lib"), TEXT("Win64"), TEXT("level_streaming.dll"));
	NativeLibraryHandle = FPlatformProcess::GetDllHandle(*LibraryPath);
	if (NativeLibraryHandle == nullptr)
	{
		UE_LOG(LogLevelStreamingManager, Error, TEXT("Could not load %s: run scripts/package-plugin.sh and rebuild. Level streaming is disabled."), *LibraryPath);
		return;
	}
#endif

	const LevelStreamingCore::FResult Version = LevelStreamingCore::FManager::CheckLibraryVersion();
	if (Version.HasError())
	{
		UE_LOG(LogLevelStreamingManager, Error, TEXT("%s. Re-run scripts/package-plugin.sh. Level streaming is disabled."), *LsmConversions::ToFString(Version.GetError().ToString()));
		return;
	}
	bNativeLibraryLoaded = true;
	UE_LOG(LogLevelStreamingManager, Log, TEXT("Level Streaming Manager library %s loaded."), *LsmConversions::ToFString(LevelStreamingCore::FManager::LibraryVersion()));
}

void FLevelStreamingManagerModule::ShutdownModule()
{
	// World subsystems (and their managers) are gone by now.
	bNativeLibraryLoaded = false;
	if (NativeLibraryHandle != nullptr)
	{
		FPlatformProcess::FreeDllHandle(NativeLibraryHandle);
		NativeLibraryHandle = nullptr;
	}
}

IMPLEMENT_MODULE(FLevelStreamingManagerModule, LevelStreamingManager)
