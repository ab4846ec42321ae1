// UE shim (see README.md). Runtime/Engine/Public/Subsystems/Subsystem.h.

#pragma once

#include "UObject/Object.h"

class FSubsystemCollectionBase
{
public:
	template <typename TSubsystemClass>
	TSubsystemClass* InitializeDependency();
};

class USubsystem : public UObject
{
public:
	USubsystem();
	virtual bool ShouldCreateSubsystem(UObject* Outer) const;
	virtual void Initialize(FSubsystemCollectionBase& Collection);
	virtual void Deinitialize();
};
