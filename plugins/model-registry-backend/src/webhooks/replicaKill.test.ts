import { TestDatabases } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { Knex } from 'knex';
import { DatabaseModelRegistryStore } from '../database/DatabaseModelRegistryStore';
import { PG_ENV } from '../database/__testUtils__/replicas';
import {
  aliceStage,
  countRows,
} from '../database/__testUtils__/storeTestHarness';
import {
  ReceivedRequest,
  WebhookReceiver,
} from './__testUtils__/WebhookReceiver';

jest.setTimeout(240_000);

const worker = path.resolve(__dirname, '__fixtures__/replicaWorker.ts');

/** The receiver's delay: every request is still open a while, so the kill lands mid-delivery. */
const RECEIVER_DELAY_MS = 300;
/** Each replica's attempt timeout; the lease is the production one, timeout + 30 s. */
const TIMEOUT_MS = 5000;
const LEASE_MS = TIMEOUT_MS + 30_000;
const CONCURRENCY = 2;
const MODELS = ['fraud', 'churn', 'credit', 'pricing'].map(
  m => `mlmodel:default/${m}`,
);
const VERSIONS_PER_MODEL = 10;

type LogLine = {
  replica: string;
  kind: string;
  deliveryId?: string;
  eventId?: string;
  at?: number;
  leaseUntil?: number;
  ok?: boolean;
  status?: string;
  error?: string;
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 20,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** One replica process: its log lines and whether it has exited. */
class Replica {
  readonly lines: LogLine[] = [];
  output = '';
  exited?: { code: number | null; signal: NodeJS.Signals | null };
  readonly child: ChildProcess;

  constructor(readonly name: string, connection: unknown) {
    this.child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        worker,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          REPLICA_NAME: name,
          REPLICA_DB_CONNECTION: JSON.stringify(connection),
          REPLICA_TIMEOUT_MS: String(TIMEOUT_MS),
          REPLICA_CONCURRENCY: String(CONCURRENCY),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    readline.createInterface({ input: this.child.stdout! }).on('line', line => {
      this.output += `${line}\n`;
      try {
        this.lines.push(JSON.parse(line));
      } catch {
        // not one of the worker's lines
      }
    });
    this.child.stderr!.on('data', chunk => (this.output += chunk));
    this.child.on('exit', (code, signal) => (this.exited = { code, signal }));
  }

  has(kind: string) {
    return this.lines.some(l => l.kind === kind);
  }

  /** Waits until it is connected, then lets it run. */
  async start() {
    await waitFor(
      `${this.name} to be ready (output so far: ${this.output})`,
      () => {
        if (this.exited) {
          throw new Error(`${this.name} exited early:\n${this.output}`);
        }
        return this.has('ready');
      },
      90_000,
    );
  }

  go() {
    this.child.stdin!.write('go\n');
  }

  async exit() {
    await waitFor(`${this.name} to exit`, () => Boolean(this.exited), 30_000);
  }

  /** Claimed and never recorded: what it held when it died. */
  inFlight(): Map<string, LogLine> {
    const held = new Map<string, LogLine>();
    for (const line of this.lines) {
      if (line.kind === 'claim') held.set(line.deliveryId!, line);
      if (line.kind === 'recorded') held.delete(line.deliveryId!);
    }
    return held;
  }

  recordedEventIds() {
    return new Set(
      this.lines.filter(l => l.kind === 'recorded').map(l => l.eventId!),
    );
  }

  errors() {
    return this.lines.filter(
      l =>
        l.kind === 'error' ||
        l.kind === 'fatal' ||
        (l.kind === 'recorded' && !l.ok),
    );
  }
}

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});
const onPostgres = databases.supports('POSTGRES_15');

