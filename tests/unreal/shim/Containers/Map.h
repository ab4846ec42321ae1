// UE shim (see README.md). Runtime/Core/Public/Containers/Map.h (+ Templates/Tuple.h for TPair).

#pragma once

#include "CoreTypes.h"

template <typename KeyType, typename ValueType>
struct TPair
{
	KeyType Key;
	ValueType Value;
};

template <typename InKeyType, typename InValueType>
class TMap
{
public:
	typedef InKeyType KeyType;
	typedef InValueType ValueType;
	typedef TPair<KeyType, ValueType> ElementType;

	class TIterator
	{
	public:
		explicit operator bool() const;
		TIterator& operator++();
		const KeyType& Key() const;
		ValueType& Value() const;
		void RemoveCurrent();
	};

	class TConstIterator
	{
	public:
		explicit operator bool() const;
		TConstIterator& operator++();
		const KeyType& Key() const;
		const ValueType& Value() const;
	};

	TMap();
	TMap(const TMap& Other);
	TMap(TMap&& Other);
	~TMap();
	TMap& operator=(const TMap& Other);
	TMap& operator=(TMap&& Other);

	int32 Num() const;
	bool IsEmpty() const;
	ValueType& Add(const KeyType& InKey, const ValueType& InValue);
	ValueType& Add(const KeyType& InKey, ValueType&& InValue);
	ValueType& Add(const KeyType& InKey);
	ValueType& FindOrAdd(const KeyType& Key);
	ValueType* Find(const KeyType& Key);
	const ValueType* Find(const KeyType& Key) const;
	ValueType FindRef(const KeyType& Key) const;
	bool Contains(const KeyType& Key) const;
	int32 Remove(const KeyType& InKey);
	bool RemoveAndCopyValue(const KeyType& Key, ValueType& OutRemovedValue);
	void Empty(int32 ExpectedNumElements = 0);
	void Reset();

	TIterator CreateIterator();
	TConstIterator CreateConstIterator() const;

	ElementType* begin();
	ElementType* end();
	const ElementType* begin() const;
	const ElementType* end() const;
};
