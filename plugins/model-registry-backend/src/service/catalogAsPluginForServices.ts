import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The catalog as the routes call it: a user's reads keep the user's credentials (the
 * catalog's permission policy decides what they see), a service's reads are made with the
 * plugin's own credentials.
 *
 * For a service caller this changes nothing the catalog sees: Backstage issues the same
 * plugin token (subject `plugin:model-registry`) whatever service a request came from. It
 * does change one thing on the way: Backstage refuses to delegate a static or service
 * token whose `accessRestrictions` do not list the catalog ("Access to target plugin
 * 'catalog' is not included in token's access restrictions"), which would lock a pipeline
 * token restricted to this plugin — what docs/mlflow.md recommends — out of every route.
 * The token's own restrictions still hold for this plugin: its permission checks keep the
 * caller's credentials.
 */
export function catalogAsPluginForServices(
  catalog: CatalogService,
  auth: AuthService,
  ownCredentials: BackstageCredentials,
): CatalogService {
  const swap = (args: unknown[]) => {
    const options = args[args.length - 1] as
      | { credentials?: BackstageCredentials }
      | undefined;
    if (
      options?.credentials &&
      auth.isPrincipal(options.credentials, 'service')
    ) {
      return [
        ...args.slice(0, -1),
        { ...options, credentials: ownCredentials },
      ];
    }
    return args;
  };
  return new Proxy(catalog, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // sync, so that async generators (streamEntities) stay generators
      return (...args: unknown[]) => value.apply(target, swap(args));
    },
  });
}
