/*
 * Benchmark of the model registry backend on SQLite and PostgreSQL.
 *
 * Seeds a fresh database with bulk SQL (1,000 models × 100 versions, tags, aliases, one
 * production version per model, lineage edges and history), then times the real store
 * methods and the real HTTP router (createRouter with a fake in-memory catalog, allow-all
 * permissions and mock auth from @backstage/backend-test-utils) and counts the SQL
 * statements each operation sends.
 *
 * Run from the repository root (Node 22 through the bootstrap script):
 *
 *   BOOTSTRAP_SKIP_INSTALL=1 scripts/bootstrap.sh \
 *     yarn workspace @model-registry/plugin-model-registry-backend bench [options]
 *
 * The package's bench script runs this file with Node and the SWC hook of
 * @backstage/cli (node --require @backstage/cli/config/nodeTransform.cjs). Results and
 * method: docs/benchmarks.md.
 *
 * PostgreSQL runs when BENCH_POSTGRES_URL or
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a superuser connection: a new
 * database bench_<random> is created there and dropped at the end.
 *
 * Options:
 *   --markdown <file>   also write the results as markdown tables to <file>
 *   --db <list>         sqlite, postgres or both (default: both when PostgreSQL is set)
 *   --iterations <n>    timed iterations per operation and layer (default 300)
 *   --warmup <n>        untimed iterations before each measurement (default 30)
 *   --models <n>        models to seed (default 1000, at least 20)
 *   --versions <n>      versions per model (default 100)
 *   --hot-versions <n>  versions of one extra "hot" model measured last (default 100000, 0: none)
 *   --no-http           measure the store only
 *   --trace             print the statements of each operation with their mean time
 *   --keep              keep the seeded database (to EXPLAIN queries) and print where it is
 *   --seed-only <dir>   only seed: write <dir>/model-registry.sqlite (migrated, --models ×
 *                       --versions) and <dir>/catalog.yaml (the models and their datasets as
 *                       catalog entities), for the portal's model page benchmark
 *                       (scripts/model-page-benchmark.sh)
 *   --seed-postgres <db> with --seed-only: seed the registry into the PostgreSQL database
 *                       <db> on the BENCH_POSTGRES_URL server instead (created here; the
 *                       caller drops it)
 */
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createModelNamingRule,
  DEFAULT_SOURCE_SCHEMES,
  DEFAULT_STAGE_RULES,
  MLMODEL_API_VERSION,
  MLMODEL_KIND,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCursor } from '../src/database/cursors';
import { DatabaseModelRegistryStore } from '../src/database/DatabaseModelRegistryStore';
import { NewModelVersion } from '../src/database/ModelRegistryStore';
import { createRouter } from '../src/service/router';

// --- options ---------------------------------------------------------------------------

type Options = {
  markdown?: string;
  databases: Array<'sqlite' | 'postgres'>;
  iterations: number;
  warmup: number;
  models: number;
  versions: number;
  http: boolean;
  trace: boolean;
  keep: boolean;
  hotVersions: number;
  seedOnly?: string;
  seedPostgres?: string;
};

const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

function parseOptions(argv: string[]): Options {
  const options: Options = {
    databases: POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'],
    iterations: 300,
    warmup: 30,
    models: 1000,
    versions: 100,
    http: true,
    trace: false,
    keep: false,
    hotVersions: 100_000,
  };
  const value = (i: number) => {
    if (argv[i + 1] === undefined) {
      throw new Error(`${argv[i]} needs a value`);
    }
    return argv[i + 1];
  };
  const positive = (i: number) => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${argv[i]} must be a positive integer`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--markdown':
        options.markdown = path.resolve(process.env.INIT_CWD ?? '', value(i));
        i++;
        break;
      case '--db': {
        const wanted = value(i);
        i++;
        options.databases =
          wanted === 'both'
            ? ['sqlite', 'postgres']
            : (wanted.split(',') as Options['databases']);
        for (const db of options.databases) {
          if (db !== 'sqlite' && db !== 'postgres') {
            throw new Error(`unknown database ${db}`);
          }
        }
        break;
      }
      case '--iterations':
        options.iterations = positive(i);
        i++;
        break;
      case '--warmup':
        options.warmup = Number(value(i));
        if (!Number.isInteger(options.warmup) || options.warmup < 0) {
          throw new Error('--warmup must be a non-negative integer');
        }
        i++;
        break;
      case '--models':
        options.models = positive(i);
        i++;
        break;
      case '--versions':
        options.versions = positive(i);
        i++;
        break;
      case '--no-http':
        options.http = false;
        break;
      case '--trace':
        options.trace = true;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--seed-postgres':
        options.seedPostgres = value(i);
        if (!/^[a-z_][a-z0-9_-]*$/.test(options.seedPostgres)) {
          throw new Error('--seed-postgres must be a plain database name');
        }
        i++;
        break;
      case '--seed-only':
        options.seedOnly = path.resolve(process.env.INIT_CWD ?? '', value(i));
        i++;
        break;
      case '--hot-versions':
        options.hotVersions = Number(value(i));
        if (
          !Number.isInteger(options.hotVersions) ||
          (options.hotVersions !== 0 && options.hotVersions < 40)
        ) {
          throw new Error('--hot-versions must be 0 or at least 40');
        }
        i++;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (options.databases.includes('postgres') && !POSTGRES_URL) {
    throw new Error(
      'set BENCH_POSTGRES_URL (or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) to a superuser connection string',
    );
  }
  if (options.versions < 40) {
    throw new Error('--versions must be at least 40');
  }
  if (options.models < 20) {
    // Two fine-tuning chains (a depth-5 walk from model 15) and a page of 20 models.
    throw new Error('--models must be at least 20');
  }
  return options;
}

// --- helpers -------------------------------------------------------------------------

/** Deterministic pseudo-random numbers (mulberry32), so that runs pick the same inputs. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (from: number, to: number) => from + Math.floor(next() * (to - from)),
    pick: <T>(items: T[]) => items[Math.floor(next() * items.length)],
  };
}

const pad4 = (n: number) => String(n).padStart(4, '0');
const modelName = (i: number) => `bench-model-${pad4(i)}`;
const modelRefOf = (i: number) => `mlmodel:default/${modelName(i)}`;
const sha = (i: number, v: number) =>
  (BigInt(i + 1) * 1000003n + BigInt(v) * 7919n)
    .toString(16)
    .padStart(40, 'a')
    .slice(-40);

/** Models form fine-tuning chains of this length: model i (i % CHAIN > 0) is tuned from i - 1. */
const CHAIN = 10;
const DATASETS = 50;
/** The production version (alias champion) is this many versions before the latest one. */
const PRODUCTION_OFFSET = 10;

function log(message: string) {
  process.stderr.write(
    `${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );
}

