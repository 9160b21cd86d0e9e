import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  checkStage,
  ModelListItem,
  ModelSummary,
  servingStageOf,
} from '@model-registry/plugin-model-registry-common';
import {
  isScanCursor,
  listModelsScan,
  RegistryFilterText,
  RegistryMatcher,
  ScanCursor,
} from './listModelsScan';
import { metricsSatisfy, parseMetricFilter, parseTag } from './modelFilters';
import {
  checkModelsSort,
  firstModelsQuery,
  ModelListParams,
} from './modelsQuery';
import type { RouteContext } from './RouteContext';

/** The summary of a catalog model that has no registry data yet. */
export function emptySummary(modelRef: string): ModelSummary {
  return {
    modelRef,
    registeredByApi: false,
    versionCount: 0,
    stageOccupants: {},
    aliases: {},
  };
}

/** What a model list asks for: GET /models' query, and the model-registry:find-models action. */
export type ListModelsQuery = ModelListParams &
  RegistryFilterText & {
    limit: number;
    cursor?: string;
  };

/** A page of models with their registry summaries. */
export type ModelListPage = {
  items: ModelListItem[];
  nextCursor?: string;
  totalCount?: number;
};

/**
 * The models the caller can read (the catalog decides, with the caller's credentials), one
 * page, with their registry summaries: GET /models and the find-models action both answer
 * with this. Without a stage it is one catalog query, whose cursor travels inside the
 * registry's signed cursor (a client cannot edit the catalog query it encodes, e.g. to list
 * other kinds through the registry); with a stage, tag or metric filter, a scan of the
 * catalog's pages in the list's order keeping the models the registry filters pass.
 */
export async function listModels(
  ctx: Pick<RouteContext, 'store' | 'stageRules' | 'catalog'>,
  credentials: BackstageCredentials,
  query: ListModelsQuery,
): Promise<ModelListPage> {
  const { store, stageRules } = ctx;
  const cursors = store.cursors;
  const { limit, cursor } = query;
  const params: ModelListParams = {
    owner: query.owner,
    task: query.task,
    lifecycle: query.lifecycle,
    q: query.q,
    sort: query.sort,
    order: query.order,
  };
  checkModelsSort(params);
  const filters: RegistryFilterText = {
    stage: query.stage,
    tag: query.tag,
    metric: query.metric,
  };
  const matcher = registryMatcher(ctx, filters);

  const respond = async (
    entities: Entity[],
    page: { nextCursor?: string; totalCount?: number },
  ): Promise<ModelListPage> => {
    const refs = entities.map(e =>
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
    );
    const summaries = await store.getSummaries(refs, stageRules);
    return {
      items: entities.map((entity: Entity, index) => ({
        entityRef: refs[index],
        name: entity.metadata.name,
        namespace: entity.metadata.namespace ?? 'default',
        title: entity.metadata.title,
        description: entity.metadata.description,
        owner: entity.spec?.owner as string | undefined,
        task: entity.spec?.type as string | undefined,
        lifecycle: entity.spec?.lifecycle as string | undefined,
        summary: summaries.get(refs[index]) ?? emptySummary(refs[index]),
      })),
      ...page,
    };
  };

  if (!matcher) {
    const position = cursor
      ? cursors.decode<{ catalogCursor: string }>(
          'models',
          cursor,
          v => typeof v.catalogCursor === 'string',
        )
      : undefined;
    const page = await ctx.catalog.queryEntities(
      position
        ? { cursor: position.catalogCursor, limit }
        : { ...firstModelsQuery(params), limit },
      { credentials },
    );
    return respond(page.items, {
      nextCursor: page.pageInfo.nextCursor
        ? cursors.encode('models', {
            catalogCursor: page.pageInfo.nextCursor,
          })
        : undefined,
      totalCount: page.totalItems,
    });
  }

  const position: ScanCursor = cursor
    ? cursors.decode<ScanCursor>('models-scan', cursor, isScanCursor(filters))
    : { filters, skip: 0, params };
  const page = await listModelsScan({
    catalog: ctx.catalog,
    matcher,
    credentials,
    position,
    limit,
  });
  return respond(page.items, {
    nextCursor: page.next
      ? cursors.encode('models-scan', page.next)
      : undefined,
    // known only when the first page is the whole answer
    totalCount: !cursor && !page.next ? page.items.length : undefined,
  });
}

/**
 * The registry filters of a model list (stage, tag, metric) as one check of a catalog page,
 * or undefined without any. Checks each filter; messages name the parameter.
 */
function registryMatcher(
  ctx: Pick<RouteContext, 'store' | 'stageRules'>,
  filters: RegistryFilterText,
): RegistryMatcher | undefined {
  const { store, stageRules } = ctx;
  const checks: RegistryMatcher[] = [];
  if (filters.stage !== undefined) {
    const stage = filters.stage;
    const problem = checkStage(stageRules, stage);
    if (problem) throw new InputError(`stage ${problem}`);
    checks.push((_, refs) => store.modelsWithStage(refs, stage));
  }
  if (filters.tag !== undefined) {
    const tag = parseTag(filters.tag);
    checks.push(async (entities, refs) => {
      const tagged = await store.modelsWithTag(refs, tag.key, tag.value);
      if (tag.value === undefined) {
        entities.forEach((entity, i) => {
          if (entity.metadata.tags?.includes(tag.key)) tagged.add(refs[i]);
        });
      }
      return tagged;
    });
  }
  if (filters.metric !== undefined) {
    const conditions = parseMetricFilter(filters.metric);
    const serving = servingStageOf(stageRules);
    if (!serving) {
      throw new InputError(
        'metric needs a serving stage (production) in modelRegistry.stages',
      );
    }
    checks.push(async (_, refs) => {
      const metrics = await store.metricsInStage(refs, serving);
      return new Set(
        [...metrics]
          .filter(([, m]) => metricsSatisfy(m, conditions))
          .map(([ref]) => ref),
      );
    });
  }
  if (checks.length === 0) return undefined;
  // Each check sees only what the previous ones kept.
  return async (entities, refs) => {
    let kept = { entities, refs };
    for (const check of checks) {
      if (kept.refs.length === 0) break;
      const answer = await check(kept.entities, kept.refs);
      kept = narrow(kept, answer);
    }
    return new Set(kept.refs);
  };
}

/** The entities and refs of a page that a check passed. */
function narrow(
  page: { entities: Entity[]; refs: string[] },
  passed: Set<string>,
) {
  return {
    entities: page.entities.filter((_, i) => passed.has(page.refs[i])),
    refs: page.refs.filter(ref => passed.has(ref)),
  };
}
