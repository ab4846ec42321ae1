// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LsmStreamingSourceComponent.h"

#include "Engine/World.h"
#include "LevelStreamingManagerSubsystem.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LsmStreamingSourceComponent)

ULsmStreamingSourceComponent::ULsmStreamingSourceComponent()
{
	PrimaryComponentTick.bCanEverTick = false;
}

void ULsmStreamingSourceComponent::SetStreamingSourceEnabled(bool bEnabled)
{
	bStreamingSourceEnabled = bEnabled;
}

bool ULsmStreamingSourceComponent::IsStreamingSourceEnabled() const
{
	return bStreamingSourceEnabled;
}

void ULsmStreamingSourceComponent::BeginPlay()
{
	Super::BeginPlay();
	if (UWorld* World = GetWorld())
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>())
		{
			Subsystem->RegisterSourceComponent(this);
		}
	}
}

void ULsmStreamingSourceComponent::EndPlay(const EEndPlayReason::Type EndPlayReason)
{
	if (UWorld* World = GetWorld())
	{
		if (ULevelStreamingManagerSubsystem* Subsystem = World->GetSubsystem<ULevelStreamingManagerSubsystem>())
		{
			Subsystem->UnregisterSourceComponent(this);
		}
	}
	Super::EndPlay(EndPlayReason);
}