function fmtMs(ms: number) {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(2);
}

function fmtInt(n: number) {
  return n.toLocaleString('en-US');
}

// --- databases -------------------------------------------------------------------------

/** Drops the PostgreSQL database and removes the SQLite file when a run fails or is interrupted. */
const cleanups: Array<() => Promise<void>> = [];

type BenchDatabase = {
  label: string;
  knex: Knex;
  details: string;
  analyze: () => Promise<void>;
  close: () => Promise<void>;
};

async function createSqlite(keep: boolean): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-registry-bench-'));
  const filename = path.join(dir, 'registry.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate(
        connection: { pragma(sql: string): unknown },
        done: (error: Error | null, connection: unknown) => void,
      ) {
        connection.pragma('foreign_keys = ON');
        done(null, connection);
      },
    },
  });
  const [{ foreign_keys: foreignKeys }] = await knex.raw('PRAGMA foreign_keys');
  if (Number(foreignKeys) !== 1) {
    throw new Error('PRAGMA foreign_keys = ON did not take effect');
  }
  const [{ version }] = await knex.raw('select sqlite_version() as version');
  const [{ journal_mode: journal }] = await knex.raw('PRAGMA journal_mode');
  const [{ synchronous }] = await knex.raw('PRAGMA synchronous');
  const removeFile = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!keep) cleanups.push(removeFile);
  return {
    label: 'SQLite',
    knex,
    details: `SQLite ${version} (better-sqlite3, file ${filename}, journal_mode=${journal}, synchronous=${
      ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(synchronous)] ?? synchronous
    } (SQLite's defaults, which Backstage's connector keeps), foreign_keys=ON)`,
    // Backstage never runs ANALYZE on SQLite: the planner works without statistics.
    analyze: async () => {},
    close: async () => {
      await knex.destroy();
      if (keep) {
        log(`kept ${filename}`);
      } else {
        await removeFile();
        cleanups.splice(cleanups.indexOf(removeFile), 1);
      }
    },
  };
}

async function createPostgres(
  url: string,
  keep: boolean,
): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: target.toString() });
  const { rows } = await knex.raw('show server_version');
  const dropDatabase = async () => {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  };
  if (!keep) cleanups.push(dropDatabase);
  return {
    label: 'PostgreSQL',
    knex,
    details: `PostgreSQL ${rows[0].server_version} (pg, database ${name} on ${target.host}, dropped at the end)`,
    // What autovacuum would have done by the time a registry holds this much: planner
    // statistics and a visibility map; it also keeps autovacuum out of the measurements.
    analyze: async () => {
      await knex.raw('VACUUM ANALYZE');
    },
    close: async () => {
      await knex.destroy();
      if (keep) {
        await admin.destroy();
        log(`kept database ${name}`);
      } else {
        await dropDatabase();
        cleanups.splice(cleanups.indexOf(dropDatabase), 1);
      }
    },
  };
}

// --- seeding ---------------------------------------------------------------------------

/** Inserts rows with multi-row INSERT statements of at most `batch` rows. */
async function bulkInsert(
  db: Knex | Knex.Transaction,
  table: string,
  rows: Record<string, unknown>[],
  batch = 500,
) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const head = `INSERT INTO "${table}" (${columns
    .map(c => `"${c}"`)
    .join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    const bindings: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) bindings.push(row[column]);
    }
    await db.raw(
      head + chunk.map(() => tuple).join(', '),
      bindings as Knex.RawBinding[],
    );
  }
}

function stageOf(version: number, versions: number): string {
  const production = versions - PRODUCTION_OFFSET;
  if (version === production) return 'production';
  if (version < production) return 'archived';
  return version <= production + 5 ? 'staging' : 'none';
}

/**
 * Seeds models [from, to) with `versions` versions each: multi-row INSERTs, one
 * transaction per 2,000 versions (with their tags, edges and history).
 */
async function seedModels(
  knex: Knex,
  from: number,
  to: number,
  versions: number,
) {
  const [{ max }] = await knex('model_versions').max({ max: 'id' });
  let nextId = Number(max ?? 0) + 1;
  const base = Date.UTC(2026, 0, 1);
  type Row = Record<string, unknown>;
  let models: Row[] = [];
  let rows: Row[] = [];
  let tags: Row[] = [];
  let aliases: Row[] = [];
  let edges: Row[] = [];
  let history: Row[] = [];
  // Parents before children: a version's model row, and an alias's version row, are
  // always in the same or an earlier flush, inserted in this table order.
  const flush = async () => {
    await knex.transaction(async trx => {
      await bulkInsert(trx, 'models', models);
      await bulkInsert(trx, 'model_versions', rows);
      await bulkInsert(trx, 'model_version_tags', tags);
      await bulkInsert(trx, 'model_aliases', aliases);
      await bulkInsert(trx, 'lineage_edges', edges);
      await bulkInsert(trx, 'history', history);
    });
    models = [];
    rows = [];
    tags = [];
    aliases = [];
    edges = [];
    history = [];
  };
  for (let i = from; i < to; i++) {
    const ref = modelRefOf(i);
    const created = new Date(base + i * 60_000);
    models.push({
      model_ref: ref,
      next_version: versions + 1,
      registered_by_api: false,
      entity: null,
      created_by: 'user:default/bench',
      created_at: created,
      updated_at: created,
      deleted_at: null,
    });
    const firstId = nextId;
    const idOf = (v: number) => firstId + (v - 1);
    for (let v = 1; v <= versions; v++) {
      if (rows.length >= 2000) await flush();
      const id = idOf(v);
      const at = new Date(base + i * 60_000 + v * 3_600_000);
      const stage = stageOf(v, versions);
      const metrics = {
        accuracy: 0.8 + (v % 17) / 100,
        f1: 0.7 + (v % 13) / 100,
        loss: 0.5 - (v % 11) / 100,
      };
      const params = { learning_rate: '0.001', epochs: String(5 + (v % 10)) };
      const source = `s3://bench-models/${modelName(i)}/${v}/model.pkl`;
      rows.push({
        id,
        model_ref: ref,
        version: v,
        status: 'ready',
        stage,
        source,
        run_id: `run-${i}-${v}`,
        run_link: `https://mlflow.example.com/#/experiments/${i}/runs/run-${i}-${v}`,
        code_repository: `https://github.com/example/${modelName(i)}`,
        code_commit: sha(i, v),
        framework: 'pytorch',
        description: `Version ${v} of ${modelName(i)}, trained nightly`,
        signature: JSON.stringify({
          inputs: [{ name: 'features', type: 'tensor', shape: [-1, 128] }],
          outputs: [{ name: 'score', type: 'double' }],
        }),
        metrics: JSON.stringify(metrics),
        params: JSON.stringify(params),
        card: null,
        idempotency_key: `seed-${i}-${v}`,
        created_by: 'user:default/bench',
        created_at: at,
        updated_by: 'user:default/bench',
        updated_at: at,
        stage_updated_at: at,
        deleted_by: null,
        deleted_at: null,
      });
      tags.push(
        { version_id: id, key: 'team', value: `team-${i % 7}` },
        { version_id: id, key: 'dataset-version', value: `2026.${v}` },
      );
      edges.push(
        {
          version_id: id,
          relation: 'trainedOn',
          target_type: 'entity',
          target: `resource:default/bench-dataset-${pad4(i % DATASETS)}`,
          target_version: null,
          created_by: 'user:default/bench',
          created_at: at,
        },
        {
          version_id: id,
          relation: 'builtFromCommit',
          target_type: 'uri',
          target: `https://github.com/example/${modelName(i)}/commit/${sha(
            i,
            v,
          )}`,
          target_version: null,
          created_by: 'user:default/bench',
          created_at: at,
        },
      );
      if (i % CHAIN > 0) {
        edges.push({
          version_id: id,
          relation: 'fineTunedFrom',
          target_type: 'entity',
          target: modelRefOf(i - 1),
          target_version: v,
          created_by: 'user:default/bench',
          created_at: at,
        });
      }
      history.push({
        model_ref: ref,
        version: v,
        action: 'version.register',
        actor: 'user:default/bench',
        comment: null,
        before: null,
        after: JSON.stringify({
          modelRef: ref,
          version: v,
          status: 'ready',
          stage: 'none',
          source,
          metrics,
          params,
        }),
        created_at: at,
      });
    }
    const production = versions - PRODUCTION_OFFSET;
    const at = new Date(base + i * 60_000 + versions * 3_600_000);
    aliases.push(
      {
        model_ref: ref,
        alias: 'champion',
        version_id: idOf(production),
        updated_by: 'user:default/bench',
        updated_at: at,
      },
      {
        model_ref: ref,
        alias: 'challenger',
        version_id: idOf(versions),
        updated_by: 'user:default/bench',
        updated_at: at,
      },
    );
    nextId += versions;
  }
  await flush();
  if (knex.client.config.client === 'pg') {
    // Ids were given explicitly; move the sequence past them for registerVersion.
    await knex.raw(
      `SELECT setval(pg_get_serial_sequence('model_versions', 'id'), (SELECT max(id) FROM model_versions))`,
    );
  }
}

