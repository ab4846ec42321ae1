// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LsmStreamingVolume.h"

#include "Components/SphereComponent.h"
#include "LsmStreamingVolumeComponent.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LsmStreamingVolume)

ALsmStreamingVolume::ALsmStreamingVolume()
{
	PrimaryActorTick.bCanEverTick = false;

	StreamingVolume = CreateDefaultSubobject<ULsmStreamingVolumeComponent>(TEXT("StreamingVolume"));
	RootComponent = StreamingVolume;

#if WITH_EDITORONLY_DATA
	VolumeSphere = CreateEditorOnlyDefaultSubobject<USphereComponent>(TEXT("VolumeSphere"));
	if (VolumeSphere != nullptr)
	{
		VolumeSphere->SetupAttachment(StreamingVolume);
		VolumeSphere->SetCollisionEnabled(ECollisionEnabled::NoCollision);
		VolumeSphere->SetHiddenInGame(true);
		VolumeSphere->ShapeColor = FColor(64, 192, 255);
		VolumeSphere->bIsEditorOnly = true;
	}
	LoadDistanceSphere = CreateEditorOnlyDefaultSubobject<USphereComponent>(TEXT("LoadDistanceSphere"));
	if (LoadDistanceSphere != nullptr)
	{
		LoadDistanceSphere->SetupAttachment(StreamingVolume);
		LoadDistanceSphere->SetCollisionEnabled(ECollisionEnabled::NoCollision);
		LoadDistanceSphere->SetHiddenInGame(true);
		LoadDistanceSphere->ShapeColor = FColor(255, 192, 64);
		LoadDistanceSphere->bIsEditorOnly = true;
	}
#endif
}

void ALsmStreamingVolume::OnConstruction(const FTransform& Transform)
{
	Super::OnConstruction(Transform);
#if WITH_EDITORONLY_DATA
	if (StreamingVolume != nullptr)
	{
		if (VolumeSphere != nullptr)
		{
			VolumeSphere->SetSphereRadius(StreamingVolume->Radius);
		}
		if (LoadDistanceSphere != nullptr)
		{
			LoadDistanceSphere->SetSphereRadius(StreamingVolume->Radius + StreamingVolume->LoadDistance);
		}
	}
#endif
}
