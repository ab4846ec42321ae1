// UE shim (see README.md). Runtime/Core/Public/Misc/Paths.h.

#pragma once

#include "CoreMinimal.h"

class FPaths
{
public:
	template <typename... PathTypes>
	static FString Combine(PathTypes&&...)
	{
		static_assert(sizeof...(PathTypes) > 0, "FPaths::Combine needs at least one path");
		static_assert(((std::is_convertible_v<PathTypes, FStringView> || std::is_convertible_v<PathTypes, const TCHAR*>) && ...), "FPaths::Combine takes FString or TCHAR* paths (use TEXT(\"...\"))");
		return CombineImpl(sizeof...(PathTypes));
	}

	static bool FileExists(const FString& InPath);
	static FString ProjectPluginsDir();
	static FString ConvertRelativePathToFull(const FString& InPath);

private:
	static FString CombineImpl(int32 Count);
};
