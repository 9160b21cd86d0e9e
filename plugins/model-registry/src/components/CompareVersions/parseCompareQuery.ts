/** The fewest and the most versions the compare view shows. */
export const MIN_COMPARED = 2;
export const MAX_COMPARED = 4;

/** What the compare view's query parameters ask for. */
export type CompareQuery =
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; versions: number[]; baseline?: number };

function versionNumber(text: string): number | undefined {
  return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
}

/**
 * Reads `compare=3,4,5` and `baseline=4` of the Versions tab's URL: 2–4 distinct version
 * numbers in the order given (a repeated number counts once), and a baseline among them.
 * No `compare` parameter means no comparison; anything else wrong is an error naming it.
 */
export function parseCompareQuery(
  compare: string | null,
  baseline: string | null,
): CompareQuery {
  if (compare === null) return { kind: 'none' };
  const parts = compare
    .split(',')
    .map(p => p.trim())
    .filter(p => p !== '');
  if (parts.length === 0) {
    return {
      kind: 'error',
      message: `The compare parameter is empty: name ${MIN_COMPARED} to ${MAX_COMPARED} version numbers, e.g. compare=3,4.`,
    };
  }
  const bad = parts.filter(p => versionNumber(p) === undefined);
  if (bad.length) {
    return {
      kind: 'error',
      message: `The compare parameter takes version numbers; ${bad
        .map(b => `"${b}"`)
        .join(', ')} ${bad.length === 1 ? 'is' : 'are'} not.`,
    };
  }
  const versions = [...new Set(parts.map(p => Number(p)))];
  if (versions.length < MIN_COMPARED) {
    return {
      kind: 'error',
      message: `Pick at least ${MIN_COMPARED} versions to compare; the link names only version ${versions[0]}.`,
    };
  }
  if (versions.length > MAX_COMPARED) {
    return {
      kind: 'error',
      message: `At most ${MAX_COMPARED} versions can be compared; the link names ${
        versions.length
      } (${versions.join(', ')}).`,
    };
  }
  if (baseline === null || baseline.trim() === '') {
    return { kind: 'ok', versions };
  }
  const base = versionNumber(baseline.trim());
  if (base === undefined) {
    return {
      kind: 'error',
      message: `The baseline parameter takes a version number; "${baseline}" is not.`,
    };
  }
  if (!versions.includes(base)) {
    return {
      kind: 'error',
      message: `The baseline, version ${base}, is not one of the compared versions (${versions.join(
        ', ',
      )}).`,
    };
  }
  return { kind: 'ok', versions, baseline: base };
}
