/*
 * The shape of the seeded data set, shared by the seed, the scenarios that pick inputs from
 * it, the fake catalog and the portal's catalog file.
 */
import { Entity } from '@backstage/catalog-model';
import {
  MLMODEL_API_VERSION,
  MLMODEL_KIND,
} from '@model-registry/plugin-model-registry-common';

/** Models form fine-tuning chains of this length: model i (i % CHAIN > 0) is tuned from i - 1. */
export const CHAIN = 10;
/** Datasets `resource:default/bench-dataset-NNNN` that the versions are trained on. */
export const DATASETS = 50;
/** The production version (alias champion) is this many versions before the latest one. */
export const PRODUCTION_OFFSET = 10;

/**
 * The model of the sanity checks and page-size counts: chain position 5 of the second
 * chain, with five fine-tuned ancestors and four levels of descendants.
 */
export const probeModel = (models: number) => Math.min(models - 1, CHAIN + 5);

/** A number as 4 digits (0007). */
export const pad4 = (n: number) => String(n).padStart(4, '0');
/** The name of seeded model i: bench-model-0007. */
export const modelName = (i: number) => `bench-model-${pad4(i)}`;
/** The entity ref of seeded model i. */
export const modelRefOf = (i: number) => `mlmodel:default/${modelName(i)}`;
/** A stable 40-digit commit hash of version v of model i. */
export const sha = (i: number, v: number) =>
  (BigInt(i + 1) * 1000003n + BigInt(v) * 7919n)
    .toString(16)
    .padStart(40, 'a')
    .slice(-40);

/** The MLModel catalog entity of seeded model i. */
export function benchEntity(i: number): Entity {
  return {
    apiVersion: MLMODEL_API_VERSION,
    kind: MLMODEL_KIND,
    metadata: {
      name: modelName(i),
      namespace: 'default',
      title: `Bench model ${i}`,
      description: 'A model seeded by the registry benchmark',
    },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/ml-platform',
    },
  };
}