async function countRows(knex: Knex) {
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  return {
    models: await count('models'),
    versions: await count('model_versions'),
    tags: await count('model_version_tags'),
    aliases: await count('model_aliases'),
    edges: await count('lineage_edges'),
    history: await count('history'),
  };
}

// --- the HTTP layer --------------------------------------------------------------------

function benchEntity(i: number): Entity {
  return {
    apiVersion: MLMODEL_API_VERSION,
    kind: MLMODEL_KIND,
    metadata: {
      name: modelName(i),
      namespace: 'default',
      title: `Bench model ${i}`,
      description: 'A model seeded by the registry benchmark',
    },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/ml-platform',
    },
  };
}

/**
 * The in-memory catalog of @backstage/plugin-catalog-node/testUtils, with the three calls
 * the router makes answered from a map: the stock fake rebuilds a map of every entity on
 * each lookup, which would be timed as registry latency.
 */
function createFakeCatalog(count: number): CatalogService {
  const entities = Array.from({ length: count }, (_, i) => benchEntity(i));
  const refOf = (e: Entity) => stringifyEntityRef(e).toLocaleLowerCase('en-US');
  const byRef = new Map(entities.map(e => [refOf(e), e]));
  const sorted = [...entities].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  const lookup = (ref: Parameters<CatalogService['getEntityByRef']>[0]) =>
    byRef.get(
      (typeof ref === 'string'
        ? ref
        : stringifyEntityRef(ref)
      ).toLocaleLowerCase('en-US'),
    );
  const fast: Pick<
    CatalogService,
    'getEntityByRef' | 'getEntitiesByRefs' | 'queryEntities'
  > = {
    async getEntityByRef(ref) {
      return lookup(ref);
    },
    async getEntitiesByRefs(request) {
      return { items: request.entityRefs.map(ref => lookup(ref)) };
    },
    async queryEntities(request) {
      const offset =
        request && 'cursor' in request ? Number(request.cursor) : 0;
      const limit = request?.limit ?? 20;
      const items = sorted.slice(offset, offset + limit);
      return {
        items,
        totalItems: sorted.length,
        pageInfo:
          offset + limit < sorted.length
            ? { nextCursor: String(offset + limit) }
            : {},
      };
    },
  };
  return Object.assign(catalogServiceMock({ entities }), fast);
}

