// UE shim (see README.md). Runtime/Engine/Classes/GameFramework/Controller.h.

#pragma once

#include "GameFramework/Actor.h"

class APawn;

class AController : public AActor
{
public:
	AController();

	bool IsLocalController() const;
	virtual void GetPlayerViewPoint(FVector& Location, FRotator& Rotation) const;
	APawn* GetPawn() const;
};
