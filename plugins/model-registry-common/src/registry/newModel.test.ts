import { validateMLModelEntity } from '../entity/validateMLModelEntity';
import { newModelEntity } from './newModel';

describe('newModelEntity', () => {
  it('builds the MLModel entity of a minimal registration (experimental, default namespace)', () => {
    const entity = newModelEntity({
      name: 'churn-model',
      owner: 'group:default/risk-ml',
      type: 'classification',
    });
    expect(entity).toEqual({
      apiVersion: 'model-registry.dev/v1alpha1',
      kind: 'MLModel',
      metadata: { name: 'churn-model', namespace: 'default' },
      spec: {
        type: 'classification',
        lifecycle: 'experimental',
        owner: 'group:default/risk-ml',
      },
    });
    expect(validateMLModelEntity(entity)).toEqual([]);
  });

  it('keeps every given field and leaves out the empty ones', () => {
    const entity = newModelEntity({
      name: 'ticket-router',
      namespace: 'support',
      title: 'Ticket router',
      description: '',
      owner: 'group:support/nlp-ml',
      type: 'classification',
      lifecycle: 'production',
      system: 'customer-support',
      framework: 'transformers',
      dependsOn: ['resource:support/tickets'],
      tags: ['nlp'],
      card: { intendedUse: 'Routing support tickets.' },
    });
    expect(entity.metadata).toEqual({
      name: 'ticket-router',
      namespace: 'support',
      title: 'Ticket router',
      tags: ['nlp'],
    });
    expect(entity.spec).toEqual({
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:support/nlp-ml',
      system: 'customer-support',
      framework: 'transformers',
      dependsOn: ['resource:support/tickets'],
      card: { intendedUse: 'Routing support tickets.' },
    });
    expect(validateMLModelEntity(entity)).toEqual([]);
  });
});
