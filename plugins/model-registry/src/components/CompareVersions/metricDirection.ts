/**
 * Words that make a metric better when lower: losses, errors, latencies and error rates.
 * Matched against the words of the metric's name, so `reconstruction_loss`, `valLoss`,
 * `p99_latency_ms` and `test-rmse` are lower-is-better and `accuracy` or `auc` are not.
 */
const LOWER_IS_BETTER = new Set([
  'loss',
  'logloss',
  'error',
  'errors',
  'err',
  'latency',
  'rmse',
  'mse',
  'mae',
  'mape',
  'smape',
  'rmsle',
  'msle',
  'wer',
  'cer',
  'perplexity',
  'brier',
  'fpr',
  'fnr',
  'eer',
  'duration',
  'time',
]);

/** The words of a metric name: split on punctuation and camelCase, lower-cased. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(w => w.toLocaleLowerCase('en-US'));
}

/**
 * Whether a lower value of the metric is better. The name decides: it names a loss, an
 * error, a latency or an error measure (rmse, mae, ...). What follows `at` or `@` is a
 * condition, not the measure: `recall_at_1pct_fpr` is a recall, higher is better.
 */
export function lowerIsBetter(metric: string): boolean {
  const words = wordsOf(metric.split('@')[0]);
  const at = words.indexOf('at');
  const measure = at > 0 ? words.slice(0, at) : words;
  return measure.some(w => LOWER_IS_BETTER.has(w));
}

/**
 * The best value of a metric among the versions that have it, or undefined when fewer than
 * two versions have it or all have the same value (nothing stands out).
 */
export function bestValue(
  metric: string,
  values: Array<number | undefined>,
): number | undefined {
  const known = values.filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );
  if (known.length < 2) return undefined;
  const best = lowerIsBetter(metric) ? Math.min(...known) : Math.max(...known);
  return known.every(v => v === best) ? undefined : best;
}
