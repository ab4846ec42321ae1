// UE shim (see README.md). Runtime/Engine/Public/Subsystems/WorldSubsystem.h (UE 5.3/5.4).

#pragma once

#include "Engine/EngineTypes.h"
#include "Subsystems/Subsystem.h"
#include "Tickable.h"

class UWorldSubsystem : public USubsystem
{
public:
	UWorldSubsystem();

	virtual UWorld* GetWorld() const override final;
	UWorld& GetWorldRef() const;
	virtual bool ShouldCreateSubsystem(UObject* Outer) const override;
	virtual void PostInitialize();
	virtual void OnWorldBeginPlay(UWorld& InWorld);
	virtual void OnWorldComponentsUpdated(UWorld& World);
	virtual void UpdateStreamingState();

protected:
	virtual bool DoesSupportWorldType(const EWorldType::Type WorldType) const;
};

class UTickableWorldSubsystem : public UWorldSubsystem, public FTickableGameObject
{
public:
	UTickableWorldSubsystem();

	virtual UWorld* GetTickableGameObjectWorld() const override;
	virtual ETickableTickType GetTickableTickType() const override;
	virtual bool IsAllowedToTick() const override final;
	virtual void Tick(float DeltaTime) override;
	virtual TStatId GetStatId() const override PURE_VIRTUAL(UTickableWorldSubsystem::GetStatId, return TStatId(););

	virtual void Initialize(FSubsystemCollectionBase& Collection) override;
	virtual void Deinitialize() override;
	virtual void BeginDestroy() override;

	bool IsInitialized() const;
};
