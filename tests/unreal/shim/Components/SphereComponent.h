// UE shim (see README.md). Runtime/Engine/Classes/Components/SphereComponent.h.

#pragma once

#include "Components/ShapeComponent.h"

class USphereComponent : public UShapeComponent
{
public:
	USphereComponent();

	void SetSphereRadius(float InSphereRadius, bool bUpdateOverlaps = true);
	float GetScaledSphereRadius() const;
	float GetUnscaledSphereRadius() const;
};
