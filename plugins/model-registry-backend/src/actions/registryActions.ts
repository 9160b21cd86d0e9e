import { InputError } from '@backstage/errors';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  checkStage,
  servingStageOf,
} from '@model-registry/plugin-model-registry-common';
import { emptySummary, listModels } from '../service/listModels';
import { openPromotionRequest } from '../service/openPromotionRequest';
import { pageLimit, walkDepth } from '../service/paging';
import { RouteContext } from '../service/RouteContext';
import { parseTagFilter } from '../service/routes/versions';
import {
  asOutput,
  cursorInput,
  historyEntryOutput,
  limitInput,
  lineageOutput,
  modelInput,
  modelRefOf,
  promotionRequestOutput,
  summaryOutput,
  versionNumberInput,
  versionOutput,
} from './schemas';

/** The ids of the registry's actions (`<pluginId>:<name>`; MCP tools `model-registry.<name>`). */
export const REGISTRY_ACTION_IDS = {
  findModels: 'model-registry:find-models',
  getProductionVersion: 'model-registry:get-production-version',
  listVersions: 'model-registry:list-versions',
  getHistory: 'model-registry:get-history',
  requestPromotion: 'model-registry:request-promotion',
} as const;

const nameOf = (id: string) => id.slice(id.indexOf(':') + 1);

/**
 * Registers the registry's actions with the actions registry, which serves them to the
 * actions service and so to MCP clients (backend.actions.pluginSources must list
 * model-registry). Every action runs as its caller (the credentials the actions registry
 * passes) in the routes' context (createRouteContext), through the same code as the route
 * it mirrors: reads follow the catalog (a model whose MLModel entity the caller cannot read
 * is not found), and request-promotion is POST …/promotion-requests — its permission, its
 * gates, its audit event and its notices.
 */
