// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

using System.IO;
using UnrealBuildTool;

/// <summary>
/// The native Level Streaming Manager library (Rust, C ABI) as an external module.
/// scripts/package-plugin.sh builds it in release and stages, for the host platform:
///   include/level_streaming.h
///   lib/Win64/level_streaming.dll + level_streaming.dll.lib (+ .pdb)
///   lib/Linux/liblevel_streaming.so
///   lib/Mac/liblevel_streaming.dylib
/// These files are build outputs and are not committed (see the plugin's .gitignore).
/// </summary>
public class LevelStreamingCore : ModuleRules
{
	public LevelStreamingCore(ReadOnlyTargetRules Target) : base(Target)
	{
		Type = ModuleType.External;

		string IncludeDir = Path.Combine(ModuleDirectory, "include");
		string Header = Path.Combine(IncludeDir, "level_streaming.h");
		if (!File.Exists(Header))
		{
			throw new BuildException("LevelStreamingCore: {0} is missing. Run scripts/package-plugin.sh from the repository to build and stage the library.", Header);
		}
		// A system include path: the generated C header is not held to the engine's warning level.
		PublicSystemIncludePaths.Add(IncludeDir);

		// The dashboard C API exists only in libraries built with it; the plugin compiles it in when the header declares it.
		if (File.ReadAllText(Header).Contains("lsm_dashboard_start"))
		{
			PublicDefinitions.Add("LSM_HAS_DASHBOARD=1");
		}

		if (Target.Platform == UnrealTargetPlatform.Win64)
		{
			string LibDir = Path.Combine(ModuleDirectory, "lib", "Win64");
			RequireFile(Path.Combine(LibDir, "level_streaming.dll.lib"));
			RequireFile(Path.Combine(LibDir, "level_streaming.dll"));

			// Import library; the DLL itself is delay-loaded and its handle taken in
			// FLevelStreamingManagerModule::StartupModule from this same path.
			PublicAdditionalLibraries.Add(Path.Combine(LibDir, "level_streaming.dll.lib"));
			PublicDelayLoadDLLs.Add("level_streaming.dll");
			RuntimeDependencies.Add(Path.Combine(LibDir, "level_streaming.dll"));
			if (File.Exists(Path.Combine(LibDir, "level_streaming.pdb")))
			{
				RuntimeDependencies.Add(Path.Combine(LibDir, "level_streaming.pdb"), StagedFileType.DebugNonUFS);
			}
		}
		else if (Target.Platform == UnrealTargetPlatform.Linux)
		{
			// Built with SONAME liblevel_streaming.so; UBT adds an rpath to this directory.
			string Library = Path.Combine(ModuleDirectory, "lib", "Linux", "liblevel_streaming.so");
			RequireFile(Library);
			PublicAdditionalLibraries.Add(Library);
			RuntimeDependencies.Add(Library);
		}
		else if (Target.Platform == UnrealTargetPlatform.Mac)
		{
			// Install name @rpath/liblevel_streaming.dylib (set by the packaging script).
			string Library = Path.Combine(ModuleDirectory, "lib", "Mac", "liblevel_streaming.dylib");
			RequireFile(Library);
			PublicAdditionalLibraries.Add(Library);
			RuntimeDependencies.Add(Library);
		}
		else
		{
			throw new BuildException("LevelStreamingCore: {0} is not supported (Win64, Linux and Mac are).", Target.Platform.ToString());
		}
	}

	private static void RequireFile(string FilePath)
	{
		if (!File.Exists(FilePath))
		{
			throw new BuildException("LevelStreamingCore: {0} is missing. Run scripts/package-plugin.sh on this platform to build and stage the library.", FilePath);
		}
	}
}
