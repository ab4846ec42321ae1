// UE shim (see README.md). Runtime/Core/Public/Misc/AutomationTest.h: FAutomationTestBase,
// FAutomationSpecBase and BEGIN_DEFINE_SPEC / END_DEFINE_SPEC with the engine's flag checks.

#pragma once

#include "CoreMinimal.h"

namespace EAutomationTestFlags
{
	enum Type
	{
		EditorContext = 0x00000001,
		ClientContext = 0x00000002,
		ServerContext = 0x00000004,
		CommandletContext = 0x00000008,
		ApplicationContextMask = EditorContext | ClientContext | ServerContext | CommandletContext,
		NonNullRHI = 0x00000100,
		RequiresUser = 0x00000200,
		FeatureMask = NonNullRHI | RequiresUser,
		SmokeFilter = 0x01000000,
		EngineFilter = 0x02000000,
		ProductFilter = 0x04000000,
		PerfFilter = 0x08000000,
		StressFilter = 0x10000000,
		NegativeFilter = 0x20000000,
		FilterMask = SmokeFilter | EngineFilter | ProductFilter | PerfFilter | StressFilter | NegativeFilter,
	};
}

namespace EAutomationExpectedErrorFlags
{
	enum MatchType
	{
		Exact,
		Contains,
	};
}

class FAutomationTestBase
{
public:
	FAutomationTestBase(const FString& InName, const bool bInComplexTask);
	virtual ~FAutomationTestBase();

	virtual uint32 GetTestFlags() const = 0;
	virtual FString GetTestSourceFileName() const;
	virtual int32 GetTestSourceFileLine() const;

	void AddError(const FString& InError, int32 StackOffset = 0);
	void AddWarning(const FString& InWarning, int32 StackOffset = 0);
	void AddInfo(const FString& InLogItem, int32 StackOffset = 0);
	void AddExpectedError(FString ExpectedErrorPattern, EAutomationExpectedErrorFlags::MatchType Compare = EAutomationExpectedErrorFlags::Contains, int32 Occurrences = 1, bool IsRegex = true);

	bool TestTrue(const TCHAR* What, bool Value);
	bool TestFalse(const TCHAR* What, bool Value);
	bool TestEqual(const TCHAR* What, const int32 Actual, const int32 Expected);
	bool TestEqual(const TCHAR* What, const int64 Actual, const int64 Expected);
	bool TestEqual(const TCHAR* What, const uint32 Actual, const uint32 Expected);
	bool TestEqual(const TCHAR* What, const float Actual, const float Expected, float Tolerance = UE_KINDA_SMALL_NUMBER);
	bool TestEqual(const TCHAR* What, const double Actual, const double Expected, double Tolerance = UE_KINDA_SMALL_NUMBER);
	bool TestEqual(const TCHAR* What, const FString& Actual, const FString& Expected);
	bool TestEqual(const TCHAR* What, const TCHAR* Actual, const TCHAR* Expected);

	template <typename ValueType>
	bool TestEqual(const TCHAR* What, const ValueType& Actual, const ValueType& Expected);

	template <typename ValueType>
	bool TestNotEqual(const TCHAR* What, const ValueType& Actual, const ValueType& Expected);

	template <typename ValueType>
	bool TestNotNull(const TCHAR* What, const ValueType* Pointer);

	template <typename ValueType>
	bool TestNull(const TCHAR* What, const ValueType* Pointer);

	bool TestValid(const TCHAR* What, const UObject* Object);

protected:
	virtual FString GetBeautifiedTestName() const = 0;
};

class FAutomationSpecBase : public FAutomationTestBase
{
public:
	FAutomationSpecBase(const FString& InName, const bool bInComplexTask);

protected:
	virtual void Define() = 0;

	void Describe(const FString& InDescription, TFunction<void()> DoWork);
	void xDescribe(const FString& InDescription, TFunction<void()> DoWork);
	void It(const FString& InDescription, TFunction<void()> DoWork);
	void xIt(const FString& InDescription, TFunction<void()> DoWork);
	void BeforeEach(TFunction<void()> DoWork);
	void AfterEach(TFunction<void()> DoWork);
};

#define BEGIN_DEFINE_SPEC(TClass, PrettyName, TFlags) \
	class TClass : public FAutomationSpecBase \
	{ \
	public: \
		TClass(const FString& InName) \
			: FAutomationSpecBase(InName, false) \
		{ \
			static_assert((TFlags) & EAutomationTestFlags::ApplicationContextMask, "AutomationTest has no application flag. It shouldn't run. See AutomationTest.h."); \
			static_assert((((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::SmokeFilter) || \
					(((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::EngineFilter) || \
					(((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::ProductFilter) || \
					(((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::PerfFilter) || \
					(((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::StressFilter) || \
					(((TFlags) & EAutomationTestFlags::FilterMask) == EAutomationTestFlags::NegativeFilter), \
				"All AutomationTests must have exactly 1 filter type specified. See AutomationTest.h."); \
		} \
		virtual uint32 GetTestFlags() const override { return TFlags; } \
		using FAutomationSpecBase::GetTestSourceFileName; \
		virtual FString GetTestSourceFileName() const override { return __FILE__; } \
		virtual int32 GetTestSourceFileLine() const override { return __LINE__; } \
	protected: \
		virtual FString GetBeautifiedTestName() const override { return PrettyName; } \
		virtual void Define() override;

#define END_DEFINE_SPEC(TClass) \
	}; \
	namespace \
	{ \
		TClass TClass##AutomationSpecInstance(TEXT(#TClass)); \
	}
