import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
  MALLORY,
  TestModel,
} from '../__testUtils__/startRegistry';

describeRegistry(
  'monitoring',
  registry => {
    const api = registry.api.bind(registry);

    /** A model with two versions, v2 in production. */
    async function monitoredModel(base: string, annotation?: string) {
      const model = registry.addModel(base, { hiddenFrom: [MALLORY] });
      if (annotation) {
        model.entity.metadata.annotations = {
          'model-registry.io/monitoring-thresholds': annotation,
        };
      }
      await registry.registerVersion(model);
      await registry.registerVersion(model);
      await api('post', `${model.path}/versions/2/stage`)
        .send({ stage: 'production' })
        .expect(200);
      return model;
    }
    const report = (
      model: TestModel,
      version: number,
      observations: object[],
      auth = callers.service,
    ) =>
      api('post', `${model.path}/versions/${version}/monitoring`, auth).send({
        observations,
      });
    const events = async (modelRef: string, type: string) =>
      (
        await registry
          .knex('registry_events')
          .where({ model_ref: modelRef, type })
          .select('payload')
      ).map(r => JSON.parse(r.payload));
    const alertNotices = () =>
      registry.notifications.filter(
        n => n.payload.topic === 'model-registry.monitoring',
      );

    it('opens one alert and one notification for observations over the threshold, and resolves it', async () => {
      const model = await monitoredModel('drifting');
      const set = await api('put', `${model.path}/monitoring/thresholds`).send({
        thresholds: [
          { metric: 'drift_score', max: 0.3 },
          { metric: 'live_accuracy', min: 0.9 },
        ],
      });
      expect(set.status).toBe(200);
      expect(set.body.thresholds).toEqual([
        { metric: 'drift_score', max: 0.3, origin: 'api' },
        { metric: 'live_accuracy', min: 0.9, origin: 'api' },
      ]);

      const first = await report(model, 2, [
        { metric: 'drift_score', value: 0.1, source: 'evidently' },
        { metric: 'drift_score', value: 0.35, source: 'evidently' },
        { metric: 'drift_score', value: 0.41, source: 'evidently' },
        { metric: 'p99_latency_ms', value: 87 },
      ]);
      expect(first.status).toBe(201);
      expect(first.body.accepted).toBe(4);
      expect(first.body.opened).toEqual([
        expect.objectContaining({
          modelRef: model.ref,
          version: 2,
          metric: 'drift_score',
          status: 'open',
          value: 0.35,
          lastValue: 0.41,
          max: 0.3,
          source: 'evidently',
        }),
      ]);
      // more breaching observations: the open alert is updated, nothing new is sent
      const second = await report(model, 2, [
        { metric: 'drift_score', value: 0.5 },
      ]);
      expect(second.body).toEqual({ accepted: 1, opened: [], resolved: [] });
      expect(await events(model.ref, 'monitoring.alert')).toHaveLength(1);
      expect(alertNotices()).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: 'group:default/risk-ml' },
          payload: expect.objectContaining({
            title: `${model.ref} v2: drift_score 0.35 above 0.3`,
            severity: 'high',
          }),
        }),
      ]);
      const open = await api('get', `${model.path}/monitoring`);
      expect(open.body.openAlerts).toEqual([
        expect.objectContaining({ metric: 'drift_score', lastValue: 0.5 }),
      ]);

      const recovered = await report(model, 2, [
        { metric: 'drift_score', value: 0.2 },
        { metric: 'live_accuracy', value: 0.95 },
      ]);
      expect(recovered.body.resolved).toEqual([
        expect.objectContaining({ metric: 'drift_score', status: 'resolved' }),
      ]);
      expect(await events(model.ref, 'monitoring.resolve')).toHaveLength(1);
      expect(alertNotices()).toHaveLength(1);
      expect(
        (await api('get', `${model.path}/monitoring`)).body.openAlerts,
      ).toEqual([]);

      const series = await api(
        'get',
        `${model.path}/versions/2/monitoring?limit=3`,
      );
      expect(series.status).toBe(200);
      const drift = series.body.series.find(
        (s: any) => s.metric === 'drift_score',
      );
      expect(drift.threshold).toEqual({
        metric: 'drift_score',
        max: 0.3,
        origin: 'api',
      });
      expect(drift.points.map((p: any) => p.value)).toEqual([0.41, 0.5, 0.2]);
      expect(drift.points[0]).toMatchObject({
        source: 'evidently',
        reportedBy: expect.stringMatching(/^service:/),
      });
      expect(series.body.series.map((s: any) => s.metric)).toEqual([
        'drift_score',
        'live_accuracy',
        'p99_latency_ms',
      ]);
      expect(series.body.alerts).toEqual([
        expect.objectContaining({ metric: 'drift_score', status: 'resolved' }),
      ]);
      const oneMetric = await api(
        'get',
        `${model.path}/versions/2/monitoring?metric=live_accuracy`,
      );
      expect(oneMetric.body.series.map((s: any) => s.metric)).toEqual([
        'live_accuracy',
      ]);
    });

    it('keeps a bounded series per version and metric', async () => {
      const model = await monitoredModel('bounded');
      for (let i = 0; i < 3; i++) {
        await report(
          model,
          1,
          [1, 2, 3].map(n => ({ metric: 'rows', value: i * 3 + n })),
        ).expect(201);
      }
      const series = await api(
        'get',
        `${model.path}/versions/1/monitoring?limit=100`,
      );
      // modelRegistry.monitoring.maxObservationsPerSeries is 5 in this backend
      expect(series.body.series[0].points.map((p: any) => p.value)).toEqual([
        5, 6, 7, 8, 9,
      ]);
    });

    it('reads thresholds from the entity annotation; the API wins for the metrics it names', async () => {
      const model = await monitoredModel(
        'annotated',
        'drift_score <= 0.2, live_accuracy >= 0.85, p99_latency_ms<250, nonsense',
      );
      const before = await api('get', `${model.path}/monitoring`);
      expect(before.body.thresholds).toEqual([
        { metric: 'drift_score', max: 0.2, origin: 'annotation' },
        { metric: 'live_accuracy', min: 0.85, origin: 'annotation' },
        { metric: 'p99_latency_ms', max: 250, origin: 'annotation' },
      ]);
      const opened = await report(model, 2, [
        { metric: 'p99_latency_ms', value: 300 },
      ]);
      expect(opened.body.opened).toHaveLength(1);
      await api('put', `${model.path}/monitoring/thresholds`)
        .send({ thresholds: [{ metric: 'drift_score', min: 0, max: 0.5 }] })
        .expect(200);
      const after = await api('get', `${model.path}/monitoring`);
      expect(after.body.thresholds[0]).toEqual({
        metric: 'drift_score',
        min: 0,
        max: 0.5,
        origin: 'api',
      });
      expect(
        (await report(model, 2, [{ metric: 'drift_score', value: 0.3 }])).body
          .opened,
      ).toEqual([]);
    });

    it("maps Alertmanager's webhook onto the right versions", async () => {
      const model = await monitoredModel('alerting');
      await api('put', `${model.path}/aliases/champion`)
        .send({ version: 1 })
        .expect(200);
      const hidden = registry.addModel('alerting-hidden', {
        hiddenFrom: [MALLORY],
      });
      const alert = (labels: Record<string, string>, extra: object = {}) => ({
        status: 'firing',
        labels: { alertname: 'HighDrift', ...labels },
        annotations: { summary: 'Drift above 0.3 for 15m', value: '0.42' },
        startsAt: '2026-12-02T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `fp-${Object.values(labels).join('-')}`,
        ...extra,
      });
      const body = {
        version: '4',
        status: 'firing',
        receiver: 'model-registry',
        groupLabels: {},
        commonLabels: {},
        externalURL: 'http://alertmanager:9093',
        alerts: [
          alert({ model: model.name }), // no version label: production (v2)
          alert({
            model: `default/${model.name}`,
            version: '1',
            alertname: 'LowAccuracy',
          }),
          alert({
            model: model.ref,
            version: 'champion',
            alertname: 'Latency',
          }),
          alert({ model: 'no-such-model' }),
          alert({ model: model.name, version: '9' }),
          alert({ service: 'payments' }),
          alert({ model: 'component:default/payments' }),
        ],
      };
      const res = await api(
        'post',
        '/monitoring/alertmanager',
        callers.service,
      ).send(body);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(3);
      expect(res.body.skipped.map((s: any) => [s.index, s.reason])).toEqual([
        [3, 'model mlmodel:default/no-such-model does not exist'],
        [4, `${model.ref} has no version 9`],
        [5, 'no model label'],
        [6, 'label model names a component, not an MLModel'],
      ]);
      const open = (await api('get', `${model.path}/monitoring`)).body
        .openAlerts;
      expect(
        open
          .map((a: any) => [a.version, a.metric, a.value, a.source, a.summary])
          .sort(),
      ).toEqual([
        [1, 'Latency', 0.42, 'alertmanager', 'Drift above 0.3 for 15m'],
        [1, 'LowAccuracy', 0.42, 'alertmanager', 'Drift above 0.3 for 15m'],
        [2, 'HighDrift', 0.42, 'alertmanager', 'Drift above 0.3 for 15m'],
      ]);
      expect(alertNotices()).toHaveLength(3);
      // the same alert again (Alertmanager repeats): nothing new
      await api('post', '/monitoring/alertmanager', callers.service)
        .send({ alerts: [alert({ model: model.name })] })
        .expect(200);
      expect(alertNotices()).toHaveLength(3);
      // resolved
      const resolved = await api(
        'post',
        '/monitoring/alertmanager',
        callers.service,
      ).send({
        alerts: [
          alert(
            { model: model.name },
            { status: 'resolved', endsAt: '2026-12-02T11:00:00Z' },
          ),
        ],
      });
      expect(resolved.body).toEqual({ accepted: 1, skipped: [] });
      const left = (await api('get', `${model.path}/monitoring`)).body
        .openAlerts;
      expect(left.map((a: any) => a.metric).sort()).toEqual([
        'Latency',
        'LowAccuracy',
      ]);
      // a caller who cannot see a model cannot report on it
      const mallory = await api(
        'post',
        '/monitoring/alertmanager',
        callers.mallory,
      ).send({
        alerts: [alert({ model: hidden.name })],
      });
      expect(mallory.body).toEqual({
        accepted: 0,
        skipped: [
          expect.objectContaining({
            index: 0,
            reason: `model ${hidden.ref} does not exist`,
          }),
        ],
      });
    });

    it('answers bad input with 400 naming the field, storing nothing', async () => {
      const model = await monitoredModel('bad-input');
      const path = `${model.path}/versions/2/monitoring`;
      const ok = { metric: 'drift_score', value: 0.1 };
      const cases: BadInputCase[] = [
        ['post', path, 'no observations', {}, 'observations'],
        ['post', path, 'empty', { observations: [] }, 'observations'],
        [
          'post',
          path,
          'too many',
          { observations: Array(1001).fill(ok) },
          'observations',
        ],
        ['post', path, 'no metric', { observations: [{ value: 1 }] }, 'metric'],
        [
          'post',
          path,
          'bad metric',
          { observations: [{ metric: 'drift score', value: 1 }] },
          'metric',
        ],
        [
          'post',
          path,
          'no value',
          { observations: [{ metric: 'x' }] },
          'value',
        ],
        [
          'post',
          path,
          'value a string',
          { observations: [{ metric: 'x', value: '1' }] },
          'value',
        ],
        [
          'post',
          path,
          'bad window',
          { observations: [ok, { ...ok, windowStart: 'yesterday' }] },
          'observations[1].windowStart',
        ],
        [
          'post',
          path,
          'window reversed',
          {
            observations: [
              {
                ...ok,
                windowStart: '2026-12-02T10:00:00Z',
                windowEnd: '2026-12-02T09:00:00Z',
              },
            ],
          },
          'observations[0].windowEnd',
        ],
        [
          'post',
          path,
          'unknown field',
          { observations: [{ ...ok, unit: 'ms' }] },
          'unit',
        ],
        [
          'post',
          path,
          'long source',
          { observations: [{ ...ok, source: 'x'.repeat(256) }] },
          'source',
        ],
        [
          'post',
          `${model.path}/versions/02/monitoring`,
          'version not canonical',
          { observations: [ok] },
          'version',
        ],
        [
          'put',
          `${model.path}/monitoring/thresholds`,
          'no thresholds',
          {},
          'thresholds',
        ],
        [
          'put',
          `${model.path}/monitoring/thresholds`,
          'no bound',
          { thresholds: [{ metric: 'x' }] },
          'thresholds[0]',
        ],
        [
          'put',
          `${model.path}/monitoring/thresholds`,
          'min above max',
          { thresholds: [{ metric: 'x', min: 2, max: 1 }] },
          'thresholds[0].min',
        ],
        [
          'put',
          `${model.path}/monitoring/thresholds`,
          'twice',
          {
            thresholds: [
              { metric: 'x', max: 1 },
              { metric: 'x', min: 0 },
            ],
          },
          'thresholds[1].metric',
        ],
        [
          'put',
          `${model.path}/monitoring/thresholds`,
          'max a string',
          { thresholds: [{ metric: 'x', max: 'high' }] },
          'max',
        ],
        ['get', `${path}?limit=500`, 'limit too large', undefined, 'limit'],
        [
          'get',
          `${path}?metric=a%20b`,
          'bad metric query',
          undefined,
          'metric',
        ],
        [
          'post',
          '/monitoring/alertmanager',
          'no alerts',
          { status: 'firing' },
          'alerts',
        ],
        [
          'post',
          '/monitoring/alertmanager',
          'labels not strings',
          { alerts: [{ labels: { model: 3 } }] },
          'model',
        ],
      ];
      await expectBadInput(registry, cases, callers.service);
      const series = await api('get', path);
      expect(series.body.series).toEqual([]);
      expect(
        (await api('get', `${model.path}/monitoring`)).body.thresholds,
      ).toEqual([]);
      expect((await report(model, 7, [ok])).status).toBe(404);
    });

    it('needs model-registry.monitoring.report and .configure, and hides unreadable models', async () => {
      const model = await monitoredModel('guarded');
      for (const [permission, call] of [
        [
          'model-registry.monitoring.report',
          () => report(model, 2, [{ metric: 'x', value: 1 }], callers.alice),
        ],
        [
          'model-registry.monitoring.configure',
          () =>
            api('put', `${model.path}/monitoring/thresholds`).send({
              thresholds: [{ metric: 'x', max: 1 }],
            }),
        ],
      ] as const) {
        registry.reset();
        registry.setDecision(permission, AuthorizeResult.DENY);
        const denied = await call();
        expect([permission, denied.status]).toEqual([permission, 403]);
        expect(registry.auditEvents.at(-1)?.status).toBe('failed');
        registry.reset();
        const allowed = await call();
        expect([permission, allowed.status]).toEqual([
          permission,
          permission.endsWith('report') ? 201 : 200,
        ]);
      }
      registry.reset();
      for (const [method, path] of [
        ['get', `${model.path}/monitoring`],
        ['get', `${model.path}/versions/2/monitoring`],
        ['post', `${model.path}/versions/2/monitoring`],
        ['put', `${model.path}/monitoring/thresholds`],
      ] as const) {
        const res = await api(method, path, callers.mallory).send(
          method === 'put'
            ? { thresholds: [] }
            : { observations: [{ metric: 'x', value: 1 }] },
        );
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      const series = await api('get', `${model.path}/versions/2/monitoring`);
      expect(series.body.series[0].points).toHaveLength(1);
    });
  },
  {
    config: () => ({
      modelRegistry: { monitoring: { maxObservationsPerSeries: 5 } },
    }),
  },
);
