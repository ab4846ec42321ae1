// UE shim (see README.md). Runtime/CoreUObject/Public/UObject/SoftObjectPtr.h and SoftObjectPath.h.

#pragma once

#include "UObject/Object.h"

struct FSoftObjectPath
{
	FSoftObjectPath();
	explicit FSoftObjectPath(const FString& Path);
	explicit FSoftObjectPath(const TCHAR* Path);
	FString ToString() const;
	FString GetLongPackageName() const;
	FString GetAssetName() const;
	bool IsNull() const;
	bool IsValid() const;
};

template <typename T>
class TSoftObjectPtr
{
public:
	TSoftObjectPtr();
	TSoftObjectPtr(std::nullptr_t);
	explicit TSoftObjectPtr(const FSoftObjectPath& ObjectPath);
	TSoftObjectPtr(const T* Object);

	bool IsNull() const;
	bool IsValid() const;
	bool IsPending() const;
	T* Get() const;
	T* LoadSynchronous() const;
	const FSoftObjectPath& ToSoftObjectPath() const;
	FString ToString() const;
	FString GetLongPackageName() const;
	FString GetAssetName() const;
};
