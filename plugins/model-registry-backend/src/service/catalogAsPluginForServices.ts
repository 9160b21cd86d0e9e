import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CatalogApi } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The read calls a service caller's request makes, sent with the reused plugin token. */
const READS = [
  'getEntityByRef',
  'getEntitiesByRefs',
  'queryEntities',
  'getEntities',
  'getEntityFacets',
] as const;

/** Renew a plugin token this long before it expires, and after this long at the latest. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
const MAX_REUSE_MS = 10 * 60_000;

/** The `exp` claim of a JWT in milliseconds (undefined when there is none to read). */
function expiresAt(token: string): number | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The plugin's own token for the catalog, issued once and reused until shortly before it
 * expires: the token Backstage would issue per request (a signature each time) is the same
 * plugin identity. A token the catalog refuses is dropped and issued again.
 */
export class PluginTokenCache {
  private token?: Promise<{ token: string; renewAt: number }>;

  constructor(
    private readonly auth: AuthService,
    private readonly ownCredentials: BackstageCredentials,
    private readonly targetPluginId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    const cached = this.token && (await this.token.catch(() => undefined));
    if (cached && this.now() < cached.renewAt) return cached.token;
    const issuing = (async () => {
      const { token } = await this.auth.getPluginRequestToken({
        onBehalfOf: this.ownCredentials,
        targetPluginId: this.targetPluginId,
      });
      const issuedAt = this.now();
      const expiry = expiresAt(token);
      return {
        token,
        renewAt: Math.min(
          issuedAt + MAX_REUSE_MS,
          expiry === undefined ? issuedAt : expiry - RENEW_BEFORE_EXPIRY_MS,
        ),
      };
    })();
    this.token = issuing;
    return (await issuing).token;
  }

  /** Forgets the token (the catalog refused it). */
  drop() {
    this.token = undefined;
  }
}

/**
 * The catalog as the routes call it: a user's reads keep the user's credentials (the
 * catalog's permission policy decides what they see), a service's reads are made as the
 * plugin itself.
 *
 * For a service caller this changes nothing the catalog sees: Backstage issues the same
 * plugin token (subject `plugin:model-registry`) whatever service a request came from. It
 * does change two things on the way. Backstage refuses to delegate a static or service
 * token whose `accessRestrictions` do not list the catalog ("Access to target plugin
 * 'catalog' is not included in token's access restrictions"), which would lock a pipeline
 * token restricted to this plugin — what docs/mlflow.md recommends — out of every route.
 * And with `catalogApi` the reads reuse one plugin token instead of signing one per request
 * (about 0.6 ms of a 2.7 ms catalog read, docs/benchmarks.md). The caller's own token
 * restrictions still hold for this plugin: its permission checks keep the caller's
 * credentials.
 */
export function catalogAsPluginForServices(
  catalog: CatalogService,
  auth: AuthService,
  ownCredentials: BackstageCredentials,
  catalogApi?: CatalogApi,
): CatalogService {
  const tokens = catalogApi
    ? new PluginTokenCache(auth, ownCredentials, 'catalog')
    : undefined;
  const isService = (args: unknown[]) => {
    const options = args[args.length - 1] as
      | { credentials?: BackstageCredentials }
      | undefined;
    return Boolean(
      options?.credentials && auth.isPrincipal(options.credentials, 'service'),
    );
  };
  const readWithToken = async (method: string, args: unknown[]) => {
    const call = async () =>
      (catalogApi as any)[method](...args.slice(0, -1), {
        token: await tokens!.get(),
      });
    try {
      return await call();
    } catch (error) {
      if (
        (error as { response?: { status?: number } }).response?.status !== 401
      ) {
        throw error;
      }
      tokens!.drop();
      return call();
    }
  };
  return new Proxy(catalog, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (tokens && (READS as readonly PropertyKey[]).includes(property)) {
        return (...args: unknown[]) =>
          isService(args)
            ? readWithToken(property as string, args)
            : value.apply(target, args);
      }
      // sync, so that async generators (streamEntities) stay generators
      return (...args: unknown[]) =>
        value.apply(
          target,
          isService(args)
            ? [
                ...args.slice(0, -1),
                {
                  ...(args[args.length - 1] as object),
                  credentials: ownCredentials,
                },
              ]
            : args,
        );
    },
  });
}
