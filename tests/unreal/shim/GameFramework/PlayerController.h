// UE shim (see README.md). Runtime/Engine/Classes/GameFramework/PlayerController.h.

#pragma once

#include "GameFramework/Controller.h"

class ULocalPlayer;

class APlayerController : public AController
{
public:
	APlayerController();

	virtual void GetPlayerViewPoint(FVector& Location, FRotator& Rotation) const override;
	bool IsLocalPlayerController() const;
	ULocalPlayer* GetLocalPlayer() const;
};
