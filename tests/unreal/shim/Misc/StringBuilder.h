// UE shim (see README.md). Runtime/Core/Public/Misc/StringBuilder.h.

#pragma once

#include "Containers/UnrealString.h"
#include "CoreTypes.h"

class FStringBuilderBase
{
public:
	FStringBuilderBase& Append(const TCHAR* String);
	FStringBuilderBase& Append(const FString& String);
	FStringBuilderBase& operator<<(const TCHAR* String);
	FStringBuilderBase& operator<<(const FString& String);

	template <typename FmtType, typename... Types>
	FStringBuilderBase& Appendf(const FmtType& Fmt, Types... Args)
	{
		static_assert(ShimFormat::CheckVariadicCall<FmtType, Types...>(), "");
		return AppendfImpl(*this, Fmt, Args...);
	}

	const TCHAR* ToString() const;
	const TCHAR* operator*() const;
	int32 Len() const;
	void Reset();

private:
	static FStringBuilderBase& AppendfImpl(FStringBuilderBase& Self, const TCHAR* Fmt, ...);
};

template <int32 BufferSize>
class TStringBuilder : public FStringBuilderBase
{
public:
	TStringBuilder();
};
