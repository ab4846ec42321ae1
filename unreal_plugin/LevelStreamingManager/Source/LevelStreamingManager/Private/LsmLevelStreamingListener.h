// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

#include "CoreMinimal.h"
#include "UObject/Object.h"

#include "LsmLevelStreamingListener.generated.h"

class ULevelStreaming;
class ULevelStreamingManagerSubsystem;

/**
 * Binds to one ULevelStreaming's dynamic delegates (which carry no parameters) and
 * forwards them, with the level id, to the subsystem that completes the outstanding
 * request. One listener per streaming level the subsystem drives; owned by the subsystem.
 * The delegates fire on the game thread during the world's streaming update.
 */
UCLASS(Transient)
class ULsmLevelStreamingListener : public UObject
{
	GENERATED_BODY()

public:
	void Bind(ULevelStreamingManagerSubsystem* InOwner, ULevelStreaming* InStreaming, uint32 InLevelId);
	void Unbind();

private:
	UFUNCTION()
	void HandleLevelLoaded();

	UFUNCTION()
	void HandleLevelUnloaded();

	UFUNCTION()
	void HandleLevelShown();

	UFUNCTION()
	void HandleLevelHidden();

	TWeakObjectPtr<ULevelStreamingManagerSubsystem> Owner;
	TWeakObjectPtr<ULevelStreaming> Streaming;
	uint32 LevelId = 0;
};
