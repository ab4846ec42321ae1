// UE shim (see README.md). Runtime/Engine/Classes/Engine/EngineBaseTypes.h.

#pragma once

#include "CoreMinimal.h"

enum ELevelTick
{
	LEVELTICK_TimeOnly = 0,
	LEVELTICK_ViewportsOnly = 1,
	LEVELTICK_All = 2,
	LEVELTICK_PauseTick = 3,
};

struct FTickFunction
{
	uint8 bCanEverTick : 1;
	uint8 bStartWithTickEnabled : 1;
	uint8 bTickEvenWhenPaused : 1;
	float TickInterval;
	void SetTickFunctionEnable(bool bInEnabled);
};

struct FActorTickFunction : public FTickFunction
{
};

struct FActorComponentTickFunction : public FTickFunction
{
};

struct FURL
{
	FURL();
	explicit FURL(const TCHAR* Filename);
};
