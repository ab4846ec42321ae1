// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LsmStreamingVolumeComponent.h"

#include "Engine/World.h"
#include "LevelStreamingManagerSubsystem.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LsmStreamingVolumeComponent)

ULsmStreamingVolumeComponent::ULsmStreamingVolumeComponent()
{
	PrimaryComponentTick.bCanEverTick = false;
}

FString ULsmStreamingVolumeComponent::GetLevelPackageName() const
{
	return Level.IsNull() ? FString() : Level.ToSoftObjectPath().GetLongPackageName();
}

FString ULsmStreamingVolumeComponent::GetStreamingVolumeName() const
{
	return GetPathName();
}

void ULsmStreamingVolumeComponent::SetStreamingEnabled(bool bEnabled)
{
	bStreamingEnabled = bEnabled;
	PushToSubsystem();
}

void ULsmStreamingVolumeComponent::SetDistances(float NewRadius, float NewLoadDistance, float NewUnloadDistance)
{
	Radius = FMath::Max(NewRadius, 0.f);
	LoadDistance = FMath::Max(NewLoadDistance, 0.f);
	UnloadDistance = NewUnloadDistance > 0.f ? FMath::Max(NewUnloadDistance, LoadDistance) : 0.f;
	PushToSubsystem();
}

void ULsmStreamingVolumeComponent::BeginPlay()
{
	Super::BeginPlay();
	if (UWorld* World = GetWorld())
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>())
		{
			bRegistered = Subsystem->RegisterVolumeComponent(this);
		}
	}
}

void ULsmStreamingVolumeComponent::EndPlay(const EEndPlayReason::Type EndPlayReason)
{
	if (bRegistered)
	{
		if (UWorld* World = GetWorld())
		{
			if (ULevelStreamingManagerSubsystem* Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>())
			{
				Subsystem->UnregisterVolumeComponent(this);
			}
		}
		bRegistered = false;
	}
	Super::EndPlay(EndPlayReason);
}

void ULsmStreamingVolumeComponent::OnUpdateTransform(EUpdateTransformFlags UpdateTransformFlags, ETeleportType Teleport)
{
	Super::OnUpdateTransform(UpdateTransformFlags, Teleport);
	PushToSubsystem();
}

void ULsmStreamingVolumeComponent::PushToSubsystem()
{
	if (!bRegistered)
	{
		return;
	}
	if (UWorld* World = GetWorld())
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>())
		{
			Subsystem->UpdateVolumeComponent(this);
		}
	}
}
