// UE shim (see README.md). Runtime/Core/Public/Containers/Array.h.

#pragma once

#include <initializer_list>

#include "CoreTypes.h"

enum class EAllowShrinking : uint8
{
	No,
	Yes,
};

template <typename InElementType>
class TArray
{
public:
	typedef InElementType ElementType;
	typedef int32 SizeType;

	class TConstIterator
	{
	public:
		explicit operator bool() const;
		TConstIterator& operator++();
		const ElementType& operator*() const;
		const ElementType* operator->() const;
		SizeType GetIndex() const;
	};

	class TIterator
	{
	public:
		explicit operator bool() const;
		TIterator& operator++();
		ElementType& operator*() const;
		ElementType* operator->() const;
		void RemoveCurrent();
	};

	TArray();
	TArray(std::initializer_list<ElementType> InitList);
	TArray(const TArray& Other);
	TArray(TArray&& Other);
	~TArray();
	TArray& operator=(const TArray& Other);
	TArray& operator=(TArray&& Other);

	SizeType Num() const;
	bool IsEmpty() const;
	bool IsValidIndex(SizeType Index) const;
	ElementType* GetData();
	const ElementType* GetData() const;
	ElementType& operator[](SizeType Index);
	const ElementType& operator[](SizeType Index) const;
	ElementType& Last(SizeType IndexFromTheEnd = 0);

	SizeType Add(const ElementType& Item);
	SizeType Add(ElementType&& Item);
	template <typename... ArgsType>
	SizeType Emplace(ArgsType&&... Args);
	SizeType AddUnique(const ElementType& Item);
	ElementType& AddDefaulted_GetRef();
	SizeType AddDefaulted(SizeType Count = 1);
	void Append(const TArray& Source);
	bool Contains(const ElementType& Item) const;
	SizeType Find(const ElementType& Item) const;
	SizeType Remove(const ElementType& Item);
	SizeType RemoveSwap(const ElementType& Item, EAllowShrinking AllowShrinking = EAllowShrinking::Yes);
	void RemoveAt(SizeType Index, SizeType Count = 1, EAllowShrinking AllowShrinking = EAllowShrinking::Yes);
	void RemoveAtSwap(SizeType Index, SizeType Count = 1, EAllowShrinking AllowShrinking = EAllowShrinking::Yes);
	void Reset(SizeType NewSize = 0);
	void Empty(SizeType Slack = 0);
	void Reserve(SizeType Number);
	void SetNum(SizeType NewNum, EAllowShrinking AllowShrinking = EAllowShrinking::Yes);
	void SetNumZeroed(SizeType NewNum, EAllowShrinking AllowShrinking = EAllowShrinking::Yes);

	TIterator CreateIterator();
	TConstIterator CreateConstIterator() const;

	ElementType* begin();
	ElementType* end();
	const ElementType* begin() const;
	const ElementType* end() const;
};

template <typename T, uint32 NumInlineElements>
class TInlineAllocator
{
};
