import { ModelVersion } from '@model-registry/plugin-model-registry-common';

/** The most versions that can be compared at once. */
export const MAX_COMPARED = 4;

/** A compact date (`2 Dec 2026`) and, for the hover, the full local time. */
export function compactDate(iso: string): { short: string; full: string } {
  const date = new Date(iso);
  return {
    short: date.toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    }),
    full: date.toLocaleString('en-GB', { timeZoneName: 'short' }),
  };
}

/** A metric value as a number with at most four significant digits, or a dash. */
export function metricCell(version: ModelVersion, metric: string): string {
  const value = version.metrics?.[metric];
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

/** The aliases that sit on a version in the archived stage, with that version. */
export function staleAliases(
  versions: ModelVersion[],
  archivedStage: string | undefined,
): Array<{ alias: string; version: number }> {
  if (!archivedStage) return [];
  return versions
    .filter(v => v.stage === archivedStage)
    .flatMap(v => v.aliases.map(alias => ({ alias, version: v.version })));
}
