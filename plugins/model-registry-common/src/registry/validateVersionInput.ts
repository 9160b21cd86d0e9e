import { parseEntityRef } from '@backstage/catalog-model';
import { checkSourceUri, DEFAULT_SOURCE_SCHEMES } from './sources';
import { checkTagKey, VERSION_LIMITS } from './limits';
import { LINEAGE_RELATIONS } from './types';
import type { MLModelValidationIssue } from '../entity/validateMLModelEntity';

/** Options for validating version input. @public */
export type VersionInputRules = {
  allowedSchemes?: readonly string[];
};

type Issues = MLModelValidationIssue[];

const COMMIT = /^[A-Za-z0-9._/-]{1,255}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkString(
  issues: Issues,
  field: string,
  value: unknown,
  maxLength: number,
): value is string {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'string') {
    issues.push({ field, message: 'must be a string' });
    return false;
  }
  if (value.length > maxLength) {
    issues.push({ field, message: `must be at most ${maxLength} characters` });
    return false;
  }
  return true;
}

function checkHttpUrl(issues: Issues, field: string, value: unknown) {
  if (!checkString(issues, field, value, VERSION_LIMITS.urlLength)) return;
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:', 'ssh:', 'git:'].includes(url.protocol)) {
    issues.push({
      field,
      message: 'must be an absolute http(s), ssh or git URL',
    });
  }
}

function checkNamedMap(
  issues: Issues,
  field: string,
  value: unknown,
  options: {
    maxEntries: number;
    checkValue: (v: unknown) => string | undefined;
    allowNull?: boolean;
  },
) {
  if (value === undefined) return;
  if (!isObject(value)) {
    issues.push({ field, message: 'must be an object' });
    return;
  }
  const entries = Object.entries(value);
  if (entries.length > options.maxEntries) {
    issues.push({
      field,
      message: `must have at most ${options.maxEntries} entries`,
    });
  }
  for (const [key, entry] of entries) {
    const keyProblem = checkTagKey(key);
    if (keyProblem) {
      issues.push({ field: `${field}.${key}`, message: `name ${keyProblem}` });
      continue;
    }
    if (entry === null && options.allowNull) continue;
    const problem = options.checkValue(entry);
    if (problem) issues.push({ field: `${field}.${key}`, message: problem });
  }
}

const checkMetricValue = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v)
    ? undefined
    : 'must be a finite number';
function checkStringValue(maxLength: number) {
  return (v: unknown) => {
    if (typeof v !== 'string') return 'must be a string';
    if (v.length > maxLength) return `must be at most ${maxLength} characters`;
    return undefined;
  };
}
const checkParamValue = checkStringValue(VERSION_LIMITS.paramValueLength);
const checkTagValue = checkStringValue(VERSION_LIMITS.tagValueLength);

const CARD_FIELDS = [
  'markdown',
  'intendedUse',
  'limitations',
  'trainingData',
  'evaluation',
  'ethicalConsiderations',
];

function checkCard(issues: Issues, value: unknown) {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    issues.push({ field: 'card', message: 'must be an object' });
    return;
  }
  for (const [key, section] of Object.entries(value)) {
    if (!CARD_FIELDS.includes(key)) {
      issues.push({
        field: `card.${key}`,
        message: 'is not a known card section',
      });
    } else {
      checkString(
        issues,
        `card.${key}`,
        section,
        VERSION_LIMITS.cardSectionLength,
      );
    }
  }
}

function checkSignature(issues: Issues, value: unknown) {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    issues.push({ field: 'signature', message: 'must be an object' });
  } else if (JSON.stringify(value).length > 64 * 1024) {
    issues.push({
      field: 'signature',
      message: 'must be at most 64 KiB as JSON',
    });
  }
}

/**
 * Checks lineage edges to add; every issue names its field. A `uri` target follows the same
 * scheme allow-list and safety rules as a version's source.
 * @public
 */
