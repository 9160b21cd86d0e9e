import {
  BadInputCase,
  BOB,
  callers,
  describeRegistry,
  expectBadInput,
  expectCursorsRefused,
  MALLORY,
  tamperedCursors,
} from '../__testUtils__/startRegistry';

/**
 * Edits a cursor that is base64 JSON, or base64 JSON and a signature after a dot, keeping
 * the signature; a catalog cursor nested in it (a string field that is base64 JSON) is
 * edited too.
 */
function editCursor(
  cursor: string,
  edit: (value: Record<string, unknown>) => void,
): string {
  const [payload, ...rest] = cursor.split('.');
  const decode = (text: string) => {
    try {
      const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const value = decode(payload);
  if (!value) return `${cursor}x`; // not decodable: at least not the original
  edit(value);
  for (const [key, field] of Object.entries(value)) {
    const nested = typeof field === 'string' ? decode(field) : undefined;
    if (nested) {
      edit(nested);
      value[key] = Buffer.from(JSON.stringify(nested)).toString('base64');
    }
  }
  return [
    Buffer.from(JSON.stringify(value)).toString('base64url'),
    ...rest,
  ].join('.');
}

describeRegistry('model routes', registry => {
  const api = registry.api.bind(registry);

  it('lists a model with its registry summary', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    await registry.registerVersion(model);
    await api('post', `${model.path}/versions/2/stage`)
      .send({ stage: 'production' })
      .expect(200);
    await api('put', `${model.path}/aliases/champion`)
      .send({ version: 2 })
      .expect(200);
    expect((await api('get', model.path)).body).toMatchObject({
      versionCount: 2,
      latestVersion: 2,
      stageOccupants: { production: 2 },
      aliases: { champion: 2 },
    });
    const models = await api('get', `/models?q=${model.name}`);
    expect(
      models.body.items.find((m: any) => m.name === model.name).summary
        .stageOccupants,
    ).toEqual({ production: 2 });
  });

  it('registers models through the API, checking a dry run first', async () => {
    const existing = registry.addModel('fraud-detector');
    const secret = registry.addModel('secret-model', {
      hiddenFrom: [MALLORY, BOB],
    });
    const name = registry.uniqueName('api-model');
    const ref = `mlmodel:default/${name}`;
    // A dry run checks and writes nothing.
    const newModel = {
      name,
      owner: 'group:default/risk-ml',
      type: 'classification',
    };
    const check = await api('post', '/models?dryRun=true').send(newModel);
    expect(check.status).toBe(200);
    expect(check.body.entityRef).toBe(ref);
    expect(await registry.providedModelRefs()).not.toContain(ref);
    expect(await registry.hasModelRow(ref)).toBe(false);
    expect(
      (await api('post', '/models?dryRun=true', callers.mallory).send(newModel))
        .status,
    ).toBe(403);
    const badFlag = await api('post', '/models?dryRun=maybe').send(newModel);
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.error.message).toMatch(/dryRun/);
    expect(
      (
        await api('post', '/models?dryRun=true').send({
          ...newModel,
          name: 'Bad_Name',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api('post', '/models?dryRun=true').send({
          ...newModel,
          name: existing.name,
        })
      ).status,
    ).toBe(409);

    // Only for an owner one belongs to (a 403 naming the owner); nothing stored.
    const foreign = await api('post', '/models').send({
      ...newModel,
      owner: 'group:default/nlp-ml',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(
      /^owner group:default\/nlp-ml: you may only register models owned by a group you belong to/,
    );
    expect(await registry.providedModelRefs()).not.toContain(ref);
    expect(await registry.hasModelRow(ref)).toBe(false);

    const created = await api('post', '/models').send({
      ...newModel,
      title: 'API model',
      dependsOn: ['resource:default/card-transactions'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      entityRef: ref,
      entity: {
        apiVersion: 'model-registry.dev/v1alpha1',
        kind: 'MLModel',
        metadata: { name, namespace: 'default', title: 'API model' },
        spec: {
          type: 'classification',
          lifecycle: 'experimental',
          owner: 'group:default/risk-ml',
          dependsOn: ['resource:default/card-transactions'],
        },
      },
    });
    expect(
      (
        await api('post', '/models').send({
          name,
          owner: 'risk-ml',
          type: 'llm',
        })
      ).status,
    ).toBe(409);
    expect(
      (await api('post', '/models?dryRun=true').send(newModel)).status,
    ).toBe(409);
    // A model that already exists in the catalog cannot be registered again.
    expect(
      (
        await api('post', '/models').send({
          name: existing.name,
          owner: 'risk-ml',
          type: 'llm',
        })
      ).status,
    ).toBe(409);
    // ...also one the caller cannot see (only Alice may read the secret model): the name
    // is taken, whoever asks.
    const hidden = await api('post', '/models', callers.bob).send({
      name: secret.name,
      owner: BOB,
      type: 'llm',
    });
    expect(hidden.status).toBe(409);
    const provided = await registry.providedModelRefs();
    expect(provided).toContain(ref);
    expect(provided).not.toContain(existing.ref);
    expect(provided).not.toContain(secret.ref);
    expect(
      registry.auditEvents.find(e => e.actionType === 'model.register'),
    ).toMatchObject({ meta: expect.objectContaining({ modelRef: ref }) });
  });

  it('rejects bad model registrations with a 400 that names the field, storing nothing', async () => {
    const good = registry.uniqueName('good-name');
    const names = ['Bad_Name', 'a/b', 'a:b', 'a%b', 'ab', 'x'.repeat(64), ''];
    await expectBadInput(registry, [
      ...names.map(
        n =>
          [
            'post',
            '/models',
            `model name ${n}`,
            { name: n, owner: 'group:default/risk-ml', type: 'llm' },
            'name',
          ] as BadInputCase,
      ),
      [
        'post',
        '/models',
        'model owner',
        { name: good, owner: 'component:default/x', type: 'llm' },
        'spec.owner',
      ],
      [
        'post',
        '/models',
        'model without owner',
        { name: good, type: 'llm' },
        'owner',
      ],
    ]);
    const provided = await registry.providedModelRefs();
    for (const n of [...names, good]) {
      expect(provided).not.toContain(`mlmodel:default/${n}`.toLowerCase());
      expect(await registry.hasModelRow(`mlmodel:default/${n}`)).toBe(false);
    }
  });

  it('lists the models with a version in a stage across catalog pages', async () => {
    const prefix = registry.uniqueName('stagescan');
    const many = Array.from(
      { length: 250 },
      (_, i) =>
        registry.catalog.addModel(`${prefix}-${String(i).padStart(3, '0')}`)
          .metadata.name,
    );
    const staged = [7, 57, 107, 157, 207].map(i => many[i]);
    for (const name of [...staged, many[8]]) {
      expect(
        (
          await api('post', `/models/default/${name}/versions`).send({
            source: `s3://m/${name}`,
          })
        ).status,
      ).toBe(201);
    }
    for (const name of staged) {
      expect(
        (
          await api('post', `/models/default/${name}/versions/1/stage`).send({
            stage: 'staging',
          })
        ).status,
      ).toBe(200);
    }

    const all = async (query: string) => {
      const names: string[] = [];
      const pages: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const res = await api(
          'get',
          `/models?q=${prefix}&${query}${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        );
        expect(res.status).toBe(200);
        // counted only when the first page is the whole answer
        expect(res.body.totalCount).toBe(
          !cursor && !res.body.nextCursor ? res.body.items.length : undefined,
        );
        names.push(...res.body.items.map((m: any) => m.name));
        pages.push(res.body.items.length);
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return { names, pages };
    };
    // limit 1 resumes inside a catalog page; limit 2 at page boundaries
    for (const limit of [1, 2, 100]) {
      const { names, pages } = await all(`stage=staging&limit=${limit}`);
      expect(names).toEqual(staged);
      expect(Math.max(...pages)).toBeLessThanOrEqual(limit);
    }
    // a stage that is not single-occupancy, and one no model has
    expect((await all('stage=none')).names).toEqual([many[8]]);
    expect((await all('stage=archived')).names).toEqual([]);

    const bad = await api('get', '/models?stage=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^stage /);
    const first = await api('get', `/models?q=${prefix}&stage=staging&limit=1`);
    const wrong = await api(
      'get',
      `/models?q=${prefix}&stage=none&cursor=${encodeURIComponent(
        first.body.nextCursor,
      )}`,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/cursor/);
  });

  describe('new behaviour (issue 8)', () => {
    it('registers a model only with entity refs of a sensible kind, for users and services', async () => {
      const name = () => registry.uniqueName('refs-model');
      const model = (extra: object) => ({
        name: name(),
        owner: 'group:default/risk-ml',
        type: 'llm',
        ...extra,
      });
      const cases: Array<[string, object, string]> = [
        ['owner not a ref', { owner: 'not a ref' }, 'owner'],
        ['owner of kind system', { owner: 'system:default/payments' }, 'owner'],
        ['system of kind group', { system: 'group:default/risk-ml' }, 'system'],
        ['system not a ref', { system: 'not a ref' }, 'system'],
        [
          'dependsOn a user',
          { dependsOn: ['user:default/alice'] },
          'dependsOn',
        ],
        ['dependsOn not a ref', { dependsOn: ['not a ref'] }, 'dependsOn'],
      ];
      for (const auth of [callers.alice, callers.service]) {
        for (const [label, extra, field] of cases) {
          const body = model(extra);
          const res = await api('post', '/models', auth).send(body);
          expect([label, res.status]).toEqual([label, 400]);
          expect([label, res.body.error?.message]).toEqual([
            label,
            expect.stringContaining(field),
          ]);
          expect(
            await registry.hasModelRow(`mlmodel:default/${body.name}`),
          ).toBe(false);
        }
      }
      const provided = await registry.providedModelRefs();
      expect(provided.filter(r => r.includes('refs-model'))).toEqual([]);

      // the sensible kinds
      const good = model({
        owner: 'user:default/alice',
        system: 'system:default/payments',
        dependsOn: [
          'resource:default/card-transactions',
          'mlmodel:default/base-encoder',
          'component:default/feature-store',
          'api:default/scoring-api',
        ],
      });
      expect(
        (await api('post', '/models', callers.service).send(good)).status,
      ).toBe(201);
      expect(await registry.providedModelRefs()).toContain(
        `mlmodel:default/${good.name}`,
      );
    });

    it('reads summaries of several models by ref, in order, null when unknown or hidden', async () => {
      const first = registry.addModel('by-refs');
      const hidden = registry.addModel('by-refs', { hiddenFrom: [BOB] });
      const second = registry.addModel('by-refs');
      await registry.registerVersion(first);
      await registry.registerVersion(first);
      await registry.registerVersion(hidden);
      const unknown = `mlmodel:default/${registry.uniqueName('unknown')}`;
      const res = await api('post', '/models/by-refs', callers.bob).send({
        entityRefs: [second.ref, unknown, hidden.ref, first.ref],
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ modelRef: second.ref, versionCount: 0 }),
        null,
        null,
        expect.objectContaining({
          modelRef: first.ref,
          versionCount: 2,
          latestVersion: 2,
        }),
      ]);
      const asAlice = await api('post', '/models/by-refs').send({
        entityRefs: [hidden.ref],
      });
      expect(asAlice.body.items).toEqual([
        expect.objectContaining({ modelRef: hidden.ref, versionCount: 1 }),
      ]);

      await expectBadInput(registry, [
        [
          'post',
          '/models/by-refs',
          '101 refs',
          { entityRefs: Array.from({ length: 101 }, () => first.ref) },
          'entityRefs',
        ],
        [
          'post',
          '/models/by-refs',
          'no refs',
          { entityRefs: [] },
          'entityRefs',
        ],
        [
          'post',
          '/models/by-refs',
          'a ref of another kind',
          { entityRefs: [first.ref, 'component:default/x'] },
          'entityRefs[1]',
        ],
        [
          'post',
          '/models/by-refs',
          'an empty ref',
          { entityRefs: [first.ref, first.ref, ''] },
          'entityRefs[2]',
        ],
      ]);
    });

    it('never lets a /models cursor be edited into another catalog query', async () => {
      const prefix = registry.uniqueName('cursor-scan');
      for (let i = 0; i < 3; i++) registry.catalog.addModel(`${prefix}-${i}`);
      registry.catalog.add({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: `${prefix}-user` },
        spec: {},
      });
      for (const query of [
        `q=${prefix}&limit=1`,
        `q=${prefix}&stage=none&limit=1`,
      ]) {
        if (query.includes('stage')) {
          for (let i = 0; i < 3; i++) {
            await api('post', `/models/default/${prefix}-${i}/versions`)
              .send({ source: `s3://m/${prefix}-${i}` })
              .expect(201);
          }
        }
        const page = await api('get', `/models?${query}`);
        expect(page.status).toBe(200);
        const cursor: string = page.body.nextCursor;
        expect(cursor).toEqual(expect.any(String));
        const toUsers = editCursor(cursor, value => {
          value.filter = { kind: 'user' };
        });
        await expectCursorsRefused(registry, `/models?${query}`, [
          toUsers,
          ...tamperedCursors(cursor),
        ]);
        const next = await api(
          'get',
          `/models?${query}&cursor=${encodeURIComponent(cursor)}`,
        );
        expect(next.status).toBe(200);
        expect(next.body.items.map((m: any) => m.name)).toEqual([
          `${prefix}-1`,
        ]);
      }
    });
  });

  describe('search by metric and tag, sort (issue 12)', () => {
    /** Four models under one prefix: metrics on production and staging, tags. */
    async function fixture() {
      const prefix = registry.uniqueName('msearch');
      const add = (suffix: string, options: object = {}) =>
        registry.catalog.addModel(`${prefix}-${suffix}`, options).metadata.name;
      const a = add('a', { tags: ['fraud'], task: 'ranking' });
      const b = add('b', {
        owner: 'group:default/platform-ml',
        lifecycle: 'experimental',
      });
      const c = add('c', { hiddenFrom: [MALLORY] });
      const d = add('d', { tags: ['vision'] });
      const version = async (name: string, metrics: object, stage?: string) => {
        const res = await api('post', `/models/default/${name}/versions`).send({
          source: `s3://m/${name}/${registry.uniqueName('v')}`,
          metrics,
        });
        expect(res.status).toBe(201);
        if (stage) {
          await api(
            'post',
            `/models/default/${name}/versions/${res.body.version}/stage`,
          )
            .send({ stage })
            .expect(200);
        }
      };
      await version(a, { auc: 0.97, recall: 0.8 }, 'production');
      await version(b, { auc: 0.99 }, 'staging');
      await version(b, { auc: 0.93, recall: 0.85 }, 'production');
      await version(c, { auc: 0.99 }, 'production');
      await version(d, { loss: 0.2 }, 'production');
      await api('post', '/mlflow/api/2.0/mlflow/registered-models/set-tag')
        .send({ name: b, key: 'fraud', value: 'yes' })
        .expect(200);
      await api('post', '/mlflow/api/2.0/mlflow/registered-models/set-tag')
        .send({ name: d, key: 'domain', value: 'images' })
        .expect(200);
      const names = async (query: string, auth?: string) => {
        const res = await api(
          'get',
          `/models?q=${prefix}&${query}&limit=100`,
          auth,
        );
        expect([query, res.status, res.body.error?.message]).toEqual([
          query,
          200,
          undefined,
        ]);
        expect(res.body.totalCount).toBe(res.body.items.length);
        return res.body.items.map((m: any) => m.name);
      };
      return { prefix, a, b, c, d, names };
    }

    it('finds models by conditions on the production version’s metrics', async () => {
      const { a, b, c, d, names } = await fixture();
      const q = (text: string) => `metric=${encodeURIComponent(text)}`;
      expect(await names(q('auc > 0.95'))).toEqual([a, c]);
      // b's staging version has 0.99: only production counts
      expect(await names(q('auc>=0.93'))).toEqual([a, b, c]);
      expect(await names(q('auc > 0.9, auc < 0.95'))).toEqual([b]);
      expect(await names(q('auc != 0.97, recall >= 0.8'))).toEqual([b]);
      expect(await names(q('auc = 0.97'))).toEqual([a]);
      expect(await names(q('auc == 0.97'))).toEqual([a]);
      expect(await names(q('auc <= 1e-3'))).toEqual([]);
      // a model without the metric (d) or without production never matches
      expect(await names(q('loss < 1'))).toEqual([d]);
      // with a stage: both filters hold
      expect(await names(`stage=staging&${q('auc > 0.9')}`)).toEqual([b]);
      // what the caller cannot read is not found by its metrics either
      expect(await names(q('auc > 0.98'), callers.mallory)).toEqual([]);
      expect(await names(q('auc > 0.98'))).toEqual([c]);
    });

    it('finds models by tag: catalog tags and registry model tags', async () => {
      const { a, b, d, names } = await fixture();
      expect(await names('tag=fraud')).toEqual([a, b]);
      expect(await names('tag=fraud%3Dyes')).toEqual([b]);
      expect(await names('tag=fraud%3Dno')).toEqual([]);
      expect(await names('tag=vision')).toEqual([d]);
      expect(await names('tag=domain')).toEqual([d]);
      expect(await names('tag=domain%3Dimages')).toEqual([d]);
      expect(
        await names(`tag=fraud&metric=${encodeURIComponent('auc > 0.95')}`),
      ).toEqual([a]);
    });

    it('sorts by owner, task or lifecycle, either way, names breaking ties', async () => {
      const { prefix, a, b, c, d, names } = await fixture();
      expect(await names('sort=name&order=desc')).toEqual([d, c, b, a]);
      expect(await names('sort=owner')).toEqual([b, a, c, d]);
      expect(await names('sort=owner&order=desc')).toEqual([a, c, d, b]);
      expect(await names('sort=lifecycle')).toEqual([b, a, c, d]);
      expect(await names('sort=task&order=desc')).toEqual([a, b, c, d]);
      // sorted and filtered by the registry, paged by a cursor
      const first = await api(
        'get',
        `/models?q=${prefix}&sort=name&order=desc&metric=${encodeURIComponent(
          'auc > 0.9',
        )}&limit=2`,
      );
      expect(first.body.items.map((m: any) => m.name)).toEqual([c, b]);
      expect(first.body.totalCount).toBeUndefined();
      const rest = await api(
        'get',
        `/models?q=${prefix}&sort=name&order=desc&metric=${encodeURIComponent(
          'auc > 0.9',
        )}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(rest.body.items.map((m: any) => m.name)).toEqual([a]);
      // the cursor belongs to its filters
      const other = await api(
        'get',
        `/models?q=${prefix}&metric=${encodeURIComponent(
          'auc > 0.1',
        )}&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(other.status).toBe(400);
      expect(other.body.error.message).toMatch(/cursor/);
      await expectCursorsRefused(
        registry,
        `/models?q=${prefix}&sort=name&order=desc&metric=${encodeURIComponent(
          'auc > 0.9',
        )}`,
        tamperedCursors(first.body.nextCursor),
      );
    });

    it('refuses malformed metric, tag, sort and order filters, naming them', async () => {
      const get = (query: string): BadInputCase => [
        'get',
        `/models?${query}`,
        query,
        undefined,
        query.split('=')[0],
      ];
      await expectBadInput(registry, [
        get('metric='),
        get(`metric=${encodeURIComponent(' , ')}`),
        get(`metric=${encodeURIComponent('auc')}`),
        get(`metric=${encodeURIComponent('auc >')}`),
        get(`metric=${encodeURIComponent('> 0.9')}`),
        get(`metric=${encodeURIComponent('auc > high')}`),
        get(`metric=${encodeURIComponent('auc ~ 0.9')}`),
        get(`metric=${encodeURIComponent('auc > 0x10')}`),
        get(`metric=${encodeURIComponent('auc > 1e999')}`),
        get(`metric=${encodeURIComponent('auc > 0.9,')}`),
        get(
          `metric=${encodeURIComponent(
            Array.from({ length: 11 }, () => 'auc > 0').join(','),
          )}`,
        ),
        get('tag='),
        get(`tag=${encodeURIComponent('=value')}`),
        get(`tag=${'k'.repeat(251)}`),
        get('sort=bogus'),
        get('sort=title'),
        get('order=sideways'),
      ]);
    });
  });
});
