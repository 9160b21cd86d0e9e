/*
 * One registry replica's dispatch side, as a separate OS process, for replicaKill.test.ts:
 * it connects to the PostgreSQL database in REPLICA_DB_CONNECTION (a Knex connection, as
 * JSON), prints `ready`, waits for `go` on stdin, then every ~100 ms dispatches the outbox
 * and delivers the due webhooks exactly as the backend's tasks do (deliverDueWebhooks, the
 * production lease of timeout + 30 s). SIGTERM stops it after the current round.
 *
 * It logs one JSON line per step on stdout (claims with their lease, recorded attempts,
 * published events) and marks its requests with an `x-test-replica: REPLICA_NAME` header
 * (outside the signed body and timestamp), so that the test knows which replica posted
 * what and which deliveries it held when it was killed.
 */

import knexFactory, { Knex } from 'knex';
import readline from 'node:readline';
import { DatabaseModelRegistryStore } from '../../database/DatabaseModelRegistryStore';
import { deliverDueWebhooks } from '../deliverWebhooks';
import { createWebhookSender, WebhookSender } from '../sendWebhook';

const name = process.env.REPLICA_NAME ?? 'replica';
const timeoutMs = Number(process.env.REPLICA_TIMEOUT_MS ?? 5000);
const concurrency = Number(process.env.REPLICA_CONCURRENCY ?? 2);

function log(entry: Record<string, unknown>) {
  // stdout to a pipe is synchronous on Linux: a line is out before the next step runs
  process.stdout.write(`${JSON.stringify({ replica: name, ...entry })}\n`);
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function main() {
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: JSON.parse(process.env.REPLICA_DB_CONNECTION ?? '""'),
    pool: { min: 0, max: concurrency + 2, acquireTimeoutMillis: 60_000 },
  });
  const store = await DatabaseModelRegistryStore.createFromKnex(knex, {
    skipMigrations: true,
  });

  // report claims and recorded attempts (the store's own methods, only logged)
  const webhooks = store.webhooks;
  const claimNext = webhooks.claimNext.bind(webhooks);
  webhooks.claimNext = async (now, leaseMs) => {
    const claim = await claimNext(now, leaseMs);
    if (claim) {
      log({
        kind: 'claim',
        deliveryId: claim.deliveryId,
        eventId: claim.event.id,
        at: now.getTime(),
        leaseUntil: now.getTime() + leaseMs,
      });
    }
    return claim;
  };
  const recordAttempt = webhooks.recordAttempt.bind(webhooks);
  webhooks.recordAttempt = async (claim, outcome, options) => {
    const status = await recordAttempt(claim, outcome, options);
    log({
      kind: 'recorded',
      deliveryId: claim.deliveryId,
      eventId: claim.event.id,
      ok: outcome.ok,
      status: status ?? 'lease lost',
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return status;
  };

  const sender = createWebhookSender({
    policy: { allowHttpHosts: ['127.0.0.1'], allowPrivateHosts: ['127.0.0.1'] },
    timeoutMs,
  });
  const send: WebhookSender = (url, request) =>
    sender(url, {
      ...request,
      headers: { ...request.headers, 'x-test-replica': name },
    });

  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });

  log({ kind: 'ready', pid: process.pid });
  await new Promise<void>(resolve => {
    const lines = readline.createInterface({ input: process.stdin });
    lines.on('line', line => {
      if (line.trim() === 'go') {
        lines.close();
        resolve();
      }
    });
  });

  while (!stopping) {
    try {
      await store.dispatchEvents(async event => {
        log({ kind: 'published', eventId: event.id });
      });
      await deliverDueWebhooks({
        webhooks,
        send,
        options: {
          timeoutMs,
          maxAttempts: 5,
          retryBaseMs: 200,
          maxRetryDelayMs: 1000,
          concurrency,
        },
        mlflowNamespace: 'default',
      });
    } catch (error) {
      log({ kind: 'error', error: String((error as Error)?.stack ?? error) });
    }
    log({ kind: 'round' });
    await sleep(100);
  }
  await knex.destroy();
  log({ kind: 'stopped' });
}

main().then(
  () => process.exit(0),
  error => {
    log({ kind: 'fatal', error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  },
);
