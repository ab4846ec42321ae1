// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "Components/SceneComponent.h"
#include "CoreMinimal.h"
#include "LsmTypes.h"
#include "UObject/SoftObjectPtr.h"

#include "LsmStreamingVolumeComponent.generated.h"

class UWorld;

/**
 * A streaming volume: a sphere of Radius around the component that wants Level loaded
 * and shown while a streaming source is within LoadDistance of its surface, and releases
 * it beyond UnloadDistance (hysteresis). Place ALsmStreamingVolume in the persistent
 * level, or add this component to any actor. Registers with the world's
 * ULevelStreamingManagerSubsystem on BeginPlay; a Movable component follows its actor.
 */
UCLASS(ClassGroup = (LevelStreaming), meta = (BlueprintSpawnableComponent, DisplayName = "Level Streaming Volume"))
class LEVELSTREAMINGMANAGER_API ULsmStreamingVolumeComponent : public USceneComponent
{
	GENERATED_BODY()

public:
	ULsmStreamingVolumeComponent();

	/** The level this volume streams (a sublevel with streaming method Blueprint, or any map: it is then instanced at the origin). */
	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming")
	TSoftObjectPtr<UWorld> Level;

	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming", meta = (ClampMin = "0", Units = "Centimeters"))
	float Radius = 5000.f;

	/** The level is wanted while a source is within this distance of the sphere. */
	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming", meta = (ClampMin = "0", Units = "Centimeters"))
	float LoadDistance = 10000.f;

	/** Released beyond this distance (>= LoadDistance); 0 = LoadDistance x the project's Unload Distance Factor. */
	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming", meta = (ClampMin = "0", Units = "Centimeters"))
	float UnloadDistance = 0.f;

	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming")
	ELsmPriority Priority = ELsmPriority::Normal;

	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming")
	bool bStreamingEnabled = true;

	/** Memory the level takes once loaded, for budgets and the report. */
	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming|Memory", meta = (ClampMin = "0", Units = "Megabytes"))
	float EstimatedMemoryMb = 0.f;

	/** A budget from the project settings (None = no budget). Released levels of a budget stay cached until it needs room. */
	UPROPERTY(EditAnywhere, BlueprintReadOnly, Category = "Level Streaming|Memory")
	FName MemoryBudget;

	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	void SetStreamingEnabled(bool bEnabled);

	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	void SetDistances(float NewRadius, float NewLoadDistance, float NewUnloadDistance);

	/** The level's long package name, e.g. /Game/Maps/Forest (empty if Level is not set). */
	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	FString GetLevelPackageName() const;

	/** The volume's unique name in the manager (this component's path name). */
	FString GetStreamingVolumeName() const;

protected:
	//~ Begin UActorComponent Interface
	virtual void BeginPlay() override;
	virtual void EndPlay(const EEndPlayReason::Type EndPlayReason) override;
	//~ End UActorComponent Interface

	//~ Begin USceneComponent Interface
	virtual void OnUpdateTransform(EUpdateTransformFlags UpdateTransformFlags, ETeleportType Teleport = ETeleportType::None) override;
	//~ End USceneComponent Interface

private:
	void PushToSubsystem();

	bool bRegistered = false;
};
