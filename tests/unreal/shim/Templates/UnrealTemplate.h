// UE shim (see README.md). Runtime/Core/Public/Templates/UnrealTemplate.h.

#pragma once

#include "CoreTypes.h"

/** std::move with the engine's checks: only non-const lvalues. */
template <typename T>
std::remove_reference_t<T>&& MoveTemp(T&& Obj)
{
	static_assert(std::is_lvalue_reference_v<T>, "MoveTemp called on an rvalue");
	static_assert(!std::is_const_v<std::remove_reference_t<T>>, "MoveTemp called on a const object");
	return static_cast<std::remove_reference_t<T>&&>(Obj);
}

template <typename T>
T CopyTemp(const T& Val)
{
	return Val;
}
