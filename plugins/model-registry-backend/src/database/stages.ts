import { ConflictError } from '@backstage/errors';
import {
  ModelVersion,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { appendHistory } from './history';
import { lockModel } from './models';
import { ChangeContext } from './ModelRegistryStore';
import { toVersion, VersionRow } from './rows';
import { requireVersion } from './versions';

/**
 * Moves a version to a stage. A single-occupancy stage's previous occupant is archived in
 * the same transaction, so there is never a moment with two occupants; with `archiveOthers`
 * (MLflow's archive_existing_versions) so is every other version in the target stage.
 */
export async function transitionStage(
  db: Knex,
  modelRef: string,
  version: number,
  stage: string,
  context: ChangeContext & { stageRules: StageRules; archiveOthers?: boolean },
): Promise<{ version: ModelVersion; archived: number[] }> {
  const rules = context.stageRules;
  return db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    if (row.stage === stage) {
      return { version: await toVersion(trx, row), archived: [] };
    }
    if (rules.singleOccupancyStages.includes(row.stage)) {
      throw new ConflictError(
        `version ${version} is the ${row.stage} version; promote another version to ${row.stage} to replace it`,
      );
    }
    const now = new Date();
    const archived: number[] = [];
    const archiveOccupants =
      rules.singleOccupancyStages.includes(stage) ||
      (context.archiveOthers && stage !== rules.archivedStage);
    if (archiveOccupants) {
      const occupants = await trx<VersionRow>('model_versions')
        .where({ model_ref: modelRef, stage })
        .whereNull('deleted_at')
        .whereNot({ id: row.id })
        .orderBy('version')
        .select('id', 'version');
      for (const occupant of occupants) {
        await trx('model_versions').where({ id: occupant.id }).update({
          stage: rules.archivedStage,
          stage_updated_at: now,
          updated_at: now,
          updated_by: context.actor,
        });
        await appendHistory(trx, {
          modelRef,
          version: occupant.version,
          action: 'version.stage',
          context: {
            actor: context.actor,
            comment: `Replaced in ${stage} by version ${version}${
              context.comment ? `: ${context.comment}` : ''
            }`,
          },
          before: { stage },
          after: { stage: rules.archivedStage },
          at: now,
        });
        archived.push(occupant.version);
      }
    }
    await trx('model_versions').where({ id: row.id }).update({
      stage,
      stage_updated_at: now,
      updated_at: now,
      updated_by: context.actor,
    });
    await appendHistory(trx, {
      modelRef,
      version,
      action: 'version.stage',
      context,
      before: { stage: row.stage },
      after: { stage, archived },
      at: now,
    });
    const updated = await toVersion(trx, {
      ...row,
      stage,
      stage_updated_at: now,
      updated_at: now,
      updated_by: context.actor,
    });
    return { version: updated, archived };
  });
}
