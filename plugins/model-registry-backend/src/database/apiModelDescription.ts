import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { appendHistory } from './history';
import { ChangeContext } from './ModelRegistryStore';
import { ModelRow, parseJson } from './rows';

type Entity = { metadata?: { description?: string } & Record<string, unknown> };

/**
 * Changes the description (`metadata.description`) of a live model registered through the
 * API; an empty one removes it. Recorded in history as `model.update`. NotFoundError for a
 * model that was not registered through the API (its entity lives in the catalog's files).
 */
export async function updateApiModelDescription(
  db: Knex,
  modelRef: string,
  description: string,
  context: ChangeContext,
): Promise<void> {
  await db.transaction(async trx => {
    const row = await trx<ModelRow>('models')
      .where({ model_ref: modelRef })
      .forUpdate()
      .first();
    if (!row || !row.registered_by_api || row.deleted_at || !row.entity) {
      throw new NotFoundError(`${modelRef} was not registered through the API`);
    }
    const entity = parseJson<Entity>(row.entity) ?? {};
    const before = entity.metadata?.description;
    const { description: _old, ...metadata } = entity.metadata ?? {};
    const updated = {
      ...entity,
      metadata: description ? { ...metadata, description } : metadata,
    };
    const at = new Date();
    await trx('models')
      .where({ model_ref: modelRef })
      .update({ entity: JSON.stringify(updated), updated_at: at });
    await appendHistory(trx, {
      modelRef,
      action: 'model.update',
      context,
      before: { description: before ?? null },
      after: { description: description || null },
      at,
    });
  });
}
