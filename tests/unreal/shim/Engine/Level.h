// UE shim (see README.md). Runtime/Engine/Classes/Engine/Level.h.

#pragma once

#include "UObject/Object.h"

class AActor;

class ULevel : public UObject
{
public:
	ULevel();

	/** Every actor of the level (some entries may be null). */
	TArray<TObjectPtr<AActor>> Actors;

	bool IsPersistentLevel() const;
};
