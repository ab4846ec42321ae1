// UE shim (see README.md): compile-time checks of printf-style formatting.
//
// Not an Unreal header. It stands in for what UE 5 checks at compile time:
//  - FString::Printf, FOutputDevice::Logf, TStringBuilder::Appendf static_assert that the
//    format is a TCHAR array and that every argument is a valid variadic argument
//    (TIsValidVariadicFunctionArg: no FString/FName/FText passed by value);
//  - UE_LOG validates the format string against the argument types (UE_VALIDATE_FORMAT_STRING,
//    UE 5.2+ on clang and MSVC). Here: %s wants a TCHAR* (pass *MyFString), %hs an ANSICHAR*,
//    %d/%i/%u/%x/%c a <= 32-bit integer, bool or enum, %lld/%llu a 64-bit integer, %f/%e/%g a
//    floating point value, %p a pointer; '*' widths take an int32.

#pragma once

#include "CoreTypes.h"

namespace ShimFormat
{
	template <typename... Ts>
	struct TTypes
	{
	};

	/** Only used in decltype: the decayed argument types of a call. */
	template <typename... Ts>
	TTypes<std::decay_t<Ts>...> TypesOf(const Ts&...);

	template <typename T>
	struct TIsValidVariadicFunctionArg
	{
		static constexpr bool Value = std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_pointer_v<T> || std::is_null_pointer_v<T>;
	};

	template <typename T>
	struct TIsTCharArray
	{
		static constexpr bool Value = std::is_array_v<std::remove_reference_t<T>> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<std::remove_reference_t<T>>>, TCHAR>;
	};

	enum class EArg : uint8
	{
		Int32,
		Int64,
		Float,
		TString,
		AString,
		Pointer,
		Invalid,
	};

	template <typename T>
	constexpr EArg Classify()
	{
		if constexpr (std::is_enum_v<T> || std::is_integral_v<T>)
		{
			return sizeof(T) <= 4 ? EArg::Int32 : EArg::Int64;
		}
		else if constexpr (std::is_floating_point_v<T>)
		{
			return EArg::Float;
		}
		else if constexpr (std::is_same_v<T, const TCHAR*> || std::is_same_v<T, TCHAR*>)
		{
			return EArg::TString;
		}
		else if constexpr (std::is_same_v<T, const ANSICHAR*> || std::is_same_v<T, ANSICHAR*>)
		{
			return EArg::AString;
		}
		else if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>)
		{
			return EArg::Pointer;
		}
		else
		{
			return EArg::Invalid;
		}
	}

	constexpr bool IsDigit(TCHAR Char)
	{
		return Char >= u'0' && Char <= u'9';
	}

	/** Whether Fmt's conversions match the argument types Ts, one for one. */
	template <size_t N, typename... Ts>
	constexpr bool Validate(const TCHAR (&Fmt)[N], TTypes<Ts...>)
	{
		const EArg Args[] = {Classify<Ts>()..., EArg::Invalid};
		const size_t ArgCount = sizeof...(Ts);
		size_t ArgIndex = 0;
		size_t Index = 0;
		const size_t Length = N - 1;
		while (Index < Length)
		{
			if (Fmt[Index] != u'%')
			{
				++Index;
				continue;
			}
			++Index;
			if (Index >= Length)
			{
				return false;
			}
			if (Fmt[Index] == u'%')
			{
				++Index;
				continue;
			}
			while (Index < Length && (Fmt[Index] == u'-' || Fmt[Index] == u'+' || Fmt[Index] == u' ' || Fmt[Index] == u'#' || Fmt[Index] == u'0'))
			{
				++Index;
			}
			if (Index < Length && Fmt[Index] == u'*')
			{
				if (ArgIndex >= ArgCount || Args[ArgIndex] != EArg::Int32)
				{
					return false;
				}
				++ArgIndex;
				++Index;
			}
			while (Index < Length && IsDigit(Fmt[Index]))
			{
				++Index;
			}
			if (Index < Length && Fmt[Index] == u'.')
			{
				++Index;
				if (Index < Length && Fmt[Index] == u'*')
				{
					if (ArgIndex >= ArgCount || Args[ArgIndex] != EArg::Int32)
					{
						return false;
					}
					++ArgIndex;
					++Index;
				}
				while (Index < Length && IsDigit(Fmt[Index]))
				{
					++Index;
				}
			}
			bool bWide = false;
			bool bNarrow = false;
			if (Index + 1 < Length && Fmt[Index] == u'l' && Fmt[Index + 1] == u'l')
			{
				bWide = true;
				Index += 2;
			}
			else if (Index + 2 < Length && Fmt[Index] == u'I' && Fmt[Index + 1] == u'6' && Fmt[Index + 2] == u'4')
			{
				bWide = true;
				Index += 3;
			}
			else if (Index < Length && (Fmt[Index] == u'z' || Fmt[Index] == u'j' || Fmt[Index] == u't'))
			{
				bWide = sizeof(size_t) == 8;
				++Index;
			}
			else if (Index < Length && (Fmt[Index] == u'h'))
			{
				bNarrow = true;
				++Index;
				if (Index < Length && Fmt[Index] == u'h')
				{
					++Index;
				}
			}
			else if (Index < Length && (Fmt[Index] == u'l' || Fmt[Index] == u'L'))
			{
				++Index;
			}
			if (Index >= Length || ArgIndex >= ArgCount)
			{
				return false;
			}
			const EArg Arg = Args[ArgIndex++];
			switch (Fmt[Index])
			{
			case u'd':
			case u'i':
			case u'u':
			case u'x':
			case u'X':
			case u'o':
			case u'c':
				if (Arg != (bWide ? EArg::Int64 : EArg::Int32))
				{
					return false;
				}
				break;
			case u'f':
			case u'F':
			case u'e':
			case u'E':
			case u'g':
			case u'G':
				if (Arg != EArg::Float)
				{
					return false;
				}
				break;
			case u's':
			case u'S':
				if (Arg != (bNarrow ? EArg::AString : EArg::TString))
				{
					return false;
				}
				break;
			case u'p':
				if (Arg != EArg::Pointer && Arg != EArg::TString && Arg != EArg::AString)
				{
					return false;
				}
				break;
			default:
				return false;
			}
			++Index;
		}
		return ArgIndex == ArgCount;
	}

	/** What FString::Printf, Logf and Appendf assert in UE 5. */
	template <typename FmtType, typename... Types>
	constexpr bool CheckVariadicCall()
	{
		static_assert(TIsTCharArray<FmtType>::Value, "Formatting string must be a TCHAR array (use TEXT(\"...\")).");
		static_assert((TIsValidVariadicFunctionArg<Types>::Value && ...), "Invalid argument(s) passed to a printf-style function: pass *MyString for an FString, not the FString.");
		return true;
	}
} // namespace ShimFormat
