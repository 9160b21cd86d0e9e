import { callers, describeRegistry } from '../../testing/startRegistry';

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
});
