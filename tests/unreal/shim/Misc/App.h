// UE shim (see README.md). Runtime/Core/Public/Misc/App.h.

#pragma once

#include "CoreMinimal.h"

class FApp
{
public:
	/** Real (undilated) seconds of the last frame. */
	static double GetDeltaTime();
	static double GetCurrentTime();
	static bool IsGame();
	static FString GetProjectName();
};