(onPostgres ? describe : describe.skip)(
  `webhook delivery when a replica is killed${
    onPostgres
      ? ''
      : ` (skipped: needs PostgreSQL, two replica processes share one database; set ${PG_ENV})`
  }`,
  () => {
    const receiver = new WebhookReceiver();
    const replicas: Replica[] = [];

    beforeAll(() => receiver.start());
    afterAll(async () => {
      // no replica may outlive the test (nor hold the database TestDatabases drops)
      for (const replica of replicas) {
        if (!replica.exited) replica.child.kill('SIGKILL');
      }
      await Promise.all(replicas.map(r => r.exit().catch(() => undefined)));
      await receiver.stop();
    });

    it('kill -9 between commit and delivery: every event is delivered, none lost, none by two replicas at once', async () => {
      const started = Date.now();
      const knex: Knex = await databases.init('POSTGRES_15');
      await DatabaseModelRegistryStore.migrate(knex);
      const store = await DatabaseModelRegistryStore.createFromKnex(knex, {
        skipMigrations: true,
      });
      const connection = (knex.client.config as Knex.Config).connection;

      await store.webhooks.create(
        {
          url: receiver.url,
          events: ['*'],
          format: 'registry',
          enabled: true,
        },
        'replica-kill-secret',
        aliceStage.actor,
      );
      // every change is committed before any replica runs: all of them are "between
      // commit and delivery"
      for (let v = 1; v <= VERSIONS_PER_MODEL; v++) {
        for (const model of MODELS) {
          await store.registerVersion(
            model,
            { source: `s3://models/${model}/${v}` },
            aliceStage,
          );
        }
      }
      const eventIds = (
        await knex('registry_events').select('event_id').orderBy('id')
      ).map(r => String(r.event_id));
      expect(eventIds.length).toBeGreaterThanOrEqual(
        MODELS.length * VERSIONS_PER_MODEL,
      );
      expect(await countRows(knex, 'registry_webhook_deliveries')).toBe(0);

      receiver.mode = { kind: 'slow', delayMs: RECEIVER_DELAY_MS };
      const from = (r: ReceivedRequest) => String(r.headers['x-test-replica']);

      const a = new Replica('A', connection);
      const b = new Replica('B', connection);
      replicas.push(a, b);
      await Promise.all([a.start(), b.start()]);
      a.go();
      b.go();
      const goAt = Date.now();

      // kill -9 A while one of its requests is open at the receiver (its answer is
      // RECEIVER_DELAY_MS away, so A can have recorded nothing of it), after a few
      let killedAt = 0;
      await waitFor(
        'A to be mid-delivery',
        () => {
          const mine = receiver.received.filter(r => from(r) === 'A');
          const last = mine[mine.length - 1];
          return (
            mine.length >= 3 &&
            Date.now() - last.receivedAt < RECEIVER_DELAY_MS / 2
          );
        },
        90_000,
        5,
      );
      a.child.kill('SIGKILL');
      killedAt = Date.now();
      await a.exit();
      expect(a.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const heldByA = a.inFlight();
      const receivedAtKill = receiver.received.length;

      // B delivers the rest, and A's held deliveries once their lease has ended
      await waitFor(
        'every delivery to be delivered',
        async () => {
          const [{ n: pendingEvents }] = await knex('registry_events')
            .whereNull('dispatched_at')
            .count({ n: '*' });
          const [{ n: delivered }] = await knex('registry_webhook_deliveries')
            .where({ status: 'delivered' })
            .count({ n: '*' });
          return (
            Number(pendingEvents) === 0 && Number(delivered) === eventIds.length
          );
        },
        LEASE_MS + 90_000,
        500,
      );
      const allDeliveredAt = Date.now();
      const receivedWhenDelivered = receiver.received.length;

      // A comes back (a new process) and finds nothing left to do
      const a2 = new Replica('A2', connection);
      replicas.push(a2);
      await a2.start();
      a2.go();
      await waitFor(
        'A2 to run a few rounds',
        () => a2.lines.filter(l => l.kind === 'round').length >= 5,
        30_000,
      );
      for (const replica of [b, a2]) replica.child.kill('SIGTERM');
      await Promise.all([b.exit(), a2.exit()]);
      expect(b.exited?.code).toBe(0);
      expect(a2.exited?.code).toBe(0);

      // no event lost: each event has one delivery row, delivered, with one logged attempt
      // (A's killed attempts left no log; its leases ran out and another replica posted)
      const deliveries = await knex('registry_webhook_deliveries').select();
      expect(deliveries).toHaveLength(eventIds.length);
      expect(new Set(deliveries.map(d => d.event_id))).toEqual(
        new Set(eventIds),
      );
      for (const d of deliveries) {
        expect(d.status).toBe('delivered');
        expect(Number(d.attempts)).toBe(1);
        expect(d.lease_token).toBeNull();
      }
      expect(await countRows(knex, 'registry_webhook_attempts')).toBe(
        eventIds.length,
      );
      expect(
        await countRows(knex, 'registry_events', { dispatched_at: null }),
      ).toBe(0);

      // every event id arrived at the receiver
      const byEvent = receiver.byEventId();
      expect(new Set(byEvent.keys())).toEqual(new Set(eventIds));
      expect([...b.errors(), ...a2.errors()]).toEqual([]);

      // duplicates: only deliveries A held when it died (at most its concurrency), each
      // posted once by A and once more by a live replica after A's lease had ended — never
      // two requests for one event at once
      const heldEvents = new Map(
        [...heldByA.values()].map(claim => [claim.eventId!, claim]),
      );
      expect(heldByA.size).toBeGreaterThanOrEqual(1);
      expect(heldByA.size).toBeLessThanOrEqual(CONCURRENCY);
      const duplicates = [...byEvent].filter(([, reqs]) => reqs.length > 1);
      expect(duplicates.length).toBeGreaterThanOrEqual(1); // the request open at the kill
      expect(duplicates.length).toBeLessThanOrEqual(heldByA.size);
      for (const [eventId, reqs] of duplicates) {
        expect(reqs).toHaveLength(2);
        const [first, second] = reqs;
        expect(from(first)).toBe('A');
        expect(from(second)).not.toBe('A');
        const claim = heldEvents.get(eventId);
        expect(claim).toBeDefined();
        expect(second.receivedAt).toBeGreaterThan(killedAt);
        expect(second.receivedAt).toBeGreaterThan(claim!.leaseUntil!);
        // not concurrent: the second started after the first's answer was due
        expect(second.receivedAt).toBeGreaterThanOrEqual(
          first.receivedAt + RECEIVER_DELAY_MS,
        );
      }
      // a held delivery A had not posted yet went out once, by a live replica, after the
      // lease; any other event was posted once, by the replica that claimed and recorded it
      const recordedByA = a.recordedEventIds();
      for (const [eventId, claim] of heldEvents) {
        const last = byEvent.get(eventId)!.slice(-1)[0];
        expect(from(last)).not.toBe('A');
        expect(last.receivedAt).toBeGreaterThan(claim.leaseUntil!);
      }
      const onlyByA = [...byEvent]
        .filter(([, reqs]) => reqs.length === 1 && from(reqs[0]) === 'A')
        .map(([eventId]) => eventId);
      expect(onlyByA.filter(id => !recordedByA.has(id))).toEqual([]);
      // A2 found nothing to deliver; nothing came after everything was delivered
      expect(a2.lines.filter(l => l.kind === 'claim')).toEqual([]);
      expect(receiver.received.length).toBe(receivedWhenDelivered);
      expect(receiver.received.length).toBe(
        eventIds.length + duplicates.length,
      );

      const count = (r: Replica) =>
        receiver.received.filter(x => from(x) === r.name).length;
      // eslint-disable-next-line no-console
      console.log(
        JSON.stringify({
          events: eventIds.length,
          deliveries: deliveries.length,
          requests: receiver.received.length,
          duplicates: duplicates.length,
          heldByAAtKill: heldByA.size,
          requestsByReplica: { A: count(a), B: count(b), A2: count(a2) },
          receivedAtKill,
          killAfterGoMs: killedAt - goAt,
          allDeliveredAfterKillMs: allDeliveredAt - killedAt,
          totalMs: Date.now() - started,
        }),
      );
    });
  },
);
