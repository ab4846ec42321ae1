// UE shim (see README.md). Runtime/Core/Public/Templates/Function.h.

#pragma once

#include "CoreTypes.h"

template <typename FuncType>
class TFunction;

template <typename Ret, typename... ParamTypes>
class TFunction<Ret(ParamTypes...)>
{
public:
	TFunction(std::nullptr_t = nullptr);

	// A template taking lambdas (local types) must have a body; the shim's stores nothing.
	template <typename FunctorType, typename = std::enable_if_t<std::is_invocable_r_v<Ret, std::decay_t<FunctorType>&, ParamTypes...> && !std::is_same_v<std::decay_t<FunctorType>, TFunction>>>
	TFunction(FunctorType&&)
	{
	}

	TFunction(const TFunction& Other);
	TFunction(TFunction&& Other);
	TFunction& operator=(const TFunction& Other);
	TFunction& operator=(TFunction&& Other);
	~TFunction();

	Ret operator()(ParamTypes... Params) const;
	explicit operator bool() const;
};

template <typename FuncType>
class TUniqueFunction;

template <typename Ret, typename... ParamTypes>
class TUniqueFunction<Ret(ParamTypes...)>
{
public:
	TUniqueFunction(std::nullptr_t = nullptr);

	template <typename FunctorType, typename = std::enable_if_t<std::is_invocable_r_v<Ret, std::decay_t<FunctorType>&, ParamTypes...> && !std::is_same_v<std::decay_t<FunctorType>, TUniqueFunction>>>
	TUniqueFunction(FunctorType&&)
	{
	}

	TUniqueFunction(TUniqueFunction&& Other);
	TUniqueFunction& operator=(TUniqueFunction&& Other);
	~TUniqueFunction();

	Ret operator()(ParamTypes... Params) const;
	explicit operator bool() const;
};
