// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "Components/SceneComponent.h"
#include "CoreMinimal.h"
#include "LsmTypes.h"

#include "LsmStreamingSourceComponent.generated.h"

/**
 * Makes its owner a streaming source in addition to the players' cameras: levels stream
 * around it too (a vehicle ahead of the player, a cinematic camera, an AI that must find
 * its level loaded, a server-side observer). Registers with the world's
 * ULevelStreamingManagerSubsystem on BeginPlay and unregisters on EndPlay.
 */
UCLASS(ClassGroup = (LevelStreaming), meta = (BlueprintSpawnableComponent, DisplayName = "Level Streaming Source"))
class LEVELSTREAMINGMANAGER_API ULsmStreamingSourceComponent : public USceneComponent
{
	GENERATED_BODY()

public:
	ULsmStreamingSourceComponent();

	/** Sources of higher priority order the loads first. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Level Streaming")
	ELsmPriority Priority = ELsmPriority::Normal;

	/** Seconds of velocity look-ahead; negative = the project setting. */
	UPROPERTY(EditAnywhere, BlueprintReadWrite, Category = "Level Streaming", meta = (Units = "Seconds"))
	float LookAheadSeconds = -1.f;

	UFUNCTION(BlueprintCallable, Category = "Level Streaming")
	void SetStreamingSourceEnabled(bool bEnabled);

	UFUNCTION(BlueprintPure, Category = "Level Streaming")
	bool IsStreamingSourceEnabled() const;

protected:
	//~ Begin UActorComponent Interface
	virtual void BeginPlay() override;
	virtual void EndPlay(const EEndPlayReason::Type EndPlayReason) override;
	//~ End UActorComponent Interface

private:
	UPROPERTY(EditAnywhere, Category = "Level Streaming", meta = (AllowPrivateAccess = "true"))
	bool bStreamingSourceEnabled = true;
};
