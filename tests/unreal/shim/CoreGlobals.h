// UE shim (see README.md). Runtime/Core/Public/CoreGlobals.h.

#pragma once

#include "Misc/AssertionMacros.h"