export function validateLineageEdges(
  edges: unknown,
  field = 'lineage',
  rules: VersionInputRules = {},
): MLModelValidationIssue[] {
  const issues: Issues = [];
  if (edges === undefined) return issues;
  if (!Array.isArray(edges)) {
    return [{ field, message: 'must be an array' }];
  }
  if (edges.length > 100) {
    issues.push({ field, message: 'must have at most 100 edges' });
  }
  edges.forEach((edge, index) => {
    const at = `${field}[${index}]`;
    if (!isObject(edge)) {
      issues.push({ field: at, message: 'must be an object' });
      return;
    }
    if (!LINEAGE_RELATIONS.includes(edge.relation as any)) {
      issues.push({
        field: `${at}.relation`,
        message: `must be one of ${LINEAGE_RELATIONS.join(', ')}`,
      });
    }
    const hasRef = edge.entityRef !== undefined;
    const hasUri = edge.uri !== undefined;
    if (hasRef === hasUri) {
      issues.push({
        field: at,
        message: 'must have exactly one of entityRef and uri',
      });
      return;
    }
    if (hasRef) {
      let kind: string | undefined;
      try {
        kind = parseEntityRef(String(edge.entityRef)).kind.toLocaleLowerCase(
          'en-US',
        );
      } catch {
        issues.push({
          field: `${at}.entityRef`,
          message:
            'must be an entity reference with a kind, such as resource:default/my-dataset',
        });
      }
      if (typeof edge.entityRef !== 'string' || edge.entityRef.length > 255) {
        issues.push({
          field: `${at}.entityRef`,
          message: 'must be a string of at most 255 characters',
        });
      }
      if (edge.version !== undefined) {
        if (kind !== undefined && kind !== 'mlmodel') {
          issues.push({
            field: `${at}.version`,
            message: 'is only allowed for an mlmodel target',
          });
        } else if (
          !Number.isInteger(edge.version) ||
          (edge.version as number) < 1
        ) {
          issues.push({
            field: `${at}.version`,
            message: 'must be a positive integer',
          });
        }
      }
    } else {
      if (edge.version !== undefined) {
        issues.push({
          field: `${at}.version`,
          message: 'is only allowed for an mlmodel target',
        });
      }
      if (
        checkString(issues, `${at}.uri`, edge.uri, VERSION_LIMITS.urlLength)
      ) {
        const problem = checkSourceUri(
          edge.uri,
          rules.allowedSchemes ?? DEFAULT_SOURCE_SCHEMES,
          { allowFragment: true },
        );
        if (problem) issues.push({ field: `${at}.uri`, message: problem });
      }
    }
  });
  return issues;
}

/**
 * Checks the body of a version registration beyond its JSON shape: source URI safety,
 * links, lengths, names of metrics, params and tags, card sections and lineage.
 * Returns every issue, each naming its field; an empty list means the input is valid.
 * @public
 */
export function validateNewVersionInput(
  input: Record<string, unknown>,
  rules: VersionInputRules = {},
): MLModelValidationIssue[] {
  const issues: Issues = [];
  const sourceProblem = checkSourceUri(
    input.source,
    rules.allowedSchemes ?? DEFAULT_SOURCE_SCHEMES,
  );
  if (sourceProblem) issues.push({ field: 'source', message: sourceProblem });
  issues.push(...validateVersionFields(input));
  issues.push(...validateLineageEdges(input.lineage, 'lineage', rules));
  return issues;
}

/**
 * Checks the fields a version update may change; null clears a field (and a tag).
 * @public
 */
export function validateVersionPatch(
  input: Record<string, unknown>,
): MLModelValidationIssue[] {
  return validateVersionFields(input, { allowNullTags: true });
}

function validateVersionFields(
  input: Record<string, unknown>,
  options: { allowNullTags?: boolean } = {},
): Issues {
  const issues: Issues = [];
  checkString(issues, 'runId', input.runId, VERSION_LIMITS.runIdLength);
  if (input.runLink !== undefined && input.runLink !== null) {
    checkHttpUrl(issues, 'runLink', input.runLink);
  }
  if (input.code !== undefined && input.code !== null) {
    if (!isObject(input.code)) {
      issues.push({ field: 'code', message: 'must be an object' });
    } else {
      if (input.code.repository !== undefined) {
        checkHttpUrl(issues, 'code.repository', input.code.repository);
      }
      if (
        input.code.commit !== undefined &&
        (typeof input.code.commit !== 'string' ||
          !COMMIT.test(input.code.commit))
      ) {
        issues.push({
          field: 'code.commit',
          message:
            'must be a commit id or ref (letters, digits, ".", "_", "-", "/")',
        });
      }
    }
  }
  checkString(
    issues,
    'framework',
    input.framework,
    VERSION_LIMITS.frameworkLength,
  );
  checkString(
    issues,
    'description',
    input.description,
    VERSION_LIMITS.descriptionLength,
  );
  checkString(issues, 'comment', input.comment, VERSION_LIMITS.commentLength);
  checkSignature(issues, input.signature);
  checkNamedMap(issues, 'metrics', input.metrics, {
    maxEntries: VERSION_LIMITS.metricsPerVersion,
    checkValue: checkMetricValue,
  });
  checkNamedMap(issues, 'params', input.params, {
    maxEntries: VERSION_LIMITS.paramsPerVersion,
    checkValue: checkParamValue,
  });
  checkNamedMap(issues, 'tags', input.tags, {
    maxEntries: VERSION_LIMITS.tagsPerVersion,
    checkValue: checkTagValue,
    allowNull: options.allowNullTags,
  });
  checkCard(issues, input.card);
  return issues;
}
