import {
  ALICE,
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
  expectCursorsRefused,
  tamperedCursors,
} from '../__testUtils__/startRegistry';

describeRegistry('versions routes', registry => {
  const api = registry.api.bind(registry);

  it('registers, reads, pages and updates versions', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    const r1 = await api('post', `${base}/versions`).send({
      source: `s3://models/${model.name}/1`,
      metrics: { auc: 0.91 },
      params: { depth: '6' },
      tags: { team: 'risk' },
      card: { intendedUse: 'Scoring' },
      comment: 'first',
      lineage: [
        {
          relation: 'trainedOn',
          entityRef: 'resource:default/card-transactions',
        },
      ],
    });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({
      modelRef: model.ref,
      version: 1,
      stage: 'none',
      status: 'ready',
      createdBy: ALICE,
      metrics: { auc: 0.91 },
      tags: { team: 'risk' },
    });
    const r2 = await api('post', `${base}/versions`).send({
      source: `s3://models/${model.name}/2`,
      metrics: { auc: 0.94 },
    });
    expect(r2.body.version).toBe(2);

    expect((await api('get', `${base}/versions/1`)).body.card).toEqual({
      intendedUse: 'Scoring',
    });
    const list = await api('get', `${base}/versions?limit=1`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((v: any) => v.version)).toEqual([2]);
    const next = await api(
      'get',
      `${base}/versions?limit=1&cursor=${encodeURIComponent(
        list.body.nextCursor,
      )}`,
    );
    expect(next.body.items.map((v: any) => v.version)).toEqual([1]);
    expect(next.body.nextCursor).toBeUndefined();

    const patched = await api('patch', `${base}/versions/1`).send({
      description: 'baseline',
      tags: { team: null, reviewed: 'yes' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: 'baseline',
      tags: { reviewed: 'yes' },
    });
  });

  it('deletes a version but never reuses its number, and keeps one in production', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    await registry.registerVersion(model);
    await api('post', `${base}/versions/2/stage`)
      .send({ stage: 'production' })
      .expect(200);
    expect((await api('delete', `${base}/versions/2`)).status).toBe(409); // production
    await api('delete', `${base}/versions/1?comment=obsolete`).expect(204);
    expect((await api('get', `${base}/versions/1`)).status).toBe(404);
    expect(
      (
        await api('post', `${base}/versions`).send({
          source: `s3://models/${model.name}/3`,
        })
      ).body.version,
    ).toBe(3);
  });

  it('returns the same version for a retried registration', async () => {
    const model = registry.addModel('fraud-detector');
    const path = `${model.path}/versions`;
    const source = (n: number) => `s3://models/${model.name}/${n}`;
    const first = await api('post', path)
      .set('Idempotency-Key', 'pipeline-run-42')
      .send({ source: source(1) });
    const retry = await api('post', path)
      .set('Idempotency-Key', 'pipeline-run-42')
      .send({ source: source(1) });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(first.body.version);
    const other = await api('post', path)
      .set('Idempotency-Key', 'pipeline-run-43')
      .send({ source: source(2) });
    expect(other.body.version).toBe(2);
    expect((await api('get', `${path}?limit=100`)).body.items).toHaveLength(2);
    // A retry after the version was deleted neither brings it back nor creates another.
    await api('delete', `${path}/1`).expect(204);
    const late = await api('post', path)
      .set('Idempotency-Key', 'pipeline-run-42')
      .send({ source: source(1) });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('was deleted');
    expect((await api('get', `${path}?limit=100`)).body.items).toHaveLength(1);
  });

  it('sorts by a metric through the API (issue 12), versions without it last', async () => {
    const model = registry.addModel('metric-sort');
    for (const metrics of [{ auc: 0.9 }, {}, { auc: 0.97 }, { auc: 0.8 }]) {
      await registry.registerVersion(model, { metrics });
    }
    const order = async (query: string) => {
      const versions: number[] = [];
      let cursor = '';
      for (let i = 0; i < 10; i++) {
        const res = await api(
          'get',
          `${model.path}/versions?limit=1&${query}${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
        expect(res.status).toBe(200);
        versions.push(...res.body.items.map((v: any) => v.version));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return versions;
    };
    expect(await order('sort=metric:auc')).toEqual([3, 1, 4, 2]);
    expect(await order('sort=metric:auc&order=asc')).toEqual([4, 1, 3, 2]);
    expect(await order(`sort=${encodeURIComponent('metric:auc')}`)).toEqual([
      3, 1, 4, 2,
    ]);
  });

  it('rejects bad input with a 400 that names the field, storing nothing', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    const post = (label: string, body: unknown, field: string) =>
      ['post', `${base}/versions`, label, body, field] as BadInputCase;
    await expectBadInput(registry, [
      // source fuzz table
      ...[
        'file:///etc/passwd',
        'FILE:/etc/passwd',
        '/etc/passwd',
        'relative/path/model.pkl',
        '../../secrets',
        's3://bucket/../other',
        's3://bucket/%2e%2e/other',
        's3://bucket/%252e%252e/other',
        's3://bucket\\..\\other',
        's3://bucket/model;jsessionid=1',
        's3://bucket/model#frag',
        '',
        `s3://bucket/${'a'.repeat(2100)}`,
        // eslint-disable-next-line no-script-url -- a source that must be rejected
        'javascript:alert(1)',
        'ftp://host/model',
        's3://',
      ].map(s => post('source', { source: s }, 'source')),
      post('missing source', {}, 'source'),
      post(
        'metric type',
        { source: 's3://m/2', metrics: { auc: 'high' } },
        'metrics',
      ),
      post(
        'tag key',
        { source: 's3://m/2', tags: { '../x': 'y' } },
        'tags.../x',
      ),
      post(
        'tag value length',
        { source: 's3://m/2', tags: { k: 'v'.repeat(5001) } },
        'tags.k',
      ),
      post(
        'tag key length',
        { source: 's3://m/2', tags: { ['k'.repeat(251)]: 'v' } },
        'tags.',
      ),
      post('status', { source: 's3://m/2', status: 'done' }, 'status'),
      post('unknown field', { source: 's3://m/2', owner: 'x' }, 'owner'),
      post('run link', { source: 's3://m/2', runLink: 'not a url' }, 'runLink'),
      post(
        'lineage relation',
        {
          source: 's3://m/2',
          lineage: [{ relation: 'inspiredBy', uri: 'https://x' }],
        },
        'lineage',
      ),
      post(
        'lineage target',
        {
          source: 's3://m/2',
          lineage: [{ relation: 'trainedOn', entityRef: 'card-transactions' }],
        },
        'lineage[0].entityRef',
      ),
      [
        'get',
        `${base}/versions?limit=101`,
        'limit over the cap',
        undefined,
        'limit',
      ],
      ['get', `${base}/versions?cursor=garbage`, 'cursor', undefined, 'cursor'],
      ['get', `${base}/versions?sort=bogus`, 'sort', undefined, 'sort'],
      [
        'get',
        `${base}/versions?sort=metric:`,
        'sort metric',
        undefined,
        'sort',
      ],
      [
        'get',
        `${base}/versions?sort=metric:${'m'.repeat(300)}`,
        'sort metric too long',
        undefined,
        'sort',
      ],
      ['get', `${base}/versions?order=up`, 'order', undefined, 'order'],
      ['get', `${base}/versions?tag=`, 'empty tag', undefined, 'tag'],
      ['get', `${base}/versions/0`, 'version number', undefined, 'version'],
    ]);
    const versions = await api('get', `${base}/versions?limit=100`);
    expect(versions.body.items.map((v: any) => v.version)).toEqual([1]);
  });

  describe('checked input (issue 8)', () => {
    it('takes version numbers and limits as canonical decimal int32 only', async () => {
      const model = registry.addModel('fraud-detector');
      await registry.registerVersion(model);
      const base = model.path;
      await expectBadInput(registry, [
        [
          'get',
          `${base}/versions/3000000000`,
          'version over int32',
          undefined,
          'version',
        ],
        [
          'patch',
          `${base}/versions/3000000000`,
          'patched version over int32',
          { description: 'x' },
          'version',
        ],
        ...['01', '1e2', '+2', '1.0', '0x10'].flatMap(
          raw =>
            [
              [
                'get',
                `${base}/versions/${encodeURIComponent(raw)}`,
                `version ${raw}`,
                undefined,
                'version',
              ],
              [
                'get',
                `${base}/versions?limit=${encodeURIComponent(raw)}`,
                `limit ${raw}`,
                undefined,
                'limit',
              ],
            ] as BadInputCase[],
        ),
        ['get', `${base}/versions?limit=101`, 'limit 101', undefined, 'limit'],
      ]);
      expect((await api('get', `${base}/versions/1`)).status).toBe(200);
      expect((await api('get', `${base}/versions?limit=100`)).status).toBe(200);
    });

    it('names unknown nested fields, and refuses unsafe sources and lineage URIs', async () => {
      const model = registry.addModel('fraud-detector');
      const base = model.path;
      await registry.registerVersion(model);
      const post = (label: string, body: object, field: string) =>
        [
          'post',
          `${base}/versions`,
          label,
          { source: 's3://m/2', ...body },
          field,
        ] as BadInputCase;
      await expectBadInput(registry, [
        post(
          'card field',
          { card: { license: 'x' } },
          'card.license is not a known field',
        ),
        post(
          'code field',
          { code: { foo: 'x' } },
          'code.foo is not a known field',
        ),
        post(
          'lineage field',
          { lineage: [{ relation: 'trainedOn', uri: 'https://x/d', bar: 1 }] },
          'lineage[0].bar is not a known field',
        ),
        post('top-level field', { owner: 'x' }, 'owner is not a known field'),
        ...[
          // eslint-disable-next-line no-script-url -- a URI that must be refused
          'javascript:alert(1)',
          'file:///etc/passwd',
          'data:text/html,x',
        ].flatMap(uri => [
          post(
            `lineage uri ${uri}`,
            { lineage: [{ relation: 'builtFromCommit', uri }] },
            'lineage[0].uri',
          ),
          [
            'post',
            `${base}/versions/1/lineage`,
            `edge uri ${uri}`,
            { edges: [{ relation: 'builtFromCommit', uri }] },
            'edges[0].uri',
          ] as BadInputCase,
        ]),
        ...['s3:bucket/key', 'https://user:secret@host/x'].map(source =>
          post(`source ${source}`, { source }, 'source'),
        ),
        post(
          'lineage version over int32',
          {
            lineage: [
              {
                relation: 'fineTunedFrom',
                entityRef: model.ref,
                version: 3000000000,
              },
            ],
          },
          'version',
        ),
      ]);
      const versions = await api('get', `${base}/versions?limit=100`);
      expect(versions.body.items.map((v: any) => v.version)).toEqual([1]);
      expect(
        (await api('get', `${base}/versions/1/lineage?depth=1`)).body.edges,
      ).toEqual([]);
    });

    it('scopes an Idempotency-Key to the caller and refuses it for another body', async () => {
      const model = registry.addModel('fraud-detector', {
        owner: 'group:default/risk-ml',
      });
      const path = `${model.path}/versions`;
      const key = registry.uniqueName('pipeline-run');
      const body = { source: `s3://models/${model.name}/1` };
      const alices = await api('post', path)
        .set('Idempotency-Key', key)
        .send(body);
      const bobs = await api('post', path, callers.bob)
        .set('Idempotency-Key', key)
        .send(body);
      expect([alices.status, bobs.status]).toEqual([201, 201]);
      expect(bobs.body.version).not.toBe(alices.body.version);

      const retry = await api('post', path)
        .set('Idempotency-Key', key)
        .send(body);
      expect(retry.status).toBe(200);
      expect(retry.body.version).toBe(alices.body.version);

      const changed = await api('post', path)
        .set('Idempotency-Key', key)
        .send({ source: `s3://models/${model.name}/other` });
      expect(changed.status).toBe(422);
      expect(changed.body.error.message).toMatch(/idempotency[- ]key/i);
      expect(
        (await api('get', `${path}?limit=100`)).body.items.map(
          (v: any) => v.version,
        ),
      ).toEqual([2, 1]);
    });

    it('refuses a body over the size limit (413) or not JSON (415), storing nothing', async () => {
      const model = registry.addModel('fraud-detector');
      const path = `${model.path}/versions`;
      const big = await api('post', path)
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            source: 's3://m/big',
            description: 'x'.repeat(2 * 1024 * 1024),
          }),
        );
      expect(big.status).toBe(413);
      const text = await api('post', path)
        .set('Content-Type', 'text/plain')
        .send('source=s3://m/text');
      expect(text.status).toBe(415);
      expect((await api('get', `${path}?limit=100`)).body.items).toEqual([]);
      expect(await registry.hasModelRow(model.ref)).toBe(false);
    });

    it('refuses an edited cursor or one of another list', async () => {
      const model = registry.addModel('fraud-detector');
      for (let i = 0; i < 3; i++) await registry.registerVersion(model);
      const page = await api('get', `${model.path}/versions?limit=1`);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const history = await api('get', `${model.path}/history?limit=1`);
      expect(history.body.nextCursor).toEqual(expect.any(String));
      await expectCursorsRefused(registry, `${model.path}/versions?limit=1`, [
        ...tamperedCursors(page.body.nextCursor),
        history.body.nextCursor,
      ]);
      // the real cursor still works
      const next = await api(
        'get',
        `${model.path}/versions?limit=1&cursor=${encodeURIComponent(
          page.body.nextCursor,
        )}`,
      );
      expect(next.body.items.map((v: any) => v.version)).toEqual([2]);
    });
  });
});
