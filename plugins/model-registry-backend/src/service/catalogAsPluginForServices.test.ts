import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogApi } from '@backstage/catalog-client';
import {
  catalogAsPluginForServices,
  PluginTokenCache,
} from './catalogAsPluginForServices';

describe('catalogAsPluginForServices', () => {
  const own = mockCredentials.service('plugin:model-registry');
  const seen: unknown[] = [];
  const catalog = {
    async getEntityByRef(ref: string, options: { credentials: unknown }) {
      seen.push(options.credentials);
      return { ref };
    },
    async *streamEntities(
      _request: unknown,
      options: { credentials: unknown },
    ) {
      seen.push(options.credentials);
      yield [{ kind: 'MLModel' }];
    },
  } as unknown as CatalogService;
  const wrapped = catalogAsPluginForServices(catalog, mockServices.auth(), own);

  beforeEach(() => {
    seen.length = 0;
  });

  it('reads as the plugin for a service caller (a restricted pipeline token)', async () => {
    await expect(
      wrapped.getEntityByRef('mlmodel:default/a', {
        credentials: mockCredentials.service('external:mlflow-pipelines', [
          { pluginId: 'model-registry' },
        ] as any),
      }),
    ).resolves.toEqual({ ref: 'mlmodel:default/a' });
    expect(seen).toEqual([own]);
  });

  it("keeps a user's credentials, so that the catalog's policy applies to them", async () => {
    const user = mockCredentials.user('user:default/alice');
    await wrapped.getEntityByRef('mlmodel:default/a', { credentials: user });
    expect(seen).toEqual([user]);
  });

  it('keeps async generators generators', async () => {
    const pages = [];
    for await (const page of wrapped.streamEntities!(
      {},
      { credentials: mockCredentials.service('external:ci') },
    )) {
      pages.push(page);
    }
    expect(pages).toEqual([[{ kind: 'MLModel' }]]);
    expect(seen).toEqual([own]);
  });
});

/** A plugin token whose exp claim is `exp` seconds since the epoch. */
function jwt(exp: number, n: number) {
  const part = (v: object) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'ES256' })}.${part({ exp, n })}.sig`;
}

describe('PluginTokenCache', () => {
  it('reuses the token until shortly before it expires, at most ten minutes', async () => {
    let now = 1_000_000_000_000;
    let issued = 0;
    const auth = mockServices.auth.mock({
      getPluginRequestToken: async () => ({
        token: jwt(now / 1000 + 3600, ++issued),
      }),
    });
    const own = mockCredentials.service('plugin:model-registry');
    const cache = new PluginTokenCache(auth, own, 'catalog', () => now);
    const first = await cache.get();
    expect(await cache.get()).toBe(first);
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: own,
      targetPluginId: 'catalog',
    });
    now += 9 * 60_000;
    expect(await cache.get()).toBe(first);
    now += 2 * 60_000;
    const second = await cache.get();
    expect(second).not.toBe(first);
    cache.drop();
    expect(await cache.get()).not.toBe(second);
    expect(issued).toBe(3);
  });

  it('renews a token that expires soon, and one without a readable expiry each time', async () => {
    let n = 0;
    const now = 1_000_000_000_000;
    const tokens = [jwt(now / 1000 + 60, 1), 'opaque', 'opaque-2'];
    const auth = mockServices.auth.mock({
      getPluginRequestToken: async () => ({ token: tokens[n++] }),
    });
    const cache = new PluginTokenCache(
      auth,
      mockCredentials.service('plugin:model-registry'),
      'catalog',
      () => now,
    );
    expect(await cache.get()).toBe(tokens[0]);
    expect(await cache.get()).toBe('opaque');
    expect(await cache.get()).toBe('opaque-2');
  });
});

describe('catalogAsPluginForServices with the catalog client', () => {
  const own = mockCredentials.service('plugin:model-registry');
  const service = mockCredentials.service('external:mlflow-pipelines');

  it("sends a service caller's reads with one reused token, and a user's through the catalog service", async () => {
    const sent: unknown[] = [];
    const catalogApi = {
      getEntityByRef: async (ref: string, options: unknown) => {
        sent.push(options);
        return { ref };
      },
    } as unknown as CatalogApi;
    const viaService: unknown[] = [];
    const catalog = {
      getEntityByRef: async (
        _ref: string,
        options: { credentials: unknown },
      ) => {
        viaService.push(options.credentials);
        return undefined;
      },
    } as unknown as CatalogService;
    const auth = mockServices.auth.mock({
      isPrincipal: ((credentials: any, type: string) =>
        credentials.principal.type === type) as any,
      getPluginRequestToken: async () => ({
        token: jwt(Date.now() / 1000 + 3600, 1),
      }),
    });
    const wrapped = catalogAsPluginForServices(catalog, auth, own, catalogApi);
    await wrapped.getEntityByRef('mlmodel:default/a', { credentials: service });
    await wrapped.getEntityByRef('mlmodel:default/b', { credentials: service });
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual(sent[1]);
    expect(auth.getPluginRequestToken).toHaveBeenCalledTimes(1);
    const user = mockCredentials.user('user:default/alice');
    await wrapped.getEntityByRef('mlmodel:default/a', { credentials: user });
    expect(viaService).toEqual([user]);
  });

  it('issues a new token once when the catalog refuses one (401)', async () => {
    let calls = 0;
    const catalogApi = {
      getEntityByRef: async (_ref: string, options: { token: string }) => {
        calls += 1;
        if (calls === 1) {
          throw Object.assign(new Error('Unauthorized'), {
            response: { status: 401 },
          });
        }
        return { token: options.token };
      },
    } as unknown as CatalogApi;
    let n = 0;
    const auth = mockServices.auth.mock({
      isPrincipal: (() => true) as any,
      getPluginRequestToken: async () => ({
        token: jwt(Date.now() / 1000 + 3600, ++n),
      }),
    });
    const wrapped = catalogAsPluginForServices(
      { getEntityByRef: async () => undefined } as unknown as CatalogService,
      auth,
      own,
      catalogApi,
    );
    await expect(
      wrapped.getEntityByRef('mlmodel:default/a', { credentials: service }),
    ).resolves.toEqual({ token: expect.stringContaining('.') });
    expect(calls).toBe(2);
    expect(n).toBe(2);
  });
});
