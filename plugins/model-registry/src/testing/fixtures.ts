import { Entity } from '@backstage/catalog-model';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';

/** The base URL the msw handlers answer on. */
export const REGISTRY = 'http://localhost/api/model-registry';

/** An MLModel entity as the catalog returns it. */
export const fraudDetector: Entity = {
  apiVersion: 'model-registry.dev/v1alpha1',
  kind: 'MLModel',
  metadata: {
    name: 'fraud-detector',
    namespace: 'default',
    title: 'Fraud detector',
    description: 'Scores card transactions.',
  },
  spec: {
    type: 'classification',
    lifecycle: 'production',
    owner: 'group:default/risk-ml',
    system: 'payments',
    framework: 'xgboost',
    card: { intendedUse: 'Real-time scoring.', license: 'proprietary' },
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/risk-ml' },
    { type: 'dependencyOf', targetRef: 'component:default/payments-api' },
  ],
};

/** A version as the API returns it. */
export function version(
  n: number,
  overrides: Partial<ModelVersion> = {},
): ModelVersion {
  return {
    modelRef: 'mlmodel:default/fraud-detector',
    version: n,
    status: 'ready',
    stage: 'none',
    aliases: [],
    source: `s3://models/fraud-detector/v${n}`,
    metrics: { auc: 0.9 + n / 100 },
    params: { depth: String(n) },
    tags: {},
    createdBy: 'user:default/alice',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedBy: 'user:default/alice',
    updatedAt: '2026-11-01T10:00:00.000Z',
    stageUpdatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}
