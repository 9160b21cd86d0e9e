import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  ApiMethod,
  BOB,
  callers,
  describeRegistry,
  MALLORY,
} from './__testUtils__/startRegistry';

/** [permission, method, path under the model, body, status when allowed] */
type PermissionCase = [
  string,
  ApiMethod,
  (base: string) => string,
  any,
  number,
];

const PERMISSION_CASES: PermissionCase[] = [
  [
    'model-registry.version.register',
    'post',
    base => `${base}/versions`,
    { source: 's3://m/9' },
    201,
  ],
  [
    'model-registry.version.update',
    'patch',
    base => `${base}/versions/1`,
    { description: 'x' },
    200,
  ],
  [
    'model-registry.version.update',
    'post',
    base => `${base}/versions/1/lineage`,
    {
      edges: [{ relation: 'builtFromCommit', uri: 'https://example.com/c/1' }],
    },
    201,
  ],
  [
    'model-registry.version.stage',
    'post',
    base => `${base}/versions/1/stage`,
    { stage: 'staging' },
    200,
  ],
  [
    'model-registry.version.promote-production',
    'post',
    base => `${base}/versions/1/stage`,
    { stage: 'production' },
    200,
  ],
  [
    'model-registry.alias.manage',
    'put',
    base => `${base}/aliases/champion`,
    { version: 1 },
    200,
  ],
  [
    'model-registry.version.delete',
    'delete',
    base => `${base}/versions/1`,
    undefined,
    204,
  ],
  [
    'model-registry.model.create',
    'post',
    () => '/models',
    undefined, // a fresh model name per request, see below
    201,
  ],
];

