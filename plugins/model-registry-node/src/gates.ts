import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  LineageEdge,
  ModelVersion,
} from '@model-registry/plugin-model-registry-common';

/** One gate's verdict on a promotion. @public */
export type GateResult = {
  /** The gate's id. */
  gate: string;
  passed: boolean;
  /** Why, in a sentence a user reads next to the gate (also when it passed). */
  reason: string;
};

/** What a gate sees: the version, where it goes, and the stage's current version. @public */
export type GateInput = {
  version: ModelVersion;
  /** The target stage. */
  stage: string;
  /** The target stage's current version, for a single-occupancy stage that has one. */
  occupant?: ModelVersion;
  /** The version's lineage edges. */
  lineage: LineageEdge[];
  now: Date;
};

/**
 * A check a version must pass to enter a stage: checked when it moves in directly, when its
 * promotion is requested, and again when the last approval executes it. A gate that throws
 * fails, with the error's message as its reason. @public
 */
export type PromotionGate = {
  /** Unique within the stage, e.g. `fairness-evaluated`. */
  id: string;
  check(input: GateInput): GateResult | Promise<GateResult>;
};

/** Adds promotion gates to the registry's stages. @public */
export interface ModelRegistryGatesExtensionPoint {
  /**
   * Adds a gate to a stage, after the stage's built-in gates
   * (`modelRegistry.stages.gates`). The backend refuses to start when the stage is not
   * configured or the stage already has a gate with that id.
   */
  addGate(stage: string, gate: PromotionGate): void;
}

/** The extension point of custom promotion gates, for backend modules of `model-registry`. @public */
export const modelRegistryGatesExtensionPoint =
  createExtensionPoint<ModelRegistryGatesExtensionPoint>({
    id: 'model-registry.gates',
  });
