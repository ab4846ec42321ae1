// UE shim (see README.md). Runtime/Engine/Classes/Engine/LevelStreaming.h (UE 5.3/5.4).

#pragma once

#include "UObject/Object.h"
#include "UObject/SoftObjectPtr.h"

class ULevel;
class ULevelStreaming;

DECLARE_DYNAMIC_MULTICAST_DELEGATE(FLevelStreamingLoadedStatus);
DECLARE_DYNAMIC_MULTICAST_DELEGATE(FLevelStreamingVisibilityStatus);

enum class ELevelStreamingState : uint8
{
	Removed,
	Unloaded,
	FailedToLoad,
	Loading,
	LoadedNotVisible,
	MakingVisible,
	LoadedVisible,
	MakingInvisible,
};
const TCHAR* EnumToString(ELevelStreamingState InState);

/** The latent action behind UGameplayStatics::LoadStreamLevel; its statics look streaming levels up. */
class FStreamLevelAction
{
public:
	static FString MakeSafeLevelName(const FName& InLevelName, UWorld* InWorld);
	static ULevelStreaming* FindAndCacheLevelStreamingObject(const FName LevelName, UWorld* InWorld);
};

class ULevelStreaming : public UObject
{
public:
	ULevelStreaming();

	FTransform LevelTransform;
	uint8 bShouldBlockOnLoad : 1;
	uint8 bShouldBlockOnUnload : 1;
	uint8 bDisableDistanceStreaming : 1;

	ELevelStreamingState GetLevelStreamingState() const;
	bool GetShouldBeVisibleFlag() const;
	void SetShouldBeVisible(bool bInShouldBeVisible);
	virtual void SetShouldBeLoaded(bool bInShouldBeLoaded);
	virtual bool ShouldBeLoaded() const;
	virtual bool ShouldBeVisible() const;
	void SetPriority(int32 NewPriority);
	int32 GetPriority() const;
	bool HasLoadRequestPending() const;
	bool HasLoadedLevel() const;
	ULevel* GetLoadedLevel() const;
	bool IsLevelVisible() const;
	bool IsLevelLoaded() const;
	bool IsStreamingStatePending() const;
	const TSoftObjectPtr<UWorld>& GetWorldAsset() const;
	FString GetWorldAssetPackageName() const;
	virtual FName GetWorldAssetPackageFName() const;
	void SetIsRequestingUnloadAndRemoval(bool bInIsRequestingUnloadAndRemoval);
	virtual UWorld* GetWorld() const override final;

	FLevelStreamingLoadedStatus OnLevelLoaded;
	FLevelStreamingLoadedStatus OnLevelUnloaded;
	FLevelStreamingVisibilityStatus OnLevelShown;
	FLevelStreamingVisibilityStatus OnLevelHidden;
};
