// UE shim (see README.md). Runtime/Core/Public/Misc/AssertionMacros.h: the expressions are compiled, not evaluated.

#pragma once

#include "CoreTypes.h"

#define check(expr) ((void)sizeof(!(expr)))
#define checkf(expr, format, ...) ((void)sizeof(!(expr)))
#define checkSlow(expr) ((void)sizeof(!(expr)))
#define verify(expr) ((void)(expr))
#define ensure(expr) (!!(expr))
#define ensureMsgf(expr, format, ...) (!!(expr))
#define checkNoEntry() ((void)0)
#define unimplemented() ((void)0)

/** CoreGlobals.h */
CORE_API bool IsInGameThread();
