// UE shim (see README.md). Runtime/Core/Public/Stats/Stats.h.

#pragma once

#include "CoreMinimal.h"

struct TStatId
{
	TStatId();
};

// Each stat group the engine declares has a FStatGroup_<Group> type; an unknown group does not compile.
struct FStatGroup_STATGROUP_Tickables
{
};
struct FStatGroup_STATGROUP_Game
{
};

#define RETURN_QUICK_DECLARE_CYCLE_STAT(StatId, GroupId) \
	return (static_cast<void>(sizeof(FStatGroup_##GroupId)), static_cast<void>(sizeof(#StatId)), TStatId())
#define QUICK_SCOPE_CYCLE_COUNTER(Stat) static_cast<void>(sizeof(#Stat))
#define SCOPE_CYCLE_COUNTER(Stat) static_cast<void>(sizeof(#Stat))
#define TRACE_CPUPROFILER_EVENT_SCOPE(Name) static_cast<void>(sizeof(#Name))
