import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DEFAULT_STAGE_RULES,
  LineageGraph,
  LineageNode,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { encodeCursor } from './cursors';
import { DatabaseModelRegistryStore } from './DatabaseModelRegistryStore';
import { ListVersionsOptions, NewModelVersion } from './ModelRegistryStore';

jest.setTimeout(60_000);

const rules = DEFAULT_STAGE_RULES;
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const alice = { actor: ALICE };
const bob = { actor: BOB };
const aliceStage = { actor: ALICE, stageRules: rules };

const FRAUD = 'mlmodel:default/fraud';
const CHURN = 'mlmodel:default/churn';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function input(n: number, extra: Partial<NewModelVersion> = {}) {
  return { source: `s3://models/${n}`, ...extra };
}

async function countRows(knex: Knex, table: string, where: object = {}) {
  const [{ n }] = await knex(table).where(where).count({ n: '*' });
  return Number(n);
}

/** Pages through listVersions, failing on a duplicate; returns the version numbers in order. */
async function collectVersions(
  store: DatabaseModelRegistryStore,
  modelRef: string,
  options: Omit<ListVersionsOptions, 'cursor'>,
) {
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listVersions(modelRef, { ...options, cursor });
    expect(page.items.length).toBeLessThanOrEqual(options.limit);
    for (const item of page.items) {
      expect(seen).not.toContain(item.version);
      seen.push(item.version);
    }
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return seen;
}

