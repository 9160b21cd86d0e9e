import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createHmac } from 'node:crypto';
import {
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
  TestRegistry,
} from '../__testUtils__/startRegistry';
import { WebhookReceiver } from '../../webhooks/__testUtils__/WebhookReceiver';

const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** Verifies the registry format's signature the way docs/events.md shows. */
function verifyRegistry(secret: string, headers: any, body: string) {
  const timestamp = headers['x-model-registry-timestamp'];
  const expected = `v1=${createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex')}`;
  return headers['x-model-registry-signature'] === expected;
}

/** Verifies MLflow's signature the way MLflow's docs do. */
function verifyMlflow(secret: string, headers: any, body: string) {
  const content = `${headers['x-mlflow-delivery-id']}.${headers['x-mlflow-timestamp']}.${body}`;
  const expected = `v1,${createHmac('sha256', secret)
    .update(content)
    .digest('base64')}`;
  return headers['x-mlflow-signature'] === expected;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Delivers (dispatch + delivery rounds) until `done` holds, at most ~10 s. */
async function deliverUntil(
  registry: TestRegistry,
  done: () => Promise<boolean>,
) {
  for (let i = 0; i < 100; i++) {
    await registry.deliverEvents();
    if (await done()) return;
    await sleep(100);
  }
  throw new Error('deliveries did not finish');
}

describeRegistry(
  'webhooks',
  registry => {
    const api = registry.api.bind(registry);

    async function subscribe(body: Record<string, unknown>) {
      const res = await api('post', '/webhooks').send({
        url: receiver.url,
        ...body,
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; secret: string };
    }
    const deliveries = async (id: string, query = '') =>
      (await api('get', `/webhooks/${id}/deliveries?limit=100${query}`)).body
        .items as any[];
    /** What the receiver got for one subscription (its deliveries' ids). */
    const receivedFor = async (hookId: string) => {
      const ids = new Set((await deliveries(hookId)).map(d => d.id));
      return receiver.received.filter(r =>
        ids.has(String(r.headers['x-model-registry-delivery-id'])),
      );
    };

    it('delivers a registered version and a promotion, signed, once per event id; the secret is shown once', async () => {
      const model = registry.addModel('signed');
      const hook = await subscribe({
        events: ['version.register', 'version.stage'],
        modelRef: model.ref,
        description: 'deploy pipeline',
      });
      expect(hook.secret).toMatch(/^whsec_/);
      const read = await api('get', `/webhooks/${hook.id}`);
      expect(read.status).toBe(200);
      expect(read.body).not.toHaveProperty('secret');
      expect(read.body).toMatchObject({
        url: receiver.url,
        events: ['version.register', 'version.stage'],
        modelRef: model.ref,
        format: 'registry',
        enabled: true,
      });
      const listed = await api('get', '/webhooks');
      expect(
        listed.body.items.find((w: any) => w.id === hook.id),
      ).not.toHaveProperty('secret');

      await registry.registerVersion(model);
      await api('post', `${model.path}/versions/1/stage`)
        .send({ stage: 'staging' })
        .expect(200);
      await deliverUntil(
        registry,
        async () => (await receivedFor(hook.id)).length >= 2,
      );
      await registry.deliverEvents(); // a further round delivers nothing again
      // lanes post in parallel: the order of arrival is not guaranteed
      const got = (await receivedFor(hook.id)).sort((a, b) =>
        JSON.parse(a.body).occurredAt.localeCompare(
          JSON.parse(b.body).occurredAt,
        ),
      );
      expect(got.map(r => JSON.parse(r.body).type)).toEqual([
        'version.register',
        'version.stage',
      ]);
      for (const r of got) {
        expect(verifyRegistry(hook.secret, r.headers, r.body)).toBe(true);
        expect(verifyRegistry('wrong-secret-wrong', r.headers, r.body)).toBe(
          false,
        );
        const event = JSON.parse(r.body);
        expect(r.headers['x-model-registry-event-id']).toBe(event.id);
        expect(r.headers['x-model-registry-event']).toBe(event.type);
      }
      expect(JSON.parse(got[1].body)).toMatchObject({
        modelRef: model.ref,
        version: 1,
        actor: 'user:default/alice',
        before: { stage: 'none' },
        after: { stage: 'staging' },
      });
      const log = await deliveries(hook.id);
      expect(log).toHaveLength(2);
      for (const d of log) {
        expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
        expect(d.log).toEqual([
          expect.objectContaining({
            attempt: 1,
            statusCode: 200,
            durationMs: expect.any(Number),
          }),
        ]);
      }
    });

    it('posts in MLflow format with X-MLflow-Signature', async () => {
      const model = registry.addModel('mlflow-format');
      const hook = await subscribe({
        events: ['version.register', 'alias.set'],
        modelRef: model.ref,
        format: 'mlflow',
        secret: 'a-secret-of-my-own-choosing',
      });
      expect(hook.secret).toBe('a-secret-of-my-own-choosing');
      await registry.registerVersion(model, {
        runId: 'abc123',
        tags: { team: 'risk' },
      });
      await api('put', `${model.path}/aliases/champion`)
        .send({ version: 1 })
        .expect(200);
      await deliverUntil(
        registry,
        async () => (await receivedFor(hook.id)).length >= 2,
      );
      const [created, alias] = (await receivedFor(hook.id)).sort((a, b) =>
        JSON.parse(a.body).entity.localeCompare(JSON.parse(b.body).entity),
      );
      expect(JSON.parse(created.body)).toEqual({
        entity: 'model_version',
        action: 'created',
        timestamp: expect.any(String),
        data: {
          name: model.name,
          version: '1',
          source: expect.any(String),
          run_id: 'abc123',
          tags: { team: 'risk' },
          description: null,
        },
      });
      expect(JSON.parse(alias.body)).toMatchObject({
        entity: 'model_version_alias',
        action: 'created',
        data: { name: model.name, alias: 'champion', version: '1' },
      });
      for (const r of [created, alias]) {
        expect(verifyMlflow(hook.secret, r.headers, r.body)).toBe(true);
      }
    });

    it('retries with backoff while the receiver is down, then delivers once', async () => {
      const model = registry.addModel('receiver-down');
      const hook = await subscribe({
        events: ['version.*'],
        modelRef: model.ref,
      });
      await receiver.stop();
      try {
        await registry.registerVersion(model);
        await registry.deliverEvents();
        await sleep(350);
        await registry.deliverEvents();
        const [pending] = await deliveries(hook.id);
        expect(pending).toMatchObject({ status: 'pending', attempts: 2 });
        expect(pending.lastError).toMatch(/ECONNREFUSED/);
        const [first, second] = pending.log;
        // the second attempt waited at least the first retry delay (0.3 s)
        expect(
          Date.parse(second.startedAt) - Date.parse(first.startedAt),
        ).toBeGreaterThanOrEqual(300);
      } finally {
        await receiver.start();
      }
      await deliverUntil(
        registry,
        async () => (await deliveries(hook.id))[0].status === 'delivered',
      );
      const [done] = await deliveries(hook.id);
      expect(done.attempts).toBe(3);
      expect(done.log.map((a: any) => a.statusCode ?? 'refused')).toEqual([
        'refused',
        'refused',
        200,
      ]);
      expect(await receivedFor(hook.id)).toHaveLength(1);
    });

    it('stops at the attempt limit against a receiver answering 500, logs each attempt, and redelivers', async () => {
      const model = registry.addModel('receiver-500');
      const hook = await subscribe({ events: ['*'], modelRef: model.ref });
      receiver.mode = { kind: 'status', status: 500 };
      try {
        await registry.registerVersion(model);
        await deliverUntil(
          registry,
          async () => (await deliveries(hook.id))[0]?.status === 'failed',
        );
        const [failed] = await deliveries(hook.id);
        expect(failed.attempts).toBe(3);
        expect(failed.log.map((a: any) => [a.attempt, a.statusCode])).toEqual([
          [1, 500],
          [2, 500],
          [3, 500],
        ]);
        expect(failed.log[0].responseExcerpt).toBe('receiver error');
        expect(failed.lastError).toContain('500');
        await registry.deliverEvents();
        expect(await receivedFor(hook.id)).toHaveLength(3);
      } finally {
        receiver.mode = { kind: 'ok' };
      }
      const [failed] = await deliveries(hook.id);
      const redelivered = await api(
        'post',
        `/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`,
      );
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toMatchObject({ status: 'pending' });
      await deliverUntil(
        registry,
        async () => (await deliveries(hook.id))[0].status === 'delivered',
      );
      const [done] = await deliveries(hook.id);
      expect(done).toMatchObject({ id: failed.id, attempts: 4 });
      const got = await receivedFor(hook.id);
      expect(got).toHaveLength(4);
      // the same delivery and event id every time, so receivers deduplicate
      expect(
        new Set(got.map(r => r.headers['x-model-registry-delivery-id'])),
      ).toEqual(new Set([failed.id]));
      expect(
        (
          await api('get', `/webhooks/${hook.id}/deliveries?status=delivered`)
        ).body.items.map((d: any) => d.id),
      ).toEqual([failed.id]);
    });

    it('does not follow a redirect', async () => {
      const model = registry.addModel('redirected');
      const hook = await subscribe({ events: ['*'], modelRef: model.ref });
      receiver.mode = { kind: 'redirect', location: 'http://10.0.0.1/steal' };
      try {
        await registry.registerVersion(model);
        await registry.deliverEvents();
      } finally {
        receiver.mode = { kind: 'ok' };
      }
      const [d] = await deliveries(hook.id);
      expect(d.log[0]).toMatchObject({
        statusCode: 302,
        error: 'redirect to http://10.0.0.1/steal not followed',
      });
    });

    it('follows only the subscribed types and model, and only while enabled', async () => {
      const model = registry.addModel('filtered');
      const other = registry.addModel('filtered-other');
      const hook = await subscribe({
        events: ['version.stage'],
        modelRef: model.ref,
      });
      const stage = (m: typeof model, to: string) =>
        api('post', `${m.path}/versions/1/stage`)
          .send({ stage: to })
          .expect(200);
      await registry.registerVersion(model);
      await registry.registerVersion(other);
      await stage(other, 'staging');
      await stage(model, 'staging');
      await registry.deliverEvents();
      await api('patch', `/webhooks/${hook.id}`)
        .send({ enabled: false })
        .expect(200);
      await stage(model, 'archived'); // while disabled: not queued
      await registry.deliverEvents();
      await api('patch', `/webhooks/${hook.id}`)
        .send({ enabled: true, description: 'again' })
        .expect(200);
      await stage(model, 'staging');
      await registry.deliverEvents();
      const queued = await deliveries(hook.id);
      expect(queued.map(d => [d.eventType, d.status])).toEqual([
        ['version.stage', 'delivered'],
        ['version.stage', 'delivered'],
      ]);
      expect(
        (await receivedFor(hook.id)).map(r => JSON.parse(r.body).after.stage),
      ).toEqual(['staging', 'staging']);
    });

    it('rotates the secret, shown once, and deletes a subscription with its log', async () => {
      const hook = await subscribe({ events: ['*'] });
      const rotated = await api('post', `/webhooks/${hook.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(hook.secret);
      expect(
        (await api('get', `/webhooks/${hook.id}`)).body,
      ).not.toHaveProperty('secret');
      await api('delete', `/webhooks/${hook.id}`).expect(204);
      expect((await api('get', `/webhooks/${hook.id}`)).status).toBe(404);
      expect((await api('delete', `/webhooks/${hook.id}`)).status).toBe(404);
      expect(
        await registry
          .knex('registry_webhook_deliveries')
          .where({ webhook_id: hook.id }),
      ).toEqual([]);
    });

    it('refuses URLs that reach loopback, private, link-local or metadata addresses, and plain http', async () => {
      const cases: Array<[string, string]> = [
        ['https://127.0.0.2/hook', 'a loopback address'],
        ['https://[::1]/hook', 'a loopback address'],
        ['https://10.1.2.3/hook', 'a private address'],
        ['https://192.168.1.1/hook', 'a private address'],
        [
          'https://169.254.169.254/latest/meta-data',
          'the cloud metadata address',
        ],
        ['https://[::ffff:10.0.0.1]/hook', 'a private address'],
        ['http://hooks.example.com/x', 'must use https'],
        ['ftp://hooks.example.com/x', 'must be an https URL'],
        ['https://user:pw@hooks.example.com/x', 'must not carry credentials'],
      ];
      const before = (await api('get', '/webhooks')).body.items.length;
      for (const [url, why] of cases) {
        const res = await api('post', '/webhooks').send({ url, events: ['*'] });
        expect([url, res.status, res.body.error?.message]).toEqual([
          url,
          400,
          expect.stringContaining(why),
        ]);
        expect(res.body.error.message).toMatch(/^url: /);
      }
      const hook = await subscribe({ events: ['*'] });
      const patched = await api('patch', `/webhooks/${hook.id}`).send({
        url: 'https://10.0.0.8/x',
      });
      expect(patched.status).toBe(400);
      expect((await api('get', `/webhooks/${hook.id}`)).body.url).toBe(
        receiver.url,
      );
      expect((await api('get', '/webhooks')).body.items.length).toBe(
        before + 1,
      );
    });

    it('answers bad input with 400 naming the field, changing nothing', async () => {
      const hook = await subscribe({ events: ['*'] });
      const cases: BadInputCase[] = [
        ['post', '/webhooks', 'no url', { events: ['*'] }, 'url'],
        ['post', '/webhooks', 'no events', { url: receiver.url }, 'events'],
        [
          'post',
          '/webhooks',
          'url not a URL',
          { url: 'not a url', events: ['*'] },
          'url',
        ],
        [
          'post',
          '/webhooks',
          'empty events',
          { url: receiver.url, events: [] },
          'events',
        ],
        [
          'post',
          '/webhooks',
          'unknown event',
          { url: receiver.url, events: ['version.bogus'] },
          'events[0]',
        ],
        [
          'post',
          '/webhooks',
          'unknown family',
          { url: receiver.url, events: ['x.*'] },
          'events[0]',
        ],
        [
          'post',
          '/webhooks',
          'event not a string',
          { url: receiver.url, events: [3] },
          'events',
        ],
        [
          'post',
          '/webhooks',
          'modelRef of a component',
          { url: receiver.url, events: ['*'], modelRef: 'component:default/x' },
          'modelRef',
        ],
        [
          'post',
          '/webhooks',
          'bad format',
          { url: receiver.url, events: ['*'], format: 'xml' },
          'format',
        ],
        [
          'post',
          '/webhooks',
          'short secret',
          { url: receiver.url, events: ['*'], secret: 'short' },
          'secret',
        ],
        [
          'post',
          '/webhooks',
          'unknown field',
          { url: receiver.url, events: ['*'], retries: 9 },
          'retries',
        ],
        [
          'post',
          '/webhooks',
          'enabled not boolean',
          { url: receiver.url, events: ['*'], enabled: 'yes' },
          'enabled',
        ],
        [
          'patch',
          `/webhooks/${hook.id}`,
          'patch bad event',
          { events: ['nope'] },
          'events[0]',
        ],
        [
          'patch',
          `/webhooks/${hook.id}`,
          'patch unknown field',
          { secret: 'x'.repeat(20) },
          'secret',
        ],
        [
          'patch',
          `/webhooks/${hook.id}`,
          'patch bad format',
          { format: 'xml' },
          'format',
        ],
        [
          'get',
          `/webhooks/${hook.id}/deliveries?status=lost`,
          'bad status',
          undefined,
          'status',
        ],
        [
          'get',
          `/webhooks/${hook.id}/deliveries?limit=0`,
          'bad limit',
          undefined,
          'limit',
        ],
        [
          'get',
          `/webhooks/${hook.id}/deliveries?cursor=forged`,
          'bad cursor',
          undefined,
          'cursor',
        ],
      ];
      const before = (await api('get', '/webhooks')).body.items;
      await expectBadInput(registry, cases);
      expect((await api('get', '/webhooks')).body.items).toEqual(before);
      expect(
        (await api('post', `/webhooks/${hook.id}/deliveries/nope/redeliver`))
          .status,
      ).toBe(404);
      expect((await api('get', '/webhooks/missing')).status).toBe(404);
    });

    it('needs model-registry.webhook.manage on every webhook route, audited', async () => {
      const hook = await subscribe({ events: ['*'] });
      registry.reset();
      registry.setDecision(
        'model-registry.webhook.manage',
        AuthorizeResult.DENY,
      );
      const routes: Array<[any, string, object?]> = [
        ['get', '/webhooks'],
        ['post', '/webhooks', { url: receiver.url, events: ['*'] }],
        ['get', `/webhooks/${hook.id}`],
        ['patch', `/webhooks/${hook.id}`, { enabled: false }],
        ['delete', `/webhooks/${hook.id}`],
        ['post', `/webhooks/${hook.id}/rotate-secret`],
        ['get', `/webhooks/${hook.id}/deliveries`],
        ['post', `/webhooks/${hook.id}/deliveries/x/redeliver`],
      ];
      for (const [method, path, body] of routes) {
        const res = await api(method, path).send(body ?? {});
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
      expect(registry.auditEvents.map(e => [e.actionType, e.status])).toEqual([
        ['webhook.create', 'failed'],
        ['webhook.update', 'failed'],
        ['webhook.delete', 'failed'],
        ['webhook.rotate-secret', 'failed'],
        ['webhook.redeliver', 'failed'],
      ]);
      registry.reset();
      // Mallory is denied everything by the test policy; services are allowed
      expect((await api('get', '/webhooks', callers.mallory)).status).toBe(403);
      expect((await api('get', '/webhooks', callers.service)).status).toBe(200);
      const kept = await api('get', `/webhooks/${hook.id}`);
      expect(kept.body.enabled).toBe(true);
    });
  },
  {
    config: () => ({
      modelRegistry: {
        webhooks: {
          allowHttpHosts: ['127.0.0.1'],
          allowPrivateHosts: ['127.0.0.1'],
          retryBaseSeconds: 0.3,
          maxAttempts: 3,
          timeoutSeconds: 2,
          concurrency: 2,
        },
      },
    }),
  },
);
