// UE shim (see README.md). Runtime/Core/Public/UObject/NameTypes.h.

#pragma once

#include "Containers/UnrealString.h"
#include "CoreTypes.h"

enum EName
{
	NAME_None = 0,
};

class FName
{
public:
	FName();
	FName(EName Name);
	FName(const TCHAR* Name);
	FName(const ANSICHAR* Name);
	explicit FName(const FString& Name);
	bool IsNone() const;
	FString ToString() const;
	bool operator==(const FName& Other) const;
	bool operator!=(const FName& Other) const;
};

uint32 GetTypeHash(const FName& Name);
