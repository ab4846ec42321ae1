// UE shim (see README.md). Runtime/Projects/Public/Interfaces/IPluginManager.h.

#pragma once

#include "CoreMinimal.h"

class IPlugin
{
public:
	virtual ~IPlugin();
	virtual const FString& GetName() const = 0;
	virtual FString GetBaseDir() const = 0;
	virtual FString GetContentDir() const = 0;
	virtual bool IsEnabled() const = 0;
};

class IPluginManager
{
public:
	virtual ~IPluginManager();
	static IPluginManager& Get();
	virtual TSharedPtr<IPlugin> FindPlugin(const FStringView Name) = 0;
};