/** Code-point order of ids, the same on every machine (unlike localeCompare). */
function byId(a: { id: string }, b: { id: string }) {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** A graph with its nodes and edges in a fixed order, edges as "from -relation-> to". */
function normalizeGraph(lineage: LineageGraph) {
  return {
    root: lineage.root,
    nodes: [...lineage.nodes].sort(byId),
    edges: lineage.edges.map(e => `${e.from} -${e.relation}-> ${e.to}`).sort(),
  };
}

/** The expected graph, put in the same order as normalizeGraph. */
function graph(root: string, nodes: Partial<LineageNode>[], edges: string[]) {
  return {
    root,
    nodes: [...nodes].sort((a, b) => byId(a as LineageNode, b as LineageNode)),
    edges: [...edges].sort(),
  };
}

const vNode = (ref: string, version: number, depth: number) => ({
  id: `version:${ref}@${version}`,
  type: 'version' as const,
  ref,
  version,
  depth,
});
const eNode = (ref: string, depth: number) => ({
  id: `entity:${ref}`,
  type: 'entity' as const,
  ref,
  depth,
});
const uNode = (ref: string, depth: number) => ({
  id: `uri:${ref}`,
  type: 'uri' as const,
  ref,
  depth,
});
const vId = (ref: string, version: number) => `version:${ref}@${version}`;

describe('DatabaseModelRegistryStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await DatabaseModelRegistryStore.migrate(knex);
    return { knex, store: new DatabaseModelRegistryStore(knex) };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    // --- registerVersion / getVersion ---------------------------------------------------

    describe('registerVersion and getVersion', () => {
      it('numbers versions 1, 2, 3 and stores every field', async () => {
        const { store } = await createStore(databaseId);
        const first = await store.registerVersion(
          FRAUD,
          {
            source: 's3://models/fraud/1',
            status: 'pending',
            runId: 'run-1',
            runLink: 'https://mlflow.example.com/runs/run-1',
            code: {
              repository: 'https://github.com/acme/fraud',
              commit: 'abc',
            },
            framework: 'pytorch',
            description: 'First cut',
            signature: { inputs: [{ name: 'amount', type: 'double' }] },
            metrics: { auc: 0.91, f1: 0.8 },
            params: { lr: '0.01' },
            tags: { team: 'risk', env: 'dev' },
            card: { intendedUse: 'Scoring card transactions' },
          },
          { ...aliceStage, comment: 'initial' },
        );
        expect(first.created).toBe(true);
        expect(first.version).toEqual({
          modelRef: FRAUD,
          version: 1,
          status: 'pending',
          stage: 'none',
          aliases: [],
          source: 's3://models/fraud/1',
          runId: 'run-1',
          runLink: 'https://mlflow.example.com/runs/run-1',
          code: { repository: 'https://github.com/acme/fraud', commit: 'abc' },
          framework: 'pytorch',
          description: 'First cut',
          signature: { inputs: [{ name: 'amount', type: 'double' }] },
          metrics: { auc: 0.91, f1: 0.8 },
          params: { lr: '0.01' },
          tags: { env: 'dev', team: 'risk' },
          card: { intendedUse: 'Scoring card transactions' },
          createdBy: ALICE,
          createdAt: expect.stringMatching(ISO),
          updatedBy: ALICE,
          updatedAt: first.version.createdAt,
          stageUpdatedAt: first.version.createdAt,
        });
        expect(await store.getVersion(FRAUD, 1)).toEqual(first.version);

        const second = await store.registerVersion(FRAUD, input(2), {
          ...aliceStage,
          actor: BOB,
        });
        const third = await store.registerVersion(FRAUD, input(3), aliceStage);
        expect([second.version.version, third.version.version]).toEqual([2, 3]);
        expect(second.version).toEqual({
          modelRef: FRAUD,
          version: 2,
          status: 'ready',
          stage: 'none',
          aliases: [],
          source: 's3://models/2',
          metrics: {},
          params: {},
          tags: {},
          createdBy: BOB,
          createdAt: expect.stringMatching(ISO),
          updatedBy: BOB,
          updatedAt: second.version.createdAt,
          stageUpdatedAt: second.version.createdAt,
        });

        // Another model has its own numbers.
        const churn = await store.registerVersion(CHURN, input(1), aliceStage);
        expect(churn.version.version).toBe(1);

        expect(await store.getVersion(FRAUD, 4)).toBeUndefined();
        expect(await store.getVersion(CHURN, 2)).toBeUndefined();
        expect(
          await store.getVersion('mlmodel:default/none', 1),
        ).toBeUndefined();

        const history = await store.listHistory(FRAUD, {
          version: 1,
          limit: 10,
        });
        expect(history.items).toEqual([
          {
            id: expect.any(Number),
            modelRef: FRAUD,
            version: 1,
            action: 'version.register',
            actor: ALICE,
            comment: 'initial',
            after: { ...first.version, lineage: [] },
            createdAt: first.version.createdAt,
          },
        ]);
      });

      it('starts a version in the first configured stage', async () => {
        const { store } = await createStore(databaseId);
        const { version } = await store.registerVersion(FRAUD, input(1), {
          actor: ALICE,
          stageRules: {
            stages: ['dev', 'prod', 'retired'],
            archivedStage: 'retired',
            singleOccupancyStages: ['prod'],
            protectedStages: ['prod'],
          },
        });
        expect(version.stage).toBe('dev');
      });

      it('returns the first version for a repeated idempotency key', async () => {
        const { store, knex } = await createStore(databaseId);
        const first = await store.registerVersion(
          FRAUD,
          input(1, { tags: { a: '1' } }),
          { ...aliceStage, idempotencyKey: 'job-42' },
        );
        expect(first.created).toBe(true);
        expect(first.version.version).toBe(1);

        const retry = await store.registerVersion(
          FRAUD,
          input(99, { tags: { b: '2' } }),
          { ...aliceStage, idempotencyKey: 'job-42' },
        );
        expect(retry.created).toBe(false);
        expect(retry.version).toEqual(first.version);

        expect(await countRows(knex, 'model_versions')).toBe(1);
        expect(await countRows(knex, 'model_version_tags')).toBe(1);
        expect(await countRows(knex, 'history')).toBe(1);

        // The key belongs to one model; another key or no key is a new version.
        const other = await store.registerVersion(CHURN, input(1), {
          ...aliceStage,
          idempotencyKey: 'job-42',
        });
        expect(other).toMatchObject({
          created: true,
          version: { modelRef: CHURN, version: 1 },
        });
        const next = await store.registerVersion(FRAUD, input(2), {
          ...aliceStage,
          idempotencyKey: 'job-43',
        });
        expect(next).toMatchObject({ created: true, version: { version: 2 } });
        const noKey = await store.registerVersion(FRAUD, input(3), aliceStage);
        expect(noKey.version.version).toBe(3);
        expect(await countRows(knex, 'model_versions')).toBe(4);
      });

      it('stores tags and lineage given at registration', async () => {
        const { store } = await createStore(databaseId);
        const { version } = await store.registerVersion(
          FRAUD,
          input(1, {
            tags: { 'data.snapshot': '2026-11-01', owner: 'risk' },
            lineage: [
              { relation: 'trainedOn', entityRef: 'Resource:default/Card-Tx' },
              {
                relation: 'builtFromCommit',
                uri: 'https://github.com/a/b/c/1',
              },
            ],
          }),
          aliceStage,
        );
        expect(version.tags).toEqual({
          'data.snapshot': '2026-11-01',
          owner: 'risk',
        });
        const edges = await store.listLineageEdges(FRAUD, 1);
        expect(edges).toEqual([
          {
            id: expect.any(Number),
            modelRef: FRAUD,
            version: 1,
            relation: 'trainedOn',
            targetType: 'entity',
            target: 'resource:default/card-tx',
            createdBy: ALICE,
            createdAt: version.createdAt,
          },
          {
            id: expect.any(Number),
            modelRef: FRAUD,
            version: 1,
            relation: 'builtFromCommit',
            targetType: 'uri',
            target: 'https://github.com/a/b/c/1',
            createdBy: ALICE,
            createdAt: version.createdAt,
          },
        ]);
        expect(edges[1].id).toBeGreaterThan(edges[0].id);
      });

      it('leaves nothing behind when a registration fails midway', async () => {
        const { store, knex } = await createStore(databaseId);
        // An edge without a target fails on insert, after the version row and its tags.
        await expect(
          store.registerVersion(
            FRAUD,
            input(1, {
              tags: { a: '1' },
              lineage: [{ relation: 'trainedOn' }],
            }),
            aliceStage,
          ),
        ).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
        expect(await countRows(knex, 'models')).toBe(0);
        expect(await countRows(knex, 'model_versions')).toBe(0);
        expect(await countRows(knex, 'model_version_tags')).toBe(0);
        expect(await countRows(knex, 'history')).toBe(0);
        const { version } = await store.registerVersion(
          FRAUD,
          input(1),
          aliceStage,
        );
        expect(version.version).toBe(1);
      });
    });

    // --- listVersions -----------------------------------------------------------------

    describe('listVersions', () => {
      it('pages by version in both directions without duplicates or skips', async () => {
        const { store } = await createStore(databaseId);
        for (let i = 1; i <= 7; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        await store.registerVersion(CHURN, input(1), aliceStage);

        const first = await store.listVersions(FRAUD, { limit: 3 });
        expect(first.items.map(v => v.version)).toEqual([7, 6, 5]);
        expect(first.nextCursor).toEqual(expect.any(String));
        const second = await store.listVersions(FRAUD, {
          limit: 3,
          cursor: first.nextCursor,
        });
        expect(second.items.map(v => v.version)).toEqual([4, 3, 2]);
        const third = await store.listVersions(FRAUD, {
          limit: 3,
          cursor: second.nextCursor,
        });
        expect(third.items.map(v => v.version)).toEqual([1]);
        expect(third.nextCursor).toBeUndefined();

        for (const limit of [1, 2, 3, 7, 50]) {
          expect(
            await collectVersions(store, FRAUD, {
              limit,
              sort: 'version',
              order: 'asc',
            }),
          ).toEqual([1, 2, 3, 4, 5, 6, 7]);
          expect(
            await collectVersions(store, FRAUD, {
              limit,
              sort: 'version',
              order: 'desc',
            }),
          ).toEqual([7, 6, 5, 4, 3, 2, 1]);
        }
        // An exact fit has no next page.
        expect(
          (await store.listVersions(FRAUD, { limit: 7 })).nextCursor,
        ).toBeUndefined();
        expect(
          await store.listVersions('mlmodel:default/none', { limit: 5 }),
        ).toEqual({ items: [], nextCursor: undefined });
      });

      it('neither repeats nor skips versions registered while paging', async () => {
        const { store } = await createStore(databaseId);
        for (let i = 1; i <= 5; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        const seen: number[] = [];
        let page = await store.listVersions(FRAUD, { limit: 2, order: 'asc' });
        let n = 6;
        for (;;) {
          seen.push(...page.items.map(v => v.version));
          if (!page.nextCursor) break;
          if (n <= 8) {
            await store.registerVersion(FRAUD, input(n++), aliceStage);
          }
          page = await store.listVersions(FRAUD, {
            limit: 2,
            order: 'asc',
            cursor: page.nextCursor,
          });
        }
        expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('sorts by createdAt, updatedAt, status and stage with version as tie-breaker', async () => {
        const { store, knex } = await createStore(databaseId);
        for (let i = 1; i <= 6; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        // Creation times out of version order, with ties.
        const base = Date.parse('2026-01-01T00:00:00.000Z');
        const offsets = [3, 1, 3, 0, 2, 1];
        for (let i = 1; i <= 6; i++) {
          await knex('model_versions')
            .where({ model_ref: FRAUD, version: i })
            .update({ created_at: new Date(base + offsets[i - 1] * 1000) });
        }
        for (const limit of [1, 2, 4, 10]) {
          expect(
            await collectVersions(store, FRAUD, {
              limit,
              sort: 'createdAt',
              order: 'asc',
            }),
          ).toEqual([4, 2, 6, 5, 1, 3]);
          expect(
            await collectVersions(store, FRAUD, {
              limit,
              sort: 'createdAt',
              order: 'desc',
            }),
          ).toEqual([3, 1, 5, 6, 2, 4]);
        }
        const v4 = await store.getVersion(FRAUD, 4);
        expect(v4?.createdAt).toBe('2026-01-01T00:00:00.000Z');

        // updatedAt follows the last change.
        await store.updateVersion(FRAUD, 2, { description: 'x' }, alice);
        await knex('model_versions')
          .where({ model_ref: FRAUD })
          .whereIn('version', [1, 3, 4, 5, 6])
          .update({ updated_at: new Date(base) });
        await knex('model_versions')
          .where({ model_ref: FRAUD, version: 5 })
          .update({ updated_at: new Date(base + 5000) });
        expect(
          await collectVersions(store, FRAUD, {
            limit: 2,
            sort: 'updatedAt',
            order: 'desc',
          }),
        ).toEqual([2, 5, 6, 4, 3, 1]);

        await store.updateVersion(FRAUD, 1, { status: 'pending' }, alice);
        await store.updateVersion(FRAUD, 4, { status: 'failed' }, alice);
        await store.updateVersion(FRAUD, 6, { status: 'pending' }, alice);
        expect(
          await collectVersions(store, FRAUD, {
            limit: 2,
            sort: 'status',
            order: 'asc',
          }),
        ).toEqual([4, 1, 6, 2, 3, 5]);

        await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
        await store.transitionStage(FRAUD, 5, 'production', aliceStage);
        await store.transitionStage(FRAUD, 6, 'staging', aliceStage);
        expect(
          await collectVersions(store, FRAUD, {
            limit: 1,
            sort: 'stage',
            order: 'desc',
          }),
        ).toEqual([6, 3, 5, 4, 2, 1]);
      });

      it('filters by stage, alias, status and tag', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(
          FRAUD,
          input(1, { tags: { env: 'prod', team: 'risk' } }),
          aliceStage,
        );
        await store.registerVersion(
          FRAUD,
          input(2, { status: 'failed', tags: { env: 'dev' } }),
          aliceStage,
        );
        await store.registerVersion(
          FRAUD,
          input(3, { tags: { env: 'prod' } }),
          aliceStage,
        );
        await store.registerVersion(
          FRAUD,
          input(4, { status: 'pending' }),
          aliceStage,
        );
        await store.registerVersion(
          CHURN,
          input(1, { tags: { env: 'prod' } }),
          aliceStage,
        );
        await store.transitionStage(FRAUD, 1, 'staging', aliceStage);
        await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
        await store.transitionStage(FRAUD, 4, 'production', aliceStage);
        await store.setAlias(FRAUD, 'champion', 3, alice);
        await store.setAlias(CHURN, 'champion', 1, alice);

        const list = async (options: Partial<ListVersionsOptions>) =>
          (
            await store.listVersions(FRAUD, { limit: 10, ...options })
          ).items.map(v => v.version);
        expect(await list({})).toEqual([4, 3, 2, 1]);
        expect(await list({ stage: 'staging' })).toEqual([3, 1]);
        expect(await list({ stage: 'production' })).toEqual([4]);
        expect(await list({ stage: 'archived' })).toEqual([]);
        expect(await list({ alias: 'champion' })).toEqual([3]);
        expect(await list({ alias: 'challenger' })).toEqual([]);
        expect(await list({ status: 'failed' })).toEqual([2]);
        expect(await list({ status: 'ready' })).toEqual([3, 1]);
        expect(await list({ tag: { key: 'env' } })).toEqual([3, 2, 1]);
        expect(await list({ tag: { key: 'env', value: 'prod' } })).toEqual([
          3, 1,
        ]);
        expect(await list({ tag: { key: 'team', value: 'prod' } })).toEqual([]);
        expect(
          await list({
            stage: 'staging',
            tag: { key: 'team' },
            status: 'ready',
          }),
        ).toEqual([1]);
        // Filters and cursors together.
        expect(
          await collectVersions(store, FRAUD, {
            limit: 1,
            order: 'asc',
            tag: { key: 'env', value: 'prod' },
          }),
        ).toEqual([1, 3]);
        // Items carry their tags and aliases.
        const [three] = (
          await store.listVersions(FRAUD, { limit: 10, alias: 'champion' })
        ).items;
        expect(three).toMatchObject({
          version: 3,
          aliases: ['champion'],
          tags: { env: 'prod' },
          stage: 'staging',
        });
      });

      it('rejects a tampered or foreign cursor with InputError', async () => {
        const { store } = await createStore(databaseId);
        for (let i = 1; i <= 3; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        const { nextCursor } = await store.listVersions(FRAUD, { limit: 1 });
        expect(nextCursor).toEqual(expect.any(String));
        const raw = (json: string) =>
          Buffer.from(json, 'utf8').toString('base64url');
        const bad: Array<[string, ListVersionsOptions]> = [
          ['garbage!!', { limit: 1 }],
          [raw('not json'), { limit: 1 }],
          [raw('"a string"'), { limit: 1 }],
          [encodeCursor({ s: 'version', o: 'desc', n: '2' }), { limit: 1 }],
          [raw('{"s":"version","o":"desc","n":1e400}'), { limit: 1 }],
          [encodeCursor({ s: 'version', o: 'desc', n: 1.5 }), { limit: 1 }],
          // a cursor of another sort or order
          [nextCursor!, { limit: 1, order: 'asc' }],
          [nextCursor!, { limit: 1, sort: 'createdAt' }],
          [
            encodeCursor({ s: 'createdAt', o: 'desc', v: 'yesterday', n: 2 }),
            { limit: 1, sort: 'createdAt' },
          ],
          [
            encodeCursor({ s: 'createdAt', o: 'desc', v: { x: 1 }, n: 2 }),
            { limit: 1, sort: 'createdAt' },
          ],
          [
            encodeCursor({ s: 'status', o: 'desc', v: null, n: 2 }),
            { limit: 1, sort: 'status' },
          ],
        ];
        for (const [cursor, options] of bad) {
          await expect(
            store.listVersions(FRAUD, { ...options, cursor }),
          ).rejects.toThrow(InputError);
        }
        // The real cursor still works.
        expect(
          (
            await store.listVersions(FRAUD, { limit: 1, cursor: nextCursor })
          ).items.map(v => v.version),
        ).toEqual([2]);
      });
    });

    // --- updateVersion ----------------------------------------------------------------

    describe('updateVersion', () => {
      it('merges metrics and params, sets and removes tags, and records before/after', async () => {
        const { store } = await createStore(databaseId);
        const { version: original } = await store.registerVersion(
          FRAUD,
          input(1, {
            runId: 'run-1',
            description: 'old',
            metrics: { auc: 0.9, f1: 0.8 },
            params: { lr: '0.01', epochs: '3' },
            tags: { team: 'risk', env: 'dev' },
          }),
          aliceStage,
        );
        const updated = await store.updateVersion(
          FRAUD,
          1,
          {
            status: 'failed',
            runId: null,
            description: 'new',
            metrics: { auc: 0.95, loss: 0.1 },
            params: { epochs: '5' },
            tags: { env: 'prod', region: 'eu', team: null, absent: null },
          },
          { actor: BOB, comment: 'retrained' },
        );
        expect(updated).toEqual({
          ...original,
          runId: undefined,
          status: 'failed',
          description: 'new',
          metrics: { auc: 0.95, f1: 0.8, loss: 0.1 },
          params: { lr: '0.01', epochs: '5' },
          tags: { env: 'prod', region: 'eu' },
          updatedBy: BOB,
          updatedAt: expect.stringMatching(ISO),
        });
        expect(updated).not.toHaveProperty('runId');
        expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(
          Date.parse(original.updatedAt),
        );
        expect(updated.createdAt).toBe(original.createdAt);
        expect(updated.createdBy).toBe(ALICE);
        expect(await store.getVersion(FRAUD, 1)).toEqual(updated);

        const [entry] = (
          await store.listHistory(FRAUD, { version: 1, limit: 1 })
        ).items;
        expect(entry).toEqual({
          id: expect.any(Number),
          modelRef: FRAUD,
          version: 1,
          action: 'version.update',
          actor: BOB,
          comment: 'retrained',
          before: {
            status: 'ready',
            runId: 'run-1',
            description: 'old',
            metrics: { auc: 0.9, f1: 0.8 },
            params: { lr: '0.01', epochs: '3' },
            tags: { team: 'risk', env: 'dev' },
          },
          after: {
            status: 'failed',
            description: 'new',
            metrics: { auc: 0.95, f1: 0.8, loss: 0.1 },
            params: { lr: '0.01', epochs: '5' },
            tags: { env: 'prod', region: 'eu' },
          },
          createdAt: updated.updatedAt,
        });

        // Clearing fields with null.
        const cleared = await store.updateVersion(
          FRAUD,
          1,
          { description: null, code: null, card: null, signature: null },
          alice,
        );
        expect(cleared).not.toHaveProperty('description');
        expect(cleared.tags).toEqual({ env: 'prod', region: 'eu' });
      });

      it('fails with NotFoundError for a missing or deleted version', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.registerVersion(FRAUD, input(2), aliceStage);
        await store.deleteVersion(FRAUD, 2, aliceStage);
        await expect(
          store.updateVersion(FRAUD, 2, { description: 'x' }, alice),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.updateVersion(FRAUD, 9, { description: 'x' }, alice),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.updateVersion(CHURN, 1, { description: 'x' }, alice),
        ).rejects.toThrow(NotFoundError);
      });
    });

    // --- deleteVersion ----------------------------------------------------------------

    describe('deleteVersion', () => {
      it('soft-deletes, removes aliases, keeps history and never reuses the number', async () => {
        const { store, knex } = await createStore(databaseId);
        for (let i = 1; i <= 3; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        await store.setAlias(FRAUD, 'champion', 3, alice);
        await store.setAlias(FRAUD, 'challenger', 2, alice);

        await store.deleteVersion(FRAUD, 3, {
          ...aliceStage,
          actor: BOB,
          comment: 'bad data',
        });
        expect(await store.getVersion(FRAUD, 3)).toBeUndefined();
        expect(
          (await store.listVersions(FRAUD, { limit: 10 })).items.map(
            v => v.version,
          ),
        ).toEqual([2, 1]);
        expect(
          await store.getVersionByAlias(FRAUD, 'champion'),
        ).toBeUndefined();
        expect((await store.listAliases(FRAUD)).map(a => a.alias)).toEqual([
          'challenger',
        ]);
        // The row stays, marked deleted.
        const row = await knex('model_versions')
          .where({ model_ref: FRAUD, version: 3 })
          .first();
        expect(row.deleted_by).toBe(BOB);
        expect(row.deleted_at).not.toBeNull();

        // The highest number was deleted, and still the next one is 4.
        const next = await store.registerVersion(FRAUD, input(4), aliceStage);
        expect(next.version.version).toBe(4);
        await store.deleteVersion(FRAUD, 4, aliceStage);
        await store.deleteVersion(FRAUD, 1, aliceStage);
        const after = await store.registerVersion(FRAUD, input(5), aliceStage);
        expect(after.version.version).toBe(5);
        expect(
          (await store.listVersions(FRAUD, { limit: 10 })).items.map(
            v => v.version,
          ),
        ).toEqual([5, 2]);

        const history = await store.listHistory(FRAUD, {
          version: 3,
          limit: 10,
        });
        expect(history.items.map(h => [h.action, h.actor])).toEqual([
          ['version.delete', BOB],
          ['alias.set', ALICE],
          ['version.register', ALICE],
        ]);
        expect(history.items[0]).toMatchObject({
          comment: 'bad data',
          before: {
            version: 3,
            aliases: ['champion'],
            source: 's3://models/3',
          },
        });

        // Gone is gone.
        await expect(store.deleteVersion(FRAUD, 3, aliceStage)).rejects.toThrow(
          NotFoundError,
        );
        await expect(
          store.deleteVersion(FRAUD, 42, aliceStage),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.transitionStage(FRAUD, 3, 'staging', aliceStage),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.addLineage(
            FRAUD,
            3,
            [{ relation: 'trainedOn', entityRef: 'resource:default/x' }],
            alice,
          ),
        ).rejects.toThrow(NotFoundError);
        expect(await store.listLineageEdges(FRAUD, 3)).toEqual([]);
      });

      it('refuses to delete the production version', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.registerVersion(FRAUD, input(2), aliceStage);
        await store.transitionStage(FRAUD, 1, 'production', aliceStage);
        await store.setAlias(FRAUD, 'champion', 1, alice);
        await expect(store.deleteVersion(FRAUD, 1, aliceStage)).rejects.toThrow(
          ConflictError,
        );
        expect(await store.getVersion(FRAUD, 1)).toMatchObject({
          version: 1,
          stage: 'production',
          aliases: ['champion'],
        });
        // Once replaced, it can go.
        await store.transitionStage(FRAUD, 2, 'production', aliceStage);
        await store.deleteVersion(FRAUD, 1, aliceStage);
        expect(await store.getVersion(FRAUD, 1)).toBeUndefined();
      });
    });

    // --- transitionStage --------------------------------------------------------------

    describe('transitionStage', () => {
      it('archives the previous production version in the same call', async () => {
        const { store } = await createStore(databaseId);
        for (let i = 1; i <= 4; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        await store.registerVersion(CHURN, input(1), aliceStage);
        await store.transitionStage(CHURN, 1, 'production', aliceStage);

        const staging = await store.transitionStage(
          FRAUD,
          1,
          'staging',
          aliceStage,
        );
        expect(staging.archived).toEqual([]);
        expect(staging.version).toMatchObject({ version: 1, stage: 'staging' });
        expect(await store.getVersion(FRAUD, 1)).toEqual(staging.version);

        const first = await store.transitionStage(FRAUD, 1, 'production', {
          ...aliceStage,
          comment: 'go live',
        });
        expect(first.archived).toEqual([]);
        expect(first.version.stage).toBe('production');

        const second = await store.transitionStage(FRAUD, 2, 'production', {
          ...aliceStage,
          actor: BOB,
          comment: 'better auc',
        });
        expect(second.archived).toEqual([1]);
        expect(second.version).toMatchObject({
          version: 2,
          stage: 'production',
          updatedBy: BOB,
        });
        expect(second.version.stageUpdatedAt).toBe(second.version.updatedAt);
        expect(await store.getVersion(FRAUD, 1)).toMatchObject({
          stage: 'archived',
          updatedBy: BOB,
        });
        expect(
          (
            await store.listVersions(FRAUD, { limit: 10, stage: 'production' })
          ).items.map(v => v.version),
        ).toEqual([2]);
        // Other models are untouched.
        expect((await store.getVersion(CHURN, 1))?.stage).toBe('production');

        // Staging holds many.
        await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
        const four = await store.transitionStage(
          FRAUD,
          4,
          'staging',
          aliceStage,
        );
        expect(four.archived).toEqual([]);
        expect(
          (
            await store.listVersions(FRAUD, { limit: 10, stage: 'staging' })
          ).items.map(v => v.version),
        ).toEqual([4, 3]);

        // An archived version can come back, archiving the current one.
        const back = await store.transitionStage(
          FRAUD,
          1,
          'production',
          aliceStage,
        );
        expect(back.archived).toEqual([2]);
        expect((await store.getVersion(FRAUD, 2))?.stage).toBe('archived');

        const h1 = (await store.listHistory(FRAUD, { version: 1, limit: 10 }))
          .items;
        expect(
          h1.map(h => [h.action, h.actor, h.before, h.after, h.comment]),
        ).toEqual([
          [
            'version.stage',
            ALICE,
            { stage: 'archived' },
            { stage: 'production', archived: [2] },
            undefined,
          ],
          [
            'version.stage',
            BOB,
            { stage: 'production' },
            { stage: 'archived' },
            'Replaced in production by version 2: better auc',
          ],
          [
            'version.stage',
            ALICE,
            { stage: 'staging' },
            { stage: 'production', archived: [] },
            'go live',
          ],
          [
            'version.stage',
            ALICE,
            { stage: 'none' },
            { stage: 'staging', archived: [] },
            undefined,
          ],
          ['version.register', ALICE, undefined, expect.anything(), undefined],
        ]);
        const h2 = (await store.listHistory(FRAUD, { version: 2, limit: 2 }))
          .items;
        expect(h2.map(h => [h.action, h.before, h.after])).toEqual([
          ['version.stage', { stage: 'production' }, { stage: 'archived' }],
          [
            'version.stage',
            { stage: 'none' },
            { stage: 'production', archived: [1] },
          ],
        ]);
      });

      it('refuses to move the production version out of production directly', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.transitionStage(FRAUD, 1, 'production', aliceStage);
        for (const stage of ['staging', 'archived', 'none']) {
          await expect(
            store.transitionStage(FRAUD, 1, stage, aliceStage),
          ).rejects.toThrow(ConflictError);
        }
        expect((await store.getVersion(FRAUD, 1))?.stage).toBe('production');
        // Promoting to where it already is changes nothing.
        const same = await store.transitionStage(
          FRAUD,
          1,
          'production',
          aliceStage,
        );
        expect(same).toMatchObject({
          archived: [],
          version: { stage: 'production' },
        });
        const history = await store.listHistory(FRAUD, { limit: 10 });
        expect(history.items.map(h => h.action)).toEqual([
          'version.stage',
          'version.register',
        ]);
        await expect(
          store.transitionStage(FRAUD, 2, 'staging', aliceStage),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.transitionStage(CHURN, 1, 'staging', aliceStage),
        ).rejects.toThrow(NotFoundError);
      });
    });

    // --- aliases ----------------------------------------------------------------------

    describe('aliases', () => {
      it('sets, moves, resolves, lists and deletes aliases', async () => {
        const { store } = await createStore(databaseId);
        for (let i = 1; i <= 3; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        await store.registerVersion(CHURN, input(1), aliceStage);

        expect(await store.setAlias(FRAUD, 'champion', 1, alice)).toEqual({
          previousVersion: undefined,
        });
        expect(
          await store.setAlias(FRAUD, 'champion', 2, {
            actor: BOB,
            comment: 'promote',
          }),
        ).toEqual({ previousVersion: 1 });
        expect(await store.setAlias(FRAUD, 'challenger', 3, alice)).toEqual({
          previousVersion: undefined,
        });
        expect(await store.setAlias(FRAUD, 'best', 2, alice)).toEqual({
          previousVersion: undefined,
        });
        await store.setAlias(CHURN, 'champion', 1, alice);

        expect(await store.listAliases(FRAUD)).toEqual([
          {
            alias: 'best',
            version: 2,
            updatedBy: ALICE,
            updatedAt: expect.stringMatching(ISO),
          },
          {
            alias: 'challenger',
            version: 3,
            updatedBy: ALICE,
            updatedAt: expect.stringMatching(ISO),
          },
          {
            alias: 'champion',
            version: 2,
            updatedBy: BOB,
            updatedAt: expect.stringMatching(ISO),
          },
        ]);
        expect(await store.getVersionByAlias(FRAUD, 'champion')).toMatchObject({
          modelRef: FRAUD,
          version: 2,
          aliases: ['best', 'champion'],
        });
        expect(await store.getVersionByAlias(CHURN, 'champion')).toMatchObject({
          modelRef: CHURN,
          version: 1,
        });
        expect(await store.getVersionByAlias(FRAUD, 'nope')).toBeUndefined();
        expect(
          await store.getVersionByAlias('mlmodel:default/none', 'champion'),
        ).toBeUndefined();
        expect((await store.getVersion(FRAUD, 1))?.aliases).toEqual([]);

        // Setting an alias to where it already points reports that version.
        expect(await store.setAlias(FRAUD, 'champion', 2, alice)).toEqual({
          previousVersion: 2,
        });

        await store.deleteAlias(FRAUD, 'best', { actor: BOB, comment: 'bye' });
        expect((await store.listAliases(FRAUD)).map(a => a.alias)).toEqual([
          'challenger',
          'champion',
        ]);
        expect(await store.getVersionByAlias(FRAUD, 'best')).toBeUndefined();
        await expect(store.deleteAlias(FRAUD, 'best', alice)).rejects.toThrow(
          NotFoundError,
        );

        const history = (await store.listHistory(FRAUD, { limit: 4 })).items;
        expect(
          history.map(h => [h.action, h.version, h.before, h.after]),
        ).toEqual([
          ['alias.delete', 2, { alias: 'best', version: 2 }, undefined],
          [
            'alias.set',
            2,
            { alias: 'champion', version: 2 },
            { alias: 'champion', version: 2 },
          ],
          ['alias.set', 2, undefined, { alias: 'best', version: 2 }],
          ['alias.set', 3, undefined, { alias: 'challenger', version: 3 }],
        ]);
        const moved = (
          await store.listHistory(FRAUD, { version: 2, limit: 10 })
        ).items.find(h => h.comment === 'promote');
        expect(moved).toMatchObject({
          action: 'alias.set',
          actor: BOB,
          before: { alias: 'champion', version: 1 },
          after: { alias: 'champion', version: 2 },
        });
      });

      it('refuses an alias to a deleted or missing version', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.registerVersion(FRAUD, input(2), aliceStage);
        await store.setAlias(FRAUD, 'champion', 1, alice);
        await store.deleteVersion(FRAUD, 2, aliceStage);

        await expect(
          store.setAlias(FRAUD, 'champion', 2, alice),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.setAlias(FRAUD, 'champion', 7, alice),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.setAlias(CHURN, 'champion', 1, alice),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.deleteAlias(CHURN, 'champion', alice),
        ).rejects.toThrow(NotFoundError);
        // Nothing changed.
        expect(await store.listAliases(FRAUD)).toEqual([
          expect.objectContaining({ alias: 'champion', version: 1 }),
        ]);
        expect(await store.listAliases(CHURN)).toEqual([]);
      });
    });

    // --- lineage ----------------------------------------------------------------------

    describe('lineage', () => {
      const BASE = 'mlmodel:default/base';
      const FT = 'mlmodel:default/ft';
      const FT2 = 'mlmodel:default/ft2';
      const OTHER = 'mlmodel:default/other';
      const LOOSE = 'mlmodel:default/loose';
      const COMMIT = 'https://github.com/acme/base/commit/abc';

      /**
       * base@1 trainedOn corpus
       * base@2 trainedOn corpus-v2, builtFromCommit COMMIT, servedBy base-api; later evaluatedOn holdout
       * ft@1   fineTunedFrom base@2, trainedOn tickets, servedBy fraud-api
       * ft2@1  fineTunedFrom ft@1
       * other@1 fineTunedFrom base@1
       * loose@1 fineTunedFrom base (no version)
       */
      async function seedLineage(store: DatabaseModelRegistryStore) {
        await store.registerVersion(
          BASE,
          input(1, {
            lineage: [
              { relation: 'trainedOn', entityRef: 'resource:default/corpus' },
            ],
          }),
          aliceStage,
        );
        await store.registerVersion(
          BASE,
          input(2, {
            lineage: [
              {
                relation: 'trainedOn',
                entityRef: 'resource:default/corpus-v2',
              },
              { relation: 'builtFromCommit', uri: COMMIT },
              { relation: 'servedBy', entityRef: 'component:default/base-api' },
            ],
          }),
          aliceStage,
        );
        await store.registerVersion(
          FT,
          input(1, {
            lineage: [
              { relation: 'fineTunedFrom', entityRef: BASE, version: 2 },
              { relation: 'trainedOn', entityRef: 'Resource:default/Tickets' },
              {
                relation: 'servedBy',
                entityRef: 'component:default/fraud-api',
              },
            ],
          }),
          aliceStage,
        );
        await store.registerVersion(
          FT2,
          input(1, {
            lineage: [{ relation: 'fineTunedFrom', entityRef: FT, version: 1 }],
          }),
          aliceStage,
        );
        await store.registerVersion(
          OTHER,
          input(1, {
            lineage: [
              { relation: 'fineTunedFrom', entityRef: BASE, version: 1 },
            ],
          }),
          aliceStage,
        );
        await store.registerVersion(
          LOOSE,
          input(1, {
            lineage: [{ relation: 'fineTunedFrom', entityRef: BASE }],
          }),
          aliceStage,
        );
        return store.addLineage(
          BASE,
          2,
          [{ relation: 'evaluatedOn', entityRef: 'resource:default/holdout' }],
          { actor: BOB, comment: 'eval' },
        );
      }

      it('adds and lists edges', async () => {
        const { store } = await createStore(databaseId);
        const added = await seedLineage(store);
        expect(added).toEqual([
          {
            id: expect.any(Number),
            modelRef: BASE,
            version: 2,
            relation: 'evaluatedOn',
            targetType: 'entity',
            target: 'resource:default/holdout',
            createdBy: BOB,
            createdAt: expect.stringMatching(ISO),
          },
        ]);
        const edges = await store.listLineageEdges(BASE, 2);
        expect(
          edges.map(e => [e.relation, e.targetType, e.target, e.targetVersion]),
        ).toEqual([
          ['trainedOn', 'entity', 'resource:default/corpus-v2', undefined],
          ['builtFromCommit', 'uri', COMMIT, undefined],
          ['servedBy', 'entity', 'component:default/base-api', undefined],
          ['evaluatedOn', 'entity', 'resource:default/holdout', undefined],
        ]);
        expect(edges[3]).toEqual(added[0]);
        expect((await store.listLineageEdges(FT, 1))[0]).toMatchObject({
          relation: 'fineTunedFrom',
          target: BASE,
          targetVersion: 2,
        });
        expect(await store.listLineageEdges(BASE, 9)).toEqual([]);

        const [entry] = (
          await store.listHistory(BASE, { version: 2, limit: 1 })
        ).items;
        expect(entry).toMatchObject({
          action: 'lineage.add',
          actor: BOB,
          comment: 'eval',
          // as stored: JSON, so without the undefined targetVersion
          after: { edges: JSON.parse(JSON.stringify(added)) },
        });
        await expect(
          store.addLineage(
            BASE,
            9,
            [{ relation: 'trainedOn', entityRef: 'resource:default/x' }],
            alice,
          ),
        ).rejects.toThrow(NotFoundError);
      });

      it('walks upstream through fine-tuned-from chains with a depth limit', async () => {
        const { store } = await createStore(databaseId);
        await seedLineage(store);

        expect(
          normalizeGraph(
            await store.getLineage(FT2, 1, { direction: 'upstream', depth: 1 }),
          ),
        ).toEqual(
          graph(
            vId(FT2, 1),
            [vNode(FT, 1, -1), vNode(FT2, 1, 0)],
            [`${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`],
          ),
        );

        expect(
          normalizeGraph(
            await store.getLineage(FT2, 1, { direction: 'upstream', depth: 2 }),
          ),
        ).toEqual(
          graph(
            vId(FT2, 1),
            [
              eNode('resource:default/tickets', -2),
              vNode(BASE, 2, -2),
              vNode(FT, 1, -1),
              vNode(FT2, 1, 0),
            ],
            [
              `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
              `${vId(FT, 1)} -trainedOn-> entity:resource:default/tickets`,
              `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
            ],
          ),
        );

        const deep = normalizeGraph(
          await store.getLineage(FT2, 1, { direction: 'upstream', depth: 5 }),
        );
        expect(deep.nodes).toEqual(
          [
            eNode('resource:default/corpus-v2', -3),
            eNode('resource:default/holdout', -3),
            eNode('resource:default/tickets', -2),
            uNode(COMMIT, -3),
            vNode(BASE, 2, -2),
            vNode(FT, 1, -1),
            vNode(FT2, 1, 0),
          ].sort(byId),
        );
        // servedBy is not an input.
        expect(deep.edges.some(e => e.includes('servedBy'))).toBe(false);
        expect(deep.edges).toHaveLength(6);

        // An edge to a model without a version ends the walk at the model entity.
        expect(
          normalizeGraph(
            await store.getLineage(LOOSE, 1, {
              direction: 'upstream',
              depth: 3,
            }),
          ),
        ).toEqual(
          graph(
            vId(LOOSE, 1),
            [eNode(BASE, -1), vNode(LOOSE, 1, 0)],
            [`${vId(LOOSE, 1)} -fineTunedFrom-> entity:${BASE}`],
          ),
        );
      });

      it('walks downstream to fine-tuned versions and serving consumers', async () => {
        const { store } = await createStore(databaseId);
        await seedLineage(store);

        expect(
          normalizeGraph(
            await store.getLineage(BASE, 2, {
              direction: 'downstream',
              depth: 1,
            }),
          ),
        ).toEqual(
          graph(
            vId(BASE, 2),
            [
              eNode('component:default/base-api', 1),
              vNode(BASE, 2, 0),
              vNode(FT, 1, 1),
              vNode(LOOSE, 1, 1),
            ],
            [
              `${vId(BASE, 2)} -servedBy-> entity:component:default/base-api`,
              `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
              `${vId(LOOSE, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            ],
          ),
        );

        expect(
          normalizeGraph(
            await store.getLineage(BASE, 2, {
              direction: 'downstream',
              depth: 2,
            }),
          ),
        ).toEqual(
          graph(
            vId(BASE, 2),
            [
              eNode('component:default/base-api', 1),
              eNode('component:default/fraud-api', 2),
              vNode(BASE, 2, 0),
              vNode(FT, 1, 1),
              vNode(FT2, 1, 2),
              vNode(LOOSE, 1, 1),
            ],
            [
              `${vId(BASE, 2)} -servedBy-> entity:component:default/base-api`,
              `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
              `${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`,
              `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
              `${vId(LOOSE, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            ],
          ),
        );

        // Version 1 of base has other descendants than version 2.
        expect(
          normalizeGraph(
            await store.getLineage(BASE, 1, {
              direction: 'downstream',
              depth: 3,
            }),
          ).nodes.map(n => n.id),
        ).toEqual([vId(BASE, 1), vId(LOOSE, 1), vId(OTHER, 1)]);

        // Deleted versions drop out.
        await store.deleteVersion(FT2, 1, aliceStage);
        expect(
          normalizeGraph(
            await store.getLineage(FT, 1, {
              direction: 'downstream',
              depth: 3,
            }),
          ),
        ).toEqual(
          graph(
            vId(FT, 1),
            [eNode('component:default/fraud-api', 1), vNode(FT, 1, 0)],
            [`${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`],
          ),
        );
        await expect(
          store.getLineage(FT2, 1, { direction: 'both', depth: 1 }),
        ).rejects.toThrow(NotFoundError);
      });

      it('walks both ways', async () => {
        const { store } = await createStore(databaseId);
        await seedLineage(store);
        expect(
          normalizeGraph(
            await store.getLineage(FT, 1, { direction: 'both', depth: 1 }),
          ),
        ).toEqual(
          graph(
            vId(FT, 1),
            [
              eNode('component:default/fraud-api', 1),
              eNode('resource:default/tickets', -1),
              vNode(BASE, 2, -1),
              vNode(FT, 1, 0),
              vNode(FT2, 1, 1),
            ],
            [
              `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
              `${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`,
              `${vId(FT, 1)} -trainedOn-> entity:resource:default/tickets`,
              `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
            ],
          ),
        );
        // Depth 0 is the root alone.
        expect(
          await store.getLineage(FT, 1, { direction: 'both', depth: 0 }),
        ).toEqual(graph(vId(FT, 1), [vNode(FT, 1, 0)], []));
      });

      it('finds the versions linked to a dataset, page by page', async () => {
        const { store } = await createStore(databaseId);
        const CORPUS = 'resource:default/corpus';
        await store.registerVersion(
          BASE,
          input(1, { lineage: [{ relation: 'trainedOn', entityRef: CORPUS }] }),
          aliceStage,
        );
        await store.registerVersion(BASE, input(2), aliceStage);
        await store.registerVersion(
          BASE,
          input(3, { lineage: [{ relation: 'trainedOn', entityRef: CORPUS }] }),
          aliceStage,
        );
        await store.registerVersion(
          FT,
          input(1, {
            lineage: [
              { relation: 'evaluatedOn', entityRef: CORPUS },
              {
                relation: 'trainedOn',
                entityRef: 'resource:default/corpus-v2',
              },
            ],
          }),
          aliceStage,
        );
        await store.addLineage(
          OTHER,
          (
            await store.registerVersion(OTHER, input(1), aliceStage)
          ).version.version,
          [{ relation: 'trainedOn', entityRef: CORPUS }],
          alice,
        );

        const all = await store.findVersionsLinkedTo(CORPUS, { limit: 10 });
        expect(all.items.map(e => [e.modelRef, e.version, e.relation])).toEqual(
          [
            [BASE, 1, 'trainedOn'],
            [BASE, 3, 'trainedOn'],
            [FT, 1, 'evaluatedOn'],
            [OTHER, 1, 'trainedOn'],
          ],
        );
        expect(all.nextCursor).toBeUndefined();
        expect(all.items[0]).toEqual({
          id: expect.any(Number),
          modelRef: BASE,
          version: 1,
          relation: 'trainedOn',
          targetType: 'entity',
          target: CORPUS,
          createdBy: ALICE,
          createdAt: expect.stringMatching(ISO),
        });

        const trainedOn = await store.findVersionsLinkedTo(CORPUS, {
          relation: 'trainedOn',
          limit: 10,
        });
        expect(trainedOn.items.map(e => `${e.modelRef}@${e.version}`)).toEqual([
          `${BASE}@1`,
          `${BASE}@3`,
          `${OTHER}@1`,
        ]);

        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.findVersionsLinkedTo(CORPUS, {
            limit: 1,
            cursor,
          });
          expect(page.items).toHaveLength(1);
          paged.push(`${page.items[0].modelRef}@${page.items[0].version}`);
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged).toEqual([
          `${BASE}@1`,
          `${BASE}@3`,
          `${FT}@1`,
          `${OTHER}@1`,
        ]);

        await store.deleteVersion(BASE, 3, aliceStage);
        expect(
          (await store.findVersionsLinkedTo(CORPUS, { limit: 10 })).items.map(
            e => `${e.modelRef}@${e.version}`,
          ),
        ).toEqual([`${BASE}@1`, `${FT}@1`, `${OTHER}@1`]);
        expect(
          await store.findVersionsLinkedTo('resource:default/unused', {
            limit: 10,
          }),
        ).toEqual({ items: [], nextCursor: undefined });

        for (const bad of [
          'garbage!!',
          encodeCursor({ i: 'x' }),
          encodeCursor({ i: 1.5 }),
          encodeCursor({ s: 'version' }),
        ]) {
          await expect(
            store.findVersionsLinkedTo(CORPUS, { limit: 1, cursor: bad }),
          ).rejects.toThrow(InputError);
        }
      });

      it('lists descendants across models with their depth', async () => {
        const { store } = await createStore(databaseId);
        await seedLineage(store);
        await store.registerVersion(
          FT,
          input(2, {
            lineage: [
              { relation: 'fineTunedFrom', entityRef: BASE, version: 1 },
            ],
          }),
          aliceStage,
        );
        // A version of base tuned from an earlier one is not its own descendant.
        await store.registerVersion(
          BASE,
          input(3, {
            lineage: [
              { relation: 'fineTunedFrom', entityRef: BASE, version: 2 },
            ],
          }),
          aliceStage,
        );

        expect(await store.getDescendants(BASE, { depth: 1 })).toEqual([
          {
            modelRef: FT,
            version: 1,
            depth: 1,
            parentModelRef: BASE,
            parentVersion: 2,
          },
          {
            modelRef: FT,
            version: 2,
            depth: 1,
            parentModelRef: BASE,
            parentVersion: 1,
          },
          {
            modelRef: LOOSE,
            version: 1,
            depth: 1,
            parentModelRef: BASE,
            parentVersion: undefined,
          },
          {
            modelRef: OTHER,
            version: 1,
            depth: 1,
            parentModelRef: BASE,
            parentVersion: 1,
          },
        ]);
        const deep = await store.getDescendants(BASE, { depth: 5 });
        expect(deep.map(d => `${d.modelRef}@${d.version}:${d.depth}`)).toEqual([
          `${FT}@1:1`,
          `${FT}@2:1`,
          `${LOOSE}@1:1`,
          `${OTHER}@1:1`,
          `${FT2}@1:2`,
        ]);
        expect(deep[4]).toEqual({
          modelRef: FT2,
          version: 1,
          depth: 2,
          parentModelRef: FT,
          parentVersion: 1,
        });
        expect(await store.getDescendants(FT2, { depth: 5 })).toEqual([]);
        expect(await store.getDescendants(BASE, { depth: 0 })).toEqual([]);

        await store.deleteVersion(FT2, 1, aliceStage);
        expect(
          (await store.getDescendants(FT, { depth: 5 })).map(d => d.modelRef),
        ).toEqual([]);
      });
    });

    // --- history ----------------------------------------------------------------------

    describe('listHistory', () => {
      it('lists a model or a version newest first, page by page', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.registerVersion(FRAUD, input(2), {
          ...aliceStage,
          actor: BOB,
        });
        await store.registerVersion(CHURN, input(1), aliceStage);
        await store.updateVersion(FRAUD, 1, { description: 'd' }, alice);
        await store.setAlias(FRAUD, 'champion', 1, {
          actor: BOB,
          comment: 'why',
        });
        await store.transitionStage(FRAUD, 2, 'staging', aliceStage);
        await store.registerModel(CHURN, { kind: 'MLModel' }, alice);

        const all = await store.listHistory(FRAUD, { limit: 100 });
        expect(all.nextCursor).toBeUndefined();
        expect(all.items.map(h => [h.action, h.version, h.actor])).toEqual([
          ['version.stage', 2, ALICE],
          ['alias.set', 1, BOB],
          ['version.update', 1, ALICE],
          ['version.register', 2, BOB],
          ['version.register', 1, ALICE],
        ]);
        const ids = all.items.map(h => h.id);
        expect([...ids].sort((a, b) => b - a)).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
        expect(all.items[1]).toMatchObject({
          modelRef: FRAUD,
          comment: 'why',
          createdAt: expect.stringMatching(ISO),
        });

        expect(
          (
            await store.listHistory(FRAUD, { version: 1, limit: 100 })
          ).items.map(h => h.action),
        ).toEqual(['alias.set', 'version.update', 'version.register']);
        expect(
          (await store.listHistory(CHURN, { limit: 100 })).items.map(h => [
            h.action,
            h.version,
          ]),
        ).toEqual([
          ['model.register', undefined],
          ['version.register', 1],
        ]);
        expect(
          await store.listHistory('mlmodel:default/none', { limit: 10 }),
        ).toEqual({ items: [], nextCursor: undefined });

        const paged: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listHistory(FRAUD, { limit: 2, cursor });
          paged.push(...page.items.map(h => h.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(paged).toEqual(ids);

        const first = await store.listHistory(FRAUD, { version: 1, limit: 2 });
        const rest = await store.listHistory(FRAUD, {
          version: 1,
          limit: 2,
          cursor: first.nextCursor,
        });
        expect(rest.items.map(h => h.action)).toEqual(['version.register']);
        expect(rest.nextCursor).toBeUndefined();

        for (const bad of [
          '%%%',
          encodeCursor({ i: '3' }),
          encodeCursor({ i: 1.5 }),
          encodeCursor({}),
        ]) {
          await expect(
            store.listHistory(FRAUD, { limit: 2, cursor: bad }),
          ).rejects.toThrow(InputError);
        }
      });
    });

    // --- summaries --------------------------------------------------------------------

    describe('getSummaries', () => {
      it('summarises many models at once with a fixed number of queries', async () => {
        const { store, knex } = await createStore(databaseId);
        for (let i = 1; i <= 4; i++) {
          await store.registerVersion(FRAUD, input(i), aliceStage);
        }
        await store.transitionStage(FRAUD, 2, 'production', aliceStage);
        await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
        await store.setAlias(FRAUD, 'champion', 2, alice);
        await store.setAlias(FRAUD, 'challenger', 3, alice);
        await store.setAlias(FRAUD, 'doomed', 4, alice);
        await store.deleteVersion(FRAUD, 4, aliceStage);
        await store.registerVersion(CHURN, input(1), aliceStage);
        const API = 'mlmodel:default/api-only';
        await store.registerModel(API, { kind: 'MLModel' }, alice);

        const summaries = await store.getSummaries(
          [FRAUD, CHURN, API, 'mlmodel:default/unknown'],
          rules,
        );
        expect([...summaries.keys()].sort()).toEqual([API, CHURN, FRAUD]);
        expect(summaries.get(FRAUD)).toEqual({
          modelRef: FRAUD,
          registeredByApi: false,
          versionCount: 3,
          latestVersion: 3,
          stageOccupants: { production: 2 },
          aliases: { champion: 2, challenger: 3 },
        });
        expect(summaries.get(CHURN)).toEqual({
          modelRef: CHURN,
          registeredByApi: false,
          versionCount: 1,
          latestVersion: 1,
          stageOccupants: {},
          aliases: {},
        });
        expect(summaries.get(API)).toEqual({
          modelRef: API,
          registeredByApi: true,
          versionCount: 0,
          stageOccupants: {},
          aliases: {},
        });
        expect(summaries.get(API)?.latestVersion).toBeUndefined();
        expect((await store.getSummaries([], rules)).size).toBe(0);

        // The number of queries does not grow with the number of models.
        const many = Array.from(
          { length: 20 },
          (_, i) => `mlmodel:default/m${i}`,
        );
        for (const ref of many) {
          await store.registerVersion(ref, input(1), aliceStage);
          await store.setAlias(ref, 'champion', 1, alice);
        }
        const countQueries = async (refs: string[]) => {
          let n = 0;
          const listener = () => n++;
          knex.on('query', listener);
          try {
            await store.getSummaries(refs, rules);
          } finally {
            knex.removeListener('query', listener);
          }
          return n;
        };
        const few = await countQueries(many.slice(0, 2));
        expect(few).toBeGreaterThan(0);
        expect(await countQueries(many)).toBe(few);
        const manySummaries = await store.getSummaries(many, rules);
        expect(manySummaries.size).toBe(20);
        expect(manySummaries.get(many[7])).toMatchObject({
          versionCount: 1,
          latestVersion: 1,
          aliases: { champion: 1 },
        });
      });
    });

    // --- API-registered models --------------------------------------------------------

    describe('registerModel and deleteModel', () => {
      it('registers, lists, deletes and re-registers a model', async () => {
        const { store } = await createStore(databaseId);
        const entity = {
          apiVersion: 'mlregistry.io/v1alpha1',
          kind: 'MLModel',
          metadata: { name: 'fraud' },
        };
        const registered = await store.registerModel(FRAUD, entity, {
          actor: ALICE,
          comment: 'new',
        });
        expect(registered).toEqual({
          modelRef: FRAUD,
          entity,
          createdBy: ALICE,
          createdAt: expect.stringMatching(ISO),
          updatedAt: registered.createdAt,
        });
        expect(await store.getApiModel(FRAUD)).toEqual(registered);
        await expect(store.registerModel(FRAUD, entity, bob)).rejects.toThrow(
          ConflictError,
        );
        await store.registerModel(CHURN, { kind: 'MLModel' }, bob);
        expect((await store.listApiModels()).map(m => m.modelRef)).toEqual([
          CHURN,
          FRAUD,
        ]);

        // Versions and aliases of an API-registered model.
        await store.registerVersion(FRAUD, input(1), aliceStage);
        await store.registerVersion(FRAUD, input(2), aliceStage);
        await store.setAlias(FRAUD, 'champion', 2, alice);

        await store.deleteModel(FRAUD, { actor: BOB, comment: 'retired' });
        expect(await store.getApiModel(FRAUD)).toBeUndefined();
        expect((await store.listApiModels()).map(m => m.modelRef)).toEqual([
          CHURN,
        ]);
        expect(await store.listAliases(FRAUD)).toEqual([]);
        expect((await store.getSummaries([FRAUD], rules)).get(FRAUD)).toEqual({
          modelRef: FRAUD,
          registeredByApi: false,
          versionCount: 2,
          latestVersion: 2,
          stageOccupants: {},
          aliases: {},
        });
        await expect(store.deleteModel(FRAUD, alice)).rejects.toThrow(
          NotFoundError,
        );
        const [deleted] = (await store.listHistory(FRAUD, { limit: 1 })).items;
        expect(deleted).toMatchObject({
          action: 'model.delete',
          actor: BOB,
          comment: 'retired',
          before: entity,
        });

        // Re-registering after a delete works; nothing of the aliases carries over and
        // version numbers carry on.
        const again = await store.registerModel(
          FRAUD,
          { ...entity, metadata: { name: 'fraud', title: 'Fraud v2' } },
          bob,
        );
        expect(again.entity).toEqual({
          ...entity,
          metadata: { name: 'fraud', title: 'Fraud v2' },
        });
        expect(await store.getApiModel(FRAUD)).toMatchObject({
          modelRef: FRAUD,
          entity: again.entity,
        });
        expect(await store.listAliases(FRAUD)).toEqual([]);
        expect(
          (await store.registerVersion(FRAUD, input(3), aliceStage)).version
            .version,
        ).toBe(3);
        expect((await store.listApiModels()).map(m => m.modelRef)).toEqual([
          CHURN,
          FRAUD,
        ]);
        expect(
          (await store.listHistory(FRAUD, { limit: 100 })).items
            .map(h => h.action)
            .filter(a => a.startsWith('model.')),
        ).toEqual(['model.register', 'model.delete', 'model.register']);
      });

      it('adopts a model that so far only had versions, and refuses to delete one it never registered', async () => {
        const { store } = await createStore(databaseId);
        await store.registerVersion(FRAUD, input(1), aliceStage);
        expect(await store.getApiModel(FRAUD)).toBeUndefined();
        expect(await store.listApiModels()).toEqual([]);
        await expect(store.deleteModel(FRAUD, alice)).rejects.toThrow(
          NotFoundError,
        );
        await expect(store.deleteModel(CHURN, alice)).rejects.toThrow(
          NotFoundError,
        );

        const adopted = await store.registerModel(
          FRAUD,
          { kind: 'MLModel' },
          bob,
        );
        expect(adopted).toMatchObject({
          modelRef: FRAUD,
          entity: { kind: 'MLModel' },
          createdBy: ALICE,
        });
        expect(await store.getApiModel(FRAUD)).toMatchObject({
          modelRef: FRAUD,
          createdBy: ALICE,
        });
        expect((await store.getSummaries([FRAUD], rules)).get(FRAUD)).toEqual(
          expect.objectContaining({ registeredByApi: true, versionCount: 1 }),
        );
        expect(
          (await store.registerVersion(FRAUD, input(2), aliceStage)).version
            .version,
        ).toBe(2);
      });
    });
  });
});
