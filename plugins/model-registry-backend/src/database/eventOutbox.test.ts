import {
  aliceStage,
  countRows,
  describeOnEachDatabase,
  FRAUD,
  input,
} from './__testUtils__/storeTestHarness';
import { PG_ENV, replicaHarness } from './__testUtils__/replicas';
import { dispatchEvents, RegistryEvent, retryDelayMs } from './eventOutbox';

jest.setTimeout(120_000);

describeOnEachDatabase('the event outbox', createStore => {
  it('writes one event per change in its transaction, with a stable id, and dispatches each once', async () => {
    const { knex, store } = await createStore();
    await store.registerVersion(FRAUD, input(1), aliceStage);
    await store.registerVersion(FRAUD, input(2), aliceStage);
    await store.transitionStage(FRAUD, 1, 'production', {
      ...aliceStage,
      comment: 'first one',
    });
    // a change that fails writes nothing: neither history nor event
    await expect(
      store.transitionStage(FRAUD, 9, 'production', aliceStage),
    ).rejects.toThrow();
    expect(await countRows(knex, 'registry_events')).toBe(
      await countRows(knex, 'history'),
    );

    const published: RegistryEvent[] = [];
    const publish = async (e: RegistryEvent) => {
      published.push(e);
    };
    expect(await dispatchEvents(knex, publish)).toBe(3);
    expect(published.map(e => [e.type, e.version])).toEqual([
      ['version.register', 1],
      ['version.register', 2],
      ['version.stage', 1],
    ]);
    expect(published[2]).toMatchObject({
      modelRef: FRAUD,
      actor: aliceStage.actor,
      comment: 'first one',
      before: { stage: 'none' },
      after: { stage: 'production', archived: [] },
    });
    expect(new Set(published.map(e => e.id)).size).toBe(3);
    expect(published[0].id).toMatch(/^[0-9a-f-]{36}$/);
    // dispatched events are not published again
    expect(await dispatchEvents(knex, publish)).toBe(0);
    expect(published).toHaveLength(3);
  });

  it('leaves the database usable while publishing (a publish may need it itself)', async () => {
    const { knex, store } = await createStore();
    await store.registerVersion(FRAUD, input(1), aliceStage);
    // like a service token whose signing key is read from the plugin's database: on SQLite's
    // single connection this deadlocked while the dispatcher held a transaction
    const publish = async () => {
      await knex('history').count({ n: '*' });
    };
    expect(await dispatchEvents(knex, publish)).toBe(1);
  });

  it('retries a failed publish with backoff, counting attempts and keeping the error', async () => {
    const { knex, store } = await createStore();
    await store.registerVersion(FRAUD, input(1), aliceStage);
    const start = new Date();
    let fail = true;
    const seen: string[] = [];
    const publish = async (e: RegistryEvent) => {
      seen.push(e.id);
      if (fail) throw new Error('events backend down');
    };
    expect(await dispatchEvents(knex, publish, { now: () => start })).toBe(0);
    const [row] = await knex('registry_events').select();
    expect(Number(row.attempts)).toBe(1);
    expect(row.last_error).toBe('events backend down');
    expect(row.dispatched_at).toBeNull();
    // not due before its delay
    expect(await dispatchEvents(knex, publish, { now: () => start })).toBe(0);
    expect(seen).toHaveLength(1);
    fail = false;
    const later = new Date(start.getTime() + retryDelayMs(1) + 1);
    expect(await dispatchEvents(knex, publish, { now: () => later })).toBe(1);
    expect(new Set(seen).size).toBe(1); // the same event id again
    const [done] = await knex('registry_events').select();
    expect(done.dispatched_at).not.toBeNull();
    expect(Number(done.attempts)).toBe(2);
  });
});

const { onPostgres, createReplicas, closeExtraPools, extraPools } =
  replicaHarness();

(onPostgres ? describe : describe.skip)(
  `the event outbox on replicas${
    onPostgres ? '' : ` (skipped: needs PostgreSQL, set ${PG_ENV})`
  }`,
  () => {
    afterEach(closeExtraPools);

    it('three dispatchers at once publish every event exactly once', async () => {
      const { knex, at } = await createReplicas();
      for (let v = 1; v <= 30; v++) {
        await at(v).registerVersion(
          FRAUD,
          { source: `s3://m/${v}` },
          aliceStage,
        );
      }
      const published: string[] = [];
      const publish = async (e: RegistryEvent) => {
        await new Promise(r => setTimeout(r, 5)); // hold the claimed rows a while
        published.push(e.id);
      };
      const pools = [knex, ...extraPools];
      let rounds = 0;
      while (
        (await countRows(knex, 'registry_events', { dispatched_at: null })) > 0
      ) {
        await Promise.all(
          pools.map(pool => dispatchEvents(pool, publish, { limit: 7 })),
        );
        rounds += 1;
        expect(rounds).toBeLessThan(20);
      }
      expect(published).toHaveLength(30);
      expect(new Set(published).size).toBe(30);
    });
  },
);
