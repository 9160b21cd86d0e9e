/** Limits on version fields (MLflow's where MLflow has one). @public */
export const VERSION_LIMITS = {
  tagKeyLength: 250,
  tagValueLength: 5000,
  tagsPerVersion: 100,
  metricNameLength: 250,
  metricsPerVersion: 500,
  paramNameLength: 250,
  paramValueLength: 6000,
  paramsPerVersion: 500,
  descriptionLength: 5000,
  cardSectionLength: 100_000,
  runIdLength: 255,
  urlLength: 2048,
  commitLength: 255,
  frameworkLength: 63,
  commentLength: 5000,
} as const;

const TAG_KEY = /^[A-Za-z0-9_.\- /]+$/;

/** Returns why a tag key is not acceptable, or undefined. @public */
export function checkTagKey(key: string): string | undefined {
  if (key.length === 0 || key.length > VERSION_LIMITS.tagKeyLength) {
    return `must be 1 to ${VERSION_LIMITS.tagKeyLength} characters`;
  }
  if (!TAG_KEY.test(key)) {
    return 'may contain only letters, digits, "_", "-", ".", " " and "/"';
  }
  if (
    key.split('/').some(part => part === '..' || part === '.') ||
    key.startsWith('/')
  ) {
    return 'must not contain "." or ".." segments or start with "/"';
  }
  return undefined;
}
