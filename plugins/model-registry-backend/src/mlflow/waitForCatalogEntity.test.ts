import { waitForCatalogEntity } from './waitForCatalogEntity';

describe('waitForCatalogEntity', () => {
  it('resolves true as soon as the catalog holds the entity', async () => {
    let calls = 0;
    const found = await waitForCatalogEntity({
      isInCatalog: async () => ++calls >= 3,
      timeoutMs: 5_000,
      intervalMs: 1,
    });
    expect([found, calls]).toEqual([true, 3]);
  });

  it('resolves false when the time runs out, having asked more than once', async () => {
    let calls = 0;
    const started = Date.now();
    const found = await waitForCatalogEntity({
      isInCatalog: async () => {
        calls += 1;
        return false;
      },
      timeoutMs: 50,
      intervalMs: 5,
    });
    expect(found).toBe(false);
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
