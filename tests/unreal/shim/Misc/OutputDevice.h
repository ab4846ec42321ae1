// UE shim (see README.md). Runtime/Core/Public/Misc/OutputDevice.h.

#pragma once

#include "CoreMinimal.h"

class FOutputDevice
{
public:
	virtual ~FOutputDevice();
	void Log(const TCHAR* S);
	void Log(const FString& S);

	template <typename FmtType, typename... Types>
	void Logf(const FmtType& Fmt, Types... Args)
	{
		static_assert(ShimFormat::CheckVariadicCall<FmtType, Types...>(), "");
		LogfImpl(Fmt, Args...);
	}

private:
	void LogfImpl(const TCHAR* Fmt, ...);
};
