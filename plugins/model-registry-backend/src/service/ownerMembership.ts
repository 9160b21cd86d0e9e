import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';

/**
 * With `modelRegistry.models.requireOwnerMembership`, a user registers only models owned by
 * one of their ownership refs. Services are exempt; a missing or malformed owner is left to
 * validation, which names `spec.owner`.
 */
export async function checkOwnerMembership(deps: {
  userInfo?: UserInfoService;
  required?: boolean;
  credentials: BackstageCredentials;
  owner: unknown;
  namespace: string;
}) {
  const { userInfo, required, credentials, owner, namespace } = deps;
  if (!required || !userInfo) return;
  const principal = credentials.principal as { type?: string };
  if (principal.type !== 'user' || typeof owner !== 'string' || !owner) {
    return;
  }
  let ownerRef: string;
  try {
    ownerRef = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return;
  }
  const { ownershipEntityRefs } = await userInfo.getUserInfo(
    credentials as BackstageCredentials<BackstageUserPrincipal>,
  );
  const mine = ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
  if (!mine.includes(ownerRef)) {
    throw new NotAllowedError(
      `owner ${ownerRef}: you may only register models owned by a group you belong to (${mine.join(
        ', ',
      )}); modelRegistry.models.requireOwnerMembership`,
    );
  }
}
