// UE shim (see README.md). Runtime/CoreUObject/Public/Templates/SubclassOf.h.

#pragma once

#include "UObject/Object.h"

template <class T>
class TSubclassOf
{
public:
	TSubclassOf();
	TSubclassOf(std::nullptr_t);
	TSubclassOf(UClass* From);
	UClass* Get() const;
	operator UClass*() const;
};
