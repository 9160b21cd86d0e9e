import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogAsPluginForServices } from './catalogAsPluginForServices';

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
