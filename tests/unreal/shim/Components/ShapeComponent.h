// UE shim (see README.md). Runtime/Engine/Classes/Components/ShapeComponent.h.

#pragma once

#include "Components/PrimitiveComponent.h"

class UShapeComponent : public UPrimitiveComponent
{
public:
	UShapeComponent();

	FColor ShapeColor;
};