async function startHttp(store: DatabaseModelRegistryStore, models: number) {
  const logger = mockServices.rootLogger({ level: 'none' });
  const auditor = await ServiceFactoryTester.from(
    mockServices.auditor.factory(),
    { dependencies: [mockServices.rootLogger.factory({ level: 'none' })] },
  ).getSubject('model-registry');
  const router = await createRouter({
    store,
    catalog: createFakeCatalog(models),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    httpAuth: mockServices.httpAuth(),
    auditor,
    logger,
    stageRules: DEFAULT_STAGE_RULES,
    namingRule: createModelNamingRule(),
    allowedSourceSchemes: DEFAULT_SOURCE_SCHEMES,
  });
  const statusOf: Record<string, number> = {
    InputError: 400,
    AuthenticationError: 401,
    NotAllowedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
  };
  const app = express();
  // A route outside the registry: what fetch, Node's HTTP server and Express cost alone.
  app.get('/api/model-registry/bench-ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/api/model-registry', router);
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res
        .status(statusOf[error.name] ?? 500)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server: Server = await new Promise(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Seeding between measurements leaves the client's pooled connections idle for longer
  // than Node's default keep-alive timeout of 5 s; keep them open instead.
  server.keepAliveTimeout = 10 * 60_000;
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/model-registry`;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
    }
    return text;
  };
  return {
    call,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(e => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// --- measuring -------------------------------------------------------------------------

type Layer = 'store' | 'http';

type Result = {
  operation: string;
  layer: Layer;
  kind: 'read' | 'write';
  n: number;
  p50: number;
  p99: number;
  max: number;
  queries: string;
};

function percentile(sorted: number[], p: number) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarizeCounts(counts: number[]) {
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  return min === max ? String(min) : `${min}–${max}`;
}

/**
 * Counts the statements Knex sends (transaction BEGIN/COMMIT included) and, with
 * --trace, times each statement by its SQL text (IN lists collapsed).
 */
function createQueryCounter(knex: Knex, trace: boolean) {
  let count = 0;
  const started = new Map<string, { sql: string; at: number }>();
  let stats = new Map<string, { n: number; ms: number }>();
  knex.on('query', (query: { __knexQueryUid?: string; sql: string }) => {
    count++;
    if (trace && query.__knexQueryUid) {
      started.set(query.__knexQueryUid, {
        sql: query.sql
          .replace(/\((?:\$\d+|\?)(?:, ?(?:\$\d+|\?))*\)/g, '(…)')
          .replace(/\$\d+/g, '?'),
        at: performance.now(),
      });
    }
  });
  const done = (_: unknown, query: { __knexQueryUid?: string }) => {
    const start = query?.__knexQueryUid && started.get(query.__knexQueryUid);
    if (!start) return;
    started.delete(query.__knexQueryUid!);
    const entry = stats.get(start.sql) ?? { n: 0, ms: 0 };
    entry.n++;
    entry.ms += performance.now() - start.at;
    stats.set(start.sql, entry);
  };
  if (trace) {
    knex.on('query-response', done);
    knex.on('query-error', done);
  }
  return {
    async count(fn: () => Promise<unknown>) {
      const before = count;
      await fn();
      return count - before;
    },
    get total() {
      return count;
    },
    /** Returns and resets the statement timings gathered since the last call. */
    takeTrace() {
      const result = stats;
      stats = new Map();
      return result;
    },
  };
}

async function measure(
  counter: ReturnType<typeof createQueryCounter>,
  options: Options,
  spec: {
    operation: string;
    layer: Layer;
    kind: 'read' | 'write';
    run: (iteration: number) => Promise<unknown>;
  },
): Promise<Result> {
  counter.takeTrace();
  for (let i = 0; i < options.warmup; i++) {
    await spec.run(-1 - i);
  }
  const times: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const before = counter.total;
    const start = performance.now();
    await spec.run(i);
    times.push(performance.now() - start);
    counts.push(counter.total - before);
  }
  times.sort((a, b) => a - b);
  const result: Result = {
    operation: spec.operation,
    layer: spec.layer,
    kind: spec.kind,
    n: times.length,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[times.length - 1],
    queries: summarizeCounts(counts),
  };
  if (options.trace) {
    const iterations = options.iterations + options.warmup;
    for (const [sql, { n, ms }] of [...counter.takeTrace()].sort(
      (a, b) => b[1].ms - a[1].ms,
    )) {
      log(
        `      ${(ms / n).toFixed(3)} ms × ${(n / iterations).toFixed(
          1,
        )}/call  ${sql.slice(0, 200)}`,
      );
    }
  }
  log(
    `  ${spec.layer.padEnd(5)} ${spec.operation.padEnd(44)} p50 ${fmtMs(
      result.p50,
    )} ms  p99 ${fmtMs(result.p99)} ms  queries ${result.queries}`,
  );
  return result;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`sanity check failed: ${message}`);
  }
}

const ACTOR = { actor: 'user:default/bench', stageRules: DEFAULT_STAGE_RULES };

function newVersionInput(i: number, n: number): NewModelVersion {
  return {
    source: `s3://bench-models/${modelName(i)}/new-${n}/model.pkl`,
    runId: `bench-run-${n}`,
    code: { repository: `https://github.com/example/${modelName(i)}` },
    framework: 'pytorch',
    metrics: { accuracy: 0.91, f1: 0.88 },
    params: { learning_rate: '0.001' },
    tags: { team: `team-${i % 7}`, 'dataset-version': '2026.new' },
    lineage: [
      {
        relation: 'trainedOn',
        entityRef: `resource:default/bench-dataset-${pad4(i % DATASETS)}`,
      },
      {
        relation: 'builtFromCommit',
        uri: `https://github.com/example/${modelName(i)}/commit/${sha(i, n)}`,
      },
      ...(i % CHAIN > 0
        ? [
            {
              relation: 'fineTunedFrom' as const,
              entityRef: modelRefOf(i - 1),
              version: 1,
            },
          ]
        : []),
    ],
  };
}

type Context = {
  options: Options;
  store: DatabaseModelRegistryStore;
  counter: ReturnType<typeof createQueryCounter>;
  http?: Awaited<ReturnType<typeof startHttp>>;
  layers: Layer[];
};

/** Registrations so far (for unique sources) and the next version number of each model. */
const registrations = { count: 0, next: new Map<number, number>() };

async function measureRegistration(
  ctx: Context,
  pick: () => number,
  label: string,
  options: Options = ctx.options,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const layer of ctx.layers) {
    results.push(
      await measure(ctx.counter, options, {
        operation: `register a version (${label})`,
        layer,
        kind: 'write',
        run: async () => {
          const i = pick();
          const n = ++registrations.count;
          const input = newVersionInput(i, n);
          let number: number;
          if (layer === 'store') {
            const { version, created } = await ctx.store.registerVersion(
              modelRefOf(i),
              input,
              ACTOR,
            );
            check(created, 'registerVersion created a version');
            number = version.version;
          } else {
            const body = await ctx.http!.call(
              'POST',
              `/models/default/${modelName(i)}/versions`,
              input,
            );
            number = JSON.parse(body).version;
          }
          // The seed set models.next_version: numbering carries on after the seeded ones.
          const expected =
            registrations.next.get(i) ??
            (i === ctx.options.models
              ? ctx.options.hotVersions
              : ctx.options.versions) + 1;
          check(
            number === expected,
            `${modelRefOf(i)} got version ${number}, expected ${expected}`,
          );
          registrations.next.set(i, expected + 1);
        },
      }),
    );
  }
  return results;
}

