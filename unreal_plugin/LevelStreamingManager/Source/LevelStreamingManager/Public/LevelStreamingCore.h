// Level Streaming Manager - Unreal Engine plugin. MIT OR Apache-2.0.

#pragma once

/**
 * LevelStreamingCore.h - the engine-free C++ layer over the C ABI in level_streaming.h.
 *
 * This header includes no Unreal header and compiles with any C++17 compiler
 * (`g++ -std=c++17`), so everything the plugin relies on to talk to the library is
 * unit-tested outside the engine (tests/unreal/core_wrapper_test.cpp, run by
 * `cargo test --test unreal_plugin`). The UObject layer only converts types
 * (FString <-> UTF-8, FVector <-> LsmVec3) and calls into this.
 *
 * Switches over C enums have a default: a value added to the header later is named
 * "<unknown ...>" instead of breaking the build; changed values are caught by the
 * plugin's static_asserts (Private/LsmConversions.h).
 *
 * Rules it follows so that it also compiles inside an Unreal module:
 *  - no exceptions are thrown or caught (UE builds with exceptions off): every call
 *    that can fail returns a TResult carrying the LsmStatus and lsm_last_error_message;
 *  - no RTTI, no identifiers that collide with UE macros (check, verify, ensure, TEXT);
 *  - standard library containers only at this boundary (std::string / std::vector /
 *    std::function), because the layer must not depend on Core.
 *
 * Threading: exactly the C ABI's. An FManager is used from one thread at a time (in
 * Unreal: the game thread). Functions marked "any thread" in the header (version,
 * LOD quality table, last error) are static here.
 */

