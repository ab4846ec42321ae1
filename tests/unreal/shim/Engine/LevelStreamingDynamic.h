// UE shim (see README.md). Runtime/Engine/Classes/Engine/LevelStreamingDynamic.h (UE 5.3/5.4).

#pragma once

#include "Engine/LevelStreaming.h"
#include "Templates/SubclassOf.h"

class ULevelStreamingDynamic : public ULevelStreaming
{
public:
	ULevelStreamingDynamic();

	uint32 bInitiallyLoaded : 1;
	uint32 bInitiallyVisible : 1;

	struct FLoadLevelInstanceParams
	{
		FLoadLevelInstanceParams(UWorld* InWorld, const FString& InLongPackageName, FTransform InLevelTransform);

		UWorld* World = nullptr;
		FString LongPackageName;
		FTransform LevelTransform;
		const FString* OptionalLevelNameOverride = nullptr;
		TSubclassOf<ULevelStreamingDynamic> OptionalLevelStreamingClass = nullptr;
		bool bLoadAsTempPackage = false;
		bool bInitiallyVisible = true;
		bool bAllowReuseExitingLevelStreaming = false;
		UObject* EditorPathOwner = nullptr;
	};

	static ULevelStreamingDynamic* LoadLevelInstance(UObject* WorldContextObject, FString LevelName, FVector Location, FRotator Rotation, bool& bOutSuccess, const FString& OptionalLevelNameOverride = TEXT(""), TSubclassOf<ULevelStreamingDynamic> OptionalLevelStreamingClass = nullptr, bool bLoadAsTempPackage = false);
	static ULevelStreamingDynamic* LoadLevelInstanceBySoftObjectPtr(UObject* WorldContextObject, TSoftObjectPtr<UWorld> Level, FVector Location, FRotator Rotation, bool& bOutSuccess, const FString& OptionalLevelNameOverride = TEXT(""), TSubclassOf<ULevelStreamingDynamic> OptionalLevelStreamingClass = nullptr, bool bLoadAsTempPackage = false);
	static ULevelStreamingDynamic* LoadLevelInstance(const FLoadLevelInstanceParams& Params, bool& bOutSuccess);

	virtual bool ShouldBeLoaded() const override;
	virtual void SetShouldBeLoaded(bool bShouldBeLoaded) override;
};
