import {
  ALICE,
  describeRegistry,
  expectCursorsRefused,
  tamperedCursors,
} from '../__testUtils__/startRegistry';

describeRegistry('history routes', registry => {
  const api = registry.api.bind(registry);

  it('records every change of a version, with who, why, before and after, and audits it', async () => {
    const model = registry.addModel('fraud-detector');
    const parent = registry.addModel('base-encoder');
    const base = model.path;
    await registry.registerVersion(model, {
      lineage: [
        {
          relation: 'trainedOn',
          entityRef: 'resource:default/card-transactions',
        },
      ],
    });
    await registry.registerVersion(model);
    await registry.registerVersion(parent);
    await api('patch', `${base}/versions/1`)
      .send({ description: 'baseline', tags: { reviewed: 'yes' } })
      .expect(200);
    await api('post', `${base}/versions/1/stage`)
      .send({ stage: 'production' })
      .expect(200);
    await api('post', `${base}/versions/2/stage`)
      .send({ stage: 'production', comment: 'better AUC' })
      .expect(200);
    await api('put', `${base}/aliases/champion`)
      .send({ version: 1 })
      .expect(200);
    await api('put', `${base}/aliases/champion`)
      .send({ version: 2 })
      .expect(200);
    await api('post', `${base}/versions/2/lineage`)
      .send({
        edges: [
          { relation: 'fineTunedFrom', entityRef: parent.ref, version: 1 },
        ],
      })
      .expect(201);
    await api('delete', `${base}/aliases/champion`).expect(204);
    await api('delete', `${base}/versions/1?comment=obsolete`).expect(204);
    await registry.registerVersion(model);

    const history = await api('get', `${base}/versions/1/history`);
    expect(history.body.items.map((h: any) => h.action)).toEqual([
      'version.delete',
      'alias.set',
      'version.stage',
      'version.stage',
      'version.update',
      'version.register',
    ]);
    expect(history.body.items[0]).toMatchObject({
      actor: ALICE,
      comment: 'obsolete',
    });
    expect(history.body.items[2]).toMatchObject({
      before: { stage: 'production' },
      after: { stage: 'archived' },
      comment: 'Replaced in production by version 2: better AUC',
    });
    const modelHistory = await api('get', `${base}/history?limit=100`);
    expect(modelHistory.body.items.length).toBeGreaterThanOrEqual(12);

    expect(registry.auditEvents.length).toBeGreaterThan(10);
    expect(
      registry.auditEvents.every(
        e => e.status === 'succeeded' || e.status === 'failed',
      ),
    ).toBe(true);
    expect(
      registry.auditEvents.find(e => e.actionType === 'version.stage')?.status,
    ).toBe('succeeded');
  });

  it('refuses an edited history cursor or one of another list (issue 8)', async () => {
    const model = registry.addModel('fraud-detector');
    for (let i = 0; i < 3; i++) await registry.registerVersion(model);
    const page = await api('get', `${model.path}/history?limit=1`);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const versions = await api('get', `${model.path}/versions?limit=1`);
    await expectCursorsRefused(registry, `${model.path}/history?limit=1`, [
      ...tamperedCursors(page.body.nextCursor),
      versions.body.nextCursor,
    ]);
    const next = await api(
      'get',
      `${model.path}/history?limit=1&cursor=${encodeURIComponent(
        page.body.nextCursor,
      )}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
  });
});
