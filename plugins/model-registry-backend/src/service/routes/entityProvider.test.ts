import {
  callers,
  describeRegistry,
  expectCursorsRefused,
  tamperedCursors,
} from '../__testUtils__/startRegistry';

describeRegistry('entity provider routes', registry => {
  const api = registry.api.bind(registry);

  it('lists the models registered through the API to services only', async () => {
    const name = registry.uniqueName('provided');
    await api('post', '/models')
      .send({ name, owner: 'group:default/risk-ml', type: 'llm' })
      .expect(201);
    const catalogOnly = registry.addModel('catalog-only');
    await registry.registerVersion(catalogOnly);

    expect(
      (await api('get', '/entity-provider/models', callers.alice)).status,
    ).toBe(403);
    const asService = await api(
      'get',
      '/entity-provider/models',
      callers.service,
    );
    expect(asService.status).toBe(200);
    const provided = await registry.providedModelRefs();
    expect(provided).toContain(`mlmodel:default/${name}`);
    expect(provided).not.toContain(catalogOnly.ref);
  });

  it('stops listing a model registered through the API once it is deleted', async () => {
    const name = registry.uniqueName('provided');
    const ref = `mlmodel:default/${name}`;
    await api('post', '/models')
      .send({ name, owner: 'group:default/risk-ml', type: 'llm' })
      .expect(201);
    // The catalog emits the entity; the registry deletes it only when the caller can read it.
    registry.catalog.addModel(name);
    expect(await registry.providedModelRefs()).toContain(ref);
    await api('delete', `/models/default/${name}`).expect(204);
    expect(await registry.providedModelRefs()).not.toContain(ref);
  });

  describe('paged and by name (issue 8)', () => {
    const register = async () => {
      const name = registry.uniqueName('provided');
      await api('post', '/models')
        .send({ name, owner: 'group:default/risk-ml', type: 'llm' })
        .expect(201);
      return name;
    };

    it('pages the registered models for services', async () => {
      const names = [await register(), await register(), await register()];
      const refs: string[] = [];
      let cursor: string | undefined;
      let first: string | undefined;
      for (let i = 0; i < 1000; i++) {
        const res = await api(
          'get',
          `/entity-provider/models?limit=1${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
          callers.service,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(1);
        refs.push(...res.body.items.map((m: any) => m.entityRef));
        cursor = res.body.nextCursor;
        first ??= cursor;
        if (!cursor) break;
      }
      expect(new Set(refs).size).toBe(refs.length);
      expect(refs).toEqual(
        expect.arrayContaining(names.map(n => `mlmodel:default/${n}`)),
      );
      expect(refs).toEqual([...refs].sort());
      await expectCursorsRefused(
        registry,
        '/entity-provider/models?limit=1',
        tamperedCursors(first!),
        callers.service,
      );
      expect(
        (await api('get', '/entity-provider/models?limit=101', callers.service))
          .status,
      ).toBe(400);
      expect(
        (await api('get', '/entity-provider/models?limit=1', callers.alice))
          .status,
      ).toBe(403);
    });

    it('reads one registered model by name, 404 once deleted or when not registered', async () => {
      const name = await register();
      const byName = (n: string, auth = callers.service) =>
        api('get', `/entity-provider/models/default/${n}`, auth);
      const found = await byName(name);
      expect(found.status).toBe(200);
      expect(found.body).toEqual({
        entityRef: `mlmodel:default/${name}`,
        entity: expect.objectContaining({
          kind: 'MLModel',
          metadata: expect.objectContaining({ name, namespace: 'default' }),
        }),
      });
      expect((await byName(name, callers.alice)).status).toBe(403);

      const catalogOnly = registry.addModel('catalog-only');
      await registry.registerVersion(catalogOnly);
      expect((await byName(catalogOnly.name)).status).toBe(404);
      expect((await byName(registry.uniqueName('never'))).status).toBe(404);

      registry.catalog.addModel(name); // the catalog emitted it
      await api('delete', `/models/default/${name}`).expect(204);
      expect((await byName(name)).status).toBe(404);
    });
  });
});
