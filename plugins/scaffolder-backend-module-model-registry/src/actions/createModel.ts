import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatMLModelValidationIssues,
  MLMODEL_KIND,
  MLModelCard,
  newModelEntity,
  ModelNamingRule,
  validateMLModelEntity,
} from '@model-registry/plugin-model-registry-common';
import { explainRegistryError, RegistryAccess, registryAs } from './registry';

/** The id of the action that registers a new model. @public */
export const CREATE_MODEL_ACTION_ID = 'model-registry:model:create';

/** The entity fields the action sets, named as in its input (for error messages). */
const FIELD_NAMES: Record<string, string> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'metadata.title': 'title',
  'metadata.description': 'description',
  'metadata.tags': 'tags',
  'spec.type': 'task',
  'spec.lifecycle': 'lifecycle',
  'spec.owner': 'owner',
  'spec.system': 'system',
  'spec.framework': 'framework',
  'spec.dependsOn': 'datasets/baseModels',
  'spec.card': 'intendedUse/limitations',
};

function entityRefOf(
  value: string,
  field: string,
  defaultKind: string,
  namespace: string,
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}

function refOfKind(
  value: string,
  field: string,
  kind: string,
  namespace: string,
): string {
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: kind,
      defaultNamespace: namespace,
    });
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== kind.toLocaleLowerCase('en-US')) {
    throw new InputError(
      `${field}: "${value}" is a ${ref.kind}, not a ${kind} entity`,
    );
  }
  return stringifyEntityRef(ref);
}

/** Waits until the catalog shows the entity to the user, or the time is up. */
async function waitForCatalog(options: {
  catalog: CatalogService;
  entityRef: string;
  credentials: BackstageCredentials;
  seconds: number;
  logger: LoggerService;
}) {
  const { catalog, entityRef, credentials, seconds, logger } = options;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if (await catalog.getEntityByRef(entityRef, { credentials })) {
        logger.info(`${entityRef} is in the catalog`);
        return true;
      }
    } catch (error) {
      // The model is registered: a catalog hiccup must not fail the step (a re-run would
      // then find the name taken). Say so and stop waiting.
      logger.warn(
        `${entityRef} is registered; could not check the catalog: ${
          (error as Error).message
        }`,
      );
      return false;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  if (seconds > 0) {
    logger.warn(
      `${entityRef} is registered but not in the catalog yet after ${seconds} s; it appears with the catalog's next refresh of registry models`,
    );
  }
  return false;
}

/**
 * `model-registry:model:create`: registers a new model through the registry API, as the user
 * who runs the template, so that it appears in the catalog at once (through the catalog
 * module's entity provider). The name must follow the configured naming rule.
 * @public
 */
