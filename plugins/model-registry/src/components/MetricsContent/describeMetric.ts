import { formatValue } from './chartScale';

/** One charted value: a version's value of a metric, its stage, aliases and time. */
export type MetricPoint = {
  version: number;
  value: number;
  stage: string;
  aliases: string[];
  createdAt: string;
};

function capitalized(word: string) {
  return word.charAt(0).toLocaleUpperCase('en-US') + word.slice(1);
}

/** The text alternative of a metric's chart: range, extremes and the serving version. */
export function describeMetric(
  metric: string,
  points: MetricPoint[],
  servingStage: string | undefined,
) {
  if (points.length === 0) {
    return `Line chart of ${metric} by version: no version has a value.`;
  }
  const first = points[0];
  const last = points[points.length - 1];
  const min = points.reduce((a, b) => (b.value < a.value ? b : a));
  const max = points.reduce((a, b) => (b.value > a.value ? b : a));
  const serving = points.find(p => p.stage === servingStage);
  return [
    `Line chart of ${metric} over ${points.length} version${
      points.length === 1 ? '' : 's'
    }, from ${formatValue(first.value)} at version ${
      first.version
    } to ${formatValue(last.value)} at version ${last.version}.`,
    `Lowest ${formatValue(min.value)} at version ${
      min.version
    }, highest ${formatValue(max.value)} at version ${max.version}.`,
    serving
      ? `${capitalized(servingStage!)} version ${
          serving.version
        }: ${formatValue(serving.value)}.`
      : `No ${servingStage ?? 'serving'} version has a value.`,
  ].join(' ');
}
