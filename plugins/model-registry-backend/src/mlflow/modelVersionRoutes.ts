import {
  formatMLModelValidationIssues,
  ModelVersion,
  modelVersionDeletePermission,
  modelVersionRegisterPermission,
  modelVersionUpdatePermission,
  validateNewVersionInput,
  validateVersionPatch,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import {
  ModelVersionPatch,
  NewModelVersion,
  VersionSortField,
} from '../database/ModelRegistryStore';
import { actorOf } from '../service/actor';
import { authorizeStageChange } from '../service/authorizeStageChange';
import { checkGates } from '../service/checkGates';
import { MlflowError } from './mlflowErrors';
import { fromMlflowTags } from './mlflowJson';
import {
  booleanParam,
  maxResultsParam,
  mlflowParams,
  optionalString,
  requiredString,
  versionParam,
} from './mlflowRequest';
import { mlflowRoute, MlflowRouteContext } from './MlflowRouteContext';
import {
  matchesClause,
  MlflowFilterClause,
  parseMlflowFilter,
  parseMlflowOrderBy,
} from './mlflowSearchFilter';

/** MLflow's limits of model-versions/search (default 10,000, at most 200,000). */
const SEARCH_LIMITS = { fallback: 10_000, max: 200_000 };
/** The most versions one search answer carries; the rest come with next_page_token. */
export const MAX_VERSIONS_PAGE = 1000;
/** Store pages one search reads at most before it answers with what it found and a token. */
const MAX_STORE_ROUNDS = 20;

const ORDER_FIELDS: Record<string, VersionSortField> = {
  version_number: 'version',
  creation_timestamp: 'createdAt',
  last_updated_timestamp: 'updatedAt',
  current_stage: 'stage',
};

function failOnIssues(issues: ReturnType<typeof validateVersionPatch>) {
  if (issues.length) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      formatMLModelValidationIssues(issues),
    );
  }
}

/** Whether a version passes the clauses the store cannot filter on. */
function matchesVersion(clauses: MlflowFilterClause[], version: ModelVersion) {
  return clauses.every(clause => {
    if (clause.key === 'tags') {
      return matchesClause(clause, version.tags[clause.tag!]);
    }
    if (clause.key === 'run_id') return matchesClause(clause, version.runId);
    if (clause.key === 'source_path') {
      return matchesClause(clause, version.source);
    }
    return matchesClause(clause, String(version.version));
  });
}

