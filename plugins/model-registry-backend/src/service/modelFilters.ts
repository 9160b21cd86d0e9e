import { InputError } from '@backstage/errors';

/** A comparison of GET /models' `metric` filter. */
export type MetricOperator = '>' | '>=' | '<' | '<=' | '=' | '!=';

/** One condition of the `metric` filter: `auc > 0.95`. */
export type MetricCondition = {
  metric: string;
  op: MetricOperator;
  value: number;
};

/** The `tag` filter: a bare key, or key=value. */
export type TagFilter = { key: string; value?: string };

/** At most this many conditions in one `metric` filter. */
const MAX_METRIC_CONDITIONS = 10;
const CONDITION =
  /^\s*([A-Za-z0-9_.\-/ ]*?[A-Za-z0-9_.\-/])\s*(>=|<=|!=|>|<|==|=)\s*(\S.*?)\s*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses GET /models' `metric` filter, comma-separated conditions `name op number`
 * (`auc > 0.95, recall_at_1pct_fpr >= 0.8`); every message names `metric`.
 */
export function parseMetricFilter(text: string): MetricCondition[] {
  const parts = text.split(',').map(p => p.trim());
  if (parts.every(p => p === '')) {
    throw new InputError(
      'metric must hold at least one condition, e.g. auc > 0.95',
    );
  }
  if (parts.length > MAX_METRIC_CONDITIONS) {
    throw new InputError(
      `metric may hold at most ${MAX_METRIC_CONDITIONS} conditions`,
    );
  }
  return parts.map(part => {
    const match = CONDITION.exec(part);
    if (!match) {
      throw new InputError(
        `metric condition '${part}' is not 'name op number' with op one of >, >=, <, <=, =, != (e.g. auc > 0.95)`,
      );
    }
    const [, metric, op, number] = match;
    if (!NUMBER.test(number)) {
      throw new InputError(
        `metric condition '${part}': '${number}' is not a number`,
      );
    }
    const value = Number(number);
    if (!Number.isFinite(value)) {
      throw new InputError(
        `metric condition '${part}': the number is too large`,
      );
    }
    return {
      metric,
      op: (op === '==' ? '=' : op) as MetricOperator,
      value,
    };
  });
}

/** Whether a version's metrics satisfy every condition (a missing metric fails). */
export function metricsSatisfy(
  metrics: Record<string, unknown>,
  conditions: MetricCondition[],
): boolean {
  return conditions.every(({ metric, op, value }) => {
    const actual = metrics[metric];
    if (typeof actual !== 'number' || !Number.isFinite(actual)) return false;
    switch (op) {
      case '>':
        return actual > value;
      case '>=':
        return actual >= value;
      case '<':
        return actual < value;
      case '<=':
        return actual <= value;
      case '=':
        return actual === value;
      default:
        return actual !== value;
    }
  });
}

/** Parses GET /models' `tag` filter, `key` or `key=value`; messages name `tag`. */
export function parseTag(text: string): TagFilter {
  const at = text.indexOf('=');
  const key = (at < 0 ? text : text.slice(0, at)).trim();
  if (!key) {
    throw new InputError(
      'tag must be a key or key=value, with a non-empty key',
    );
  }
  if (key.length > 250) {
    throw new InputError('tag key must be at most 250 characters');
  }
  return at < 0 ? { key } : { key, value: text.slice(at + 1).trim() };
}
