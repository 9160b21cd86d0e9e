import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';

/**
 * Counts the statements Knex sends (transaction BEGIN/COMMIT included) and, with
 * --trace, times each statement by its SQL text (IN lists collapsed).
 */
export function createQueryCounter(knex: Knex, trace: boolean) {
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

/** The statement counter of one database. */
export type QueryCounter = ReturnType<typeof createQueryCounter>;
