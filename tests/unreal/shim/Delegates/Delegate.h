// UE shim (see README.md). Runtime/Core/Public/Delegates/Delegate.h, DelegateCombinations.h and
// the part of CoreUObject's ScriptDelegates.h that dynamic multicast delegates use.

#pragma once

#include "CoreTypes.h"
#include "UObject/NameTypes.h"

class UObject;

struct FDelegateHandle
{
	bool IsValid() const;
	void Reset();
};

template <typename FuncType>
class TDelegate;

template <typename RetValType, typename... ParamTypes>
class TDelegate<RetValType(ParamTypes...)>
{
public:
	static TDelegate CreateStatic(RetValType (*InFunc)(ParamTypes...));

	template <typename UserClass>
	static TDelegate CreateUObject(UserClass* InUserObject, RetValType (UserClass::*InFunc)(ParamTypes...));

	template <typename UserClass>
	static TDelegate CreateUObject(const UserClass* InUserObject, RetValType (UserClass::*InFunc)(ParamTypes...) const);

	template <typename FunctorType>
	static TDelegate CreateLambda(FunctorType&&)
	{
		static_assert(std::is_invocable_r_v<RetValType, FunctorType&, ParamTypes...>, "the lambda does not match the delegate's signature");
		return CreateStatic(nullptr);
	}

	void BindStatic(RetValType (*InFunc)(ParamTypes...));

	template <typename UserClass>
	void BindUObject(UserClass* InUserObject, RetValType (UserClass::*InFunc)(ParamTypes...));

	template <typename FunctorType>
	void BindLambda(FunctorType&&)
	{
		static_assert(std::is_invocable_r_v<RetValType, FunctorType&, ParamTypes...>, "the lambda does not match the delegate's signature");
	}

	bool IsBound() const;
	void Unbind();
	RetValType Execute(ParamTypes... Params) const;
};

template <typename... ParamTypes>
class TDelegate<void(ParamTypes...)>
{
public:
	static TDelegate CreateStatic(void (*InFunc)(ParamTypes...));

	template <typename UserClass>
	static TDelegate CreateUObject(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...));

	template <typename FunctorType>
	static TDelegate CreateLambda(FunctorType&&)
	{
		static_assert(std::is_invocable_v<FunctorType&, ParamTypes...>, "the lambda does not match the delegate's signature");
		return CreateStatic(nullptr);
	}

	void BindStatic(void (*InFunc)(ParamTypes...));

	template <typename UserClass>
	void BindUObject(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...));

	template <typename FunctorType>
	void BindLambda(FunctorType&&)
	{
		static_assert(std::is_invocable_v<FunctorType&, ParamTypes...>, "the lambda does not match the delegate's signature");
	}

	bool IsBound() const;
	void Unbind();
	void Execute(ParamTypes... Params) const;
	bool ExecuteIfBound(ParamTypes... Params) const;
};

template <typename... ParamTypes>
class TMulticastDelegate
{
public:
	template <typename UserClass>
	FDelegateHandle AddUObject(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...));

	template <typename FunctorType>
	FDelegateHandle AddLambda(FunctorType&&)
	{
		static_assert(std::is_invocable_v<FunctorType&, ParamTypes...>, "the lambda does not match the delegate's signature");
		return FDelegateHandle();
	}

	bool Remove(FDelegateHandle Handle);
	void Broadcast(ParamTypes... Params) const;
	bool IsBound() const;
};

namespace UE::Delegates::Private
{
	const TCHAR* GetTrimmedMemberFunctionName(const TCHAR* InMacroFunctionName);
}

/** A dynamic (Blueprint-visible) multicast delegate; its handlers must be UFUNCTIONs. */
template <typename FuncType>
class TShimDynamicMulticastDelegate;

template <typename... ParamTypes>
class TShimDynamicMulticastDelegate<void(ParamTypes...)>
{
public:
	void Broadcast(ParamTypes... Params) const;
	bool IsBound() const;
	void Clear();
	void RemoveAll(const UObject* Object);

