// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "Modules/ModuleInterface.h"
#include "Modules/ModuleManager.h"

/**
 * The plugin's runtime module. On Windows the library (level_streaming.dll) is
 * delay-loaded: StartupModule takes its handle from the plugin directory before any
 * lsm_ call, and checks that the library is the version the header was generated for.
 * On Linux and Mac the shared library is linked normally and found through the rpath
 * Unreal Build Tool sets for it.
 */
class LEVELSTREAMINGMANAGER_API FLevelStreamingManagerModule : public IModuleInterface
{
public:
	//~ Begin IModuleInterface Interface
	virtual void StartupModule() override;
	virtual void ShutdownModule() override;
	//~ End IModuleInterface Interface

	static FLevelStreamingManagerModule& Get()
	{
		return FModuleManager::LoadModuleChecked<FLevelStreamingManagerModule>(TEXT("LevelStreamingManager"));
	}

	static bool IsAvailable()
	{
		return FModuleManager::Get().IsModuleLoaded(TEXT("LevelStreamingManager"));
	}

	/** Whether lsm_ functions may be called: the library is loaded and its version matches. */
	bool IsNativeLibraryLoaded() const
	{
		return bNativeLibraryLoaded;
	}

private:
	/** Handle of level_streaming.dll (Windows); null elsewhere. */
	void* NativeLibraryHandle = nullptr;
	bool bNativeLibraryLoaded = false;
};