export function createModelAction(
  options: RegistryAccess & {
    namingRule: ModelNamingRule;
    catalog: CatalogService;
    catalogWaitSeconds: number;
  },
) {
  const { namingRule, catalog, catalogWaitSeconds } = options;
  return createTemplateAction({
    id: CREATE_MODEL_ACTION_ID,
    description:
      'Registers a new ML model in the model registry (and so in the catalog) as the user running the template',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register a fraud model trained on two datasets',
        example: `steps:
  - id: register
    action: ${CREATE_MODEL_ACTION_ID}
    input:
      name: fraud-scorer
      owner: group:default/risk-ml
      system: payments
      task: classification
      framework: scikit-learn
      datasets: [resource:default/card-transactions]
      description: Scores card transactions for fraud risk.`,
      },
    ],
    schema: {
      input: {
        name: z =>
          z.string().describe(`The model name: ${namingRule.description}`),
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Catalog namespace (default: default)'),
        title: z => z.string().optional().describe('Display title'),
        description: z => z.string().optional().describe('What the model does'),
        owner: z =>
          z.string().describe('Owner entity ref (a group by default)'),
        system: z => z.string().optional().describe('System entity ref'),
        task: z =>
          z
            .string()
            .describe('The task (spec.type): classification, regression, …'),
        framework: z => z.string().optional().describe('Training framework'),
        lifecycle: z =>
          z
            .enum(['experimental', 'production', 'deprecated'])
            .optional()
            .describe('Lifecycle (default: experimental)'),
        datasets: z =>
          z
            .array(z.string())
            .optional()
            .describe('Training datasets: Resource entity refs'),
        baseModels: z =>
          z
            .array(z.string())
            .optional()
            .describe('Base models it is fine-tuned from: MLModel entity refs'),
        tags: z => z.array(z.string()).optional().describe('Catalog tags'),
        intendedUse: z =>
          z.string().optional().describe('Model card: intended use'),
        limitations: z =>
          z.string().optional().describe('Model card: limitations'),
        checkOnly: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Only ask the registry whether the model could be registered (validation, permission, conflicts); nothing is written. Run it before publishing.',
            ),
      },
      output: {
        entityRef: z =>
          z
            .string()
            .describe('The new model, e.g. mlmodel:default/fraud-scorer'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const namespace = input.namespace?.trim() || DEFAULT_NAMESPACE;
      const owner = input.owner?.trim();
      if (!owner) throw new InputError('owner is required');
      const ownerRef = entityRefOf(owner, 'owner', 'group', namespace);
      const systemRef = input.system?.trim()
        ? entityRefOf(input.system.trim(), 'system', 'system', namespace)
        : undefined;
      if (systemRef && !systemRef.startsWith('system:')) {
        throw new InputError(
          `system: "${input.system}" is not a System entity ref`,
        );
      }
      const dependsOn = [
        ...(input.datasets ?? []).map((d, i) =>
          refOfKind(d, `datasets[${i}]`, 'resource', namespace),
        ),
        ...(input.baseModels ?? []).map((m, i) =>
          refOfKind(m, `baseModels[${i}]`, 'mlmodel', namespace),
        ),
      ];
      const card: MLModelCard = {};
      if (input.intendedUse?.trim())
        card.intendedUse = input.intendedUse.trim();
      if (input.limitations?.trim())
        card.limitations = input.limitations.trim();
      const body = {
        name: input.name,
        namespace,
        ...(input.title?.trim() ? { title: input.title.trim() } : {}),
        ...(input.description?.trim()
          ? { description: input.description.trim() }
          : {}),
        owner: ownerRef,
        type: input.task,
        lifecycle: input.lifecycle ?? 'experimental',
        ...(systemRef ? { system: systemRef } : {}),
        ...(input.framework?.trim()
          ? { framework: input.framework.trim() }
          : {}),
        ...(dependsOn.length ? { dependsOn } : {}),
        ...(input.tags?.length ? { tags: input.tags } : {}),
        ...(Object.keys(card).length ? { card } : {}),
      };

      // The same checks as the catalog and the API, before anything is created, with the
      // input's field names.
      const issues = validateMLModelEntity(newModelEntity(body), {
        namingRule,
      }).map(issue => ({
        ...issue,
        field: FIELD_NAMES[issue.field] ?? issue.field,
      }));
      if (issues.length) {
        throw new InputError(
          `${CREATE_MODEL_ACTION_ID}: ${formatMLModelValidationIssues(issues)}`,
        );
      }

      const entityRef = stringifyEntityRef({
        kind: MLMODEL_KIND,
        namespace,
        name: body.name,
      });
      const credentials = await ctx.getInitiatorCredentials();
      const { client, token } = await registryAs(options, credentials);
      if (ctx.isDryRun || input.checkOnly) {
        // Ask the registry (it checks the permission and conflicts too); nothing is written.
        try {
          await client.registerModel(body, { token, dryRun: true });
        } catch (error) {
          throw explainRegistryError(
            `${entityRef} cannot be registered`,
            error,
          );
        }
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'Dry run: would register' : 'Checked: can register'
          } ${entityRef} owned by ${ownerRef}`,
        );
        ctx.output('entityRef', entityRef);
        return;
      }

      // A recovered task does not register twice.
      await ctx.checkpoint({
        key: `register-model-${entityRef}`,
        fn: async () => {
          try {
            const registered = await client.registerModel(body, { token });
            ctx.logger.info(`Registered ${registered.entityRef}`);
            return registered.entityRef;
          } catch (error) {
            throw explainRegistryError(
              `The registry did not register ${entityRef}`,
              error,
            );
          }
        },
      });
      await waitForCatalog({
        catalog,
        entityRef,
        credentials,
        seconds: catalogWaitSeconds,
        logger: ctx.logger,
      });
      ctx.output('entityRef', entityRef);
    },
  });
}