/** model-versions/*: create, get, update, delete, search, transition-stage, download URI, tags. */
export function addModelVersionRoutes(
  router: express.Router,
  ctx: MlflowRouteContext,
) {
  const { store, stageRules, models, stages, access } = ctx;

  async function readVersion(req: express.Request) {
    const params = mlflowParams(req);
    const name = requiredString(params, 'name');
    const modelRef = models.refOf(name);
    const number = versionParam(params);
    const credentials = await ctx.credentials(req);
    // the read runs alongside the check, which decides alone whether it is answered
    const [, version] = await Promise.all([
      models.requireReadable(modelRef, credentials),
      store.getVersion(modelRef, number),
    ]);
    if (!version) {
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        `Model Version (name=${name}, version=${number}) not found`,
      );
    }
    return { params, name, version };
  }

  /** A version change through updateVersion, with the update permission. */
  async function patchVersion(
    req: express.Request,
    actionType: string,
    patch: ModelVersionPatch,
  ) {
    const params = mlflowParams(req);
    const name = requiredString(params, 'name');
    const modelRef = models.refOf(name);
    const number = versionParam(params);
    const updated = await ctx.mutate(
      req,
      {
        actionType,
        modelRef,
        permission: modelVersionUpdatePermission,
        meta: { version: number },
      },
      async credentials => {
        failOnIssues(validateVersionPatch(patch as Record<string, unknown>));
        return store.updateVersion(modelRef, number, patch, {
          actor: actorOf(credentials),
        });
      },
    );
    return ctx.version(name, updated);
  }

  mlflowRoute(router, 'post', 'model-versions/create', async (req, res) => {
    const params = mlflowParams(req);
    const name = requiredString(params, 'name');
    const modelRef = models.refOf(name);
    const source = requiredString(params, 'source');
    const runId = optionalString(params, 'run_id');
    const runLink = optionalString(params, 'run_link');
    const description = optionalString(params, 'description');
    const input: NewModelVersion = {
      source,
      ...(runId ? { runId } : {}),
      ...(runLink ? { runLink } : {}),
      ...(description ? { description } : {}),
      tags: fromMlflowTags(params.tags),
    };
    const { version } = await ctx.mutate(
      req,
      {
        actionType: 'version.register',
        modelRef,
        permission: modelVersionRegisterPermission,
      },
      async credentials => {
        failOnIssues(
          validateNewVersionInput(input as Record<string, unknown>, {
            allowedSchemes: ctx.allowedSourceSchemes,
          }),
        );
        // once the caller may register: the run's metrics and params, read from the
        // tracking server (none when it is not configured or the run cannot be read)
        const run =
          runId && ctx.mlflowRunData
            ? await ctx.mlflowRunData(runId)
            : undefined;
        if (run) {
          input.metrics = run.metrics;
          input.params = run.params;
          if (!input.runLink && run.runLink) input.runLink = run.runLink;
        }
        return store.registerVersion(modelRef, input, {
          actor: actorOf(credentials),
          stageRules,
        });
      },
    );
    res.json({ model_version: ctx.version(name, version) });
  });

  mlflowRoute(router, 'get', 'model-versions/get', async (req, res) => {
    const { name, version } = await readVersion(req);
    res.json({ model_version: ctx.version(name, version) });
  });

  mlflowRoute(
    router,
    'get',
    'model-versions/get-download-uri',
    async (req, res) => {
      const { version } = await readVersion(req);
      res.json({ artifact_uri: version.source });
    },
  );

  mlflowRoute(router, 'patch', 'model-versions/update', async (req, res) => {
    const description = optionalString(mlflowParams(req), 'description');
    res.json({
      model_version: await patchVersion(
        req,
        'version.update',
        description === undefined ? {} : { description },
      ),
    });
  });

  mlflowRoute(router, 'post', 'model-versions/set-tag', async (req, res) => {
    const params = mlflowParams(req);
    const key = requiredString(params, 'key');
    const value = optionalString(params, 'value') ?? '';
    await patchVersion(req, 'version.update', { tags: { [key]: value } });
    res.json({});
  });

  mlflowRoute(
    router,
    'delete',
    'model-versions/delete-tag',
    async (req, res) => {
      const key = requiredString(mlflowParams(req), 'key');
      await patchVersion(req, 'version.update', { tags: { [key]: null } });
      res.json({});
    },
  );

  mlflowRoute(router, 'delete', 'model-versions/delete', async (req, res) => {
    const params = mlflowParams(req);
    const modelRef = models.refOf(requiredString(params, 'name'));
    const number = versionParam(params);
    await ctx.mutate(
      req,
      {
        actionType: 'version.delete',
        modelRef,
        permission: modelVersionDeletePermission,
        meta: { version: number },
      },
      async credentials => {
        await store.deleteVersion(modelRef, number, {
          actor: actorOf(credentials),
          stageRules,
        });
      },
    );
    res.json({});
  });

  mlflowRoute(
    router,
    'post',
    'model-versions/transition-stage',
    async (req, res) => {
      const params = mlflowParams(req);
      const name = requiredString(params, 'name');
      const modelRef = models.refOf(name);
      const number = versionParam(params);
      const stage = stages.fromMlflow(requiredString(params, 'stage'));
      const archiveExisting = booleanParam(params, 'archive_existing_versions');
      if (
        archiveExisting &&
        (stage === stageRules.stages[0] || stage === stageRules.archivedStage)
      ) {
        // MLflow archives only from its active stages, with this message
        throw new MlflowError(
          'INVALID_PARAMETER_VALUE',
          `Model version transition cannot archive existing model versions because '${stages.toMlflow(
            stage,
          )}' is not an Active stage. Valid stages are ${stageRules.stages
            .filter(
              s => s !== stageRules.stages[0] && s !== stageRules.archivedStage,
            )
            .map(s => stages.toMlflow(s))
            .join(', ')}`,
        );
      }
      const moved = await ctx.mutate(
        req,
        {
          actionType: 'version.stage',
          modelRef,
          meta: {
            version: number,
            stage,
            archiveExistingVersions: archiveExisting,
          },
        },
        async credentials => {
          const change = { access, stageRules, modelRef, credentials };
          await authorizeStageChange({ ...change, stage });
          await checkGates(ctx, {
            modelRef,
            version: number,
            stage,
            credentials,
          });
          // archiving the others is a stage change of its own, authorized when there are
          // others; the store archives whichever are in the stage when it commits
          let archiveOthers = false;
          if (archiveExisting) {
            const { items } = await store.listVersions(modelRef, {
              limit: 2,
              stage,
            });
            if (items.some(v => v.version !== number)) {
              await authorizeStageChange({
                ...change,
                stage: stageRules.archivedStage,
              });
              archiveOthers = true;
            }
          }
          const result = await store.transitionStage(modelRef, number, stage, {
            actor: actorOf(credentials),
            stageRules,
            archiveOthers,
          });
          return result.version;
        },
      );
      res.json({ model_version: ctx.version(name, moved) });
    },
  );

  mlflowRoute(router, 'get', 'model-versions/search', async (req, res) => {
    const params = mlflowParams(req);
    const credentials = await ctx.credentials(req);
    const wanted = Math.min(
      maxResultsParam(params, SEARCH_LIMITS),
      MAX_VERSIONS_PAGE,
    );
    const clauses = parseMlflowFilter(params.filter, [
      'name',
      'run_id',
      'source_path',
      'version_number',
    ]);
    const nameClause = clauses.find(c => c.key === 'name' && c.op === '=');
    const runClause = clauses.find(
      c => c.key === 'run_id' && (c.op === '=' || c.op === 'IN'),
    );
    if (!nameClause && runClause) {
      // the versions of runs, across the namespace's models the caller can read
      if (params.order_by !== undefined) {
        throw new MlflowError(
          'INVALID_PARAMETER_VALUE',
          'order_by: versions of runs across models come by model name and version; search within one model to order them',
        );
      }
      const page = await store.listVersionsOfRuns(runClause.values, {
        modelRefPrefix: models.refPrefix,
        limit: wanted,
        cursor: optionalString(params, 'page_token'),
        readableModels: refs => access.filterReadable(refs, credentials),
      });
      const prefixLength = models.refPrefix.length;
      const named = page.items.map(v => ({
        name: v.modelRef.slice(prefixLength),
        version: v,
      }));
      res.json({
        model_versions: named
          .filter(
            ({ name, version }) =>
              clauses.every(c => c.key !== 'name' || matchesClause(c, name)) &&
              matchesVersion(
                clauses.filter(c => c.key !== 'name'),
                version,
              ),
          )
          .map(({ name, version }) => ctx.version(name, version)),
        ...(page.nextCursor ? { next_page_token: page.nextCursor } : {}),
      });
      return;
    }
    if (!nameClause) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `filter: model-versions/search needs "name = '<model>'" or "run_id = '<run>'"`,
      );
    }
    const name = nameClause.values[0];
    const modelRef = models.refOf(name);
    const rest = clauses.filter(c => c !== nameClause);
    if (rest.some(c => c.key === 'name' && !matchesClause(c, name))) {
      res.json({ model_versions: [] });
      return;
    }
    const [order, ...ties] = parseMlflowOrderBy(
      params.order_by,
      Object.keys(ORDER_FIELDS),
    );
    if (ties.some(t => t.field !== 'version_number')) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        'order_by: one field, optionally followed by version_number',
      );
    }
    // one exact tag goes to the store; the other clauses filter each store page
    const tagClause = rest.find(c => c.key === 'tags' && c.op === '=');
    const inMemory = rest.filter(c => c !== tagClause && c.key !== 'name');
    const items: ModelVersion[] = [];
    let cursor = optionalString(params, 'page_token');
    const readPages = async () => {
      let rounds = 0;
      do {
        rounds += 1;
        // at most as many rows as still wanted: a page never overshoots, so the store's
        // cursor is exactly where the next answer starts
        const page = await store.listVersions(modelRef, {
          limit: wanted - items.length,
          cursor,
          sort: order ? ORDER_FIELDS[order.field] : 'version',
          order: order && !order.descending ? 'asc' : 'desc',
          ...(tagClause
            ? { tag: { key: tagClause.tag!, value: tagClause.values[0] } }
            : {}),
        });
        items.push(...page.items.filter(v => matchesVersion(inMemory, v)));
        cursor = page.nextCursor;
      } while (cursor && items.length < wanted && rounds < MAX_STORE_ROUNDS);
    };
    // the pages are read alongside the check, which decides alone whether they are answered
    await Promise.all([
      models.requireReadable(modelRef, credentials),
      readPages(),
    ]);
    res.json({
      model_versions: items.map(v => ctx.version(name, v)),
      ...(cursor ? { next_page_token: cursor } : {}),
    });
  });
}
