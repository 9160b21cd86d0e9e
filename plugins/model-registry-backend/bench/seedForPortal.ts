/*
 * --seed-only: the data set without measuring, for the portal's model page benchmark
 * (scripts/model-page-benchmark.sh): a migrated and seeded registry database and the
 * seeded models with their datasets as a catalog file.
 */
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchEntity, DATASETS, pad4 } from './dataSet';
import { openStore } from './databases';
import { log } from './log';
import { Options, POSTGRES_URL } from './options';
import { countRows, seedModels } from './seed';

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

/**
 * Seeds the registry (--models × --versions, no hot model) into <dir>/model-registry.sqlite
 * or the PostgreSQL database --seed-postgres, and writes <dir>/catalog.yaml.
 */
export async function seedForPortal(dir: string, options: Options) {
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
    await openStore(knex);
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
