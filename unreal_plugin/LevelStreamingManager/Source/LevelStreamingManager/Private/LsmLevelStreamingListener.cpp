// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LsmLevelStreamingListener.h"

#include "Engine/LevelStreaming.h"
#include "LevelStreamingManagerSubsystem.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LsmLevelStreamingListener)

void ULsmLevelStreamingListener::Bind(ULevelStreamingManagerSubsystem* InOwner, ULevelStreaming* InStreaming, uint32 InLevelId)
{
	Unbind();
	Owner = InOwner;
	Streaming = InStreaming;
	LevelId = InLevelId;
	if (InStreaming != nullptr)
	{
		InStreaming->OnLevelLoaded.AddDynamic(this, &ThisClass::HandleLevelLoaded);
		InStreaming->OnLevelUnloaded.AddDynamic(this, &ThisClass::HandleLevelUnloaded);
		InStreaming->OnLevelShown.AddDynamic(this, &ThisClass::HandleLevelShown);
		InStreaming->OnLevelHidden.AddDynamic(this, &ThisClass::HandleLevelHidden);
	}
}

void ULsmLevelStreamingListener::Unbind()
{
	if (ULevelStreaming* Bound = Streaming.Get())
	{
		Bound->OnLevelLoaded.RemoveDynamic(this, &ThisClass::HandleLevelLoaded);
		Bound->OnLevelUnloaded.RemoveDynamic(this, &ThisClass::HandleLevelUnloaded);
		Bound->OnLevelShown.RemoveDynamic(this, &ThisClass::HandleLevelShown);
		Bound->OnLevelHidden.RemoveDynamic(this, &ThisClass::HandleLevelHidden);
	}
	Streaming.Reset();
	Owner.Reset();
}

void ULsmLevelStreamingListener::HandleLevelLoaded()
{
	if (ULevelStreamingManagerSubsystem* Subsystem = Owner.Get())
	{
		Subsystem->HandleStreamingLevelEvent(LevelId, ULevelStreamingManagerSubsystem::EHostEvent::Loaded);
	}
}

void ULsmLevelStreamingListener::HandleLevelUnloaded()
{
	if (ULevelStreamingManagerSubsystem* Subsystem = Owner.Get())
	{
		Subsystem->HandleStreamingLevelEvent(LevelId, ULevelStreamingManagerSubsystem::EHostEvent::Unloaded);
	}
}

void ULsmLevelStreamingListener::HandleLevelShown()
{
	if (ULevelStreamingManagerSubsystem* Subsystem = Owner.Get())
	{
		Subsystem->HandleStreamingLevelEvent(LevelId, ULevelStreamingManagerSubsystem::EHostEvent::Shown);
	}
}

void ULsmLevelStreamingListener::HandleLevelHidden()
{
	if (ULevelStreamingManagerSubsystem* Subsystem = Owner.Get())
	{
		Subsystem->HandleStreamingLevelEvent(LevelId, ULevelStreamingManagerSubsystem::EHostEvent::Hidden);
	}
}
