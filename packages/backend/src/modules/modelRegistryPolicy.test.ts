import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  modelCreatePermission,
  modelGateOverridePermission,
  modelPromotionApprovePermission,
  modelProtectedAliasPermission,
  modelPromotionRequestPermission,
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

  it.each([
    modelPromotionApprovePermission,
    modelGateOverridePermission,
    modelProtectedAliasPermission,
  ])('gives $name to platform members only', async permission => {
    expect(await policy.handle({ permission }, carol)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await policy.handle({ permission }, alice)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([
    modelVersionRegisterPermission,
    modelVersionStagePermission,
    modelPromotionRequestPermission,
  ])(
    'gives $name to the owners of the model, decided by the catalog on the entity',
    async permission => {
      const decision = await policy.handle({ permission }, alice);
      if (decision.result !== AuthorizeResult.CONDITIONAL) {
        throw new Error(
          `expected a conditional decision, got ${decision.result}`,
        );
      }
      expect(decision.pluginId).toBe('catalog');
      // Evaluate the condition with the catalog's own rule, as the catalog does.
      const condition = decision.conditions as unknown as {
        rule: string;
        params: { claims: string[] };
      };
      const rule = Object.values(permissionRules).find(
        r => r.name === condition.rule,
      )!;
      const ownedBy = (owner: string): Entity => ({
        apiVersion: 'model-registry.dev/v1alpha1',
        kind: 'MLModel',
        metadata: { name: 'm' },
        spec: { owner },
        relations: [{ type: 'ownedBy', targetRef: owner }],
      });
      expect(
        rule.apply(ownedBy('group:default/risk-ml'), condition.params as any),
      ).toBe(true);
      expect(
        rule.apply(ownedBy('group:default/search-ml'), condition.params as any),
      ).toBe(false);
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
