import { getMLModelRelations } from './relations';
import { MLModelEntityV1alpha1 } from './MLModelEntityV1alpha1';

describe('getMLModelRelations', () => {
  it('emits owner, system and dependencies in both directions', () => {
    const entity: MLModelEntityV1alpha1 = {
      apiVersion: 'model-registry.dev/v1alpha1',
      kind: 'MLModel',
      metadata: { name: 'fraud-detector', namespace: 'risk' },
      spec: {
        type: 'classification',
        lifecycle: 'production',
        owner: 'risk-ml',
        system: 'payments',
        dependsOn: [
          'resource:card-transactions',
          'mlmodel:default/base-encoder',
        ],
      },
    };
    const self = { kind: 'MLModel', namespace: 'risk', name: 'fraud-detector' };
    const owner = { kind: 'Group', namespace: 'risk', name: 'risk-ml' };
    const system = { kind: 'System', namespace: 'risk', name: 'payments' };
    const dataset = {
      kind: 'resource',
      namespace: 'risk',
      name: 'card-transactions',
    };
    const base = {
      kind: 'mlmodel',
      namespace: 'default',
      name: 'base-encoder',
    };
    expect(getMLModelRelations(entity)).toEqual([
      { source: self, type: 'ownedBy', target: owner },
      { source: owner, type: 'ownerOf', target: self },
      { source: self, type: 'partOf', target: system },
      { source: system, type: 'hasPart', target: self },
      { source: self, type: 'dependsOn', target: dataset },
      { source: dataset, type: 'dependencyOf', target: self },
      { source: self, type: 'dependsOn', target: base },
      { source: base, type: 'dependencyOf', target: self },
    ]);
  });

  it('omits the system relations when there is no system', () => {
    const entity: MLModelEntityV1alpha1 = {
      apiVersion: 'model-registry.dev/v1alpha1',
      kind: 'MLModel',
      metadata: { name: 'abc' },
      spec: { type: 'llm', lifecycle: 'experimental', owner: 'user:alice' },
    };
    expect(getMLModelRelations(entity).map(r => r.type)).toEqual([
      'ownedBy',
      'ownerOf',
    ]);
  });
});
