import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  checkStage,
  ModelListItem,
  ModelSummary,
} from '@model-registry/plugin-model-registry-common';
import {
  isStageScanCursor,
  listModelsInStage,
  StageScanCursor,
} from './listModelsInStage';
import { firstModelsQuery, ModelListParams } from './modelsQuery';
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
export type ListModelsQuery = ModelListParams & {
  stage?: string;
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
 * other kinds through the registry); with a stage, a scan of the catalog's pages in name
 * order keeping the models the registry has in the stage.
 */
export async function listModels(
  ctx: Pick<RouteContext, 'store' | 'stageRules' | 'catalog'>,
  credentials: BackstageCredentials,
  query: ListModelsQuery,
): Promise<ModelListPage> {
  const { store, stageRules } = ctx;
  const cursors = store.cursors;
  const { stage, limit, cursor } = query;
  if (stage !== undefined) {
    const problem = checkStage(stageRules, stage);
    if (problem) throw new InputError(`stage ${problem}`);
  }
  const params: ModelListParams = {
    owner: query.owner,
    task: query.task,
    lifecycle: query.lifecycle,
    q: query.q,
  };

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

  if (stage === undefined) {
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

  const position: StageScanCursor = cursor
    ? cursors.decode<StageScanCursor>(
        'models-in-stage',
        cursor,
        isStageScanCursor(stage),
      )
    : { stage, skip: 0, params };
  const page = await listModelsInStage({
    catalog: ctx.catalog,
    store,
    credentials,
    position,
    limit,
  });
  return respond(page.items, {
    nextCursor: page.next
      ? cursors.encode('models-in-stage', page.next)
      : undefined,
  });
}
