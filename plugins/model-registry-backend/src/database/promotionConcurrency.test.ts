/*
 * Promotion requests racing on three replicas of one PostgreSQL database (see
 * __testUtils__/replicas.ts; SQLite serialises everything, so these races need PostgreSQL).
 */
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { PG_ENV, replicaHarness } from './__testUtils__/replicas';

jest.setTimeout(120_000);

const rules = DEFAULT_STAGE_RULES;
const MODEL = 'mlmodel:default/raced';
const ALICE = 'user:default/alice';
const approver = (i: number) => ({
  actor: `user:default/approver-${i}`,
  stageRules: rules,
});

const { onPostgres, createReplicas, closeExtraPools } = replicaHarness();

(onPostgres ? describe : describe.skip)(
  `promotion requests under concurrency${
    onPostgres ? '' : ` (skipped: needs PostgreSQL, set ${PG_ENV})`
  }`,
  () => {
    afterEach(closeExtraPools);

    it('executes a promotion once when approvals arrive at the same moment on three replicas', async () => {
      const { at } = await createReplicas();
      for (let v = 1; v <= 2; v++) {
        await at(0).registerVersion(
          MODEL,
          { source: `s3://m/${v}` },
          { actor: ALICE, stageRules: rules },
        );
      }
      await at(0).transitionStage(MODEL, 1, 'production', {
        actor: ALICE,
        stageRules: rules,
      });
      const { id } = await at(1).openPromotionRequest(
        MODEL,
        { version: 2, stage: 'production', requiredApprovals: 2 },
        { actor: ALICE },
      );
      // six approvers at once: two are needed; the rest find the request executed
      const results = await Promise.allSettled(
        [0, 1, 2, 3, 4, 5].map(i =>
          at(i).decidePromotionRequest(MODEL, id, 'approve', approver(i)),
        ),
      );
      const executed = results.filter(
        r => r.status === 'fulfilled' && r.value.executed,
      );
      expect(executed).toHaveLength(1);
      const refused = results.filter(r => r.status === 'rejected');
      for (const r of refused) {
        expect((r as PromiseRejectedResult).reason.name).toBe('ConflictError');
      }
      expect(results.length - refused.length).toBe(2);
      const request = await at(2).getPromotionRequest(MODEL, id);
      expect(request).toMatchObject({ status: 'executed', approvals: 2 });
      const production = await at(0).listVersions(MODEL, {
        limit: 10,
        stage: 'production',
      });
      expect(production.items.map(v => v.version)).toEqual([2]);
      const history = await at(0).listHistory(MODEL, { version: 2, limit: 20 });
      expect(
        history.items.filter(h => h.action === 'version.stage'),
      ).toHaveLength(1);
    });

    it('leaves one production version when an approval races a direct promotion', async () => {
      const { at } = await createReplicas();
      for (let round = 0; round < 5; round++) {
        const model = `${MODEL}-${round}`;
        for (let v = 1; v <= 2; v++) {
          await at(0).registerVersion(
            model,
            { source: `s3://m/${v}` },
            { actor: ALICE, stageRules: rules },
          );
        }
        const { id } = await at(0).openPromotionRequest(
          model,
          { version: 1, stage: 'production', requiredApprovals: 1 },
          { actor: ALICE },
        );
        await Promise.allSettled([
          at(round + 1).decidePromotionRequest(
            model,
            id,
            'approve',
            approver(1),
          ),
          at(round + 2).transitionStage(model, 2, 'production', {
            actor: 'user:default/break-glass',
            stageRules: rules,
          }),
        ]);
        const production = await at(0).listVersions(model, {
          limit: 10,
          stage: 'production',
        });
        expect(production.items).toHaveLength(1);
      }
    });
  },
);
