import { mockCredentials } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { createModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { ModelAccess } from '../service/ModelAccess';
import { MlflowModels } from './MlflowModels';

const ALICE = mockCredentials.user('user:default/alice');
const BOB = mockCredentials.user('user:default/bob');

function modelsWith(options: { inCatalog: boolean; createdBy?: string }) {
  const access = {
    requireReadable: async () => {
      throw new NotFoundError('not readable');
    },
  } as unknown as ModelAccess;
  const store = {
    getApiModel: async () =>
      options.createdBy
        ? {
            modelRef: 'mlmodel:team-a/churn-model',
            entity: { metadata: { description: 'churn' } },
            createdBy: options.createdBy,
          }
        : undefined,
  } as unknown as ModelRegistryStore;
  return new MlflowModels({
    namespace: 'team-a',
    namingRule: createModelNamingRule(),
    access,
    store,
    isInCatalog: async () => options.inCatalog,
  });
}

describe('MlflowModels', () => {
  it('maps a name into the configured namespace, quoting the naming rule otherwise', () => {
    const models = modelsWith({ inCatalog: false });
    expect(models.refOf('churn-model')).toBe('mlmodel:team-a/churn-model');
    expect(() => models.refOf('Churn_Model')).toThrow(
      expect.objectContaining({
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('model naming rule'),
      }),
    );
  });

  it('lets the creator use a model the catalog has not ingested yet, and no one else', async () => {
    const models = modelsWith({
      inCatalog: false,
      createdBy: 'user:default/alice',
    });
    await expect(
      models.requireReadable('mlmodel:team-a/churn-model', ALICE),
    ).resolves.toEqual({ description: 'churn' });
    await expect(
      models.requireReadable('mlmodel:team-a/churn-model', BOB),
    ).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('keeps a model hidden that the catalog holds but does not show the caller', async () => {
    const models = modelsWith({
      inCatalog: true,
      createdBy: 'user:default/alice',
    });
    await expect(
      models.requireReadable('mlmodel:team-a/churn-model', ALICE),
    ).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
