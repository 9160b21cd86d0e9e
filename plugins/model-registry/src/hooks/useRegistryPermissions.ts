import { usePermission } from '@backstage/plugin-permission-react';
import {
  modelAliasManagePermission,
  modelGateOverridePermission,
  modelPromotionApprovePermission,
  modelPromotionRequestPermission,
  modelProtectedAliasPermission,
  modelVersionPromoteProductionPermission,
  modelVersionStagePermission,
} from '@model-registry/plugin-model-registry-common';

/** One decision: still loading, or allowed or not. */
export type PermissionState = { loading: boolean; allowed: boolean };

/** The registry permissions a user may hold on one model, each asked of the backend's policy. */
export type RegistryPermissions = {
  stage: PermissionState;
  promote: PermissionState;
  request: PermissionState;
  approve: PermissionState;
  overrideGates: PermissionState;
  alias: PermissionState;
  protectedAlias: PermissionState;
};

/**
 * The caller's registry permissions on a model (one request per permission, cached per
 * permission and model, so every row of a table shares them).
 */
export function useRegistryPermissions(entityRef: string): RegistryPermissions {
  const on = { resourceRef: entityRef };
  const stage = usePermission({
    permission: modelVersionStagePermission,
    ...on,
  });
  const promote = usePermission({
    permission: modelVersionPromoteProductionPermission,
    ...on,
  });
  const request = usePermission({
    permission: modelPromotionRequestPermission,
    ...on,
  });
  const approve = usePermission({
    permission: modelPromotionApprovePermission,
    ...on,
  });
  const overrideGates = usePermission({
    permission: modelGateOverridePermission,
    ...on,
  });
  const alias = usePermission({
    permission: modelAliasManagePermission,
    ...on,
  });
  const protectedAlias = usePermission({
    permission: modelProtectedAliasPermission,
    ...on,
  });
  return {
    stage,
    promote,
    request,
    approve,
    overrideGates,
    alias,
    protectedAlias,
  };
}
