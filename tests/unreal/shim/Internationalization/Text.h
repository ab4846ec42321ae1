// UE shim (see README.md). Runtime/Core/Public/Internationalization/Text.h.

#pragma once

#include "Containers/UnrealString.h"
#include "CoreTypes.h"

class FText
{
public:
	FText();
	const FString& ToString() const;
	bool IsEmpty() const;
	static FText FromString(const FString& String);
	static FText AsLocalizable_Advanced(const TCHAR* Namespace, const TCHAR* Key, const TCHAR* String);
};

#define LOCTEXT(InKey, InTextLiteral) FText::AsLocalizable_Advanced(TEXT(LOCTEXT_NAMESPACE), TEXT(InKey), TEXT(InTextLiteral))
#define NSLOCTEXT(InNamespace, InKey, InTextLiteral) FText::AsLocalizable_Advanced(TEXT(InNamespace), TEXT(InKey), TEXT(InTextLiteral))
