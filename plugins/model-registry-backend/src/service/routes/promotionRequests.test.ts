import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ALICE,
  BOB,
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
  MALLORY,
} from '../__testUtils__/startRegistry';

const CAROL = 'user:default/carol';
const carol = mockCredentials.user.header(CAROL);

describeRegistry(
  'promotion requests',
  registry => {
    /** A model with versions 1..n registered by Alice. */
    async function model(base: string, versions = 2) {
      const created = registry.addModel(base, {
        hiddenFrom: ['user:default/eve'],
      });
      for (let i = 0; i < versions; i++)
        await registry.registerVersion(created);
      return created;
    }
    const openRequest = (
      path: string,
      version: number,
      body: object,
      auth = callers.alice,
    ) =>
      registry
        .api('post', `${path}/versions/${version}/promotion-requests`, auth)
        .send(body);

    it('opens a request that two other users approve, which executes the promotion with history and audit', async () => {
      const m = await model('governed');
      const opened = await openRequest(m.path, 2, {
        stage: 'production',
        comment: 'AUC +2 pt',
      });
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({
        modelRef: m.ref,
        version: 2,
        stage: 'production',
        status: 'open',
        requestedBy: ALICE,
        requiredApprovals: 2,
        approvals: 0,
        expiresAt: expect.any(String),
      });
      const id = opened.body.id;
      expect(registry.auditEvents).toContainEqual(
        expect.objectContaining({
          actionType: 'promotion.request',
          status: 'succeeded',
        }),
      );
      const again = await openRequest(m.path, 2, { stage: 'production' });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain(`request ${id}`);

      // the requester cannot approve; a user without the approve permission gets 403
      const own = await registry.api(
        'post',
        `${m.path}/promotion-requests/${id}/approve`,
      );
      expect(own.status).toBe(403);
      const denied = await registry
        .api(
          'post',
          `${m.path}/promotion-requests/${id}/approve`,
          callers.mallory,
        )
        .send({});
      expect(denied.status).toBe(403);

      const first = await registry
        .api('post', `${m.path}/promotion-requests/${id}/approve`, callers.bob)
        .send({ comment: 'card reviewed' });
      expect(first.status).toBe(200);
      expect(first.body.request).toMatchObject({
        status: 'open',
        approvals: 1,
      });
      expect(first.body.executed).toBeUndefined();
      const second = await registry
        .api('post', `${m.path}/promotion-requests/${id}/approve`, carol)
        .send({});
      expect(second.status).toBe(200);
      expect(second.body.request).toMatchObject({
        status: 'executed',
        approvals: 2,
      });
      expect(second.body.executed.version).toMatchObject({
        version: 2,
        stage: 'production',
      });

      const version = await registry.api('get', `${m.path}/versions/2`);
      expect(version.body.stage).toBe('production');
      const history = await registry.api('get', `${m.path}/history?limit=10`);
      expect(history.body.items.map((h: any) => [h.action, h.actor])).toEqual([
        ['version.stage', CAROL],
        ['promotion.approve', CAROL],
        ['promotion.approve', BOB],
        ['promotion.request', ALICE],
        ['version.register', ALICE],
        ['version.register', ALICE],
      ]);
      const listed = await registry.api(
        'get',
        `${m.path}/promotion-requests?status=executed`,
      );
      expect(listed.body.items.map((r: any) => r.id)).toEqual([id]);
      const read = await registry.api(
        'get',
        `${m.path}/promotion-requests/${id}`,
      );
      expect(read.body.decisions.map((d: any) => d.decidedBy)).toEqual([
        BOB,
        CAROL,
      ]);
    });

    it('notifies the approvers, the requester and the owners, and signals open pages', async () => {
      const m = await model('noticed');
      const { body: request } = await openRequest(m.path, 1, {
        stage: 'production',
        comment: 'ready',
      });
      expect(registry.notifications).toEqual([
        {
          recipients: {
            type: 'entity',
            entityRef: ['group:default/platform-ml'],
            excludeEntityRef: ALICE,
          },
          payload: expect.objectContaining({
            title: `Approve ${m.ref} v1 for production?`,
            link: `/catalog/default/mlmodel/${m.name}/versions`,
            topic: 'model-registry.promotion',
          }),
        },
      ]);
      expect(registry.signals).toContainEqual(
        expect.objectContaining({
          channel: `model-registry:${m.ref}`,
          message: expect.objectContaining({
            requestId: request.id,
            status: 'open',
          }),
        }),
      );
      registry.notifications.length = 0;
      for (const approver of [callers.bob, carol]) {
        await registry
          .api(
            'post',
            `${m.path}/promotion-requests/${request.id}/approve`,
            approver,
          )
          .send({})
          .expect(200);
      }
      // the requester hears of the executed request, the owner of the new production version
      expect(registry.notifications).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: ALICE },
          payload: expect.objectContaining({
            title: `Your promotion of ${m.ref} v1 was approved: v1 is in production`,
          }),
        }),
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: m.entity.spec?.owner,
            excludeEntityRef: CAROL,
          },
          payload: expect.objectContaining({
            title: `${m.ref}: v1 is in production now`,
          }),
        }),
      ]);
      expect(registry.signals).toContainEqual(
        expect.objectContaining({
          message: expect.objectContaining({
            type: 'stage',
            version: 1,
            stage: 'production',
          }),
        }),
      );
    });

    it('lists requests across models: mine requested, and mine to approve', async () => {
      const seen = registry.addModel('listed-a');
      const hidden = registry.addModel('listed-b', { hiddenFrom: [BOB] });
      for (const m of [seen, hidden]) {
        await registry.registerVersion(m);
      }
      const { body: onSeen } = await openRequest(seen.path, 1, {
        stage: 'production',
      });
      const { body: onHidden } = await openRequest(hidden.path, 1, {
        stage: 'production',
      });
      // every page of a listing: the backend is shared, so rows are found by filtering
      const list = async (query: string, auth = callers.bob) => {
        const items: any[] = [];
        let cursor: string | undefined;
        do {
          const res = await registry.api(
            'get',
            `/promotion-requests?${query}&limit=5${
              cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
            }`,
            auth,
          );
          expect(res.status).toBe(200);
          items.push(...res.body.items);
          cursor = res.body.nextCursor;
        } while (cursor);
        return items;
      };
      const ids = (items: any[]) => items.map(r => r.id);

      const mine = await list('mine=requested', callers.alice);
      expect(ids(mine)).toEqual(
        expect.arrayContaining([onSeen.id, onHidden.id]),
      );
      expect(mine.every(r => r.requestedBy === ALICE)).toBe(true);
      // bob cannot read the hidden model; his own requests are never his to approve
      const toApprove = await list('mine=to-approve');
      expect(ids(toApprove)).toContain(onSeen.id);
      expect(ids(toApprove)).not.toContain(onHidden.id);
      expect(
        toApprove.every(r => r.status === 'open' && r.requestedBy !== BOB),
      ).toBe(true);
      const bobs = await list('mine=requested');
      expect(ids(bobs)).not.toContain(onSeen.id);
      expect(bobs.every(r => r.requestedBy === BOB)).toBe(true);
      // once bob decided, the request is no longer his to approve
      await registry
        .api(
          'post',
          `${seen.path}/promotion-requests/${onSeen.id}/approve`,
          callers.bob,
        )
        .send({})
        .expect(200);
      expect(ids(await list('mine=to-approve'))).not.toContain(onSeen.id);
      expect(ids(await list('mine=to-approve', carol))).toContain(onSeen.id);
      // without the approve permission nothing is to approve
      registry.setDecision(
        'model-registry.promotion.approve',
        AuthorizeResult.DENY,
      );
      expect(await list('mine=to-approve', carol)).toEqual([]);
      registry.reset();
      // everything readable, with a status
      const open = await list('status=open', callers.alice);
      expect(ids(open)).toEqual(
        expect.arrayContaining([onSeen.id, onHidden.id]),
      );
      expect(open.every(r => r.status === 'open')).toBe(true);
      await expectBadInput(
        registry,
        [
          [
            'get',
            '/promotion-requests?mine=everything',
            'unknown mine',
            undefined,
            'mine',
          ],
          [
            'get',
            '/promotion-requests?mine=to-approve&status=executed',
            'closed status to approve',
            undefined,
            'status',
          ],
          [
            'get',
            '/promotion-requests?limit=0',
            'limit zero',
            undefined,
            'limit',
          ],
        ],
        callers.bob,
      );
    });

    it('refuses a direct move into a stage that needs approvals, except a break-glass promotion with a reason', async () => {
      const m = await model('break-glass');
      const stage = (body: object, auth = callers.bob) =>
        registry.api('post', `${m.path}/versions/1/stage`, auth).send(body);
      const direct = await stage({ stage: 'production' });
      expect(direct.status).toBe(409);
      expect(direct.body.error.message).toContain(
        'production needs 2 approvals',
      );
      const noReason = await stage({ stage: 'production', breakGlass: true });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain('comment');
      registry.setDecision(
        'model-registry.version.promote-production',
        AuthorizeResult.DENY,
      );
      const notAllowed = await stage({
        stage: 'production',
        breakGlass: true,
        comment: 'outage',
      });
      expect(notAllowed.status).toBe(403);
      registry.setDecision(
        'model-registry.version.promote-production',
        AuthorizeResult.ALLOW,
      );
      const glass = await stage({
        stage: 'production',
        breakGlass: true,
        comment: 'outage fix',
      });
      expect(glass.status).toBe(200);
      expect(glass.body.version.stage).toBe('production');
      const history = await registry.api(
        'get',
        `${m.path}/versions/1/history?limit=1`,
      );
      expect(history.body.items[0]).toMatchObject({
        action: 'version.stage',
        actor: BOB,
        comment: 'Break-glass promotion: outage fix',
      });
      expect(registry.auditEvents).toContainEqual(
        expect.objectContaining({
          actionType: 'version.stage',
          meta: expect.objectContaining({ breakGlass: true }),
        }),
      );
      // staging needs no approval: moved directly, and no request or break-glass for it
      await registry
        .api('post', `${m.path}/versions/2/stage`, callers.alice)
        .send({ stage: 'staging' })
        .expect(200);
      const needless = await openRequest(m.path, 2, { stage: 'staging' });
      expect(needless.status).toBe(400);
      expect(needless.body.error.message).toContain('needs no approval');
      const glassless = await registry
        .api('post', `${m.path}/versions/2/stage`, callers.alice)
        .send({ stage: 'archived', breakGlass: true, comment: 'x' });
      expect(glassless.status).toBe(400);
      expect(glassless.body.error.message).toContain('breakGlass');
    });

    it('rejects, cancels (requester only) and refuses decisions on closed requests', async () => {
      const m = await model('closing');
      const { body: first } = await openRequest(m.path, 1, {
        stage: 'production',
      });
      const rejected = await registry
        .api(
          'post',
          `${m.path}/promotion-requests/${first.id}/reject`,
          callers.bob,
        )
        .send({ comment: 'card incomplete' });
      expect(rejected.status).toBe(200);
      expect(rejected.body.request).toMatchObject({
        status: 'rejected',
        closedBy: BOB,
      });
      const late = await registry
        .api('post', `${m.path}/promotion-requests/${first.id}/approve`, carol)
        .send({});
      expect(late.status).toBe(409);

      const { body: second } = await openRequest(m.path, 1, {
        stage: 'production',
      });
      const foreign = await registry.api(
        'post',
        `${m.path}/promotion-requests/${second.id}/cancel`,
        callers.bob,
      );
      expect(foreign.status).toBe(403);
      const cancelled = await registry.api(
        'post',
        `${m.path}/promotion-requests/${second.id}/cancel`,
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      const open = await registry.api(
        'get',
        `${m.path}/promotion-requests?status=open`,
      );
      expect(open.body.items).toEqual([]);
    });

    it('authorizes every route: read follows the catalog, opening and deciding need their permissions', async () => {
      const m = await model('authz');
      const { body: request } = await openRequest(m.path, 1, {
        stage: 'production',
      });
      const eve = mockCredentials.user.header('user:default/eve');
      // a user who cannot read the model: 404 everywhere
      for (const [method, path] of [
        ['post', `${m.path}/versions/2/promotion-requests`],
        ['get', `${m.path}/promotion-requests`],
        ['get', `${m.path}/promotion-requests/${request.id}`],
        ['post', `${m.path}/promotion-requests/${request.id}/approve`],
        ['post', `${m.path}/promotion-requests/${request.id}/reject`],
        ['post', `${m.path}/promotion-requests/${request.id}/cancel`],
      ] as const) {
        const res = await registry
          .api(method, path, eve)
          .send(
            path.endsWith('promotion-requests') ? { stage: 'production' } : {},
          );
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      // without the request permission
      registry.setDecision(
        'model-registry.promotion.request',
        AuthorizeResult.DENY,
      );
      const noRequest = await openRequest(m.path, 2, { stage: 'production' });
      expect(noRequest.status).toBe(403);
      registry.reset();
      // without the approve permission, neither approve nor reject
      registry.setDecision(
        'model-registry.promotion.approve',
        AuthorizeResult.DENY,
      );
      for (const decision of ['approve', 'reject']) {
        const res = await registry
          .api(
            'post',
            `${m.path}/promotion-requests/${request.id}/${decision}`,
            callers.bob,
          )
          .send({});
        expect([decision, res.status]).toEqual([decision, 403]);
      }
      const still = await registry.api(
        'get',
        `${m.path}/promotion-requests/${request.id}`,
      );
      expect(still.body).toMatchObject({
        status: 'open',
        approvals: 0,
        decisions: [],
      });
      // a caller denied everything (mallory) changes nothing
      registry.reset();
      const mallory = await openRequest(
        m.path,
        2,
        { stage: 'production' },
        callers.mallory,
      );
      expect(mallory.status).toBe(403);
      const requests = await registry.api(
        'get',
        `${m.path}/promotion-requests`,
      );
      expect(requests.body.items.map((r: any) => r.requestedBy)).toEqual([
        ALICE,
      ]);
      expect(MALLORY).toBe('user:default/mallory');
      // unknown requests and versions
      const unknown = await registry.api(
        'get',
        `${m.path}/promotion-requests/999999`,
      );
      expect(unknown.status).toBe(404);
      const noVersion = await openRequest(m.path, 9, { stage: 'production' });
      expect(noVersion.status).toBe(404);
    });

    it('names the field of bad input and changes nothing', async () => {
      const m = await model('bad-input');
      const { body: request } = await openRequest(m.path, 1, {
        stage: 'production',
      });
      const cases: BadInputCase[] = [
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'no stage',
          {},
          'stage',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'unknown stage',
          { stage: 'canary' },
          'stage',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'stage not a string',
          { stage: 3 },
          'stage',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'unknown field',
          { stage: 'production', urgent: true },
          'urgent',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'long comment',
          { stage: 'production', comment: 'x'.repeat(5001) },
          'comment',
        ],
        [
          'post',
          `${m.path}/versions/02/promotion-requests`,
          'non-canonical version',
          { stage: 'production' },
          'version',
        ],
        [
          'get',
          `${m.path}/promotion-requests?status=pending`,
          'unknown status',
          undefined,
          'status',
        ],
        [
          'get',
          `${m.path}/promotion-requests?limit=101`,
          'limit too large',
          undefined,
          'limit',
        ],
        [
          'get',
          `${m.path}/promotion-requests?cursor=forged`,
          'forged cursor',
          undefined,
          'cursor',
        ],
        [
          'get',
          `${m.path}/promotion-requests/abc`,
          'id not a number',
          undefined,
          'requestId',
        ],
        [
          'post',
          `${m.path}/promotion-requests/0/approve`,
          'id zero',
          {},
          'requestId',
        ],
        [
          'post',
          `${m.path}/promotion-requests/${request.id}/approve`,
          'comment not a string',
          { comment: 5 },
          'comment',
        ],
        [
          'post',
          `${m.path}/promotion-requests/${request.id}/reject`,
          'unknown decision field',
          { verdict: 'no' },
          'verdict',
        ],
        [
          'post',
          `${m.path}/versions/2/stage`,
          'breakGlass not a boolean',
          { stage: 'production', breakGlass: 'yes' },
          'breakGlass',
        ],
      ];
      await expectBadInput(registry, cases, callers.bob);
      const after = await registry.api('get', `${m.path}/promotion-requests`);
      expect(
        after.body.items.map((r: any) => [r.id, r.status, r.approvals]),
      ).toEqual([[request.id, 'open', 0]]);
    });

    it('answers MLflow transition-stage into such a stage with INVALID_STATE, changing nothing', async () => {
      const m = await model('mlflow-governed');
      const res = await registry
        .api(
          'post',
          '/mlflow/api/2.0/mlflow/model-versions/transition-stage',
          callers.bob,
        )
        .send({ name: m.name, version: '1', stage: 'Production' });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_STATE');
      expect(res.body.message).toContain('promotion-requests');
      const version = await registry.api('get', `${m.path}/versions/1`);
      expect(version.body.stage).toBe('none');
    });
  },
  {
    config: () => ({
      modelRegistry: {
        stages: {
          approvals: {
            production: {
              required: 2,
              expiresAfterHours: 72,
              directPromotion: 'break-glass',
              notify: ['group:default/platform-ml'],
            },
          },
        },
      },
    }),
  },
);
