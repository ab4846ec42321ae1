// UE shim (see README.md). Runtime/Engine/Classes/Components/SceneComponent.h.

#pragma once

#include "Components/ActorComponent.h"

class USceneComponent : public UActorComponent
{
public:
	USceneComponent();

	FVector GetComponentLocation() const;
	FRotator GetComponentRotation() const;
	const FTransform& GetComponentTransform() const;
	virtual FVector GetComponentVelocity() const;
	void SetupAttachment(USceneComponent* InParent, FName InSocketName = NAME_None);
	void SetHiddenInGame(bool NewHidden, bool bPropagateToChildren = false);
	void SetVisibility(bool bNewVisibility, bool bPropagateToChildren = false);
	void SetWorldLocation(FVector NewLocation);

protected:
	virtual void OnUpdateTransform(EUpdateTransformFlags UpdateTransformFlags, ETeleportType Teleport = ETeleportType::None);
};
