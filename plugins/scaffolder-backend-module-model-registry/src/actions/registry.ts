import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { ModelRegistryClient } from '@model-registry/plugin-model-registry-common';

/** What the actions need to call the registry as the user who runs the template. @public */
export type RegistryAccess = {
  auth: AuthService;
  discovery: DiscoveryService;
};

/**
 * A registry client and a token that acts for the initiator of the task: the registry sees
 * the user (not the scaffolder), so its permission policy applies to them.
 */
export async function registryAs(
  access: RegistryAccess,
  credentials: BackstageCredentials,
) {
  const { token } = await access.auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: 'model-registry',
  });
  const client = new ModelRegistryClient({ discoveryApi: access.discovery });
  return { client, token };
}

/**
 * Turns a refused registry call into an error of the same kind carrying the server's
 * message, prefixed with what was attempted.
 */
export function explainRegistryError(what: string, error: unknown): Error {
  if (error instanceof ResponseError) {
    const message = `${what}: ${error.body?.error?.message ?? error.message}`;
    switch (error.statusCode) {
      case 400:
        return new InputError(message);
      case 403:
        return new NotAllowedError(message);
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      default:
        return new Error(
          `${message} (the registry answered ${error.statusCode})`,
        );
    }
  }
  return error as Error;
}
