import { performance } from 'node:perf_hooks';
import { BenchDatabase, openStore } from './databases';
import { fmtInt } from './format';
import { startHttp } from './httpServer';
import { log } from './log';
import { BenchContext, Result } from './measure';
import { Options } from './options';
import { createQueryCounter } from './queryCounter';
import { createRandom } from './random';
import { DatabaseReport } from './report';
import { measureHotModel } from './scenarios/hotModel';
import { countPageStatements } from './scenarios/pageSizes';
import { measureReads } from './scenarios/reads';
import {
  measureRegistration,
  resetNextVersions,
} from './scenarios/registration';
import { countRows, seedModels } from './seed';

/**
 * The phases on one database: seed models 0-9 and measure registration, seed the rest,
 * measure the reads and registration again, then seed the hot model and measure on it.
 */
export async function benchDatabase(
  db: BenchDatabase,
  options: Options,
): Promise<DatabaseReport> {
  const { knex } = db;
  log(`${db.label}: ${db.details}`);
  resetNextVersions();
  const store = await openStore(knex);
  const counter = createQueryCounter(knex, options.trace);
  const http = options.http
    ? await startHttp(store, options.models + (options.hotVersions > 0 ? 1 : 0))
    : undefined;
  const ctx: BenchContext = {
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
    const reads = await measureReads(ctx);
    const pageCounts = await countPageStatements(ctx);
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
