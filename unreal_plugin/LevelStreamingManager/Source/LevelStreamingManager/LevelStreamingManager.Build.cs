// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

using UnrealBuildTool;

public class LevelStreamingManager : ModuleRules
{
	public LevelStreamingManager(ReadOnlyTargetRules Target) : base(Target)
	{
		PCHUsage = PCHUsageMode.UseExplicitOrSharedPCHs;

		PublicDependencyModuleNames.AddRange(new string[]
		{
			"Core",
			"CoreUObject",
			"Engine",
			"DeveloperSettings",
			// The native library: header, import/shared library, runtime staging.
			"LevelStreamingCore",
		});

		PrivateDependencyModuleNames.AddRange(new string[]
		{
			// IPluginManager, to find level_streaming.dll in the plugin directory.
			"Projects",
			// GNumDrawCallsRHI / GNumPrimitivesDrawnRHI for RecordFrame.
			"RHI",
		});
	}
}
