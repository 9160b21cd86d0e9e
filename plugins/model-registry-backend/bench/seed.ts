/*
 * Seeds the registry's tables directly with multi-row INSERTs (not through
 * registerVersion): full version rows, 2 tags, 2-3 lineage edges and a history row per
 * version, two aliases and one production version per model.
 */
import { Knex } from 'knex';
import {
  CHAIN,
  DATASETS,
  modelName,
  modelRefOf,
  pad4,
  PRODUCTION_OFFSET,
  sha,
} from './dataSet';

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

/** The stage of a seeded version: archived, production, 5 in staging, the rest in none. */
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
export async function seedModels(
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

/** The row counts of the registry's tables, for the seed log and the report. */
export async function countRows(knex: Knex) {
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
