// UE shim (see README.md). Runtime/Core/Public/Containers/UnrealString.h (+ StringView.h).

#pragma once

#include "Containers/StringConv.h"
#include "CoreTypes.h"
#include "Shim/ShimFormat.h"

class FString;

class FStringView
{
public:
	FStringView();
	FStringView(const TCHAR* InData);
	FStringView(const TCHAR* InData, int32 InLen);
	FStringView(const FString& InString);
	const TCHAR* GetData() const;
	int32 Len() const;
};

class FString
{
public:
	FString();
	FString(const FString& Other);
	FString(FString&& Other);
	FString(const TCHAR* Str);
	/** Converts as ANSI/Latin-1, not UTF-8: use UTF8_TO_TCHAR for UTF-8. */
	FString(const ANSICHAR* Str);
	FString(int32 InCount, const TCHAR* InSrc);
	explicit FString(FStringView InView);
	~FString();

	FString& operator=(const FString& Other);
	FString& operator=(FString&& Other);
	FString& operator=(const TCHAR* Other);

	const TCHAR* operator*() const;
	bool IsEmpty() const;
	int32 Len() const;
	void Empty(int32 Slack = 0);
	void Reset(int32 NewReservedSize = 0);
	bool Equals(const FString& Other) const;
	bool Contains(const TCHAR* SubStr) const;
	bool StartsWith(const TCHAR* InPrefix) const;
	FString& Append(const FString& Text);
	FString& operator+=(const FString& Str);
	FString& operator+=(const TCHAR* Str);
	FString& operator+=(TCHAR InChar);
	TCHAR& operator[](int32 Index);
	const TCHAR& operator[](int32 Index) const;

	template <typename FmtType, typename... Types>
	static FString Printf(const FmtType& Fmt, Types... Args)
	{
		static_assert(ShimFormat::CheckVariadicCall<FmtType, Types...>(), "");
		return PrintfImpl(Fmt, Args...);
	}

	static FString FromInt(int32 Num);

private:
	static FString PrintfImpl(const TCHAR* Fmt, ...);
};

FString operator+(const FString& Lhs, const FString& Rhs);
FString operator+(const FString& Lhs, const TCHAR* Rhs);
FString operator+(const TCHAR* Lhs, const FString& Rhs);
bool operator==(const FString& Lhs, const FString& Rhs);
bool operator!=(const FString& Lhs, const FString& Rhs);
bool operator==(const FString& Lhs, const TCHAR* Rhs);
bool operator<(const FString& Lhs, const FString& Rhs);
uint32 GetTypeHash(const FString& S);

bool LexTryParseString(int32& OutValue, const TCHAR* Buffer);
bool LexTryParseString(int64& OutValue, const TCHAR* Buffer);
bool LexTryParseString(float& OutValue, const TCHAR* Buffer);
bool LexTryParseString(double& OutValue, const TCHAR* Buffer);
bool LexTryParseString(bool& OutValue, const TCHAR* Buffer);
FString LexToString(int32 Value);
FString LexToString(double Value);
