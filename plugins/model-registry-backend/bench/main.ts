/*
 * Benchmark of the model registry backend on SQLite and PostgreSQL: the command line.
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
 *
 * The parts: options.ts (this command line), databases.ts (the fresh databases), seed.ts
 * and dataSet.ts (the data set), httpServer.ts (the router over HTTP), measure.ts and
 * queryCounter.ts (timing and statement counts), scenarios/ (what is measured),
 * benchDatabase.ts (the phases on one database), report.ts (the tables) and
 * seedForPortal.ts (--seed-only).
 */
import fs from 'node:fs';
import os from 'node:os';
import { benchDatabase } from './benchDatabase';
import { cleanUpDatabases, createPostgres, createSqlite } from './databases';
import { sampleLoadAverage } from './loadAverage';
import { log } from './log';
import { parseOptions, POSTGRES_URL } from './options';
import { DatabaseReport, renderRun } from './report';
import { seedForPortal } from './seedForPortal';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.seedOnly) {
    await seedForPortal(options.seedOnly, options);
    return;
  }
  const loadBefore = os.loadavg();
  const reports: DatabaseReport[] = [];
  for (const kind of options.databases) {
    const db =
      kind === 'sqlite'
        ? await createSqlite(options.keep)
        : await createPostgres(POSTGRES_URL!, options.keep);
    const load = sampleLoadAverage();
    try {
      const report = await benchDatabase(db, options);
      report.details += `\n\n${load.describe()}`;
      reports.push(report);
    } finally {
      load.stop();
      await db.close();
    }
  }
  const load = { before: loadBefore, after: os.loadavg() };
  process.stdout.write(`${renderRun(reports, options, load, false)}\n`);
  if (options.markdown) {
    fs.writeFileSync(
      options.markdown,
      `${renderRun(reports, options, load, true)}\n`,
    );
    log(`wrote ${options.markdown}`);
  }
}

process.on('SIGINT', () => {
  cleanUpDatabases().finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  async error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    await cleanUpDatabases();
    process.exit(1);
  },
);
