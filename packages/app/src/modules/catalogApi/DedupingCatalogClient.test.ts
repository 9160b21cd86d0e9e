import { DedupingCatalogClient } from './DedupingCatalogClient';

function client(status = 200) {
  const calls: string[] = [];
  const api = new DedupingCatalogClient({
    discoveryApi: { getBaseUrl: async () => 'http://localhost/api/catalog' },
    fetchApi: {
      fetch: async (input: any) => {
        calls.push(String(input));
        return new Response(
          JSON.stringify(
            status === 200
              ? { rootEntityRef: 'mlmodel:default/fraud-detector', items: [] }
              : { error: { name: 'NotFoundError', message: 'gone' } },
          ),
          { status, headers: { 'content-type': 'application/json' } },
        );
      },
    },
  });
  return { api, calls };
}

describe('DedupingCatalogClient', () => {
  it('sends one ancestry request for the same entity asked for several times at once', async () => {
    const { api, calls } = client();
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        api.getEntityAncestors({
          entityRef: 'mlmodel:default/fraud-detector',
        }),
      ),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain(
      '/entities/by-name/mlmodel/default/fraud-detector/ancestry',
    );
    expect(answers[3].rootEntityRef).toBe('mlmodel:default/fraud-detector');

    await api.getEntityAncestors({
      entityRef: 'component:default/payments-api',
    });
    expect(calls).toHaveLength(2);
  });

  it('asks again once the answer is five seconds old', async () => {
    const { api, calls } = client();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    await api.getEntityAncestors({
      entityRef: 'mlmodel:default/fraud-detector',
    });
    clock.mockReturnValue(now + 5_001);
    await api.getEntityAncestors({
      entityRef: 'mlmodel:default/fraud-detector',
    });
    clock.mockRestore();
    expect(calls).toHaveLength(2);
  });

  it('does not keep a failed answer', async () => {
    const { api, calls } = client(404);
    await expect(
      api.getEntityAncestors({ entityRef: 'mlmodel:default/gone' }),
    ).rejects.toThrow();
    await expect(
      api.getEntityAncestors({ entityRef: 'mlmodel:default/gone' }),
    ).rejects.toThrow();
    expect(calls).toHaveLength(2);
  });
});
