// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "GameFramework/Actor.h"

#include "LsmStreamingVolume.generated.h"

class ULsmStreamingVolumeComponent;
class USphereComponent;

/**
 * A streaming volume to drop into the persistent level: pick the Level, size Radius and
 * Load Distance. In the editor two wire spheres show the volume (Radius) and where the
 * level starts loading (Radius + Load Distance); neither exists in a cooked game.
 */
UCLASS(meta = (DisplayName = "Level Streaming Manager Volume"), HideCategories = (Rendering, Physics, Collision, Input, HLOD, Replication, Networking))
class LEVELSTREAMINGMANAGER_API ALsmStreamingVolume : public AActor
{
	GENERATED_BODY()

public:
	ALsmStreamingVolume();

	//~ Begin AActor Interface
	virtual void OnConstruction(const FTransform& Transform) override;
	//~ End AActor Interface

	ULsmStreamingVolumeComponent* GetStreamingVolumeComponent() const
	{
		return StreamingVolume;
	}

private:
	UPROPERTY(VisibleAnywhere, BlueprintReadOnly, Category = "Level Streaming", meta = (AllowPrivateAccess = "true"))
	TObjectPtr<ULsmStreamingVolumeComponent> StreamingVolume;

#if WITH_EDITORONLY_DATA
	UPROPERTY()
	TObjectPtr<USphereComponent> VolumeSphere;

	UPROPERTY()
	TObjectPtr<USphereComponent> LoadDistanceSphere;
#endif
};
