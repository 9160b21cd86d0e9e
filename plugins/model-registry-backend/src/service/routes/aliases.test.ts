import {
  ALICE,
  BadInputCase,
  describeRegistry,
  expectBadInput,
} from '../__testUtils__/startRegistry';

describeRegistry('alias routes', registry => {
  const api = registry.api.bind(registry);

  it('sets, moves, reads, lists and removes an alias', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    await registry.registerVersion(model);
    expect(
      (await api('put', `${base}/aliases/champion`).send({ version: 1 })).body,
    ).toEqual({ alias: 'champion', version: 1 });
    expect(
      (await api('put', `${base}/aliases/champion`).send({ version: 2 })).body,
    ).toEqual({ alias: 'champion', version: 2, previousVersion: 1 });
    expect((await api('get', `${base}/aliases/champion`)).body.version).toBe(2);
    expect((await api('get', `${base}/aliases`)).body.items).toEqual([
      expect.objectContaining({
        alias: 'champion',
        version: 2,
        updatedBy: ALICE,
      }),
    ]);
    expect(
      (await api('get', `${base}/versions?alias=champion`)).body.items.map(
        (v: any) => v.version,
      ),
    ).toEqual([2]);
    expect((await api('get', base)).body.aliases).toEqual({ champion: 2 });

    await api('delete', `${base}/aliases/champion`).expect(204);
    expect((await api('get', `${base}/aliases`)).body.items).toEqual([]);
    expect((await api('get', `${base}/aliases/champion`)).status).toBe(404);
  });

  it('rejects reserved and malformed alias names, storing nothing', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    await expectBadInput(
      registry,
      [
        'latest',
        'LATEST',
        'v1',
        'V12',
        'a:b',
        'a%25b',
        'a b',
        'x'.repeat(256),
      ].map(
        a =>
          [
            'put',
            `${model.path}/aliases/${encodeURIComponent(a)}`,
            `alias ${a}`,
            { version: 1 },
            'alias',
          ] as BadInputCase,
      ),
    );
    expect((await api('get', `${model.path}/aliases`)).body.items).toEqual([]);
  });

  it('refuses an alias to a version number over int32 (issue 8)', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    await expectBadInput(registry, [
      [
        'put',
        `${model.path}/aliases/champion`,
        'alias version over int32',
        { version: 3000000000 },
        'version',
      ],
    ]);
    expect((await api('get', `${model.path}/aliases`)).body.items).toEqual([]);
  });
});
