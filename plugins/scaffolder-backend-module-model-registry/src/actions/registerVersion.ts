import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatMLModelValidationIssues,
  LINEAGE_RELATIONS,
  LineageRelation,
  MLMODEL_KIND,
  MODEL_VERSION_STATUSES,
  ModelVersionStatus,
  NewModelVersion,
  validateNewVersionInput,
} from '@model-registry/plugin-model-registry-common';
import { explainRegistryError, RegistryAccess, registryAs } from './registry';

/** The id of the action that registers a version of a model. @public */
export const REGISTER_VERSION_ACTION_ID = 'model-registry:version:register';

/**
 * `model-registry:version:register`: registers a version of a model (its source, metrics,
 * params, card and lineage) as the user who runs the template. Retries of the step (and a
 * recovered task) reuse one idempotency key, so they never create a second version.
 * @public
 */
export function registerVersionAction(
  options: RegistryAccess & { allowedSourceSchemes: string[] },
) {
  const { allowedSourceSchemes } = options;
  return createTemplateAction({
    id: REGISTER_VERSION_ACTION_ID,
    description:
      'Registers a version of an ML model in the model registry as the user running the template',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register the first version of a new model',
        example: `steps:
  - id: first-version
    action: ${REGISTER_VERSION_ACTION_ID}
    input:
      model: mlmodel:default/fraud-scorer
      source: s3://models/fraud-scorer/1/model.pkl
      metrics: { auc: 0.91 }
      params: { max_depth: "6" }
      card:
        intendedUse: Scoring card transactions in real time.
      lineage:
        - relation: trainedOn
          entityRef: resource:default/card-transactions`,
      },
    ],
    schema: {
      input: {
        model: z =>
          z
            .string()
            .describe(
              'The model: an entity ref or a name (kind MLModel, namespace default)',
            ),
        source: z =>
          z
            .string()
            .describe(
              `Artifact location; allowed schemes: ${allowedSourceSchemes.join(
                ', ',
              )}`,
            ),
        status: z =>
          z.enum(MODEL_VERSION_STATUSES as [ModelVersionStatus]).optional(),
        runId: z => z.string().optional(),
        runLink: z => z.string().optional(),
        code: z =>
          z
            .object({
              repository: z.string().optional(),
              commit: z.string().optional(),
            })
            .strict()
            .optional(),
        framework: z => z.string().optional(),
        description: z => z.string().optional(),
        signature: z =>
          z
            .record(z.unknown())
            .optional()
            .describe('Input and output schema of the model'),
        metrics: z => z.record(z.number()).optional(),
        params: z => z.record(z.string()).optional(),
        tags: z => z.record(z.string()).optional(),
        card: z =>
          z
            .object({
              markdown: z.string().optional(),
              intendedUse: z.string().optional(),
              limitations: z.string().optional(),
              trainingData: z.string().optional(),
              evaluation: z.string().optional(),
              ethicalConsiderations: z.string().optional(),
            })
            .strict()
            .optional(),
        lineage: z =>
          z
            .array(
              z
                .object({
                  relation: z.enum(LINEAGE_RELATIONS as [LineageRelation]),
                  entityRef: z.string().optional(),
                  version: z.number().int().min(1).optional(),
                  uri: z.string().optional(),
                })
                .strict(),
            )
            .optional(),
        comment: z => z.string().optional(),
        idempotencyKey: z =>
          z
            .string()
            .optional()
            .describe(
              'Idempotency-Key for the registration (default: derived from the task and step)',
            ),
      },
      output: {
        modelRef: z => z.string(),
        version: z =>
          z.number().describe('The version number the registry assigned'),
      },
    },
    async handler(ctx) {
      const { model, idempotencyKey, ...rest } = ctx.input;
      let modelRef: string;
      try {
        modelRef = stringifyEntityRef(
          parseEntityRef(model, {
            defaultKind: MLMODEL_KIND,
            defaultNamespace: 'default',
          }),
        );
      } catch (error) {
        throw new InputError(`model: ${(error as Error).message}`);
      }
      if (
        parseEntityRef(modelRef).kind.toLocaleLowerCase('en-US') !== 'mlmodel'
      ) {
        throw new InputError(`model: "${model}" is not an MLModel entity ref`);
      }
      const body = Object.fromEntries(
        Object.entries(rest).filter(([, v]) => v !== undefined),
      ) as unknown as NewModelVersion;
      const issues = validateNewVersionInput(
        body as unknown as Record<string, unknown>,
        { allowedSchemes: allowedSourceSchemes },
      );
      if (issues.length) {
        throw new InputError(
          `${REGISTER_VERSION_ACTION_ID}: ${formatMLModelValidationIssues(
            issues,
          )}`,
        );
      }

      if (
        idempotencyKey !== undefined &&
        (idempotencyKey.trim().length === 0 || idempotencyKey.length > 255)
      ) {
        throw new InputError('idempotencyKey must be 1 to 255 characters');
      }

      ctx.output('modelRef', modelRef);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register a version of ${modelRef}`);
        ctx.output('version', 0);
        return;
      }
      const key =
        idempotencyKey ??
        `scaffolder:${ctx.task.id}:${
          ctx.step?.id ?? REGISTER_VERSION_ACTION_ID
        }`;
      const credentials = await ctx.getInitiatorCredentials();
      const { client, token } = await registryAs(options, credentials);
      const version = await ctx.checkpoint({
        key: `register-version-${key}`,
        fn: async () => {
          try {
            const registered = await client.registerVersion(modelRef, body, {
              token,
              idempotencyKey: key,
            });
            return registered.version;
          } catch (error) {
            throw explainRegistryError(
              `The registry did not register a version of ${modelRef}`,
              error,
            );
          }
        },
      });
      ctx.logger.info(`Registered version ${version} of ${modelRef}`);
      ctx.output('version', version);
    },
  });
}
