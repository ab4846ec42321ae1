// UE shim (see README.md). Runtime/Core/Public/Modules/ModuleInterface.h.

#pragma once

#include "CoreMinimal.h"

class IModuleInterface
{
public:
	virtual ~IModuleInterface();
	virtual void StartupModule();
	virtual void PreUnloadCallback();
	virtual void PostLoadCallback();
	virtual void ShutdownModule();
	virtual bool SupportsDynamicReloading();
	virtual bool SupportsAutomaticShutdown();
	virtual bool IsGameModule() const;
};
