import path from 'node:path';

/** The benchmark's command-line options (see the usage in main.ts). */
export type Options = {
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

/** A superuser connection string to the PostgreSQL server, when one is configured. */
export const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ??
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** Parses the command line; a bad or missing value throws an error that names the option. */
export function parseOptions(argv: string[]): Options {
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
