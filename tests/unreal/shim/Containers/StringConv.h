// UE shim (see README.md). Runtime/Core/Public/Containers/StringConv.h.

#pragma once

#include "CoreTypes.h"

/** FTCHARToUTF8: TCHAR* -> NUL-terminated UTF-8 (ToType is ANSICHAR). */
class FTCHARToUTF8
{
public:
	explicit FTCHARToUTF8(const TCHAR* Source);
	FTCHARToUTF8(const TCHAR* Source, int32 SourceLen);
	FTCHARToUTF8(FTCHARToUTF8&& Other);
	FTCHARToUTF8(const FTCHARToUTF8&) = delete;
	FTCHARToUTF8& operator=(const FTCHARToUTF8&) = delete;
	const ANSICHAR* Get() const;
	int32 Length() const;
};

/** FUTF8ToTCHAR: UTF-8 (as ANSICHAR*, the legacy from-type) -> TCHAR*. */
class FUTF8ToTCHAR
{
public:
	explicit FUTF8ToTCHAR(const ANSICHAR* Source);
	FUTF8ToTCHAR(const ANSICHAR* Source, int32 SourceLen);
	FUTF8ToTCHAR(FUTF8ToTCHAR&& Other);
	FUTF8ToTCHAR(const FUTF8ToTCHAR&) = delete;
	FUTF8ToTCHAR& operator=(const FUTF8ToTCHAR&) = delete;
	const TCHAR* Get() const;
	int32 Length() const;
};

#define TCHAR_TO_UTF8(str) (ANSICHAR*)FTCHARToUTF8((const TCHAR*)str).Get()
#define UTF8_TO_TCHAR(str) (TCHAR*)FUTF8ToTCHAR((const ANSICHAR*)str).Get()