#include "level_streaming.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace LevelStreamingCore
{
	// ---------------------------------------------------------------------------------
	// Names of the C enums (for logs and console output)
	// ---------------------------------------------------------------------------------

	/** "LSM_STATUS_OK", ... or "LSM_STATUS_<unknown>" for a value the header does not define. */
	inline const char* StatusToString(LsmStatus Status) noexcept
	{
		switch (Status)
		{
		case LSM_STATUS_OK: return "LSM_STATUS_OK";
		case LSM_STATUS_NULL_ARGUMENT: return "LSM_STATUS_NULL_ARGUMENT";
		case LSM_STATUS_INVALID_UTF8: return "LSM_STATUS_INVALID_UTF8";
		case LSM_STATUS_NON_FINITE_VALUE: return "LSM_STATUS_NON_FINITE_VALUE";
		case LSM_STATUS_NEGATIVE_VALUE: return "LSM_STATUS_NEGATIVE_VALUE";
		case LSM_STATUS_UNLOAD_BELOW_LOAD: return "LSM_STATUS_UNLOAD_BELOW_LOAD";
		case LSM_STATUS_UNKNOWN_LEVEL: return "LSM_STATUS_UNKNOWN_LEVEL";
		case LSM_STATUS_UNKNOWN_VOLUME: return "LSM_STATUS_UNKNOWN_VOLUME";
		case LSM_STATUS_DUPLICATE_NAME: return "LSM_STATUS_DUPLICATE_NAME";
		case LSM_STATUS_UNKNOWN_REQUEST: return "LSM_STATUS_UNKNOWN_REQUEST";
		case LSM_STATUS_REQUEST_ALREADY_COMPLETED: return "LSM_STATUS_REQUEST_ALREADY_COMPLETED";
		case LSM_STATUS_INVALID_TRANSITION: return "LSM_STATUS_INVALID_TRANSITION";
		case LSM_STATUS_BUFFER_TOO_SMALL: return "LSM_STATUS_BUFFER_TOO_SMALL";
		case LSM_STATUS_INVALID_ARGUMENT: return "LSM_STATUS_INVALID_ARGUMENT";
		case LSM_STATUS_NOT_FOUND: return "LSM_STATUS_NOT_FOUND";
		case LSM_STATUS_INVALID_HANDLE: return "LSM_STATUS_INVALID_HANDLE";
		case LSM_STATUS_NOT_SUPPORTED: return "LSM_STATUS_NOT_SUPPORTED";
		case LSM_STATUS_IO_ERROR: return "LSM_STATUS_IO_ERROR";
		case LSM_STATUS_PANIC: return "LSM_STATUS_PANIC";
		default: break;
		}
		return "LSM_STATUS_<unknown>";
	}

	inline const char* StateToString(LsmStreamingState State) noexcept
	{
		switch (State)
		{
		case LSM_STREAMING_STATE_UNLOADED: return "Unloaded";
		case LSM_STREAMING_STATE_LOADING: return "Loading";
		case LSM_STREAMING_STATE_LOADED: return "Loaded";
		case LSM_STREAMING_STATE_ACTIVE: return "Active";
		case LSM_STREAMING_STATE_UNLOADING: return "Unloading";
		case LSM_STREAMING_STATE_HIDDEN: return "Hidden";
		default: break;
		}
		return "<unknown state>";
	}

	inline const char* RequestKindToString(LsmRequestKind Kind) noexcept
	{
		switch (Kind)
		{
		case LSM_REQUEST_KIND_LOAD: return "Load";
		case LSM_REQUEST_KIND_MAKE_VISIBLE: return "MakeVisible";
		case LSM_REQUEST_KIND_HIDE: return "Hide";
		case LSM_REQUEST_KIND_UNLOAD: return "Unload";
		case LSM_REQUEST_KIND_SET_LOD: return "SetLod";
		default: break;
		}
		return "<unknown request>";
	}

	inline const char* EventKindToString(LsmEventKind Kind) noexcept
	{
		switch (Kind)
		{
		case LSM_EVENT_KIND_LEVEL_STATE_CHANGED: return "LevelStateChanged";
		case LSM_EVENT_KIND_LOAD_FAILED: return "LoadFailed";
		case LSM_EVENT_KIND_REQUEST_FAILED: return "RequestFailed";
		case LSM_EVENT_KIND_STREAMING_COMPLETE: return "StreamingComplete";
		case LSM_EVENT_KIND_MEMORY_STATE_CHANGED: return "MemoryStateChanged";
		case LSM_EVENT_KIND_LOAD_DEFERRED: return "LoadDeferred";
		case LSM_EVENT_KIND_LEVEL_EVICTED: return "LevelEvicted";
		case LSM_EVENT_KIND_LOD_CHANGED: return "LodChanged";
		case LSM_EVENT_KIND_PERFORMANCE_WARNING: return "PerformanceWarning";
		case LSM_EVENT_KIND_PERFORMANCE_RECOVERED: return "PerformanceRecovered";
		case LSM_EVENT_KIND_LOADING_SCREEN_HIDDEN: return "LoadingScreenHidden";
		case LSM_EVENT_KIND_SOURCE_TELEPORTED: return "SourceTeleported";
		case LSM_EVENT_KIND_STREAM_AROUND_COMPLETE: return "StreamAroundComplete";
		case LSM_EVENT_KIND_SOURCE_STREAMING_STATE_CHANGED: return "SourceStreamingStateChanged";
		default: break; // a kind added to the header after this layer
		}
		return "<unknown event>";
	}

	inline const char* MemoryStateToString(LsmMemoryState State) noexcept
	{
		switch (State)
		{
		case LSM_MEMORY_STATE_NORMAL: return "Normal";
		case LSM_MEMORY_STATE_WARNING: return "Warning";
		case LSM_MEMORY_STATE_CRITICAL: return "Critical";
		default: break;
		}
		return "<unknown memory state>";
	}

	inline const char* LodToString(LsmLodLevel Lod) noexcept
	{
		switch (Lod)
		{
		case LSM_LOD_LEVEL_ULTRA: return "Ultra";
		case LSM_LOD_LEVEL_HIGH: return "High";
		case LSM_LOD_LEVEL_MEDIUM: return "Medium";
		case LSM_LOD_LEVEL_LOW: return "Low";
		case LSM_LOD_LEVEL_MINIMAL: return "Minimal";
		default: break;
		}
		return "<unknown LOD>";
	}

	inline const char* PriorityToString(LsmPriority Priority) noexcept
	{
		switch (Priority)
		{
		case LSM_PRIORITY_CRITICAL: return "Critical";
		case LSM_PRIORITY_HIGH: return "High";
		case LSM_PRIORITY_NORMAL: return "Normal";
		case LSM_PRIORITY_LOW: return "Low";
		case LSM_PRIORITY_BACKGROUND: return "Background";
		default: break;
		}
		return "<unknown priority>";
	}

	// ---------------------------------------------------------------------------------
	// UTF-8 helpers
	// ---------------------------------------------------------------------------------

	/**
	 * The calling thread's last error message (lsm_last_error_message), copied whole:
	 * asks for the length first, then copies. Empty if no call failed on this thread.
	 * Any thread.
	 */
	inline std::string LastErrorMessage()
	{
		const size_t Length = lsm_last_error_message(nullptr, 0);
		if (Length == 0)
		{
			return std::string();
		}
		std::vector<char> Buffer(Length + 1, '\0');
		const size_t Copied = lsm_last_error_message(Buffer.data(), Buffer.size());
		// The message cannot change in between (same thread, no call in between), but never
		// trust a length to stay within the buffer.
		return std::string(Buffer.data(), Copied < Length ? Copied : Length);
	}

	/** Whether Text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
	inline bool IsValidUtf8(std::string_view Text) noexcept
	{
		const unsigned char* Bytes = reinterpret_cast<const unsigned char*>(Text.data());
		const size_t Size = Text.size();
		size_t Index = 0;
		while (Index < Size)
		{
			const unsigned char Lead = Bytes[Index];
			if (Lead < 0x80)
			{
				++Index;
				continue;
			}
			size_t Extra = 0;
			uint32_t CodePoint = 0;
			uint32_t Minimum = 0;
			if ((Lead & 0xE0) == 0xC0)
			{
				Extra = 1;
				CodePoint = Lead & 0x1Fu;
				Minimum = 0x80;
			}
			else if ((Lead & 0xF0) == 0xE0)
			{
				Extra = 2;
				CodePoint = Lead & 0x0Fu;
				Minimum = 0x800;
			}
			else if ((Lead & 0xF8) == 0xF0)
			{
				Extra = 3;
				CodePoint = Lead & 0x07u;
				Minimum = 0x10000;
			}
			else
			{
				return false;
			}
			if (Size - Index <= Extra)
			{
				return false;
			}
			for (size_t Offset = 1; Offset <= Extra; ++Offset)
			{
				const unsigned char Continuation = Bytes[Index + Offset];
				if ((Continuation & 0xC0) != 0x80)
				{
					return false;
				}
				CodePoint = (CodePoint << 6) | (Continuation & 0x3Fu);
			}
			if (CodePoint < Minimum || CodePoint > 0x10FFFF || (CodePoint >= 0xD800 && CodePoint <= 0xDFFF))
			{
				return false;
			}
			Index += Extra + 1;
		}
		return true;
	}

	/** UTF-8 to UTF-16 (the width of Unreal's TCHAR); each invalid sequence becomes U+FFFD. */
	inline std::u16string Utf8ToUtf16(std::string_view Text)
	{
		std::u16string Out;
		Out.reserve(Text.size());
		const unsigned char* Bytes = reinterpret_cast<const unsigned char*>(Text.data());
		const size_t Size = Text.size();
		size_t Index = 0;
		while (Index < Size)
		{
			// Decode one sequence by checking it on its own: IsValidUtf8 is the single rule.
			size_t Length = 1;
			const unsigned char Lead = Bytes[Index];
			if ((Lead & 0xE0) == 0xC0)
			{
				Length = 2;
			}
			else if ((Lead & 0xF0) == 0xE0)
			{
				Length = 3;
			}
			else if ((Lead & 0xF8) == 0xF0)
			{
				Length = 4;
			}
			if (Length > Size - Index || !IsValidUtf8(Text.substr(Index, Length)))
			{
				Out.push_back(u'\xFFFD');
				++Index;
				continue;
			}
			uint32_t CodePoint = Length == 1 ? Lead : (Lead & (0x7Fu >> Length));
			for (size_t Offset = 1; Offset < Length; ++Offset)
			{
				CodePoint = (CodePoint << 6) | (Bytes[Index + Offset] & 0x3Fu);
			}
			if (CodePoint >= 0x10000)
			{
				CodePoint -= 0x10000;
				Out.push_back(static_cast<char16_t>(0xD800 + (CodePoint >> 10)));
				Out.push_back(static_cast<char16_t>(0xDC00 + (CodePoint & 0x3FF)));
			}
			else
			{
				Out.push_back(static_cast<char16_t>(CodePoint));
			}
			Index += Length;
		}
		return Out;
	}

	/** UTF-16 to UTF-8; an unpaired surrogate becomes U+FFFD. */
	inline std::string Utf16ToUtf8(std::u16string_view Text)
	{
		std::string Out;
		Out.reserve(Text.size());
		const auto Append = [&Out](uint32_t CodePoint)
		{
			if (CodePoint < 0x80)
			{
				Out.push_back(static_cast<char>(CodePoint));
			}
			else if (CodePoint < 0x800)
			{
				Out.push_back(static_cast<char>(0xC0 | (CodePoint >> 6)));
				Out.push_back(static_cast<char>(0x80 | (CodePoint & 0x3F)));
			}
			else if (CodePoint < 0x10000)
			{
				Out.push_back(static_cast<char>(0xE0 | (CodePoint >> 12)));
				Out.push_back(static_cast<char>(0x80 | ((CodePoint >> 6) & 0x3F)));
				Out.push_back(static_cast<char>(0x80 | (CodePoint & 0x3F)));
			}
			else
			{
				Out.push_back(static_cast<char>(0xF0 | (CodePoint >> 18)));
				Out.push_back(static_cast<char>(0x80 | ((CodePoint >> 12) & 0x3F)));
				Out.push_back(static_cast<char>(0x80 | ((CodePoint >> 6) & 0x3F)));
				Out.push_back(static_cast<char>(0x80 | (CodePoint & 0x3F)));
			}
		};
		for (size_t Index = 0; Index < Text.size(); ++Index)
		{
			const uint32_t Unit = Text[Index];
			if (Unit >= 0xD800 && Unit <= 0xDBFF && Index + 1 < Text.size() && Text[Index + 1] >= 0xDC00 && Text[Index + 1] <= 0xDFFF)
			{
				const uint32_t Low = Text[Index + 1];
				Append(0x10000 + ((Unit - 0xD800) << 10) + (Low - 0xDC00));
				++Index;
			}
			else if (Unit >= 0xD800 && Unit <= 0xDFFF)
			{
				Append(0xFFFD);
			}
			else
			{
				Append(Unit);
			}
		}
		return Out;
	}

	/**
	 * A NUL-terminated UTF-8 string argument: a `const char*` or a `const std::string&`.
	 * Holds the pointer only; valid for the full expression it is built in.
	 */
	class FUtf8Arg
	{
	public:
		FUtf8Arg(const char* InText) noexcept
			: Text(InText)
		{
		}

		FUtf8Arg(const std::string& InText) noexcept
			: Text(InText.c_str())
		{
		}

		const char* CStr() const noexcept
		{
			return Text;
		}

	private:
		const char* Text;
	};

	// ---------------------------------------------------------------------------------
	// Errors without exceptions
	// ---------------------------------------------------------------------------------

	/** A failed lsm_ call: its status, the function's name and lsm_last_error_message. */
	struct FCallError
	{
		LsmStatus Status = LSM_STATUS_OK;
		/** Name of the lsm_ function that failed (a string literal). */
		const char* Function = "";
		std::string Message;

		/** Builds the error right after `Function` returned `InStatus` (reads the last error). */
		static FCallError FromLastError(LsmStatus InStatus, const char* InFunction)
		{
			FCallError Error;
			Error.Status = InStatus;
			Error.Function = InFunction;
			Error.Message = LastErrorMessage();
			return Error;
		}

		/** "lsm_load_level: LSM_STATUS_UNKNOWN_LEVEL: <message>". */
		std::string ToString() const
		{
			std::string Out = Function;
			Out += ": ";
			Out += StatusToString(Status);
			if (!Message.empty())
			{
				Out += ": ";
				Out += Message;
			}
			return Out;
		}
	};

	/**
	 * The value of a successful call, or the FCallError of a failed one. [[nodiscard]]: a
	 * status is never silently dropped. Reading the value of a failed result (or the
	 * error of a successful one) is a programming error caught by assert.
	 */
	template <typename T>
	class [[nodiscard]] TResult
	{
	public:
		TResult(T InValue)
			: Value(std::move(InValue))
		{
		}

		TResult(FCallError InError)
			: Error(std::move(InError))
		{
			assert(Error.Status != LSM_STATUS_OK);
		}

		bool IsOk() const noexcept
		{
			return Value.has_value();
		}

		bool HasError() const noexcept
		{
			return !Value.has_value();
		}

		explicit operator bool() const noexcept
		{
			return IsOk();
		}

		LsmStatus GetStatus() const noexcept
		{
			return IsOk() ? LSM_STATUS_OK : Error.Status;
		}

		const T& GetValue() const&
		{
			assert(IsOk());
			return *Value;
		}

		T& GetValue() &
		{
			assert(IsOk());
			return *Value;
		}

		/** Moves the value out (the result keeps a moved-from value). */
		T StealValue()
		{
			assert(IsOk());
			return std::move(*Value);
		}

		T ValueOr(T Fallback) const&
		{
			return IsOk() ? *Value : std::move(Fallback);
		}

		const FCallError& GetError() const
		{
			assert(HasError());
			return Error;
		}

	private:
		std::optional<T> Value;
		FCallError Error;
	};

	/** Result of a call with no output. */
	template <>
	class [[nodiscard]] TResult<void>
	{
	public:
		TResult() noexcept = default;

		TResult(FCallError InError)
			: Error(std::move(InError))
		{
			assert(Error.Status != LSM_STATUS_OK);
		}

		bool IsOk() const noexcept
		{
			return Error.Status == LSM_STATUS_OK;
		}

		bool HasError() const noexcept
		{
			return !IsOk();
		}

		explicit operator bool() const noexcept
		{
			return IsOk();
		}

		LsmStatus GetStatus() const noexcept
		{
			return Error.Status;
		}

		const FCallError& GetError() const
		{
			assert(HasError());
			return Error;
		}

	private:
		FCallError Error;
	};

	using FResult = TResult<void>;

	/** OK -> success; anything else -> the error with the last error message. */
	inline FResult ToResult(LsmStatus Status, const char* Function)
	{
		if (Status == LSM_STATUS_OK)
		{
			return FResult();
		}
		return FCallError::FromLastError(Status, Function);
	}

	template <typename T>
	TResult<std::decay_t<T>> ToResult(LsmStatus Status, const char* Function, T&& Value)
	{
		if (Status == LSM_STATUS_OK)
		{
			return TResult<std::decay_t<T>>(std::forward<T>(Value));
		}
		return TResult<std::decay_t<T>>(FCallError::FromLastError(Status, Function));
	}

	/**
	 * Reads a string from a getter with the library's buffer convention (lsm_level_name,
	 * lsm_budget_name, lsm_loading_screen_text, lsm_get_performance_report): it writes
	 * the needed length, without the NUL, even when it answers BUFFER_TOO_SMALL. Tries a
	 * small buffer first, then the reported size, and retries if the text grew in
	 * between. `Fill(char* Buffer, size_t Capacity, size_t* OutLength) -> LsmStatus`.
	 */
	template <typename FillFunction>
	TResult<std::string> ReadString(const char* Function, FillFunction&& Fill, size_t InitialCapacity = 128)
	{
		std::string Buffer(InitialCapacity > 0 ? InitialCapacity : 1, '\0');
		for (int Attempt = 0; Attempt < 8; ++Attempt)
		{
			size_t Length = 0;
			const LsmStatus Status = Fill(&Buffer[0], Buffer.size(), &Length);
			if (Status == LSM_STATUS_OK)
			{
				Buffer.resize(Length);
				return TResult<std::string>(std::move(Buffer));
			}
			if (Status != LSM_STATUS_BUFFER_TOO_SMALL || Length + 1 <= Buffer.size())
			{
				// A BUFFER_TOO_SMALL that does not ask for more would loop forever.
				return TResult<std::string>(FCallError::FromLastError(Status, Function));
			}
			Buffer.assign(Length + 1, '\0');
		}
		FCallError Error;
		Error.Status = LSM_STATUS_BUFFER_TOO_SMALL;
		Error.Function = Function;
		Error.Message = "the text kept growing between calls";
		return TResult<std::string>(std::move(Error));
	}

	// ---------------------------------------------------------------------------------
	// Plain data helpers
	// ---------------------------------------------------------------------------------

	inline LsmVec3 MakeVec3(double X, double Y, double Z) noexcept
	{
		LsmVec3 Vector{};
		Vector.x = X;
		Vector.y = Y;
		Vector.z = Z;
		return Vector;
	}

	/** A zero-initialised source: fields the header adds later stay at their 0 default. */
	inline LsmStreamingSource MakeSource(const LsmVec3& Position, const LsmVec3& Velocity = LsmVec3{}, LsmPriority Priority = LSM_PRIORITY_NORMAL) noexcept
	{
		LsmStreamingSource Source{};
		Source.position = Position;
		Source.velocity = Velocity;
		Source.priority = static_cast<uint32_t>(Priority);
		return Source;
	}

	/** Owned strings for lsm_create_streaming_volume. */
	struct FVolumeDesc
	{
		std::string Name;
		std::string LevelName;
		LsmVec3 Center{};
		double Radius = 0.0;
		double LoadDistance = 0.0;
		/** 0 = LoadDistance * LsmConfig.unload_distance_factor. */
		double UnloadDistance = 0.0;
		LsmPriority Priority = LSM_PRIORITY_NORMAL;
		bool bEnabled = true;
	};

	/** One budget's name and status (see FManager::GetAllBudgets). */
	struct FBudgetInfo
	{
		std::string Name;
		LsmBudgetStatus Status{};
	};

	// ---------------------------------------------------------------------------------
	// The manager
	// ---------------------------------------------------------------------------------

	/** Called for every event a registered callback's filter accepts. */
	using FEventCallback = std::function<void(const LsmEvent&)>;

	/**
	 * RAII owner of one LsmManager*: move-only, destroyed with lsm_manager_destroy.
	 * Every method maps to one lsm_ function (named in its comment) and checks its status.
	 * An empty FManager (default-constructed or moved-from) answers every call with the
	 * library's NULL_ARGUMENT error.
	 *
	 * Threading: the manager's thread (normally the game thread), one call at a time.
	 * Do not destroy an FManager from inside one of its own event callbacks.
	 */
	class FManager
	{
	public:
		/** lsm_config_default. Any thread. */
		static LsmConfig DefaultConfig() noexcept
		{
			LsmConfig Config{};
			const LsmStatus Status = lsm_config_default(&Config);
			assert(Status == LSM_STATUS_OK);
			(void)Status;
			return Config;
		}

		/** lsm_manager_create with the default configuration. */
		static TResult<FManager> Create()
		{
			return CreateFrom(nullptr);
		}

		/** lsm_manager_create; an invalid configuration is INVALID_ARGUMENT with the library's message. */
		static TResult<FManager> Create(const LsmConfig& Config)
		{
			return CreateFrom(&Config);
		}

		/** lsm_version: the loaded library's version. Any thread. */
		static const char* LibraryVersion() noexcept
		{
			const char* Version = lsm_version();
			return Version != nullptr ? Version : "";
		}

		/**
		 * Whether the loaded library is the one this header was generated for
		 * (lsm_version() == LSM_VERSION and lsm_abi_version() == LSM_ABI_VERSION).
		 * Check it once at start-up: a stale DLL next to a newer plugin would
		 * otherwise misread every struct.
		 */
		static FResult CheckLibraryVersion()
		{
			if (std::strcmp(LibraryVersion(), LSM_VERSION) == 0 && lsm_abi_version() == LSM_ABI_VERSION)
			{
				return FResult();
			}
			FCallError Error;
			Error.Status = LSM_STATUS_INVALID_HANDLE;
			Error.Function = "lsm_version";
			Error.Message = std::string("the library is version ") + LibraryVersion() + " (ABI " +
				std::to_string(lsm_abi_version()) + ") but the header is " + LSM_VERSION + " (ABI " +
				std::to_string(LSM_ABI_VERSION) + ")";
			return Error;
		}

		/** lsm_lod_quality: the quality table row of a LOD. Any thread. */
		static TResult<LsmLodQuality> LodQuality(LsmLodLevel Lod)
		{
			LsmLodQuality Quality{};
			const LsmStatus Status = lsm_lod_quality(static_cast<uint32_t>(Lod), &Quality);
			return ToResult(Status, "lsm_lod_quality", std::move(Quality));
		}

		FManager() noexcept = default;

		~FManager()
		{
			Reset();
		}

		FManager(FManager&& Other) noexcept = default;

		FManager& operator=(FManager&& Other) noexcept
		{
			if (this != &Other)
			{
				Reset();
				Impl = std::move(Other.Impl);
			}
			return *this;
		}

		FManager(const FManager&) = delete;
		FManager& operator=(const FManager&) = delete;

		bool IsValid() const noexcept
		{
			return Get() != nullptr;
		}

		explicit operator bool() const noexcept
		{
			return IsValid();
		}

		/** The raw handle (still owned by this object), for lsm_ calls not wrapped here. */
		LsmManager* Get() const noexcept
		{
			return Impl ? Impl->Handle : nullptr;
		}

		/** Destroys the manager now (lsm_manager_destroy) and frees the callbacks' storage. */
		void Reset() noexcept
		{
			if (!Impl)
			{
				return;
			}
			// Destroying from inside our own callback would free the std::function that is running.
			assert(Impl->DispatchDepth == 0);
			lsm_manager_destroy(Impl->Handle);
			Impl.reset();
		}

		/**
		 * Gives up ownership: unregisters this object's callbacks (their storage dies with
		 * it) and returns the handle, which the caller must lsm_manager_destroy.
		 */
		LsmManager* Release() noexcept
		{
			if (!Impl)
			{
				return nullptr;
			}
			assert(Impl->DispatchDepth == 0);
			for (const std::unique_ptr<FCallbackSlot>& Slot : Impl->Callbacks)
			{
				const LsmStatus Status = lsm_unregister_event_callback(Impl->Handle, Slot->Id);
				assert(Status == LSM_STATUS_OK);
				(void)Status;
			}
			LsmManager* Handle = Impl->Handle;
			Impl.reset();
			return Handle;
		}

		// ----- levels ------------------------------------------------------------------

		/** lsm_register_level; returns the level id. */
		TResult<uint32_t> RegisterLevel(FUtf8Arg Name, double EstimatedMemoryMb, LsmPriority Priority = LSM_PRIORITY_NORMAL)
		{
			LsmLevelDesc Desc{};
			Desc.name = Name.CStr();
			Desc.estimated_memory_mb = EstimatedMemoryMb;
			Desc.priority = static_cast<uint32_t>(Priority);
			uint32_t LevelId = LSM_INVALID_ID;
			const LsmStatus Status = lsm_register_level(Get(), &Desc, &LevelId);
			return ToResult(Status, "lsm_register_level", std::move(LevelId));
		}

		/** lsm_find_level. */
		TResult<uint32_t> FindLevel(FUtf8Arg Name) const
		{
			uint32_t LevelId = LSM_INVALID_ID;
			const LsmStatus Status = lsm_find_level(Get(), Name.CStr(), &LevelId);
			return ToResult(Status, "lsm_find_level", std::move(LevelId));
		}

		/** lsm_level_name, whatever its length. */
		TResult<std::string> LevelName(uint32_t LevelId) const
		{
			const LsmManager* Handle = Get();
			return ReadString("lsm_level_name", [Handle, LevelId](char* Buffer, size_t Capacity, size_t* OutLength)
			{
				return lsm_level_name(Handle, LevelId, Buffer, Capacity, OutLength);
			});
		}

		/** lsm_level_count (0 for an empty FManager). Level ids are 0 .. count-1. */
		size_t LevelCount() const noexcept
		{
			return lsm_level_count(Get());
		}

		/** lsm_get_level_state. */
		TResult<LsmStreamingState> GetLevelState(FUtf8Arg Name) const
		{
			LsmStreamingState State = LSM_STREAMING_STATE_UNLOADED;
			const LsmStatus Status = lsm_get_level_state(Get(), Name.CStr(), &State);
			return ToResult(Status, "lsm_get_level_state", std::move(State));
		}

		/** lsm_get_level_state_by_id. */
		TResult<LsmStreamingState> GetLevelStateById(uint32_t LevelId) const
		{
			LsmStreamingState State = LSM_STREAMING_STATE_UNLOADED;
			const LsmStatus Status = lsm_get_level_state_by_id(Get(), LevelId, &State);
			return ToResult(Status, "lsm_get_level_state_by_id", std::move(State));
		}

		/** lsm_load_level: pins the level until UnloadLevel. */
		FResult LoadLevel(FUtf8Arg Name)
		{
			return ToResult(lsm_load_level(Get(), Name.CStr()), "lsm_load_level");
		}

		/** lsm_unload_level: removes the pin. */
		FResult UnloadLevel(FUtf8Arg Name)
		{
			return ToResult(lsm_unload_level(Get(), Name.CStr()), "lsm_unload_level");
		}

		/** lsm_set_level_visible. */
		FResult SetLevelVisible(FUtf8Arg Name, bool bVisible)
		{
			return ToResult(lsm_set_level_visible(Get(), Name.CStr(), bVisible), "lsm_set_level_visible");
		}

		// ----- volumes -----------------------------------------------------------------

		/** lsm_create_streaming_volume; returns the volume id. */
		TResult<uint32_t> CreateStreamingVolume(const FVolumeDesc& Volume)
		{
			LsmVolumeDesc Desc{};
			Desc.name = Volume.Name.c_str();
			Desc.level_name = Volume.LevelName.c_str();
			Desc.center = Volume.Center;
			Desc.radius = Volume.Radius;
			Desc.load_distance = Volume.LoadDistance;
			Desc.unload_distance = Volume.UnloadDistance;
			Desc.priority = static_cast<uint32_t>(Volume.Priority);
			Desc.enabled = Volume.bEnabled;
			uint32_t VolumeId = LSM_INVALID_ID;
			const LsmStatus Status = lsm_create_streaming_volume(Get(), &Desc, &VolumeId);
			return ToResult(Status, "lsm_create_streaming_volume", std::move(VolumeId));
		}

		/** lsm_find_volume. */
		TResult<uint32_t> FindVolume(FUtf8Arg Name) const
		{
			uint32_t VolumeId = LSM_INVALID_ID;
			const LsmStatus Status = lsm_find_volume(Get(), Name.CStr(), &VolumeId);
			return ToResult(Status, "lsm_find_volume", std::move(VolumeId));
		}

		/** lsm_move_streaming_volume (applied at the next Update). */
		FResult MoveStreamingVolume(uint32_t VolumeId, const LsmVec3& Center)
		{
			return ToResult(lsm_move_streaming_volume(Get(), VolumeId, Center), "lsm_move_streaming_volume");
		}

		/** lsm_set_volume_distances (UnloadDistance 0 = the default margin). */
		FResult SetVolumeDistances(uint32_t VolumeId, double Radius, double LoadDistance, double UnloadDistance)
		{
			return ToResult(lsm_set_volume_distances(Get(), VolumeId, Radius, LoadDistance, UnloadDistance), "lsm_set_volume_distances");
		}

		/** lsm_compact_spatial_index: once after registering a world's volumes (load time, not per frame). */
		FResult CompactSpatialIndex()
		{
			return ToResult(lsm_compact_spatial_index(Get()), "lsm_compact_spatial_index");
		}

		/** lsm_set_volume_enabled. */
		FResult SetVolumeEnabled(uint32_t VolumeId, bool bEnabled)
		{
			return ToResult(lsm_set_volume_enabled(Get(), VolumeId, bEnabled), "lsm_set_volume_enabled");
		}

		/** lsm_remove_streaming_volume. */
		FResult RemoveStreamingVolume(uint32_t VolumeId)
		{
			return ToResult(lsm_remove_streaming_volume(Get(), VolumeId), "lsm_remove_streaming_volume");
		}

		/** lsm_volume_count (0 for an empty FManager). */
		size_t VolumeCount() const noexcept
		{
			return lsm_volume_count(Get());
		}

		// ----- the frame ---------------------------------------------------------------

		/** lsm_update: one frame with these sources (none: every volume releases). */
		FResult Update(const LsmStreamingSource* Sources, size_t Count, double DeltaSeconds)
		{
			return ToResult(lsm_update(Get(), Count > 0 ? Sources : nullptr, Count, DeltaSeconds), "lsm_update");
		}

		FResult Update(const std::vector<LsmStreamingSource>& Sources, double DeltaSeconds)
		{
			return Update(Sources.data(), Sources.size(), DeltaSeconds);
		}

		/** lsm_pending_request_count: requests issued and not yet taken. */
		size_t PendingRequestCount() const noexcept
		{
			return lsm_pending_request_count(Get());
		}

		/** lsm_take_requests into caller storage (a span): returns how many were written. */
		TResult<size_t> TakeRequests(LsmRequest* Out, size_t Capacity)
		{
			size_t Count = 0;
			const LsmStatus Status = lsm_take_requests(Get(), Capacity > 0 ? Out : nullptr, Capacity, &Count);
			return ToResult(Status, "lsm_take_requests", std::move(Count));
		}

		template <size_t N>
		TResult<size_t> TakeRequests(LsmRequest (&Out)[N])
		{
			return TakeRequests(Out, N);
		}

		/**
		 * Appends every pending request to Out (existing elements are kept) and returns
		 * how many were appended. Allocation-free once Out has the capacity.
		 */
		TResult<size_t> TakeAllRequests(std::vector<LsmRequest>& Out)
		{
			const size_t OldSize = Out.size();
			const size_t Pending = PendingRequestCount();
			if (Pending == 0)
			{
				// Still one call, so that an empty or broken manager reports its error.
				return TakeRequests(nullptr, 0);
			}
			Out.resize(OldSize + Pending);
			TResult<size_t> Taken = TakeRequests(Out.data() + OldSize, Pending);
			Out.resize(OldSize + (Taken.IsOk() ? Taken.GetValue() : 0));
			return Taken;
		}

		/** lsm_complete_request: the host finished request RequestId. */
		FResult CompleteRequest(uint64_t RequestId, bool bSuccess)
		{
			return ToResult(lsm_complete_request(Get(), RequestId, bSuccess), "lsm_complete_request");
		}

		/** lsm_complete_request_with_memory: MemoryMb < 0 = not measured. */
		FResult CompleteRequestWithMemory(uint64_t RequestId, bool bSuccess, double MemoryMb)
		{
			return ToResult(lsm_complete_request_with_memory(Get(), RequestId, bSuccess, MemoryMb), "lsm_complete_request_with_memory");
		}

		// ----- events ------------------------------------------------------------------

		/** lsm_poll_events into caller storage (a span): returns how many were written. */
		TResult<size_t> PollEvents(LsmEvent* Out, size_t Capacity)
		{
			size_t Count = 0;
			const LsmStatus Status = lsm_poll_events(Get(), Capacity > 0 ? Out : nullptr, Capacity, &Count);
			return ToResult(Status, "lsm_poll_events", std::move(Count));
		}

		template <size_t N>
		TResult<size_t> PollEvents(LsmEvent (&Out)[N])
		{
			return PollEvents(Out, N);
		}

		/** Appends every queued event to Out, oldest first; returns how many were appended. */
		TResult<size_t> PollAllEvents(std::vector<LsmEvent>& Out)
		{
			constexpr size_t ChunkSize = 64;
			size_t Total = 0;
			for (;;)
			{
				const size_t OldSize = Out.size();
				Out.resize(OldSize + ChunkSize);
				TResult<size_t> Polled = PollEvents(Out.data() + OldSize, ChunkSize);
				const size_t Count = Polled.IsOk() ? Polled.GetValue() : 0;
				Out.resize(OldSize + Count);
				if (Polled.HasError())
				{
					return Polled;
				}
				Total += Count;
				if (Count < ChunkSize)
				{
					return TResult<size_t>(std::move(Total));
				}
			}
		}

		/** lsm_dropped_event_count: events lost because the queue was full. */
		uint64_t DroppedEventCount() const noexcept
		{
			return lsm_dropped_event_count(Get());
		}

		/**
		 * lsm_register_event_callback with a C++ callable (stored here, passed to the
		 * library as user_data). KindFilter is an LsmEventKind or LSM_EVENT_FILTER_ALL.
		 * Callbacks run on the thread of the lsm_ call that raised the event, before it
		 * returns. A callback may unregister any callback, itself included.
		 */
		TResult<uint64_t> RegisterEventCallback(uint32_t KindFilter, FEventCallback Callback)
		{
			if (!Impl)
			{
				return TResult<uint64_t>(FCallError::FromLastError(lsm_register_event_callback(nullptr, KindFilter, &Trampoline, nullptr, nullptr), "lsm_register_event_callback"));
			}
			std::unique_ptr<FCallbackSlot> Slot = std::make_unique<FCallbackSlot>();
			Slot->Owner = Impl.get();
			Slot->Callback = std::move(Callback);
			uint64_t CallbackId = 0;
			const LsmStatus Status = lsm_register_event_callback(Impl->Handle, KindFilter, &Trampoline, Slot.get(), &CallbackId);
			if (Status != LSM_STATUS_OK)
			{
				return TResult<uint64_t>(FCallError::FromLastError(Status, "lsm_register_event_callback"));
			}
			Slot->Id = CallbackId;
			Impl->Callbacks.push_back(std::move(Slot));
			return TResult<uint64_t>(std::move(CallbackId));
		}

		/** lsm_unregister_event_callback; the callable is freed once no dispatch runs it. */
		FResult UnregisterEventCallback(uint64_t CallbackId)
		{
			const LsmStatus Status = lsm_unregister_event_callback(Get(), CallbackId);
			if (Status != LSM_STATUS_OK)
			{
				return FCallError::FromLastError(Status, "lsm_unregister_event_callback");
			}
			std::vector<std::unique_ptr<FCallbackSlot>>& Callbacks = Impl->Callbacks;
			for (size_t Index = 0; Index < Callbacks.size(); ++Index)
			{
				if (Callbacks[Index]->Id == CallbackId)
				{
					if (Impl->DispatchDepth > 0)
					{
						// It may be the callback that is running: free it after the dispatch.
						Impl->Retired.push_back(std::move(Callbacks[Index]));
					}
					Callbacks.erase(Callbacks.begin() + static_cast<std::ptrdiff_t>(Index));
					break;
				}
			}
			return FResult();
		}

		/** Callbacks registered through this object. */
		size_t EventCallbackCount() const noexcept
		{
			return Impl ? Impl->Callbacks.size() : 0;
		}

		// ----- memory budgets ------------------------------------------------------------

		/** lsm_create_memory_budget; returns the budget id. */
		TResult<uint32_t> CreateMemoryBudget(FUtf8Arg Name, double MaxMemoryMb, LsmPriority Priority = LSM_PRIORITY_NORMAL)
		{
			uint32_t BudgetId = LSM_INVALID_ID;
			const LsmStatus Status = lsm_create_memory_budget(Get(), Name.CStr(), MaxMemoryMb, static_cast<uint32_t>(Priority), &BudgetId);
			return ToResult(Status, "lsm_create_memory_budget", std::move(BudgetId));
		}

		/** lsm_set_budget_thresholds (0 < warning <= critical <= 1). */
		FResult SetBudgetThresholds(FUtf8Arg Name, double WarningThreshold, double CriticalThreshold)
		{
			return ToResult(lsm_set_budget_thresholds(Get(), Name.CStr(), WarningThreshold, CriticalThreshold), "lsm_set_budget_thresholds");
		}

		/** lsm_allocate_level_to_budget. */
		FResult AllocateLevelToBudget(FUtf8Arg BudgetName, FUtf8Arg Level, double MemoryMb)
		{
			return ToResult(lsm_allocate_level_to_budget(Get(), BudgetName.CStr(), Level.CStr(), MemoryMb), "lsm_allocate_level_to_budget");
		}

		/** lsm_get_memory_status. */
		TResult<LsmMemoryStatus> GetMemoryStatus() const
		{
			LsmMemoryStatus Memory{};
			const LsmStatus Status = lsm_get_memory_status(Get(), &Memory);
			return ToResult(Status, "lsm_get_memory_status", std::move(Memory));
		}

		/** lsm_get_budget_status. */
		TResult<LsmBudgetStatus> GetBudgetStatus(FUtf8Arg Name) const
		{
			LsmBudgetStatus Budget{};
			const LsmStatus Status = lsm_get_budget_status(Get(), Name.CStr(), &Budget);
			return ToResult(Status, "lsm_get_budget_status", std::move(Budget));
		}

		/** lsm_get_budget_status_by_index (0 .. LsmMemoryStatus.budget_count-1). */
		TResult<LsmBudgetStatus> GetBudgetStatusByIndex(uint32_t Index) const
		{
			LsmBudgetStatus Budget{};
			const LsmStatus Status = lsm_get_budget_status_by_index(Get(), Index, &Budget);
			return ToResult(Status, "lsm_get_budget_status_by_index", std::move(Budget));
		}

		/** lsm_budget_name, whatever its length. */
		TResult<std::string> BudgetName(uint32_t Index) const
		{
			const LsmManager* Handle = Get();
			return ReadString("lsm_budget_name", [Handle, Index](char* Buffer, size_t Capacity, size_t* OutLength)
			{
				return lsm_budget_name(Handle, Index, Buffer, Capacity, OutLength);
			});
		}

		/** Every budget's name and status, appended to Out. */
		FResult GetAllBudgets(std::vector<FBudgetInfo>& Out) const
		{
			const TResult<LsmMemoryStatus> Memory = GetMemoryStatus();
			if (Memory.HasError())
			{
				return Memory.GetError();
			}
			for (uint32_t Index = 0; Index < Memory.GetValue().budget_count; ++Index)
			{
				TResult<std::string> Name = BudgetName(Index);
				if (Name.HasError())
				{
					return Name.GetError();
				}
				const TResult<LsmBudgetStatus> Budget = GetBudgetStatusByIndex(Index);
				if (Budget.HasError())
				{
					return Budget.GetError();
				}
				FBudgetInfo Info;
				Info.Name = Name.StealValue();
				Info.Status = Budget.GetValue();
				Out.push_back(std::move(Info));
			}
			return FResult();
		}

		// ----- LOD -----------------------------------------------------------------------

		/** lsm_create_lod_settings. */
		FResult CreateLodSettings(FUtf8Arg Level)
		{
			return ToResult(lsm_create_lod_settings(Get(), Level.CStr()), "lsm_create_lod_settings");
		}

		/** lsm_set_lod: sets the LOD by hand and turns auto-adjust off. */
		FResult SetLod(FUtf8Arg Level, LsmLodLevel Lod)
		{
			return ToResult(lsm_set_lod(Get(), Level.CStr(), static_cast<uint32_t>(Lod)), "lsm_set_lod");
		}

		/** lsm_get_lod. */
		TResult<LsmLodLevel> GetLod(FUtf8Arg Level) const
		{
			LsmLodLevel Lod = LSM_LOD_LEVEL_ULTRA;
			const LsmStatus Status = lsm_get_lod(Get(), Level.CStr(), &Lod);
			return ToResult(Status, "lsm_get_lod", std::move(Lod));
		}

		/** lsm_set_lod_auto_adjust. */
		FResult SetLodAutoAdjust(FUtf8Arg Level, bool bAutoAdjust)
		{
			return ToResult(lsm_set_lod_auto_adjust(Get(), Level.CStr(), bAutoAdjust), "lsm_set_lod_auto_adjust");
		}

		/** lsm_get_lod_settings (NOT_FOUND for a level without settings). */
		TResult<LsmLodSettings> GetLodSettings(FUtf8Arg Level) const
		{
			LsmLodSettings Settings{};
			const LsmStatus Status = lsm_get_lod_settings(Get(), Level.CStr(), &Settings);
			return ToResult(Status, "lsm_get_lod_settings", std::move(Settings));
		}

		/** lsm_set_lod_settings. */
		FResult SetLodSettings(FUtf8Arg Level, const LsmLodSettings& Settings)
		{
			return ToResult(lsm_set_lod_settings(Get(), Level.CStr(), &Settings), "lsm_set_lod_settings");
		}

		/** lsm_calculate_optimal_lod. */
		TResult<LsmLodLevel> CalculateOptimalLod(double Distance, double AvailableMemoryMb, double FrameTimeMs) const
		{
			LsmLodLevel Lod = LSM_LOD_LEVEL_ULTRA;
			const LsmStatus Status = lsm_calculate_optimal_lod(Get(), Distance, AvailableMemoryMb, FrameTimeMs, &Lod);
			return ToResult(Status, "lsm_calculate_optimal_lod", std::move(Lod));
		}

		/** lsm_calculate_optimal_lod_for_level. */
		TResult<LsmLodLevel> CalculateOptimalLodForLevel(FUtf8Arg Level) const
		{
			LsmLodLevel Lod = LSM_LOD_LEVEL_ULTRA;
			const LsmStatus Status = lsm_calculate_optimal_lod_for_level(Get(), Level.CStr(), &Lod);
			return ToResult(Status, "lsm_calculate_optimal_lod_for_level", std::move(Lod));
		}

		/** lsm_get_lod_quality_values: the quality of the level's current LOD. */
		TResult<LsmLodQuality> GetLodQualityValues(FUtf8Arg Level) const
		{
			LsmLodQuality Quality{};
			const LsmStatus Status = lsm_get_lod_quality_values(Get(), Level.CStr(), &Quality);
			return ToResult(Status, "lsm_get_lod_quality_values", std::move(Quality));
		}

		// ----- profiler ------------------------------------------------------------------

		/** lsm_record_frame: O(1), allocation-free; call once per frame. */
		FResult RecordFrame(double FrameTimeMs, double MemoryMb, uint32_t DrawCalls, uint64_t Triangles)
		{
			return ToResult(lsm_record_frame(Get(), FrameTimeMs, MemoryMb, DrawCalls, Triangles), "lsm_record_frame");
		}

		/** lsm_set_target_frame_time (ms, > 0). */
		FResult SetTargetFrameTime(double FrameTimeMs)
		{
			return ToResult(lsm_set_target_frame_time(Get(), FrameTimeMs), "lsm_set_target_frame_time");
		}

		/**
		 * lsm_get_performance_report as a JSON string: asks for the length, allocates,
		 * copies, and retries while the library answers BUFFER_TOO_SMALL.
		 */
		TResult<std::string> GetPerformanceReport() const
		{
			const LsmManager* Handle = Get();
			size_t Needed = 0;
			const LsmStatus Probe = lsm_get_performance_report(Handle, nullptr, 0, &Needed);
			if (Probe != LSM_STATUS_BUFFER_TOO_SMALL && Probe != LSM_STATUS_OK)
			{
				return TResult<std::string>(FCallError::FromLastError(Probe, "lsm_get_performance_report"));
			}
			return ReadString("lsm_get_performance_report", [Handle](char* Buffer, size_t Capacity, size_t* OutLength)
			{
				return lsm_get_performance_report(Handle, Buffer, Capacity, OutLength);
			}, Needed + 1);
		}

#if defined(LSM_HAS_DASHBOARD)
		// ----- dashboard (compiled in when the header declares it; see the plugin README) ----

		/** lsm_dashboard_config_default: 127.0.0.1, the library's default port. Any thread. */
		static LsmDashboardConfig DefaultDashboardConfig() noexcept
		{
			LsmDashboardConfig Config{};
			const LsmStatus Status = lsm_dashboard_config_default(&Config);
			assert(Status == LSM_STATUS_OK);
			(void)Status;
			return Config;
		}

		/**
		 * lsm_dashboard_start: one library thread serves the page and reads snapshots that
		 * Update hands it; this call does not wait on the network.
		 */
		FResult StartDashboard(const LsmDashboardConfig& Config)
		{
			return ToResult(lsm_dashboard_start(Get(), &Config), "lsm_dashboard_start");
		}

		/** The default configuration on 127.0.0.1:Port (0 = any free port, see DashboardPort). */
		FResult StartDashboard(uint16_t Port)
		{
			LsmDashboardConfig Config = DefaultDashboardConfig();
			Config.port = Port;
			return StartDashboard(Config);
		}

		/** lsm_dashboard_stop (succeeds when none runs). */
		FResult StopDashboard()
		{
			return ToResult(lsm_dashboard_stop(Get()), "lsm_dashboard_stop");
		}

		/** lsm_dashboard_port: the port the running dashboard listens on. */
		TResult<uint16_t> DashboardPort() const
		{
			uint16_t Port = 0;
			const LsmStatus Status = lsm_dashboard_port(Get(), &Port);
			return ToResult(Status, "lsm_dashboard_port", std::move(Port));
		}

		/** lsm_dashboard_url: the URL to open, with the session token in its fragment (a secret). */
		TResult<std::string> DashboardUrl() const
		{
			const LsmManager* Handle = Get();
			return ReadString("lsm_dashboard_url", [Handle](char* Buffer, size_t Capacity, size_t* OutLength)
			{
				return lsm_dashboard_url(Handle, Buffer, Capacity, OutLength);
			});
		}
#endif

	private:
		struct FImpl;

		/** Storage of one registered callable; its address is the callback's user_data. */
		struct FCallbackSlot
		{
			FImpl* Owner = nullptr;
			uint64_t Id = 0;
			FEventCallback Callback;
		};

		/** Heap state, so that moving an FManager never moves what user_data points to. */
		struct FImpl
		{
			LsmManager* Handle = nullptr;
			std::vector<std::unique_ptr<FCallbackSlot>> Callbacks;
			/** Unregistered during a dispatch; freed when the dispatch ends. */
			std::vector<std::unique_ptr<FCallbackSlot>> Retired;
			int DispatchDepth = 0;
		};

		static TResult<FManager> CreateFrom(const LsmConfig* Config)
		{
			LsmManager* Handle = lsm_manager_create(Config);
			if (Handle == nullptr)
			{
				// lsm_manager_create has no status: an invalid configuration is the one documented cause.
				return TResult<FManager>(FCallError::FromLastError(LSM_STATUS_INVALID_ARGUMENT, "lsm_manager_create"));
			}
			FManager Manager;
			Manager.Impl = std::make_unique<FImpl>();
			Manager.Impl->Handle = Handle;
			return TResult<FManager>(std::move(Manager));
		}

		static void Trampoline(const LsmEvent* Event, void* UserData) noexcept
		{
			FCallbackSlot* Slot = static_cast<FCallbackSlot*>(UserData);
			if (Slot == nullptr || Event == nullptr)
			{
				return;
			}
			FImpl* Owner = Slot->Owner;
			++Owner->DispatchDepth;
			if (Slot->Callback)
			{
				Slot->Callback(*Event);
			}
			if (--Owner->DispatchDepth == 0)
			{
				Owner->Retired.clear();
			}
		}

		std::unique_ptr<FImpl> Impl;
	};
} // namespace LevelStreamingCore
