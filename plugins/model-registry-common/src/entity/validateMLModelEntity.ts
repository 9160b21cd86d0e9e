import {
  DEFAULT_NAMESPACE,
  Entity,
  KindValidator,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import Ajv, { ErrorObject } from 'ajv';
import schema from './MLModel.v1alpha1.schema.json';
import { MLMODEL_API_VERSION, MLMODEL_KIND } from './MLModelEntityV1alpha1';
import { createModelNamingRule, ModelNamingRule } from '../naming';

/** One reason why an entity is not a valid MLModel. @public */
export interface MLModelValidationIssue {
  /** The offending field as a dotted path, such as `spec.owner` or `spec.dependsOn[1]`. */
  field: string;
  message: string;
}

const catalogRules = makeValidator();

const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(
  schema,
);

function pointerToField(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map(part => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

function describeSchemaError(error: ErrorObject): MLModelValidationIssue {
  const base = pointerToField(error.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  switch (error.keyword) {
    case 'required':
      return {
        field: join(error.params.missingProperty),
        message: 'is required',
      };
    case 'additionalProperties':
      return {
        field: join(error.params.additionalProperty),
        message: 'is not a known field',
      };
    case 'enum':
      return {
        field: base,
        message: `must be one of ${(error.params.allowedValues as unknown[])
          .map(v => String(v))
          .join(', ')}`,
      };
    case 'pattern':
      return {
        field: base,
        message:
          base === 'spec.type'
            ? 'must be a task name in lower-case kebab-case, such as classification or text-generation'
            : `must match ${error.params.pattern}`,
      };
    default:
      return {
        field: base || '<root>',
        message: error.message ?? 'is invalid',
      };
  }
}

/** The kinds an MLModel may depend on: training data, base models, services, APIs. */
const DEPENDENCY_KINDS = ['resource', 'mlmodel', 'component', 'api'];

function checkRef(
  issues: MLModelValidationIssue[],
  field: string,
  ref: string,
  options: { defaultKind?: string; namespace: string; allowedKinds: string[] },
) {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: options.defaultKind,
      defaultNamespace: options.namespace,
    });
  } catch {
    issues.push({
      field,
      message: options.defaultKind
        ? `"${ref}" is not a valid entity reference`
        : `"${ref}" is not an entity reference with a kind, such as resource:default/my-dataset`,
    });
    return;
  }
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  if (!options.allowedKinds.includes(kind)) {
    issues.push({
      field,
      message: `must refer to an entity of kind ${options.allowedKinds.join(
        ' or ',
      )}, got "${ref}"`,
    });
  } else if (
    // an inherited namespace is the entity's own, reported as metadata.namespace
    (parsed.namespace !== options.namespace &&
      !catalogRules.isValidNamespace(parsed.namespace)) ||
    !catalogRules.isValidEntityName(parsed.name)
  ) {
    issues.push({
      field,
      message: `"${ref}" is not a valid entity reference: the name and namespace may contain only letters, digits, "-", "_" and ".", at most 63 characters`,
    });
  }
}

/**
 * Lists every reason why an entity is not a valid MLModel; an empty list means it is valid.
 * The entity is assumed to be an MLModel (check the kind with isMLModelEntity first).
 * @public
 */
export function validateMLModelEntity(
  entity: unknown,
  options?: { namingRule?: ModelNamingRule },
): MLModelValidationIssue[] {
  const issues: MLModelValidationIssue[] = [];
  if (!validateSchema(entity)) {
    for (const error of validateSchema.errors ?? []) {
      issues.push(describeSchemaError(error));
    }
  }
  const candidate = entity as Partial<Entity> | undefined;
  const namespace = candidate?.metadata?.namespace ?? DEFAULT_NAMESPACE;
  if (
    typeof namespace === 'string' &&
    !catalogRules.isValidNamespace(namespace)
  ) {
    issues.push({
      field: 'metadata.namespace',
      message: `"${namespace}" is not a valid namespace: lower-case letters, digits and hyphens, at most 63 characters`,
    });
  }
  const name = candidate?.metadata?.name;
  if (typeof name === 'string') {
    const namingRule = options?.namingRule ?? createModelNamingRule();
    const problem = namingRule.check(name);
    if (problem) {
      issues.push({ field: 'metadata.name', message: problem });
    }
  }
  const spec = candidate?.spec as Record<string, unknown> | undefined;
  if (spec && typeof spec.owner === 'string' && spec.owner) {
    checkRef(issues, 'spec.owner', spec.owner, {
      defaultKind: 'Group',
      namespace,
      allowedKinds: ['group', 'user'],
    });
  }
  if (spec && typeof spec.system === 'string' && spec.system) {
    checkRef(issues, 'spec.system', spec.system, {
      defaultKind: 'System',
      namespace,
      allowedKinds: ['system'],
    });
  }
  if (spec && Array.isArray(spec.dependsOn)) {
    spec.dependsOn.forEach((ref, index) => {
      if (typeof ref === 'string' && ref) {
        checkRef(issues, `spec.dependsOn[${index}]`, ref, {
          namespace,
          allowedKinds: DEPENDENCY_KINDS,
        });
      }
    });
  }
  return issues;
}

/** Formats validation issues as one message that names each field. @public */
export function formatMLModelValidationIssues(
  issues: MLModelValidationIssue[],
): string {
  return issues.map(issue => `${issue.field} ${issue.message}`).join('; ');
}

/**
 * A catalog KindValidator for MLModel: false for other kinds, true for a valid MLModel,
 * and a TypeError naming every bad field for an invalid one.
 * @public
 */
export function createMLModelEntityValidator(options?: {
  namingRule?: ModelNamingRule;
}): KindValidator {
  return {
    async check(entity: Entity) {
      if (
        entity.apiVersion !== MLMODEL_API_VERSION ||
        entity.kind !== MLMODEL_KIND
      ) {
        return false;
      }
      const issues = validateMLModelEntity(entity, options);
      if (issues.length > 0) {
        throw new TypeError(
          `Invalid MLModel entity: ${formatMLModelValidationIssues(issues)}`,
        );
      }
      return true;
    },
  };
}
