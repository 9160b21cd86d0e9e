/*
 * Timing one operation: warm-up calls, then timed calls one at a time (latency, not
 * throughput), with the SQL statements of each call counted.
 */
import { performance } from 'node:perf_hooks';
import { ModelRegistryStore } from '../src/database/ModelRegistryStore';
import { fmtMs } from './format';
import { BenchHttp } from './httpServer';
import { log } from './log';
import { Options } from './options';
import { QueryCounter } from './queryCounter';

/** Where a call is timed: the store method, or the HTTP request to the real router. */
export type Layer = 'store' | 'http';

/** The figures of one operation on one layer. */
export type Result = {
  operation: string;
  layer: Layer;
  kind: 'read' | 'write';
  n: number;
  p50: number;
  p99: number;
  max: number;
  queries: string;
};

/** What every scenario measures on: one database's store, its counter and its HTTP server. */
export type BenchContext = {
  options: Options;
  store: ModelRegistryStore;
  counter: QueryCounter;
  http?: BenchHttp;
  layers: Layer[];
};

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One statement count, or the range when calls differed. */
function summarizeCounts(counts: number[]) {
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  return min === max ? String(min) : `${min}–${max}`;
}

/** Times `spec.run` after `options.warmup` untimed calls; logs and returns its figures. */
export async function measure(
  counter: QueryCounter,
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

/** A sanity check: stops the run when the seed or an operation returned the wrong thing. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`sanity check failed: ${message}`);
  }
}
