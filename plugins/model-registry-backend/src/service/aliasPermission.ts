import {
  modelAliasManagePermission,
  modelProtectedAliasPermission,
} from '@model-registry/plugin-model-registry-common';

/**
 * The permission that setting, moving or removing an alias needs: a protected alias
 * (modelRegistry.aliases.protected) needs model-registry.alias.protected, which the
 * ordinary alias permission does not grant.
 */
export function aliasPermission(
  protectedAliases: string[] | undefined,
  alias: string,
) {
  return protectedAliases?.includes(alias)
    ? modelProtectedAliasPermission
    : modelAliasManagePermission;
}
