import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
} from '../__testUtils__/startRegistry';

const eve = mockCredentials.user.header('user:default/eve');

/** A version that passes every gate of the test config but the time in staging. */
const complete = (auc: number) => ({
  metrics: { auc },
  card: { intendedUse: 'Scoring card transactions' },
  code: { repository: 'https://github.com/acme/fraud', commit: 'abc1234' },
  lineage: [
    { relation: 'trainedOn', entityRef: 'resource:default/transactions' },
  ],
});

describeRegistry(
  'promotion gates',
  registry => {
    async function model(base: string) {
      return registry.addModel(base, { hiddenFrom: ['user:default/eve'] });
    }
    const gates = (
      path: string,
      version: number,
      stage: string,
      auth = callers.alice,
    ) =>
      registry.api(
        'get',
        `${path}/versions/${version}/gates?stage=${stage}`,
        auth,
      );
    const move = (
      path: string,
      version: number,
      body: object,
      auth = callers.alice,
    ) =>
      registry
        .api('post', `${path}/versions/${version}/stage`, auth)
        .send(body);

    it('dry-runs the gates of a stage with each result and reason', async () => {
      const m = await model('dry-run');
      const bare = await registry.registerVersion(m);
      const dry = await gates(m.path, bare, 'staging');
      expect(dry.status).toBe(200);
      expect(dry.body).toEqual({
        stage: 'staging',
        passed: false,
        results: [
          {
            gate: 'status-ready',
            passed: true,
            reason: 'the version is ready',
          },
          {
            gate: 'card-complete',
            passed: false,
            reason: 'the card lacks intendedUse',
          },
        ],
      });
      const full = await registry.registerVersion(m, complete(0.9));
      const production = await gates(m.path, full, 'production');
      expect(production.body.results).toEqual([
        expect.objectContaining({ gate: 'lineage-present', passed: true }),
        expect.objectContaining({
          gate: 'metric-not-worse:auc',
          passed: true,
          reason: 'no current production version to compare with',
        }),
        expect.objectContaining({
          gate: 'min-time-in-stage:staging',
          passed: false,
          reason: 'the version is in none, not staging',
        }),
      ]);
      // a stage without gates passes
      const none = await gates(m.path, bare, 'archived');
      expect(none.body).toEqual({
        stage: 'archived',
        passed: true,
        results: [],
      });
      expect((await gates(m.path, bare, 'staging', eve)).status).toBe(404);
      expect((await gates(m.path, 99, 'staging')).status).toBe(404);
    });

    it('blocks a direct move on a failing gate, unless overridden with a reason and the permission', async () => {
      const m = await model('override');
      const v = await registry.registerVersion(m);
      const blocked = await move(m.path, v, { stage: 'staging' });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toContain(
        'gate card-complete (the card lacks intendedUse)',
      );
      const noReason = await move(m.path, v, {
        stage: 'staging',
        overrideGates: true,
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain('comment');
      registry.setDecision(
        'model-registry.gate.override',
        AuthorizeResult.DENY,
      );
      const denied = await move(m.path, v, {
        stage: 'staging',
        overrideGates: true,
        comment: 'card follows',
      });
      expect(denied.status).toBe(403);
      registry.reset();
      const overridden = await move(m.path, v, {
        stage: 'staging',
        overrideGates: true,
        comment: 'card follows tomorrow',
      });
      expect(overridden.status).toBe(200);
      const history = await registry.api(
        'get',
        `${m.path}/versions/${v}/history?limit=1`,
      );
      expect(history.body.items[0].comment).toBe(
        'gates overridden (card-complete): card follows tomorrow',
      );
      // a passing version moves without any override
      const good = await registry.registerVersion(m, complete(0.9));
      await move(m.path, good, { stage: 'staging' }).expect(200);
    });

    it('records gate results on a request, overrides included, and re-checks them when the approval executes', async () => {
      const m = await model('request-gates');
      const current = await registry.registerVersion(m, complete(0.9));
      const worse = await registry.registerVersion(m, complete(0.85));
      // the current production version (a break-glass promotion of a version that passes
      // its gates but the time in staging, overridden)
      await move(m.path, current, {
        stage: 'production',
        breakGlass: true,
        overrideGates: true,
        comment: 'first release',
      }).expect(200);
      const open = (body: object) =>
        registry
          .api('post', `${m.path}/versions/${worse}/promotion-requests`)
          .send(body);
      const blocked = await open({ stage: 'production' });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toContain('metric-not-worse:auc');
      const opened = await open({
        stage: 'production',
        overrideGates: true,
        comment: 'recall matters more here',
      });
      expect(opened.status).toBe(201);
      expect(opened.body.gateResults).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'metric-not-worse:auc',
            passed: false,
            overridden: {
              by: 'user:default/alice',
              reason: 'recall matters more here',
            },
          }),
          expect.objectContaining({ gate: 'lineage-present', passed: true }),
        ]),
      );
      const approved = await registry
        .api(
          'post',
          `${m.path}/promotion-requests/${opened.body.id}/approve`,
          callers.bob,
        )
        .send({});
      expect(approved.status).toBe(200);
      expect(approved.body.executed.version).toMatchObject({
        version: worse,
        stage: 'production',
      });
    });

    it('blocks the execution when a gate that passed at request time fails at approval', async () => {
      const m = await model('recheck');
      const v = await registry.registerVersion(m, complete(0.85));
      const better = await registry.registerVersion(m, complete(0.95));
      // at request time there is no production version: the metric gate passes
      const { body: request } = await registry
        .api('post', `${m.path}/versions/${v}/promotion-requests`)
        .send({
          stage: 'production',
          overrideGates: true,
          comment: 'no staging soak',
        });
      expect(request.gateResults).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'metric-not-worse:auc',
            passed: true,
          }),
        ]),
      );
      // meanwhile a better version goes to production
      await move(m.path, better, {
        stage: 'production',
        breakGlass: true,
        overrideGates: true,
        comment: 'hotfix',
      }).expect(200);
      const approve = await registry
        .api(
          'post',
          `${m.path}/promotion-requests/${request.id}/approve`,
          callers.bob,
        )
        .send({});
      expect(approve.status).toBe(409);
      expect(approve.body.error.message).toContain(
        'gate metric-not-worse:auc (auc 0.85 vs 0.95',
      );
      const after = await registry.api(
        'get',
        `${m.path}/promotion-requests/${request.id}`,
      );
      expect(after.body).toMatchObject({
        status: 'open',
        approvals: 0,
        decisions: [],
      });
      const production = await registry.api(
        'get',
        `${m.path}/versions?stage=production`,
      );
      expect(production.body.items.map((x: any) => x.version)).toEqual([
        better,
      ]);
    });

    it('answers MLflow transition-stage blocked by a gate with INVALID_STATE', async () => {
      const m = await model('mlflow-gates');
      await registry.registerVersion(m);
      const res = await registry
        .api('post', '/mlflow/api/2.0/mlflow/model-versions/transition-stage')
        .send({ name: m.name, version: '1', stage: 'Staging' });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_STATE');
      expect(res.body.message).toContain('card-complete');
    });

    it('names the field of bad input', async () => {
      const m = await model('gates-bad-input');
      await registry.registerVersion(m);
      const cases: BadInputCase[] = [
        ['get', `${m.path}/versions/1/gates`, 'no stage', undefined, 'stage'],
        [
          'get',
          `${m.path}/versions/1/gates?stage=canary`,
          'unknown stage',
          undefined,
          'stage',
        ],
        [
          'get',
          `${m.path}/versions/01/gates?stage=staging`,
          'non-canonical version',
          undefined,
          'version',
        ],
        [
          'post',
          `${m.path}/versions/1/stage`,
          'overrideGates not a boolean',
          { stage: 'staging', overrideGates: 'yes' },
          'overrideGates',
        ],
        [
          'post',
          `${m.path}/versions/1/promotion-requests`,
          'overrideGates not a boolean',
          { stage: 'production', overrideGates: 1 },
          'overrideGates',
        ],
      ];
      await expectBadInput(registry, cases);
      // nothing moved
      const version = await registry.api('get', `${m.path}/versions/1`);
      expect(version.body.stage).toBe('none');
    });
  },
  {
    config: () => ({
      modelRegistry: {
        stages: {
          approvals: {
            production: { required: 1, directPromotion: 'break-glass' },
          },
          gates: {
            staging: [
              { type: 'status-ready' },
              { type: 'card-complete', sections: ['intendedUse'] },
            ],
            production: [
              { type: 'lineage-present' },
              {
                type: 'metric-not-worse',
                metric: 'auc',
                direction: 'higher',
                tolerance: 0.01,
              },
              { type: 'min-time-in-stage', stage: 'staging', hours: 24 },
            ],
          },
        },
      },
    }),
  },
);