describeRegistry('registry authorization', registry => {
  const api = registry.api.bind(registry);

  it('allows and denies each permission', async () => {
    const outcomes: unknown[] = [];
    const expected: unknown[] = [];
    for (const [
      permission,
      method,
      pathOf,
      body,
      okStatus,
    ] of PERMISSION_CASES) {
      for (const result of [AuthorizeResult.DENY, AuthorizeResult.ALLOW]) {
        registry.reset();
        registry.setDecision(permission, result);
        const model = registry.addModel('fraud-detector');
        if (permission !== 'model-registry.version.register') {
          await api('post', `${model.path}/versions`)
            .send({ source: 's3://m/1' })
            .expect(201);
        }
        const historyLength = async () =>
          (await api('get', `${model.path}/history?limit=100`)).body.items
            ?.length ?? 0;
        const before = await historyLength();
        const res = await api(method, pathOf(model.path)).send(
          body ?? {
            name: registry.uniqueName('new-model'),
            owner: 'group:default/risk-ml',
            type: 'llm',
          },
        );
        const denied = result === AuthorizeResult.DENY;
        outcomes.push({
          permission,
          result,
          status: res.status,
          error: res.body.error?.name,
          unchanged: (await historyLength()) === before,
          audit: registry.auditEvents[registry.auditEvents.length - 1].status,
        });
        expected.push({
          permission,
          result,
          status: denied ? 403 : okStatus,
          error: denied ? 'NotAllowedError' : undefined,
          // the model's history grows only when the call was allowed (creating
          // another model leaves this model's history alone)
          unchanged: denied || permission === 'model-registry.model.create',
          audit: denied ? 'failed' : 'succeeded',
        });
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('needs credentials on every route', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    const routes: Array<[ApiMethod, string]> = [
      ['get', '/models'],
      ['post', '/models'],
      ['get', base],
      ['delete', base],
      ['get', `${base}/versions`],
      ['post', `${base}/versions`],
      ['get', `${base}/versions/1`],
      ['patch', `${base}/versions/1`],
      ['delete', `${base}/versions/1`],
      ['post', `${base}/versions/1/stage`],
      ['get', `${base}/versions/1/lineage`],
      ['post', `${base}/versions/1/lineage`],
      ['get', `${base}/versions/1/history`],
      ['get', `${base}/aliases`],
      ['get', `${base}/aliases/champion`],
      ['put', `${base}/aliases/champion`],
      ['delete', `${base}/aliases/champion`],
      ['get', `${base}/history`],
      ['get', `${base}/descendants`],
      ['get', '/lineage/dependents?target=resource%3Adefault%2Fx'],
      ['get', '/entity-provider/models'],
    ];
    for (const [method, path] of routes) {
      const res = await request(registry.server)
        [method](`/api/model-registry${path}`)
        .send({});
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    // Nothing changed through the refused calls.
    expect(
      (await api('get', `${base}/versions`)).body.items.map(
        (v: any) => v.version,
      ),
    ).toEqual([1]);
    // The entity provider route takes service credentials only.
    expect((await api('get', '/entity-provider/models')).status).toBe(403);
    expect(
      (await api('get', '/entity-provider/models', callers.service)).status,
    ).toBe(200);
  });

  it('hides models the caller cannot read (404, left out of lists)', async () => {
    const dataset = `resource:default/${registry.uniqueName(
      'card-transactions',
    )}`;
    const search = registry.uniqueName('hiding');
    registry.addModel(`${search}-fraud-detector`);
    registry.addModel(`${search}-base-encoder`);
    const secretModel = registry.addModel(`${search}-secret-model`, {
      hiddenFrom: [MALLORY, BOB],
    });
    const secret = secretModel.path;
    await registry.registerVersion(secretModel, { metrics: { auc: 0.9 } });
    await api('post', `${secret}/versions/1/lineage`)
      .send({ edges: [{ relation: 'trainedOn', entityRef: dataset }] })
      .expect(201);
    for (const [method, path] of [
      ['get', secret],
      ['get', `${secret}/versions`],
      ['get', `${secret}/versions?sort=metric:auc`],
      ['get', `${secret}/versions/1`],
      ['get', `${secret}/versions/1/lineage`],
      ['get', `${secret}/versions/1/history`],
      ['get', `${secret}/history`],
      ['get', `${secret}/aliases`],
      ['get', `${secret}/descendants`],
      ['post', `${secret}/versions`],
      ['post', `${secret}/versions/1/stage`],
      ['put', `${secret}/aliases/champion`],
      ['delete', `${secret}/versions/1`],
    ] as const) {
      let body: object = {};
      if (path.endsWith('/versions')) body = { source: 's3://m/2' };
      if (path.endsWith('/stage')) body = { stage: 'staging' };
      if (method === 'put') body = { version: 1 };
      const res = await api(method, path, callers.mallory).send(body);
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.body.error.name).toBe('NotFoundError');
    }
    const models = await api('get', `/models?q=${search}`, callers.mallory);
    expect(models.body.items.map((m: any) => m.name)).not.toContain(
      secretModel.name,
    );
    expect(models.body.totalCount).toBe(2);
    // Nor found by its production metrics, its tags or a sort (issue 12).
    await api('post', `${secret}/versions/1/stage`)
      .send({ stage: 'production' })
      .expect(200);
    for (const filter of [
      'stage=production',
      `metric=${encodeURIComponent('auc > 0.5')}`,
      'sort=owner&order=desc',
    ]) {
      const path = `/models?q=${search}&${filter}`;
      const hidden = await api('get', path, callers.mallory);
      expect([filter, hidden.status]).toEqual([filter, 200]);
      expect(hidden.body.items.map((m: any) => m.name)).not.toContain(
        secretModel.name,
      );
      // the owner finds it with the same filter
      expect(
        (await api('get', path)).body.items.map((m: any) => m.name),
      ).toContain(secretModel.name);
    }
    const dependents = await api(
      'get',
      `/lineage/dependents?target=${encodeURIComponent(dataset)}`,
      callers.mallory,
    );
    expect([dependents.status, dependents.body]).toEqual([200, { items: [] }]);
    // Nothing changed through the denied calls.
    expect(
      (await api('get', `${secret}/versions`)).body.items.map(
        (v: any) => v.version,
      ),
    ).toEqual([1]);
  });

  it('needs credentials on the routes of issue 8, and service credentials for the provider', async () => {
    const model = registry.addModel('fraud-detector');
    const hidden = registry.addModel('hidden', { hiddenFrom: [MALLORY] });
    const routes: Array<[ApiMethod, string, object]> = [
      ['post', '/models/by-refs', { entityRefs: [model.ref] }],
      [
        'get',
        `/entity-provider/models${model.path.slice('/models'.length)}`,
        {},
      ],
      ['get', '/entity-provider/models?limit=1', {}],
    ];
    for (const [method, path, body] of routes) {
      const res = await request(registry.server)
        [method](`/api/model-registry${path}`)
        .send(body);
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    for (const auth of [callers.alice, callers.mallory]) {
      const res = await api(
        'get',
        `/entity-provider/models${model.path.slice('/models'.length)}`,
        auth,
      );
      expect(res.status).toBe(403);
    }
    // a model hidden from the caller is null in by-refs, like one that does not exist
    const byRefs = await api('post', '/models/by-refs', callers.mallory).send({
      entityRefs: [hidden.ref, model.ref],
    });
    expect(byRefs.status).toBe(200);
    expect(byRefs.body.items).toEqual([
      null,
      expect.objectContaining({ modelRef: model.ref }),
    ]);
  });

  it('needs credentials on the routes of issue 11, and their own permissions', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    const base = model.path;
    const webhook = await api('post', '/webhooks', callers.service).send({
      url: 'https://93.184.216.34/hook',
      events: ['*'],
    });
    expect(webhook.status).toBe(201);
    const id = webhook.body.id;
    const routes: Array<[ApiMethod, string, object, string]> = [
      ['get', '/webhooks', {}, 'model-registry.webhook.manage'],
      [
        'post',
        '/webhooks',
        { url: 'https://93.184.216.34/x', events: ['*'] },
        'model-registry.webhook.manage',
      ],
      ['get', `/webhooks/${id}`, {}, 'model-registry.webhook.manage'],
      [
        'patch',
        `/webhooks/${id}`,
        { enabled: true },
        'model-registry.webhook.manage',
      ],
      [
        'post',
        `/webhooks/${id}/rotate-secret`,
        {},
        'model-registry.webhook.manage',
      ],
      [
        'get',
        `/webhooks/${id}/deliveries`,
        {},
        'model-registry.webhook.manage',
      ],
      [
        'post',
        `${base}/versions/1/monitoring`,
        { observations: [{ metric: 'x', value: 1 }] },
        'model-registry.monitoring.report',
      ],
      [
        'put',
        `${base}/monitoring/thresholds`,
        { thresholds: [{ metric: 'x', max: 2 }] },
        'model-registry.monitoring.configure',
      ],
      ['get', `${base}/versions/1/monitoring`, {}, ''],
      ['get', `${base}/monitoring`, {}, ''],
      ['post', '/monitoring/alertmanager', { alerts: [] }, ''],
      ['delete', `/webhooks/${id}`, {}, 'model-registry.webhook.manage'],
    ];
    const outcomes = [];
    const expected = [];
    for (const [method, path, body, permission] of routes) {
      const anonymous = await request(registry.server)
        [method](`/api/model-registry${path}`)
        .send(body);
      outcomes.push([method, path, 'none', anonymous.status]);
      expected.push([method, path, 'none', 401]);
      if (permission) {
        registry.reset();
        registry.setDecision(permission, AuthorizeResult.DENY);
        const denied = await api(method, path).send(body);
        outcomes.push([method, path, 'denied', denied.status]);
        expected.push([method, path, 'denied', 403]);
        registry.reset();
      }
      const allowed = await api(method, path).send(body);
      outcomes.push([method, path, 'allowed', allowed.status < 300]);
      expected.push([method, path, 'allowed', true]);
    }
    expect(outcomes).toEqual(expected);
  });
});
