// UE shim (see README.md). Runtime/DeveloperSettings/Public/Engine/DeveloperSettings.h.

#pragma once

#include "UObject/Object.h"

class UDeveloperSettings : public UObject
{
public:
	UDeveloperSettings();

	virtual FName GetContainerName() const;
	virtual FName GetCategoryName() const;
	virtual FName GetSectionName() const;
#if WITH_EDITOR
	virtual FText GetSectionText() const;
	virtual FText GetSectionDescription() const;
#endif
};
