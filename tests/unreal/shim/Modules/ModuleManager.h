// UE shim (see README.md). Runtime/Core/Public/Modules/ModuleManager.h.

#pragma once

#include "CoreMinimal.h"
#include "Modules/ModuleInterface.h"

class FModuleManager
{
public:
	static FModuleManager& Get();

	bool IsModuleLoaded(const FName InModuleName) const;
	IModuleInterface* LoadModule(const FName InModuleName);

	template <typename TModuleInterface>
	static TModuleInterface& LoadModuleChecked(const FName InModuleName)
	{
		static_assert(std::is_base_of_v<IModuleInterface, TModuleInterface>, "LoadModuleChecked<T>: T must derive from IModuleInterface");
		return static_cast<TModuleInterface&>(LoadModuleCheckedImpl(InModuleName));
	}

	template <typename TModuleInterface>
	static TModuleInterface* GetModulePtr(const FName ModuleName);

private:
	static IModuleInterface& LoadModuleCheckedImpl(const FName InModuleName);
};

// Modular builds export InitializeModule from the module's shared library.
#define IMPLEMENT_MODULE(ModuleImplClass, ModuleName) \
	static_assert(std::is_base_of_v<IModuleInterface, ModuleImplClass>, #ModuleImplClass " must derive from IModuleInterface"); \
	extern "C" DLLEXPORT IModuleInterface* InitializeModule() \
	{ \
		return new ModuleImplClass(); \
	} \
	extern "C" void IMPLEMENT_MODULE_##ModuleName() {}