/**
 * One model with many versions, measured after everything else: the per-model cost of
 * pages, summaries and registration (iterations capped at 100).
 */
async function measureHotModel(
  ctx: Context,
  hot: number,
  versions: number,
): Promise<Result[]> {
  const { store } = ctx;
  const options = {
    ...ctx.options,
    iterations: Math.min(ctx.options.iterations, 100),
    warmup: Math.min(ctx.options.warmup, 10),
  };
  const ref = modelRefOf(hot);
  const name = modelName(hot);
  // Cursors positioned 20 versions before the oldest, in the store's own format, so that
  // making them does not need to page through 100,000 versions.
  const v21 = await store.getVersion(ref, 21);
  check(v21, 'the hot model has a version 21');
  const byVersion = encodeCursor({ s: 'version', o: 'desc', v: 21, n: 21 });
  const byCreatedAt = encodeCursor({
    s: 'createdAt',
    o: 'desc',
    v: v21.createdAt,
    n: 21,
  });
  const page = await store.listVersions(ref, {
    limit: 20,
    sort: 'createdAt',
    cursor: byCreatedAt,
  });
  check(
    page.items.length === 20 && page.items[0].version === 20,
    'the createdAt cursor of the hot model',
  );
  // The last 19 models and the hot one: one page of the list.
  const first = Math.max(0, ctx.options.models - 19);
  const refs = Array.from({ length: hot - first + 1 }, (_, k) =>
    modelRefOf(first + k),
  );
  const specs: Array<{
    operation: string;
    store: () => Promise<unknown>;
    http: () => Promise<unknown>;
  }> = [
    {
      operation: 'versions: first page (20)',
      store: () => store.listVersions(ref, { limit: 20 }),
      http: () =>
        ctx.http!.call('GET', `/models/default/${name}/versions?limit=20`),
    },
    {
      operation: 'versions: deep cursor page (20)',
      store: () => store.listVersions(ref, { limit: 20, cursor: byVersion }),
      http: () =>
        ctx.http!.call(
          'GET',
          `/models/default/${name}/versions?limit=20&cursor=${byVersion}`,
        ),
    },
    {
      operation: 'versions: deep cursor page (20, sort=createdAt)',
      store: () =>
        store.listVersions(ref, {
          limit: 20,
          sort: 'createdAt',
          cursor: byCreatedAt,
        }),
      http: () =>
        ctx.http!.call(
          'GET',
          `/models/default/${name}/versions?limit=20&sort=createdAt&cursor=${byCreatedAt}`,
        ),
    },
    {
      operation: 'get version by alias',
      store: () => store.getVersionByAlias(ref, 'champion'),
      http: () =>
        ctx.http!.call('GET', `/models/default/${name}/aliases/champion`),
    },
    {
      operation: 'list models with production version (20, hot one included)',
      store: async () => {
        const summaries = await store.getSummaries(refs, DEFAULT_STAGE_RULES);
        check(
          summaries.get(ref)?.stageOccupants.production ===
            versions - PRODUCTION_OFFSET,
          'the hot model has its production version',
        );
      },
      http: () => ctx.http!.call('GET', `/models?limit=20&cursor=${first}`),
    },
  ];
  const results: Result[] = [];
  for (const spec of specs) {
    for (const layer of ctx.layers) {
      results.push(
        await measure(ctx.counter, options, {
          operation: spec.operation,
          layer,
          kind: 'read',
          run: layer === 'store' ? spec.store : spec.http,
        }),
      );
    }
  }
  results.push(
    ...(await measureRegistration(ctx, () => hot, 'hot model', options)),
  );
  return results;
}

