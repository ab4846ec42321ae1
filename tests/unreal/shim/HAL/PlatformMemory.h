// UE shim (see README.md). Runtime/Core/Public/HAL/PlatformMemory.h (FGenericPlatformMemoryStats).

#pragma once

#include "CoreMinimal.h"

struct FPlatformMemoryStats
{
	uint64 TotalPhysical;
	uint64 AvailablePhysical;
	uint64 AvailableVirtual;
	uint64 UsedPhysical;
	uint64 PeakUsedPhysical;
	uint64 UsedVirtual;
	uint64 PeakUsedVirtual;
};

struct FPlatformMemory
{
	static FPlatformMemoryStats GetStats();
};
