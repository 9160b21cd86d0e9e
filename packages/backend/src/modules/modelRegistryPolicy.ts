import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  modelAliasManagePermission,
  modelDeletePermission,
  modelGateOverridePermission,
  modelMonitoringConfigurePermission,
  modelMonitoringReportPermission,
  modelPromotionApprovePermission,
  modelProtectedAliasPermission,
  modelPromotionRequestPermission,
  modelVersionDeletePermission,
  modelVersionPromoteProductionPermission,
  modelVersionRegisterPermission,
  modelVersionStagePermission,
  modelVersionUpdatePermission,
  modelWebhookManagePermission,
} from '@model-registry/plugin-model-registry-common';

/** The group whose members may promote versions to production. */
export const PLATFORM_GROUP = 'group:default/platform-ml';

const OWNER_PERMISSIONS = [
  modelPromotionRequestPermission,
  modelVersionRegisterPermission,
  modelVersionUpdatePermission,
  modelVersionStagePermission,
  modelAliasManagePermission,
  modelVersionDeletePermission,
  modelDeletePermission,
  modelMonitoringReportPermission,
  modelMonitoringConfigurePermission,
];

/** Permissions only members of the platform group hold (on every model). */
const PLATFORM_PERMISSIONS = [
  modelVersionPromoteProductionPermission,
  modelPromotionApprovePermission,
  modelGateOverridePermission,
  modelProtectedAliasPermission,
  modelWebhookManagePermission,
];

/**
 * The example portal's policy: a model's owners may register, update, stage, alias and
 * delete its versions and request their promotion (the catalog's is-entity-owner rule on
 * the MLModel entity); only members of the platform group may promote to production
 * directly, approve promotion requests (never their own: the registry refuses that) and
 * override failing gates with a reason, move protected aliases and manage webhooks. Owners
 * also report monitoring observations and set their models' thresholds.
 * Everything else is allowed.
 */
export class ModelRegistryExamplePolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (PLATFORM_PERMISSIONS.some(p => isPermission(request.permission, p))) {
      return {
        result: claims.includes(PLATFORM_GROUP)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (OWNER_PERMISSIONS.some(p => isPermission(request.permission, p))) {
      return createCatalogConditionalDecision(
        request.permission as ResourcePermission<'catalog-entity'>,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs ModelRegistryExamplePolicy as the permission policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'model-registry-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ModelRegistryExamplePolicy());
      },
    });
  },
});