async function measureReads(ctx: Context): Promise<{
  results: Result[];
  pageCounts: Array<{ operation: string; size20: number; size100: number }>;
}> {
  const { options, store, counter } = ctx;
  const models = options.models;
  const versions = options.versions;
  const results: Result[] = [];

  // Sanity checks of the seed and of the operations, before any timing.
  const probe = Math.min(models - 1, CHAIN + 5);
  const first = await store.listVersions(modelRefOf(probe), { limit: 20 });
  check(
    first.items.length === 20 && first.items[0].version === versions,
    'the first page starts at the latest version',
  );
  check(
    first.items[0].tags.team === `team-${probe % 7}`,
    'versions carry their tags',
  );
  const champion = await store.getVersionByAlias(modelRefOf(probe), 'champion');
  check(
    champion?.version === versions - PRODUCTION_OFFSET &&
      champion.stage === 'production',
    'champion is the production version',
  );
  const graph = await store.getLineage(modelRefOf(probe), versions, {
    direction: 'upstream',
    depth: 5,
  });
  check(
    graph.nodes.filter(node => node.type === 'version').length === 6,
    'the upstream walk reaches five fine-tuned ancestors',
  );
  const summaries = await store.getSummaries(
    [modelRefOf(0), modelRefOf(probe)],
    DEFAULT_STAGE_RULES,
  );
  check(
    summaries.get(modelRefOf(probe))?.stageOccupants.production ===
      versions - PRODUCTION_OFFSET,
    'summaries name the production version',
  );

  // Cursors of deep pages, made by the store itself (untimed): after the first
  // versions - 20 versions, so that a page of 20 is the last one (versions 20..1).
  const deepCursors = new Map<string, string>();
  const deepCursor = async (i: number, sort: 'version' | 'createdAt') => {
    const key = `${i}/${sort}`;
    let cursor = deepCursors.get(key);
    if (!cursor) {
      const page = await store.listVersions(modelRefOf(i), {
        limit: versions - 20,
        sort,
      });
      cursor = page.nextCursor!;
      deepCursors.set(key, cursor);
    }
    return cursor;
  };

  const random = createRandom(42);
  // Models at chain position >= 5 have five fine-tuned ancestors.
  const deepModels = Array.from({ length: models }, (_, i) => i).filter(
    i => i % CHAIN >= 5,
  );
  // Models at chain position 5 also have four levels of descendants.
  const middleModels = deepModels.filter(i => i % CHAIN === 5);
  const q = (params: Record<string, string | number>) =>
    `?${new URLSearchParams(
      Object.entries(params).map(([k, v]) => [k, String(v)]),
    )}`;

  /** A random input of a read: a model (or the offset of a page of models) and a version. */
  type Input = { i: number; v: number };
  type ReadSpec = {
    operation: string;
    pick: () => Input;
    prepare?: (input: Input) => Promise<unknown>;
    store: (input: Input) => Promise<unknown>;
    http: (input: Input) => Promise<unknown>;
  };
  const anyModel = () => ({ i: random.int(0, models), v: 0 });
  const listModels = (size: number): ReadSpec => ({
    operation: `list models with production version (${size})`,
    pick: () => ({ i: random.int(0, Math.max(1, models - size)), v: 0 }),
    store: async ({ i: offset }) => {
      const refs = Array.from(
        { length: Math.min(size, models - offset) },
        (_, k) => modelRefOf(offset + k),
      );
      const map = await store.getSummaries(refs, DEFAULT_STAGE_RULES);
      check(map.size === refs.length, 'every model has a summary');
    },
    http: ({ i: offset }) =>
      ctx.http!.call(
        'GET',
        `/models${q(
          offset ? { limit: size, cursor: offset } : { limit: size },
        )}`,
      ),
  });
  const firstPage = (size: number): ReadSpec => ({
    operation: `versions: first page (${size})`,
    pick: anyModel,
    store: ({ i }) => store.listVersions(modelRefOf(i), { limit: size }),
    http: ({ i }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions${q({ limit: size })}`,
      ),
  });
  const deepPage = (size: number, sort: 'version' | 'createdAt'): ReadSpec => ({
    operation: `versions: deep cursor page (${size}${
      sort === 'version' ? '' : `, sort=${sort}`
    })`,
    pick: anyModel,
    prepare: ({ i }) => deepCursor(i, sort),
    store: async ({ i }) => {
      const page = await store.listVersions(modelRefOf(i), {
        limit: size,
        sort,
        cursor: await deepCursor(i, sort),
      });
      check(page.items.length === size, 'a deep page is full');
    },
    http: async ({ i }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions${q({
          limit: size,
          ...(sort === 'version' ? {} : { sort }),
          cursor: await deepCursor(i, sort),
        })}`,
      ),
  });
  const lineage = (
    direction: 'upstream' | 'both',
    pool: number[],
  ): ReadSpec => ({
    operation: `lineage walk, depth 5, ${direction}`,
    pick: () => ({ i: random.pick(pool), v: random.int(1, versions + 1) }),
    store: async ({ i, v }) => {
      const walk = await store.getLineage(modelRefOf(i), v, {
        direction,
        depth: 5,
      });
      check(walk.nodes.length > 5, 'the walk finds the chain');
    },
    http: ({ i, v }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions/${v}/lineage${q({
          direction,
          depth: 5,
        })}`,
      ),
  });
  const alias = (i: number) => (i % 2 ? 'champion' : 'challenger');
  const specs: ReadSpec[] = [
    firstPage(20),
    firstPage(100),
    deepPage(20, 'version'),
    deepPage(20, 'createdAt'),
    {
      operation: 'get version by alias',
      pick: anyModel,
      store: async ({ i }) => {
        const v = await store.getVersionByAlias(modelRefOf(i), alias(i));
        check(v, 'the alias resolves');
      },
      http: ({ i }) =>
        ctx.http!.call(
          'GET',
          `/models/default/${modelName(i)}/aliases/${alias(i)}`,
        ),
    },
    lineage('upstream', deepModels),
    lineage('both', middleModels),
    listModels(20),
    listModels(100),
  ];

  if (ctx.http) {
    specs.unshift({
      operation: 'baseline: HTTP round trip without the router',
      pick: anyModel,
      store: async () => {},
      http: () => ctx.http!.call('GET', '/bench-ping'),
    });
  }

  for (const spec of specs) {
    for (const layer of ctx.layers) {
      if (layer === 'store' && spec.operation.startsWith('baseline')) continue;
      // The same sequence of models for both layers.
      const picks = Array.from(
        { length: options.warmup + options.iterations },
        () => spec.pick(),
      );
      if (spec.prepare) {
        for (const i of picks) await spec.prepare(i);
      }
      results.push(
        await measure(counter, options, {
          operation: spec.operation,
          layer,
          kind: 'read',
          run: iteration =>
            (layer === 'store' ? spec.store : spec.http)(
              picks[
                iteration < 0 ? -1 - iteration : options.warmup + iteration
              ],
            ),
        }),
      );
    }
  }

  // Statements per page at page sizes 20 and 100 on the same model: equal means no N+1.
  const ref = modelRefOf(probe);
  const afterLatest = (await store.listVersions(ref, { limit: 1 })).nextCursor;
  const deepProbeCursor = await deepCursor(probe, 'version');
  const countOf = (fn: () => Promise<unknown>) => counter.count(fn);
  const pageCounts = [
    {
      operation: 'versions: first page',
      size20: await countOf(() => store.listVersions(ref, { limit: 20 })),
      size100: await countOf(() => store.listVersions(ref, { limit: 100 })),
    },
    {
      operation: 'versions: deep cursor page',
      size20: await countOf(async () => {
        const page = await store.listVersions(ref, {
          limit: 20,
          cursor: deepProbeCursor,
        });
        check(page.items.length === 20, 'deep page of 20 is full');
      }),
      size100: await countOf(async () => {
        const page = await store.listVersions(ref, {
          limit: 100,
          cursor: afterLatest,
        });
        check(page.items.length === versions - 1, 'deep page of 100');
      }),
    },
    {
      operation: 'list models with production version',
      size20: await countOf(() =>
        store.getSummaries(
          Array.from({ length: 20 }, (_, k) => modelRefOf(k)),
          DEFAULT_STAGE_RULES,
        ),
      ),
      size100: await countOf(() =>
        store.getSummaries(
          Array.from({ length: Math.min(100, models) }, (_, k) =>
            modelRefOf(k),
          ),
          DEFAULT_STAGE_RULES,
        ),
      ),
    },
  ];
  return { results, pageCounts };
}

// --- reporting -------------------------------------------------------------------------

type DatabaseReport = {
  label: string;
  details: string;
  seed: Array<{ phase: string; seconds: number; rows: string }>;
  reads: Result[];
  registration: {
    small: Result[];
    large: Result[];
    smallRows: number;
    largeRows: number;
  };
  pageCounts: Array<{ operation: string; size20: number; size100: number }>;
  hot?: { versions: number; results: Result[] };
};

const READ_TARGET = 25;
const WRITE_TARGET = 50;

function verdict(r: Result) {
  const target = r.kind === 'read' ? READ_TARGET : WRITE_TARGET;
  return r.p99 < target ? 'yes' : 'NO';
}

function renderTable(headers: string[], rows: string[][], markdown: boolean) {
  const right = headers.map((_, c) =>
    rows.every(row => /^[\d.,–x×-]+( ms)?$|^$/.test(row[c])),
  );
  if (markdown) {
    return [
      `| ${headers.join(' | ')} |`,
      `| ${headers.map((_, c) => (right[c] ? '---:' : '---')).join(' | ')} |`,
      ...rows.map(row => `| ${row.join(' | ')} |`),
    ].join('\n');
  }
  const widths = headers.map((h, c) =>
    Math.max(h.length, ...rows.map(row => row[c].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

function renderReport(
  report: DatabaseReport,
  options: Options,
  markdown: boolean,
) {
  const heading = (text: string, level: number) =>
    markdown
      ? `${'#'.repeat(level)} ${text}`
      : `${text}\n${'='.repeat(text.length)}`;
  const out: string[] = [];
  out.push(heading(report.label, 3), '', report.details, '');
  out.push(
    renderTable(
      ['Seed phase', 'Seconds', 'Rows'],
      report.seed.map(s => [s.phase, s.seconds.toFixed(1), s.rows]),
      markdown,
    ),
    '',
  );
  const resultRow = (r: Result) => {
    const baseline = r.operation.startsWith('baseline');
    return [
      r.operation,
      r.layer,
      fmtMs(r.p50),
      fmtMs(r.p99),
      fmtMs(r.max),
      r.queries,
      baseline ? '' : `${r.kind === 'read' ? READ_TARGET : WRITE_TARGET}`,
      baseline ? '' : verdict(r),
    ];
  };
  out.push(
    `Latency in ms over ${options.iterations} iterations after ${
      options.warmup
    } warm-up iterations, at ${fmtInt(
      report.registration.largeRows,
    )} stored versions. Queries: SQL statements per call (BEGIN/COMMIT included).`,
    '',
    renderTable(
      [
        'Operation',
        'Layer',
        'p50',
        'p99',
        'max',
        'Queries',
        'p99 target',
        'Met',
      ],
      [
        ...report.reads.map(resultRow),
        ...report.registration.large.map(resultRow),
      ],
      markdown,
    ),
    '',
  );
  out.push(
    'SQL statements per page at page sizes 20 and 100 (store layer):',
    '',
    renderTable(
      ['Operation', 'Page of 20', 'Page of 100', 'Constant (no N+1)'],
      report.pageCounts.map(c => [
        c.operation,
        String(c.size20),
        String(c.size100),
        c.size20 === c.size100 ? 'yes' : 'NO',
      ]),
      markdown,
    ),
    '',
  );
  const bySmall = new Map(report.registration.small.map(r => [r.layer, r]));
  out.push(
    `Registration at ${fmtInt(report.registration.smallRows)} and at ${fmtInt(
      report.registration.largeRows,
    )} stored versions:`,
    '',
    renderTable(
      [
        'Layer',
        `p50 @${fmtInt(report.registration.smallRows)}`,
        `p99 @${fmtInt(report.registration.smallRows)}`,
        `p50 @${fmtInt(report.registration.largeRows)}`,
        `p99 @${fmtInt(report.registration.largeRows)}`,
        'p50 ratio',
        'Queries',
      ],
      report.registration.large.map(large => {
        const small = bySmall.get(large.layer)!;
        return [
          large.layer,
          fmtMs(small.p50),
          fmtMs(small.p99),
          fmtMs(large.p50),
          fmtMs(large.p99),
          `${(large.p50 / small.p50).toFixed(2)}×`,
          small.queries === large.queries
            ? small.queries
            : `${small.queries} / ${large.queries}`,
        ];
      }),
      markdown,
    ),
    '',
  );
  if (report.hot) {
    const hotIterations = Math.min(options.iterations, 100);
    out.push(
      `One extra model with ${fmtInt(
        report.hot.versions,
      )} versions (${hotIterations} iterations on that model; deep pages start 20 versions before its oldest):`,
      '',
      renderTable(
        [
          'Operation',
          'Layer',
          'p50',
          'p99',
          'max',
          'Queries',
          'p99 target',
          'Met',
        ],
        report.hot.results.map(resultRow),
        markdown,
      ),
      '',
    );
  }
  return out.join('\n');
}

function environment() {
  const cpus = os.cpus();
  return [
    `Date: ${new Date().toISOString()}`,
    `Node.js ${process.version} on ${os.platform()} ${os.release()}`,
    `CPU: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, ${(
      os.totalmem() /
      2 ** 30
    ).toFixed(1)} GiB RAM`,
  ].join('\n');
}

// --- main ------------------------------------------------------------------------------

async function benchDatabase(
  db: BenchDatabase,
  options: Options,
): Promise<DatabaseReport> {
  const { knex } = db;
  log(`${db.label}: ${db.details}`);
  registrations.next.clear();
  await DatabaseModelRegistryStore.migrate(knex);
  const store = new DatabaseModelRegistryStore(knex);
  const counter = createQueryCounter(knex, options.trace);
  const http = options.http
    ? await startHttp(store, options.models + (options.hotVersions > 0 ? 1 : 0))
    : undefined;
  const ctx: Context = {
    options,
    store,
    counter,
    http,
    layers: http ? ['store', 'http'] : ['store'],
  };
  const seed: DatabaseReport['seed'] = [];
  try {
    const smallModels = Math.min(10, options.models);
    let start = performance.now();
    await seedModels(knex, 0, smallModels, options.versions);
    await db.analyze();
    let rows = await countRows(knex);
    seed.push({
      phase: `models 0–${smallModels - 1}`,
      seconds: (performance.now() - start) / 1000,
      rows: `${fmtInt(rows.versions)} versions`,
    });
    log(`seeded ${JSON.stringify(rows)}`);
    const smallRows = rows.versions;
    log(`${db.label}: registration at ${fmtInt(smallRows)} stored versions`);
    const randomSmall = createRandom(7);
    const small = await measureRegistration(
      ctx,
      () => randomSmall.int(0, smallModels),
      'small',
    );

    start = performance.now();
    await seedModels(knex, smallModels, options.models, options.versions);
    await db.analyze();
    rows = await countRows(knex);
    seed.push({
      phase: `models ${smallModels}–${options.models - 1}`,
      seconds: (performance.now() - start) / 1000,
      rows: `${fmtInt(rows.versions)} versions, ${fmtInt(
        rows.tags,
      )} tags, ${fmtInt(rows.aliases)} aliases, ${fmtInt(
        rows.edges,
      )} lineage edges, ${fmtInt(rows.history)} history rows`,
    });
    log(`seeded ${JSON.stringify(rows)}`);
    const largeRows = rows.versions;

    log(`${db.label}: reads at ${fmtInt(largeRows)} stored versions`);
    const { results: reads, pageCounts } = await measureReads(ctx);
    log(`${db.label}: registration at ${fmtInt(largeRows)} stored versions`);
    const randomLarge = createRandom(8);
    const large = await measureRegistration(
      ctx,
      () => randomLarge.int(0, options.models),
      'large',
    );

    let hot: DatabaseReport['hot'];
    if (options.hotVersions > 0) {
      start = performance.now();
      await seedModels(
        knex,
        options.models,
        options.models + 1,
        options.hotVersions,
      );
      await db.analyze();
      rows = await countRows(knex);
      seed.push({
        phase: `hot model ${options.models}`,
        seconds: (performance.now() - start) / 1000,
        rows: `${fmtInt(options.hotVersions)} versions of one model, ${fmtInt(
          rows.versions,
        )} in all`,
      });
      log(`seeded ${JSON.stringify(rows)}`);
      log(
        `${db.label}: one model with ${fmtInt(options.hotVersions)} versions`,
      );
      hot = {
        versions: options.hotVersions,
        results: await measureHotModel(
          ctx,
          options.models,
          options.hotVersions,
        ),
      };
    }
    const label = (r: Result, n: number) => ({
      ...r,
      operation: r.operation.replace(/\((small|large)\)/, `(at ${fmtInt(n)})`),
    });
    return {
      label: db.label,
      details: db.details,
      seed,
      reads,
      registration: {
        small: small.map(r => label(r, smallRows)),
        large: large.map(r => label(r, largeRows)),
        smallRows,
        largeRows,
      },
      pageCounts,
      hot,
    };
  } finally {
    await http?.close();
  }
}

/** The seeded models and the datasets their lineage names, as catalog entities. */
function catalogYaml(models: number): string {
  const docs: object[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'ml-platform' },
      spec: { type: 'team', children: [] },
    },
  ];
  for (let d = 0; d < DATASETS; d++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: `bench-dataset-${pad4(d)}` },
      spec: { type: 'dataset', owner: 'group:default/ml-platform' },
    });
  }
  for (let i = 0; i < models; i++) docs.push(benchEntity(i));
  // JSON is YAML: one document per entity.
  return docs.map(doc => `---\n${JSON.stringify(doc)}\n`).join('');
}

async function seedOnly(dir: string, options: Options) {
  fs.mkdirSync(dir, { recursive: true });
  let knex: Knex;
  let where: string;
  if (options.seedPostgres) {
    if (!POSTGRES_URL) {
      throw new Error('--seed-postgres needs BENCH_POSTGRES_URL');
    }
    const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
    await admin.raw('CREATE DATABASE ??', [options.seedPostgres]);
    await admin.destroy();
    const target = new URL(POSTGRES_URL);
    target.pathname = `/${options.seedPostgres}`;
    knex = knexFactory({ client: 'pg', connection: target.toString() });
    where = `PostgreSQL database ${options.seedPostgres}`;
  } else {
    const filename = path.join(dir, 'model-registry.sqlite');
    fs.rmSync(filename, { force: true });
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    where = filename;
  }
  try {
    await DatabaseModelRegistryStore.migrate(knex);
    const start = performance.now();
    await seedModels(knex, 0, options.models, options.versions);
    if (options.seedPostgres) await knex.raw('VACUUM ANALYZE');
    const rows = await countRows(knex);
    log(
      `seeded ${where} in ${((performance.now() - start) / 1000).toFixed(
        1,
      )} s: ${JSON.stringify(rows)}`,
    );
  } finally {
    await knex.destroy();
  }
  fs.writeFileSync(path.join(dir, 'catalog.yaml'), catalogYaml(options.models));
  log(`wrote ${path.join(dir, 'catalog.yaml')}`);
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.seedOnly) {
    await seedOnly(options.seedOnly, options);
    return;
  }
  const loadBefore = os.loadavg();
  const reports: DatabaseReport[] = [];
  for (const kind of options.databases) {
    const db =
      kind === 'sqlite'
        ? await createSqlite(options.keep)
        : await createPostgres(POSTGRES_URL!, options.keep);
    // The 1-minute load average every 5 s: how busy the machine was meanwhile.
    const samples = [os.loadavg()[0]];
    const sampler = setInterval(() => samples.push(os.loadavg()[0]), 5000);
    try {
      const report = await benchDatabase(db, options);
      samples.push(os.loadavg()[0]);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      report.details += `\n\n1-minute load average during this run (${
        os.cpus().length
      } CPUs): min ${Math.min(...samples).toFixed(2)}, mean ${mean.toFixed(
        2,
      )}, max ${Math.max(...samples).toFixed(2)}.`;
      reports.push(report);
    } finally {
      clearInterval(sampler);
      await db.close();
    }
  }
  const loadAfter = os.loadavg();
  const load = `Load average (1/5/15 min): ${loadBefore
    .map(l => l.toFixed(2))
    .join(' / ')} before, ${loadAfter
    .map(l => l.toFixed(2))
    .join(' / ')} after`;
  const settings = `${fmtInt(options.models)} models × ${fmtInt(
    options.versions,
  )} versions, ${options.iterations} iterations, ${options.warmup} warm-up`;

  const text = [
    '',
    environment(),
    load,
    settings,
    '',
    ...reports.map(r => renderReport(r, options, false)),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (options.markdown) {
    const md = [
      '```text',
      environment(),
      load,
      settings,
      '```',
      '',
      ...reports.map(r => renderReport(r, options, true)),
    ].join('\n');
    fs.writeFileSync(options.markdown, `${md}\n`);
    log(`wrote ${options.markdown}`);
  }
}

async function cleanUp() {
  for (const cleanup of cleanups.splice(0)) {
    await cleanup().catch(() => {});
  }
}

process.on('SIGINT', () => {
  cleanUp().finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  async error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    await cleanUp();
    process.exit(1);
  },
);
