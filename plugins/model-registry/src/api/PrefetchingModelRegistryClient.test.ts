import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { REGISTRY } from '../testing/fixtures';
import { PrefetchingModelRegistryClient } from './PrefetchingModelRegistryClient';
import { modelOfOverviewPath } from '../components/ModelPagePrefetch';

const server = setupServer();
registerMswTestHooks(server);

function client() {
  return new PrefetchingModelRegistryClient({
    discoveryApi: { getBaseUrl: async () => REGISTRY },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
}

/** Counts the registry requests by path and query, answering each with its number. */
function countRequests(status = 200) {
  const seen: string[] = [];
  server.use(
    http.get(`${REGISTRY}/*`, ({ request }) => {
      const url = new URL(request.url);
      seen.push(
        `${url.pathname.replace('/api/model-registry', '')}${url.search}`,
      );
      if (status !== 200) {
        return HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'no such model' } },
          { status },
        );
      }
      return HttpResponse.json(
        url.pathname.endsWith('/versions')
          ? { items: [{ version: seen.length }] }
          : { ref: 'mlmodel:default/fraud-detector', request: seen.length },
      );
    }),
  );
  return seen;
}

describe('PrefetchingModelRegistryClient', () => {
  afterEach(() => jest.useRealTimers());

  it('hands the prefetched summary and serving version to the first identical calls only', async () => {
    const seen = countRequests();
    const api = client();
    api.prefetchModelPage('mlmodel:default/fraud-detector', 'production');
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(seen).toEqual([
      '/models/default/fraud-detector',
      '/models/default/fraud-detector/versions?limit=1&stage=production',
    ]);

    // The card's calls (its own spelling of the ref and of the query) take the answers in flight.
    const [summary, versions] = await Promise.all([
      api.getModel('MLModel:default/Fraud-Detector'),
      api.listVersions('mlmodel:default/fraud-detector', {
        limit: 1,
        stage: 'production',
      }),
    ]);
    expect(seen).toHaveLength(2);
    expect(summary).toMatchObject({ request: 1 });
    expect(versions.items[0].version).toBe(2);

    // A second call (a reload after a change) goes to the backend.
    await api.getModel('mlmodel:default/fraud-detector');
    await api.listVersions('mlmodel:default/fraud-detector', {
      stage: 'production',
      limit: 1,
    });
    expect(seen).toHaveLength(4);
  });

  it('never serves a prefetched answer to another query or another model', async () => {
    const seen = countRequests();
    const api = client();
    api.prefetchModelPage('mlmodel:default/fraud-detector', 'production');
    await api.listVersions('mlmodel:default/fraud-detector', { limit: 20 });
    await api.getModel('mlmodel:default/churn-model');
    expect(seen).toEqual([
      '/models/default/fraud-detector',
      '/models/default/fraud-detector/versions?limit=1&stage=production',
      '/models/default/fraud-detector/versions?limit=20',
      '/models/default/churn-model',
    ]);
  });

  it('asks again when the prefetch failed, and surfaces the real error', async () => {
    const seen = countRequests(404);
    const api = client();
    api.prefetchModelPage('mlmodel:default/fraud-detector', undefined);
    await expect(
      api.getModel('mlmodel:default/fraud-detector'),
    ).rejects.toBeInstanceOf(ResponseError);
    expect(seen).toEqual([
      '/models/default/fraud-detector',
      '/models/default/fraud-detector',
    ]);
  });

  it('lets a prefetch nobody took expire after ten seconds', async () => {
    const seen = countRequests();
    const api = client();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    api.prefetchModelPage('mlmodel:default/fraud-detector', undefined);
    clock.mockReturnValue(now + 10_001);
    await api.getModel('mlmodel:default/fraud-detector');
    clock.mockRestore();
    expect(seen).toHaveLength(2);
  });
});

describe('modelOfOverviewPath', () => {
  it.each([
    ['/catalog/default/mlmodel/fraud-detector', 'default', 'fraud-detector'],
    ['/catalog/risk/MLModel/churn-model/', 'risk', 'churn-model'],
    ['/base/catalog/default/mlmodel/a%20b', 'default', 'a b'],
  ])('finds the model of %s', (path, namespace, name) => {
    expect(modelOfOverviewPath(path)).toEqual({ namespace, name });
  });

  it.each([
    '/catalog/default/mlmodel/fraud-detector/versions',
    '/catalog/default/component/payments-api',
    '/models',
    '/catalog/default/mlmodel/%E0%A4%A',
  ])('ignores %s (not a model overview)', path => {
    expect(modelOfOverviewPath(path)).toBeUndefined();
  });
});