export function registerRegistryActions(
  actionsRegistry: ActionsRegistryService,
  ctx: RouteContext,
) {
  const { store, stageRules, access, frame } = ctx;
  const readableBy =
    (credentials: Parameters<typeof access.filterReadable>[1]) =>
    (modelRefs: string[]) =>
      access.filterReadable(modelRefs, credentials);

  actionsRegistry.register({
    name: nameOf(REGISTRY_ACTION_IDS.findModels),
    title: 'Find ML models',
    description:
      'Finds ML models in the model registry that you can read, by free text over name, title and description, by owner, by stage (only models with a live version in that stage), by tag and by the metrics of the production version (e.g. auc > 0.95). ' +
      'Each model comes with its registry summary: version count, latest version, the version in each stage (e.g. production) and its aliases. Pass nextCursor back as cursor for the next page.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          query: z
            .string()
            .max(200)
            .optional()
            .describe('Free text over name, title and description'),
          owner: z
            .string()
            .max(200)
            .optional()
            .describe('Owner entity ref, e.g. group:default/risk-ml'),
          stage: z
            .string()
            .max(63)
            .optional()
            .describe(
              `Only models with a live version in this stage (${stageRules.stages.join(
                ', ',
              )})`,
            ),
          tag: z
            .string()
            .max(500)
            .optional()
            .describe(
              'Only models with this tag: key (catalog or registry tag) or key=value (registry model tag)',
            ),
          metric: z
            .string()
            .max(500)
            .optional()
            .describe(
              'Only models whose production version satisfies these comma-separated conditions, e.g. auc > 0.95, recall_at_1pct_fpr >= 0.8',
            ),
          task: z
            .string()
            .max(63)
            .optional()
            .describe('The task (spec.type), e.g. classification'),
          lifecycle: z
            .string()
            .max(63)
            .optional()
            .describe('experimental, production or deprecated'),
          limit: limitInput(z),
          cursor: cursorInput(z),
        }),
      output: z =>
        z.object({
          items: z.array(
            z
              .object({
                entityRef: z.string(),
                name: z.string(),
                namespace: z.string(),
                title: z.string().optional(),
                description: z.string().optional(),
                owner: z.string().optional(),
                task: z.string().optional(),
                lifecycle: z.string().optional(),
                summary: summaryOutput(z),
              })
              .passthrough(),
          ),
          nextCursor: z.string().optional(),
          totalCount: z.number().optional(),
        }),
    },
    examples: [
      {
        title: 'Fraud models in production',
        input: { query: 'fraud', stage: 'production' },
      },
    ],
    action: async ({ input, credentials }) => ({
      output: asOutput(
        await listModels(ctx, credentials, {
          q: input.query?.trim() || undefined,
          owner: input.owner || undefined,
          task: input.task || undefined,
          lifecycle: input.lifecycle || undefined,
          stage: input.stage,
          tag: input.tag || undefined,
          metric: input.metric || undefined,
          limit: pageLimit(input.limit),
          cursor: input.cursor,
        }),
      ),
    }),
  });

  actionsRegistry.register({
    name: nameOf(REGISTRY_ACTION_IDS.getProductionVersion),
    title: "Get a model's production version and its lineage",
    description:
      `Reads a model you can read: its owner and registry summary, the version in its production stage (by default "${servingStageOf(
        ctx.stageRules,
      )}", or the stage you name) with metrics, params, source and card, ` +
      "and that version's lineage (training and evaluation data, base models, commit, run, serving components) walked upstream, downstream or both. " +
      'In a stage that holds several versions it reads the newest. version and lineage are null when no version is in the stage. A model you cannot read is not found.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          model: modelInput(z),
          stage: z
            .string()
            .max(63)
            .optional()
            .describe(
              `The stage to read (default ${servingStageOf(
                stageRules,
              )}; one of ${stageRules.stages.join(', ')})`,
            ),
          lineageDirection: z
            .enum(['upstream', 'downstream', 'both'])
            .optional()
            .describe('Which way to walk the lineage (default both)'),
          lineageDepth: z
            .number()
            .int()
            .min(1)
            .max(10)
            .optional()
            .describe('How many edges to follow, 1 to 10 (default 3)'),
        }),
      output: z =>
        z.object({
          modelRef: z.string(),
          title: z.string().optional(),
          owner: z.string().optional(),
          stage: z.string(),
          summary: summaryOutput(z),
          version: versionOutput(z).nullable(),
          lineage: lineageOutput(z).nullable(),
        }),
    },
    examples: [
      {
        title: 'The production version of fraud-detector',
        input: { model: 'mlmodel:default/fraud-detector' },
      },
    ],
    action: async ({ input, credentials }) => {
      const modelRef = modelRefOf(input.model);
      const entity = await access.requireReadable(modelRef, credentials);
      const stage = input.stage ?? servingStageOf(ctx.stageRules);
      if (stage === undefined) {
        throw new InputError(
          'stage: no production stage is configured (modelRegistry.stages); name the stage to read',
        );
      }
      const problem = checkStage(stageRules, stage);
      if (problem) throw new InputError(`stage ${problem}`);
      const summary =
        (await store.getSummaries([modelRef], stageRules)).get(modelRef) ??
        emptySummary(modelRef);
      // a single-occupancy stage (production) has its occupant; another stage its newest
      const number = stageRules.singleOccupancyStages.includes(stage)
        ? summary.stageOccupants[stage]
        : (
            await store.listVersions(modelRef, {
              stage,
              sort: 'version',
              order: 'desc',
              limit: 1,
            })
          ).items[0]?.version;
      const version =
        number === undefined
          ? undefined
          : await store.getVersion(modelRef, number);
      const lineage = version
        ? await store.getLineage(modelRef, version.version, {
            direction: input.lineageDirection ?? 'both',
            depth: walkDepth(input.lineageDepth),
            readableModels: readableBy(credentials),
          })
        : undefined;
      const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
      return {
        output: asOutput({
          modelRef,
          ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
          ...(typeof owner === 'string' ? { owner } : {}),
          stage,
          summary,
          version: version ?? null,
          lineage: lineage ?? null,
        }),
      };
    },
  });

  actionsRegistry.register({
    name: nameOf(REGISTRY_ACTION_IDS.listVersions),
    title: 'List the versions of a model',
    description:
      'Lists the live versions of a model you can read, newest first by default, optionally only those in a stage, with an alias, with a status or with a tag. ' +
      'Each version has its stage, aliases, status, source, metrics, params and tags. Pass nextCursor back as cursor for the next page.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          model: modelInput(z),
          stage: z
            .string()
            .max(63)
            .optional()
            .describe('Only versions in this stage'),
          alias: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe('Only the version with this alias'),
          status: z.enum(['pending', 'ready', 'failed']).optional(),
          tag: z
            .string()
            .min(1)
            .max(500)
            .optional()
            .describe('Only versions with this tag: key or key=value'),
          sort: z
            .enum(['version', 'createdAt', 'updatedAt', 'status', 'stage'])
            .optional(),
          order: z.enum(['asc', 'desc']).optional(),
          limit: limitInput(z),
          cursor: cursorInput(z),
        }),
      output: z =>
        z.object({
          items: z.array(versionOutput(z)),
          nextCursor: z.string().optional(),
          totalCount: z.number().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const modelRef = modelRefOf(input.model);
      await access.requireReadable(modelRef, credentials);
      if (input.stage !== undefined) {
        const problem = checkStage(stageRules, input.stage);
        if (problem) throw new InputError(`stage ${problem}`);
      }
      return {
        output: asOutput(
          await store.listVersions(modelRef, {
            limit: pageLimit(input.limit),
            cursor: input.cursor,
            sort: input.sort,
            order: input.order,
            stage: input.stage,
            alias: input.alias,
            status: input.status,
            tag: parseTagFilter(input.tag),
          }),
        ),
      };
    },
  });

  actionsRegistry.register({
    name: nameOf(REGISTRY_ACTION_IDS.getHistory),
    title: "Read a model's history",
    description:
      'Reads the append-only history of a model you can read (or of one of its versions), newest first: who changed what, when and why ' +
      '(registrations, stage moves, aliases, lineage, promotion requests and their approvals), with the state before and after. Pass nextCursor back as cursor for the next page.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          model: modelInput(z),
          version: versionNumberInput(z)
            .optional()
            .describe('Only the history of this version'),
          limit: limitInput(z),
          cursor: cursorInput(z),
        }),
      output: z =>
        z.object({
          items: z.array(historyEntryOutput(z)),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const modelRef = modelRefOf(input.model);
      await access.requireReadable(modelRef, credentials);
      return {
        output: asOutput(
          await store.listHistory(modelRef, {
            ...(input.version !== undefined ? { version: input.version } : {}),
            limit: pageLimit(input.limit),
            cursor: input.cursor,
          }),
        ),
      };
    },
  });

  actionsRegistry.register({
    name: nameOf(REGISTRY_ACTION_IDS.requestPromotion),
    title: 'Request the promotion of a model version',
    description:
      'Opens a promotion request, as you, for a version of a model you can read into a stage that needs approvals (e.g. production): ' +
      'it needs the model-registry.promotion.request permission on the model and passing promotion gates (overrideGates with a comment as the reason needs model-registry.gate.override). ' +
      'Approvers are notified; the version moves only when enough other users approve. Exactly what the portal and POST …/promotion-requests do, and audited the same way.',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          model: modelInput(z),
          version: versionNumberInput(z).describe('The version to promote'),
          stage: z
            .string()
            .min(1)
            .max(63)
            .describe(
              `The stage to promote to (one that needs approvals: ${
                Object.keys(stageRules.approvals ?? {}).join(', ') ||
                'none configured'
              })`,
            ),
          comment: z
            .string()
            .max(5000)
            .optional()
            .describe('Why: shown to the approvers and kept in the history'),
          alias: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe(
              'An alias the executed promotion points at the version, e.g. champion',
            ),
          overrideGates: z
            .boolean()
            .optional()
            .describe('Pass failing gates, with the comment as the reason'),
        }),
      output: z => z.object({ request: promotionRequestOutput(z) }),
    },
    examples: [
      {
        title: 'Ask for version 5 of fraud-detector in production',
        input: {
          model: 'mlmodel:default/fraud-detector',
          version: 5,
          stage: 'production',
          comment: 'AUC +2 pt on the October holdout',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const modelRef = modelRefOf(input.model);
      const { version, stage, comment, overrideGates, alias } = input;
      const request = await frame.mutateModelAs(
        { credentials, action: REGISTRY_ACTION_IDS.requestPromotion },
        modelRef,
        'promotion.request',
        { version, stage },
        target =>
          openPromotionRequest(ctx, target, {
            version,
            stage,
            comment,
            overrideGates,
            alias,
          }),
      );
      await ctx.notices?.requestOpened(request, { modelRef: request.modelRef });
      return { output: asOutput({ request }) };
    },
  });
}
