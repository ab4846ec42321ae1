// UE shim (see README.md). Runtime/Core/Public/Templates/SharedPointer.h.

#pragma once

#include "CoreTypes.h"

template <typename ObjectType>
class TSharedRef
{
public:
	ObjectType* operator->() const;
	ObjectType& Get() const;
};

template <typename ObjectType>
class TSharedPtr
{
public:
	TSharedPtr(std::nullptr_t = nullptr);
	TSharedPtr(const TSharedRef<ObjectType>& InSharedRef);
	bool IsValid() const;
	explicit operator bool() const;
	ObjectType* operator->() const;
	ObjectType& operator*() const;
	ObjectType* Get() const;
	void Reset();
};

template <typename ObjectType>
class TWeakPtr
{
public:
	TSharedPtr<ObjectType> Pin() const;
	bool IsValid() const;
};

template <typename ObjectType, typename... ArgTypes>
TSharedRef<ObjectType> MakeShared(ArgTypes&&... Args);
