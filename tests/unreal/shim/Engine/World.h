// UE shim (see README.md). Runtime/Engine/Classes/Engine/World.h.

#pragma once

#include "Engine/EngineTypes.h"
#include "GameFramework/Actor.h"
#include "UObject/Object.h"

class APawn;
class APlayerController;
class ULevel;
class ULevelStreaming;
class UGameInstance;

typedef TArray<TWeakObjectPtr<APlayerController>>::TConstIterator FConstPlayerControllerIterator;

struct FActorSpawnParameters
{
	FActorSpawnParameters();
	FName Name;
	AActor* Owner = nullptr;
	ESpawnActorCollisionHandlingMethod SpawnCollisionHandlingOverride = ESpawnActorCollisionHandlingMethod::Undefined;
	bool bDeferConstruction = false;
};

class UWorld : public UObject
{
public:
	UWorld();


	EWorldType::Type WorldType;

	static UWorld* CreateWorld(const EWorldType::Type InWorldType, bool bInformEngineOfWorld, FName WorldName = NAME_None, UPackage* InWorldPackage = nullptr, bool bAddToRoot = true);
	void InitializeActorsForPlay(const FURL& InURL, bool bResetTime = true);
	void BeginPlay();
	void DestroyWorld(bool bInformEngineOfWorld, UWorld* NewWorld = nullptr);
	bool IsGameWorld() const;
	bool HasBegunPlay() const;
	bool IsPaused() const;
	double GetTimeSeconds() const;
	float GetDeltaSeconds() const;
	ULevel* GetCurrentLevel() const;
	UGameInstance* GetGameInstance() const;
	const TArray<ULevelStreaming*>& GetStreamingLevels() const;
	FConstPlayerControllerIterator GetPlayerControllerIterator() const;
	APlayerController* GetFirstPlayerController() const;

	template <typename TSubsystemClass>
	TSubsystemClass* GetSubsystem() const;

	template <class T>
	T* SpawnActor(UClass* Class, const FTransform& Transform, const FActorSpawnParameters& SpawnParameters = FActorSpawnParameters());

	template <class T>
	T* SpawnActorDeferred(UClass* Class, const FTransform& Transform, AActor* Owner = nullptr, APawn* Instigator = nullptr, ESpawnActorCollisionHandlingMethod CollisionHandlingOverride = ESpawnActorCollisionHandlingMethod::Undefined, ESpawnActorScaleMethod TransformScaleMethod = ESpawnActorScaleMethod::MultiplyWithRoot);
};
