// UE shim (see README.md). Runtime/Engine/Classes/Engine/Engine.h (UEngine, GEngine, FWorldContext).

#pragma once

#include "Engine/EngineTypes.h"
#include "UObject/Object.h"

struct FWorldContext
{
	EWorldType::Type WorldType;
	void SetCurrentWorld(UWorld* World);
	UWorld* World() const;
};

class UEngine : public UObject
{
public:
	UEngine();

	FWorldContext& CreateNewWorldContext(EWorldType::Type WorldType);
	void DestroyWorldContext(UWorld* InWorld);
	FWorldContext* GetWorldContextFromWorld(const UWorld* InWorld);
	void AddOnScreenDebugMessage(uint64 Key, float TimeToDisplay, FColor DisplayColor, const FString& DebugMessage);
};

extern ENGINE_API UEngine* GEngine;
