import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { createModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { MLModelEntitiesProcessor } from './MLModelEntitiesProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

function model(
  spec: Record<string, unknown> = {},
  name = 'fraud-detector',
): Entity {
  return {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/risk-ml',
      system: 'payments',
      dependsOn: [
        'resource:default/card-transactions',
        'mlmodel:default/base-encoder',
      ],
      ...spec,
    },
  };
}

describe('MLModelEntitiesProcessor', () => {
  const processor = new MLModelEntitiesProcessor();

  describe('validateEntityKind', () => {
    it('accepts a valid model', async () => {
      await expect(processor.validateEntityKind(model())).resolves.toBe(true);
    });

    it('leaves other kinds to other processors', async () => {
      await expect(
        processor.validateEntityKind({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'x' },
          spec: {},
        }),
      ).resolves.toBe(false);
    });

    it('rejects a model without an owner, naming spec.owner', async () => {
      const entity = model();
      delete (entity.spec as Record<string, unknown>).owner;
      await expect(processor.validateEntityKind(entity)).rejects.toThrow(
        'Invalid MLModel entity: spec.owner is required',
      );
    });

    it.each([
      [{ lifecycle: 5 }, 'spec.lifecycle must be string'],
      [{ dependsOn: 'resource:default/x' }, 'spec.dependsOn must be array'],
      [{ system: ['payments'] }, 'spec.system must be string'],
      [{ card: { license: 1 } }, 'spec.card.license must be string'],
    ])('rejects wrong field types (%j)', async (spec, message) => {
      await expect(processor.validateEntityKind(model(spec))).rejects.toThrow(
        message,
      );
    });

    it('rejects a name that breaks the naming rule', async () => {
      await expect(
        processor.validateEntityKind(model({}, 'Fraud_Detector')),
      ).rejects.toThrow(
        'metadata.name "Fraud_Detector" does not follow the model naming rule',
      );
    });

    it('uses the configured naming rule', async () => {
      const strict = new MLModelEntitiesProcessor({
        namingRule: createModelNamingRule({ pattern: '^ml-[a-z-]+$' }),
      });
      await expect(
        strict.validateEntityKind(model({}, 'ml-fraud')),
      ).resolves.toBe(true);
      await expect(strict.validateEntityKind(model())).rejects.toThrow(
        'metadata.name',
      );
    });

    it('rejects an unknown spec.type format', async () => {
      await expect(
        processor.validateEntityKind(model({ type: 'Text Classification' })),
      ).rejects.toThrow(
        'spec.type must be a task name in lower-case kebab-case',
      );
    });
  });

  describe('postProcessEntity', () => {
    it('emits every relation in both directions', async () => {
      const emitted: CatalogProcessorResult[] = [];
      const entity = model();
      await expect(
        processor.postProcessEntity(entity, location, r => emitted.push(r)),
      ).resolves.toBe(entity);
      const relations = emitted.map(r => {
        if (r.type !== 'relation') throw new Error(`unexpected ${r.type}`);
        const { source, type, target } = r.relation;
        return `${source.kind}:${source.name} ${type} ${target.kind}:${target.name}`;
      });
      expect(relations).toEqual([
        'MLModel:fraud-detector ownedBy group:risk-ml',
        'group:risk-ml ownerOf MLModel:fraud-detector',
        'MLModel:fraud-detector partOf System:payments',
        'System:payments hasPart MLModel:fraud-detector',
        'MLModel:fraud-detector dependsOn resource:card-transactions',
        'resource:card-transactions dependencyOf MLModel:fraud-detector',
        'MLModel:fraud-detector dependsOn mlmodel:base-encoder',
        'mlmodel:base-encoder dependencyOf MLModel:fraud-detector',
      ]);
    });

    it('emits nothing for other kinds', async () => {
      const emitted: CatalogProcessorResult[] = [];
      await processor.postProcessEntity(
        { ...model(), kind: 'Component', apiVersion: 'backstage.io/v1alpha1' },
        location,
        r => emitted.push(r),
      );
      expect(emitted).toEqual([]);
    });
  });
});
