// UE shim (see README.md). Runtime/CoreUObject/Public/UObject/ScriptMacros.h.

#pragma once

#include "UObject/ObjectMacros.h"
