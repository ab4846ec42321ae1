// UE shim (see README.md). Runtime/Engine/Classes/Components/ActorComponent.h.

#pragma once

#include "Engine/EngineTypes.h"
#include "UObject/Object.h"

class AActor;

class UActorComponent : public UObject
{
public:
	UActorComponent();

	FActorComponentTickFunction PrimaryComponentTick;
	uint8 bIsEditorOnly : 1;
	uint8 bAutoActivate : 1;

	virtual void BeginPlay();
	virtual void EndPlay(const EEndPlayReason::Type EndPlayReason);
	virtual void OnRegister();
	virtual void OnUnregister();
	virtual void InitializeComponent();
	virtual void TickComponent(float DeltaTime, enum ELevelTick TickType, FActorComponentTickFunction* ThisTickFunction);
	virtual UWorld* GetWorld() const override final;

	AActor* GetOwner() const;
	bool HasBegunPlay() const;
	bool IsRegistered() const;
	void SetComponentTickEnabled(bool bEnabled);
};
