// UE shim (see README.md). Runtime/Engine/Classes/GameFramework/Actor.h.

#pragma once

#include "Components/SceneComponent.h"
#include "Engine/EngineTypes.h"
#include "UObject/Object.h"

class ULevel;
struct FComponentInstanceDataCache;

class AActor : public UObject
{
public:
	AActor();

	FActorTickFunction PrimaryActorTick;

	virtual void OnConstruction(const FTransform& Transform);
	virtual void Tick(float DeltaSeconds);
	virtual FVector GetVelocity() const;
	virtual UWorld* GetWorld() const override final;

	FVector GetActorLocation() const;
	FRotator GetActorRotation() const;
	USceneComponent* GetRootComponent() const;
	ULevel* GetLevel() const;
	bool Destroy(bool bNetForce = false, bool bShouldModifyLevel = true);
	void FinishSpawning(const FTransform& Transform, bool bIsDefaultTransform = false, const FComponentInstanceDataCache* InstanceDataCache = nullptr, ESpawnActorScaleMethod TransformScaleMethod = ESpawnActorScaleMethod::MultiplyWithRoot);
	bool HasActorBegunPlay() const;

	template <class ComponentType>
	ComponentType* FindComponentByClass() const;

protected:
	virtual void BeginPlay();
	virtual void EndPlay(const EEndPlayReason::Type EndPlayReason);

	TObjectPtr<USceneComponent> RootComponent;
};

/** Collects an actor's components of a type (inline storage). */
template <class ComponentType, uint32 NumElements = 24>
class TInlineComponentArray : public TArray<ComponentType>
{
public:
	TInlineComponentArray();
	explicit TInlineComponentArray(const AActor* Actor, bool bIncludeFromChildActors = false);
};
