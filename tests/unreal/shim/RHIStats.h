// UE shim (see README.md). Runtime/RHI/Public/RHIStats.h: draw statistics of the previous frame
// ("accurate on any thread").

#pragma once

#include "CoreMinimal.h"

#ifndef MAX_NUM_GPUS
#define MAX_NUM_GPUS 1
#endif

extern RHI_API int32 GNumDrawCallsRHI[MAX_NUM_GPUS];
extern RHI_API int32 GNumPrimitivesDrawnRHI[MAX_NUM_GPUS];
