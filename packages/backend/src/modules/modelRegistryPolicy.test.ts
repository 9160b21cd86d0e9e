import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  modelCreatePermission,
  modelVersionPromoteProductionPermission,
  modelVersionRegisterPermission,
  modelVersionStagePermission,
} from '@model-registry/plugin-model-registry-common';
import {
  ModelRegistryExamplePolicy,
  PLATFORM_GROUP,
} from './modelRegistryPolicy';

function user(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as PolicyQueryUser;
}

describe('ModelRegistryExamplePolicy', () => {
  const policy = new ModelRegistryExamplePolicy();
  const alice = user('user:default/alice', 'group:default/risk-ml');
  const carol = user('user:default/carol', PLATFORM_GROUP);

  it('lets only platform members promote to production', async () => {
    expect(
      await policy.handle(
        { permission: modelVersionPromoteProductionPermission },
        carol,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: modelVersionPromoteProductionPermission },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await policy.handle({
        permission: modelVersionPromoteProductionPermission,
      }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it.each([modelVersionRegisterPermission, modelVersionStagePermission])(
    'gives $name to the owners of the model through the catalog',
    async permission => {
      expect(await policy.handle({ permission }, alice)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/alice', 'group:default/risk-ml'] },
        },
      });
    },
  );

  it('allows everything else', async () => {
    expect(
      await policy.handle({ permission: modelCreatePermission }, alice),
    ).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
