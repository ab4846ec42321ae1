// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#include "LevelStreamingManagerSettings.h"

#include UE_INLINE_GENERATED_CPP_BY_NAME(LevelStreamingManagerSettings)

#define LOCTEXT_NAMESPACE "LevelStreamingManagerSettings"

ULevelStreamingManagerSettings::ULevelStreamingManagerSettings()
{
	FLsmBudgetSettings World;
	World.Name = TEXT("World");
	World.MaxMemoryMb = 2048.0;
	World.Priority = ELsmPriority::Normal;
	MemoryBudgets.Add(World);
}

FName ULevelStreamingManagerSettings::GetCategoryName() const
{
	return TEXT("Plugins");
}

#if WITH_EDITOR
FText ULevelStreamingManagerSettings::GetSectionText() const
{
	return LOCTEXT("SectionText", "Level Streaming Manager");
}

FText ULevelStreamingManagerSettings::GetSectionDescription() const
{
	return LOCTEXT("SectionDescription", "Budgets, limits, sources, LOD and the dashboard of the Level Streaming Manager.");
}
#endif

#undef LOCTEXT_NAMESPACE