	template <typename UserClass>
	void __Internal_AddDynamic(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...), FName InFunctionName);

	template <typename UserClass>
	void __Internal_AddUniqueDynamic(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...), FName InFunctionName);

	template <typename UserClass>
	void __Internal_RemoveDynamic(UserClass* InUserObject, void (UserClass::*InFunc)(ParamTypes...), FName InFunctionName);
};

#define STATIC_FUNCTION_FNAME(str) UE::Delegates::Private::GetTrimmedMemberFunctionName(str)
#define AddDynamic(UserObject, FuncName) __Internal_AddDynamic(UserObject, FuncName, STATIC_FUNCTION_FNAME(TEXT(#FuncName)))
#define AddUniqueDynamic(UserObject, FuncName) __Internal_AddUniqueDynamic(UserObject, FuncName, STATIC_FUNCTION_FNAME(TEXT(#FuncName)))
#define RemoveDynamic(UserObject, FuncName) __Internal_RemoveDynamic(UserObject, FuncName, STATIC_FUNCTION_FNAME(TEXT(#FuncName)))

#define DECLARE_DELEGATE(DelegateName) typedef TDelegate<void()> DelegateName;
#define DECLARE_DELEGATE_OneParam(DelegateName, Param1Type) typedef TDelegate<void(Param1Type)> DelegateName;
#define DECLARE_DELEGATE_TwoParams(DelegateName, Param1Type, Param2Type) typedef TDelegate<void(Param1Type, Param2Type)> DelegateName;
#define DECLARE_DELEGATE_ThreeParams(DelegateName, Param1Type, Param2Type, Param3Type) typedef TDelegate<void(Param1Type, Param2Type, Param3Type)> DelegateName;
#define DECLARE_DELEGATE_RetVal(ReturnValueType, DelegateName) typedef TDelegate<ReturnValueType()> DelegateName;
#define DECLARE_DELEGATE_RetVal_OneParam(ReturnValueType, DelegateName, Param1Type) typedef TDelegate<ReturnValueType(Param1Type)> DelegateName;
#define DECLARE_DELEGATE_RetVal_TwoParams(ReturnValueType, DelegateName, Param1Type, Param2Type) typedef TDelegate<ReturnValueType(Param1Type, Param2Type)> DelegateName;
#define DECLARE_DELEGATE_RetVal_ThreeParams(ReturnValueType, DelegateName, Param1Type, Param2Type, Param3Type) typedef TDelegate<ReturnValueType(Param1Type, Param2Type, Param3Type)> DelegateName;

#define DECLARE_MULTICAST_DELEGATE(DelegateName) typedef TMulticastDelegate<> DelegateName;
#define DECLARE_MULTICAST_DELEGATE_OneParam(DelegateName, Param1Type) typedef TMulticastDelegate<Param1Type> DelegateName;
#define DECLARE_MULTICAST_DELEGATE_TwoParams(DelegateName, Param1Type, Param2Type) typedef TMulticastDelegate<Param1Type, Param2Type> DelegateName;

#define DECLARE_DYNAMIC_MULTICAST_DELEGATE(DelegateName) \
	class DelegateName : public TShimDynamicMulticastDelegate<void()> {};
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_OneParam(DelegateName, Param1Type, Param1Name) \
	class DelegateName : public TShimDynamicMulticastDelegate<void(Param1Type)> {};
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_TwoParams(DelegateName, Param1Type, Param1Name, Param2Type, Param2Name) \
	class DelegateName : public TShimDynamicMulticastDelegate<void(Param1Type, Param2Type)> {};
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_ThreeParams(DelegateName, Param1Type, Param1Name, Param2Type, Param2Name, Param3Type, Param3Name) \
	class DelegateName : public TShimDynamicMulticastDelegate<void(Param1Type, Param2Type, Param3Type)> {};
#define DECLARE_DYNAMIC_MULTICAST_DELEGATE_FourParams(DelegateName, Param1Type, Param1Name, Param2Type, Param2Name, Param3Type, Param3Name, Param4Type, Param4Name) \
	class DelegateName : public TShimDynamicMulticastDelegate<void(Param1Type, Param2Type, Param3Type, Param4Type)> {};
