// UE shim (see README.md). Runtime/Engine/Classes/Components/PrimitiveComponent.h.

#pragma once

#include "Components/SceneComponent.h"

class UPrimitiveComponent : public USceneComponent
{
public:
	UPrimitiveComponent();

	float LDMaxDrawDistance;

	void SetCullDistance(float NewCullDistance);
	virtual void SetCollisionEnabled(ECollisionEnabled::Type NewType);
	void MarkRenderStateDirty();
};
