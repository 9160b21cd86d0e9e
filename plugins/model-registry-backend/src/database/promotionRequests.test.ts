import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ALICE,
  aliceStage,
  BOB,
  countRows,
  describeOnEachDatabase,
  FRAUD,
  input,
  rules,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

const CAROL = 'user:default/carol';
const bobDecides = { actor: BOB, stageRules: rules };
const carolDecides = { actor: CAROL, stageRules: rules };

describeOnEachDatabase('promotion requests', createStore => {
  async function withVersions(n: number) {
    const created = await createStore();
    for (let i = 1; i <= n; i++) {
      await created.store.registerVersion(FRAUD, input(i), aliceStage);
    }
    return created;
  }

  it('opens a request that another user approves, executing the promotion with its history', async () => {
    const { store } = await withVersions(2);
    await store.transitionStage(FRAUD, 1, 'production', aliceStage);
    const opened = await store.openPromotionRequest(
      FRAUD,
      {
        version: 2,
        stage: 'production',
        requiredApprovals: 1,
        gateResults: [{ gate: 'status-ready', passed: true }],
      },
      { actor: ALICE, comment: 'AUC +2 pt' },
    );
    expect(opened).toMatchObject({
      modelRef: FRAUD,
      version: 2,
      stage: 'production',
      status: 'open',
      requestedBy: ALICE,
      comment: 'AUC +2 pt',
      requiredApprovals: 1,
      approvals: 0,
      decisions: [],
      gateResults: [{ gate: 'status-ready', passed: true }],
    });
    expect((await store.getVersion(FRAUD, 2))?.stage).toBe('none');

    const result = await store.decidePromotionRequest(
      FRAUD,
      opened.id,
      'approve',
      { ...bobDecides, comment: 'checked the card' },
    );
    expect(result.executed?.archived).toEqual([1]);
    expect(result.executed?.version).toMatchObject({
      version: 2,
      stage: 'production',
      updatedBy: BOB,
    });
    expect(result.request).toMatchObject({
      status: 'executed',
      approvals: 1,
      closedBy: BOB,
      decisions: [
        { decidedBy: BOB, decision: 'approve', comment: 'checked the card' },
      ],
    });
    expect((await store.getVersion(FRAUD, 1))?.stage).toBe('archived');

    const history = await store.listHistory(FRAUD, { version: 2, limit: 10 });
    expect(history.items.map(h => [h.action, h.actor])).toEqual([
      ['version.stage', BOB],
      ['promotion.approve', BOB],
      ['promotion.request', ALICE],
      ['version.register', ALICE],
    ]);
    expect(history.items[0].comment).toBe(
      `Promotion request ${opened.id} approved: checked the card`,
    );
  });

  it('needs N distinct approvers other than the requester', async () => {
    const { store } = await withVersions(1);
    const { id } = await store.openPromotionRequest(
      FRAUD,
      { version: 1, stage: 'production', requiredApprovals: 2 },
      { actor: ALICE },
    );
    await expect(
      store.decidePromotionRequest(FRAUD, id, 'approve', aliceStage),
    ).rejects.toThrow(NotAllowedError);
    const first = await store.decidePromotionRequest(
      FRAUD,
      id,
      'approve',
      bobDecides,
    );
    expect(first.executed).toBeUndefined();
    expect(first.request).toMatchObject({ status: 'open', approvals: 1 });
    await expect(
      store.decidePromotionRequest(FRAUD, id, 'approve', bobDecides),
    ).rejects.toThrow(ConflictError);
    const second = await store.decidePromotionRequest(
      FRAUD,
      id,
      'approve',
      carolDecides,
    );
    expect(second.executed?.version.stage).toBe('production');
    expect(second.request).toMatchObject({ status: 'executed', approvals: 2 });
    // self-approval only where config allows it
    await store.registerVersion(FRAUD, input(2), aliceStage);
    const own = await store.openPromotionRequest(
      FRAUD,
      { version: 2, stage: 'staging', requiredApprovals: 1 },
      { actor: ALICE },
    );
    const self = await store.decidePromotionRequest(FRAUD, own.id, 'approve', {
      ...aliceStage,
      stageRules: {
        ...rules,
        approvals: {
          staging: {
            required: 1,
            allowSelfApproval: true,
            directPromotion: 'never',
            notify: [],
          },
        },
      },
    });
    expect(self.executed?.version.stage).toBe('staging');
  });

  it('keeps one open request per version and stage, and closes by rejection or cancellation', async () => {
    const { store } = await withVersions(1);
    const request = { version: 1, stage: 'production', requiredApprovals: 1 };
    const first = await store.openPromotionRequest(FRAUD, request, {
      actor: ALICE,
    });
    await expect(
      store.openPromotionRequest(FRAUD, request, { actor: BOB }),
    ).rejects.toThrow(
      `already has an open request for production (request ${first.id})`,
    );
    // another stage is another request
    await store.openPromotionRequest(
      FRAUD,
      { ...request, stage: 'staging' },
      { actor: ALICE },
    );

    const rejected = await store.decidePromotionRequest(
      FRAUD,
      first.id,
      'reject',
      { ...bobDecides, comment: 'card incomplete' },
    );
    expect(rejected.request).toMatchObject({
      status: 'rejected',
      closedBy: BOB,
    });
    await expect(
      store.decidePromotionRequest(FRAUD, first.id, 'approve', carolDecides),
    ).rejects.toThrow(`promotion request ${first.id} is rejected`);

    const second = await store.openPromotionRequest(FRAUD, request, {
      actor: ALICE,
    });
    await expect(
      store.cancelPromotionRequest(FRAUD, second.id, { actor: BOB }),
    ).rejects.toThrow(NotAllowedError);
    const cancelled = await store.cancelPromotionRequest(FRAUD, second.id, {
      actor: ALICE,
    });
    expect(cancelled.status).toBe('cancelled');
    await expect(
      store.decidePromotionRequest(FRAUD, second.id, 'approve', bobDecides),
    ).rejects.toThrow(ConflictError);
    expect((await store.getVersion(FRAUD, 1))?.stage).toBe('none');
    const history = await store.listHistory(FRAUD, { version: 1, limit: 10 });
    expect(history.items.map(h => h.action)).toEqual([
      'promotion.cancel',
      'promotion.request',
      'promotion.reject',
      'promotion.request',
      'promotion.request',
      'version.register',
    ]);
  });

  it('refuses expired requests, lists them as expired, and lets a new one open', async () => {
    const { store } = await withVersions(1);
    const request = { version: 1, stage: 'production', requiredApprovals: 1 };
    const expired = await store.openPromotionRequest(
      FRAUD,
      { ...request, expiresAt: new Date(Date.now() - 1000) },
      { actor: ALICE },
    );
    expect(expired.status).toBe('expired');
    await expect(
      store.decidePromotionRequest(FRAUD, expired.id, 'approve', bobDecides),
    ).rejects.toThrow(`promotion request ${expired.id} expired at`);
    const fresh = await store.openPromotionRequest(
      FRAUD,
      { ...request, expiresAt: new Date(Date.now() + 3_600_000) },
      { actor: ALICE },
    );
    const open = await store.listPromotionRequests({
      modelRef: FRAUD,
      status: 'open',
      limit: 10,
    });
    expect(open.items.map(r => r.id)).toEqual([fresh.id]);
    const gone = await store.listPromotionRequests({
      modelRef: FRAUD,
      status: 'expired',
      limit: 10,
    });
    expect(gone.items.map(r => r.id)).toEqual([expired.id]);
    // pages of all of them, newest first
    const firstPage = await store.listPromotionRequests({ limit: 1 });
    expect(firstPage.items.map(r => r.id)).toEqual([fresh.id]);
    const next = await store.listPromotionRequests({
      limit: 1,
      cursor: firstPage.nextCursor,
    });
    expect(next.items.map(r => r.id)).toEqual([expired.id]);
    expect(next.nextCursor).toBeUndefined();
  });

  it('closes expired requests once in a sweep, with history', async () => {
    const { store } = await withVersions(2);
    const past = await store.openPromotionRequest(
      FRAUD,
      {
        version: 1,
        stage: 'production',
        requiredApprovals: 1,
        expiresAt: new Date(Date.now() - 1000),
      },
      { actor: ALICE },
    );
    const future = await store.openPromotionRequest(
      FRAUD,
      {
        version: 2,
        stage: 'production',
        requiredApprovals: 1,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
      { actor: ALICE },
    );
    const swept = await store.expirePromotionRequests();
    expect(swept.map(r => [r.id, r.status])).toEqual([[past.id, 'expired']]);
    expect(await store.expirePromotionRequests()).toEqual([]);
    expect((await store.getPromotionRequest(FRAUD, future.id))?.status).toBe(
      'open',
    );
    const history = await store.listHistory(FRAUD, { version: 1, limit: 1 });
    expect(history.items[0]).toMatchObject({
      action: 'promotion.expire',
      actor: 'plugin:model-registry',
    });
    // the version may be requested again
    await store.openPromotionRequest(
      FRAUD,
      { version: 1, stage: 'production', requiredApprovals: 1 },
      { actor: ALICE },
    );
  });

  it('fails cleanly when the version was deleted meanwhile or a re-checked gate fails', async () => {
    const { store, knex } = await withVersions(2);
    const deleted = await store.openPromotionRequest(
      FRAUD,
      { version: 1, stage: 'production', requiredApprovals: 1 },
      { actor: ALICE },
    );
    await store.deleteVersion(FRAUD, 1, aliceStage);
    await expect(
      store.decidePromotionRequest(FRAUD, deleted.id, 'approve', bobDecides),
    ).rejects.toThrow(NotFoundError);
    expect(await countRows(knex, 'promotion_decisions')).toBe(0);

    const gated = await store.openPromotionRequest(
      FRAUD,
      { version: 2, stage: 'production', requiredApprovals: 1 },
      { actor: ALICE },
    );
    await expect(
      store.decidePromotionRequest(FRAUD, gated.id, 'approve', {
        ...bobDecides,
        gates: {
          has: stage => stage === 'production',
          evaluate: async gateInput => [
            {
              gate: 'status-ready',
              passed: false,
              reason: `version ${gateInput.version.version} is failed`,
            },
          ],
        },
      }),
    ).rejects.toThrow('gate status-ready (version 2 is failed)');
    expect(await countRows(knex, 'promotion_decisions')).toBe(0);
    expect((await store.getPromotionRequest(FRAUD, gated.id))?.status).toBe(
      'open',
    );
    expect((await store.getVersion(FRAUD, 2))?.stage).toBe('none');
    // unknown requests and versions
    await expect(
      store.decidePromotionRequest(FRAUD, 999_999, 'approve', bobDecides),
    ).rejects.toThrow(NotFoundError);
    await expect(
      store.openPromotionRequest(
        FRAUD,
        { version: 9, stage: 'production', requiredApprovals: 1 },
        { actor: ALICE },
      ),
    ).rejects.toThrow(NotFoundError);
    expect(await store.getPromotionRequest(FRAUD, -1)).toBeUndefined();
  });
});
