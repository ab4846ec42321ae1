// UE shim (see README.md). Runtime/Core/Public/Math: FVector, FRotator, FTransform, FColor, FMath.

#pragma once

#include "CoreTypes.h"

/** UE 5 FVector = UE::Math::TVector<double> (large world coordinates). */
struct FVector
{
	using FReal = double;

	double X;
	double Y;
	double Z;

	static const FVector ZeroVector;
	static const FVector OneVector;

	FVector();
	FVector(double InX, double InY, double InZ);
	explicit FVector(double InF);

	FVector operator+(const FVector& V) const;
	FVector operator-(const FVector& V) const;
	FVector operator*(double Scale) const;
	FVector operator/(double Scale) const;
	FVector& operator+=(const FVector& V);
	bool operator==(const FVector& V) const;
	double Size() const;
	double SizeSquared() const;
	bool IsNearlyZero(double Tolerance = UE_KINDA_SMALL_NUMBER) const;
	bool ContainsNaN() const;
	static double Dist(const FVector& V1, const FVector& V2);
	static double DistSquared(const FVector& V1, const FVector& V2);
};

struct FRotator
{
	double Pitch;
	double Yaw;
	double Roll;

	static const FRotator ZeroRotator;

	FRotator();
	FRotator(double InPitch, double InYaw, double InRoll);
};

struct FQuat
{
	static const FQuat Identity;
};

struct FTransform
{
	static const FTransform Identity;

	FTransform();
	explicit FTransform(const FVector& InTranslation);
	FTransform(const FRotator& InRotation, const FVector& InTranslation, const FVector& InScale3D = FVector::OneVector);
	FVector GetLocation() const;
};

struct FColor
{
	uint8 B;
	uint8 G;
	uint8 R;
	uint8 A;

	FColor();
	FColor(uint8 InR, uint8 InG, uint8 InB, uint8 InA = 255);
};

struct FLinearColor
{
	float R;
	float G;
	float B;
	float A;
};

struct FMath
{
	// constexpr templates need a body to be used at all; these are the engine's.
	template <class T>
	static constexpr T Max(const T A, const T B)
	{
		return (B < A) ? A : B;
	}

	template <class T>
	static constexpr T Min(const T A, const T B)
	{
		return (A < B) ? A : B;
	}

	template <class T>
	static constexpr T Clamp(const T X, const T MinValue, const T MaxValue)
	{
		return Max(Min(X, MaxValue), MinValue);
	}

	template <class T>
	static constexpr T Square(const T A)
	{
		return A * A;
	}

	template <class T>
	static constexpr T Abs(const T A)
	{
		return (A < T(0)) ? -A : A;
	}

	static bool IsFinite(double A);
	static bool IsNearlyEqual(double A, double B, double ErrorTolerance = UE_SMALL_NUMBER);
};
