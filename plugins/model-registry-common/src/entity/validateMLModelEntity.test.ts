import { Entity } from '@backstage/catalog-model';
import {
  createMLModelEntityValidator,
  validateMLModelEntity,
} from './validateMLModelEntity';
import { createModelNamingRule } from '../naming';

function model(overrides: {
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}): Entity {
  return {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name: 'fraud-detector', ...overrides.metadata },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/risk-ml',
      system: 'payments',
      framework: 'xgboost',
      dependsOn: [
        'resource:default/card-transactions',
        'mlmodel:default/base-tabular-encoder',
      ],
      card: { intendedUse: 'Scoring', license: 'apache-2.0' },
      ...overrides.spec,
    },
  } as Entity;
}

function withoutSpecField(field: string): Entity {
  const entity = model({});
  delete (entity.spec as Record<string, unknown>)[field];
  return entity;
}

describe('validateMLModelEntity', () => {
  it('accepts a complete, valid model', () => {
    expect(validateMLModelEntity(model({}))).toEqual([]);
  });

  it('accepts a minimal model', () => {
    expect(
      validateMLModelEntity({
        apiVersion: 'model-registry.dev/v1alpha1',
        kind: 'MLModel',
        metadata: { name: 'abc' },
        spec: { type: 'llm', lifecycle: 'experimental', owner: 'risk-ml' },
      }),
    ).toEqual([]);
  });

  it.each([
    ['owner', 'spec.owner', 'is required'],
    ['type', 'spec.type', 'is required'],
    ['lifecycle', 'spec.lifecycle', 'is required'],
  ])('names the missing field %s', (field, path, message) => {
    expect(validateMLModelEntity(withoutSpecField(field))).toEqual([
      { field: path, message },
    ]);
  });

  it.each([
    [{ owner: 42 }, 'spec.owner', 'must be string'],
    [{ dependsOn: 'resource:default/x' }, 'spec.dependsOn', 'must be array'],
    [
      { dependsOn: ['resource:default/x', 7] },
      'spec.dependsOn[1]',
      'must be string',
    ],
    [{ card: 'great model' }, 'spec.card', 'must be object'],
    [
      { card: { intendedUse: ['a'] } },
      'spec.card.intendedUse',
      'must be string',
    ],
    [
      { framework: '' },
      'spec.framework',
      'must NOT have fewer than 1 characters',
    ],
  ])('names the field of a wrong type (%j)', (spec, field, message) => {
    expect(validateMLModelEntity(model({ spec }))).toEqual([
      { field, message },
    ]);
  });

  it('rejects an unknown lifecycle, listing the allowed ones', () => {
    expect(
      validateMLModelEntity(model({ spec: { lifecycle: 'beta' } })),
    ).toEqual([
      {
        field: 'spec.lifecycle',
        message: 'must be one of experimental, production, deprecated',
      },
    ]);
  });

  it.each(['Classification', 'text_generation', 'llm!', '-llm', 'a--b', ''])(
    'rejects the spec.type format %j',
    type => {
      const issues = validateMLModelEntity(model({ spec: { type } }));
      expect(issues).toHaveLength(1);
      expect(issues[0].field).toBe('spec.type');
    },
  );

  it('rejects an unknown card section', () => {
    expect(
      validateMLModelEntity(model({ spec: { card: { intendedUze: 'x' } } })),
    ).toEqual([
      { field: 'spec.card.intendedUze', message: 'is not a known field' },
    ]);
  });

  it.each([
    'Fraud-Detector',
    'fraud_detector',
    'ab',
    'a'.repeat(64),
    'fraud-',
    '-fraud',
  ])('rejects the name %j by the default naming rule', name => {
    const issues = validateMLModelEntity(model({ metadata: { name } }));
    expect(issues).toEqual([
      {
        field: 'metadata.name',
        message: expect.stringContaining(
          'does not follow the model naming rule',
        ),
      },
    ]);
  });

  it('applies a configured naming rule', () => {
    const namingRule = createModelNamingRule({
      pattern: '^ml-[a-z]+$',
      description: 'ml- followed by letters',
    });
    expect(
      validateMLModelEntity(model({ metadata: { name: 'ml-fraud' } }), {
        namingRule,
      }),
    ).toEqual([]);
    expect(validateMLModelEntity(model({}), { namingRule })).toEqual([
      {
        field: 'metadata.name',
        message:
          '"fraud-detector" does not follow the model naming rule: ml- followed by letters',
      },
    ]);
  });

  it.each(['Bad Namespace!', 'UPPER', '-x', 'a'.repeat(64)])(
    'rejects the namespace %p, naming metadata.namespace',
    namespace => {
      expect(validateMLModelEntity(model({ metadata: { namespace } }))).toEqual(
        [
          {
            field: 'metadata.namespace',
            message: expect.stringContaining('is not a valid namespace'),
          },
        ],
      );
    },
  );

  it('accepts the default and other valid namespaces', () => {
    for (const namespace of ['default', 'team-a', 'ml2']) {
      expect(validateMLModelEntity(model({ metadata: { namespace } }))).toEqual(
        [],
      );
    }
  });

  it('rejects an owner that is not a group or user', () => {
    expect(
      validateMLModelEntity(model({ spec: { owner: 'component:default/x' } })),
    ).toEqual([
      {
        field: 'spec.owner',
        message:
          'must refer to an entity of kind group or user, got "component:default/x"',
      },
    ]);
  });

  it('rejects a system reference of another kind', () => {
    expect(
      validateMLModelEntity(model({ spec: { system: 'group:risk-ml' } })),
    ).toEqual([
      {
        field: 'spec.system',
        message: 'must refer to an entity of kind system, got "group:risk-ml"',
      },
    ]);
  });

  it('rejects a dependency without a kind', () => {
    expect(
      validateMLModelEntity(
        model({
          spec: { dependsOn: ['resource:default/a', 'card-transactions'] },
        }),
      ),
    ).toEqual([
      {
        field: 'spec.dependsOn[1]',
        message:
          '"card-transactions" is not an entity reference with a kind, such as resource:default/my-dataset',
      },
    ]);
  });

  it.each([
    ['spec.owner', { owner: 'not a ref' }],
    ['spec.owner', { owner: 'group:default/a b' }],
    ['spec.owner', { owner: 'group:Bad Namespace!/risk-ml' }],
    ['spec.system', { system: 'payments platform' }],
    [
      'spec.dependsOn[0]',
      { dependsOn: ['resource:default/card transactions'] },
    ],
  ])('rejects a malformed reference in %s: %p', (field, spec) => {
    expect(validateMLModelEntity(model({ spec }))).toEqual([
      {
        field,
        message: expect.stringContaining('is not a valid entity reference'),
      },
    ]);
  });

  it('rejects a dependency of a kind a model cannot depend on', () => {
    expect(
      validateMLModelEntity(
        model({ spec: { dependsOn: ['group:default/risk-ml'] } }),
      ),
    ).toEqual([
      {
        field: 'spec.dependsOn[0]',
        message:
          'must refer to an entity of kind resource or mlmodel or component or api, got "group:default/risk-ml"',
      },
    ]);
  });

  it('reports every problem at once', () => {
    const entity = model({
      metadata: { name: 'Bad_Name' },
      spec: { lifecycle: 3, type: 'Bad Type' },
    });
    delete (entity.spec as Record<string, unknown>).owner;
    const fields = validateMLModelEntity(entity)
      .map(i => i.field)
      .sort();
    expect(fields).toEqual(
      [
        'metadata.name',
        'spec.lifecycle',
        'spec.lifecycle',
        'spec.owner',
        'spec.type',
      ].sort(),
    );
  });
});

describe('createMLModelEntityValidator', () => {
  const validator = createMLModelEntityValidator();

  it('returns true for a valid model', async () => {
    await expect(validator.check(model({}))).resolves.toBe(true);
  });

  it('returns false for other kinds and api versions', async () => {
    await expect(
      validator.check({ ...model({}), kind: 'Component' }),
    ).resolves.toBe(false);
    await expect(
      validator.check({ ...model({}), apiVersion: 'backstage.io/v1alpha1' }),
    ).resolves.toBe(false);
  });

  it('throws an error naming each bad field', async () => {
    const entity = withoutSpecField('owner');
    (entity.metadata as Record<string, unknown>).name = 'X';
    await expect(validator.check(entity)).rejects.toThrow(
      /^Invalid MLModel entity: .*spec\.owner is required.*|^Invalid MLModel entity: .*metadata\.name/,
    );
    await expect(validator.check(entity)).rejects.toThrow(
      /spec\.owner is required/,
    );
    await expect(validator.check(entity)).rejects.toThrow(
      /metadata\.name "X" does not follow/,
    );
  });
});
