import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  formatMLModelValidationIssues,
  StageRules,
  validateNewVersionInput,
} from '@model-registry/plugin-model-registry-common';
import fs from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { Config } from '@backstage/config';
import yaml from 'yaml';
import {
  ModelRegistryStore,
  NewModelVersion,
} from '../database/ModelRegistryStore';

type SeedVersion = NewModelVersion & {
  stage?: string;
  aliases?: string[];
  comment?: string;
};
type SeedFile = { models?: Array<{ ref: string; versions?: SeedVersion[] }> };

const SEED_ACTOR = 'service:model-registry-seed';

/**
 * Loads example versions from a YAML file (modelRegistry.seed.file) at startup. Each seeded
 * version carries an idempotency key, so restarts and several replicas never seed twice.
 */
export async function seedFromFile(options: {
  file: string;
  store: ModelRegistryStore;
  stageRules: StageRules;
  allowedSourceSchemes: string[];
  logger: LoggerService;
}): Promise<number> {
  const { store, stageRules, logger } = options;
  const content = yaml.parse(
    await fs.readFile(options.file, 'utf8'),
  ) as SeedFile;
  let created = 0;
  for (const model of content.models ?? []) {
    const modelRef = model.ref.toLocaleLowerCase('en-US');
    for (const [index, seed] of (model.versions ?? []).entries()) {
      const { stage, aliases, comment, ...input } = seed;
      const issues = validateNewVersionInput(input as Record<string, unknown>, {
        allowedSchemes: options.allowedSourceSchemes,
      });
      if (issues.length) {
        throw new InputError(
          `${options.file}: ${modelRef} version ${
            index + 1
          }: ${formatMLModelValidationIssues(issues)}`,
        );
      }
      let result;
      try {
        result = await store.registerVersion(modelRef, input, {
          actor: SEED_ACTOR,
          comment: comment ?? 'Example version from the seed file',
          idempotencyKey: `seed:${index + 1}`,
          stageRules,
        });
      } catch (error) {
        // The file changed since this version was seeded: what the registry holds stays.
        if ((error as Error).name !== 'IdempotencyKeyReusedError') throw error;
        logger.warn(
          `${options.file}: ${modelRef} version ${
            index + 1
          } differs from the one seeded earlier; the registry keeps the seeded one`,
        );
        continue;
      }
      if (!result.created) continue;
      created++;
      if (stage && stage !== result.version.stage) {
        await store.transitionStage(modelRef, result.version.version, stage, {
          actor: SEED_ACTOR,
          comment: `Seeded in ${stage}`,
          stageRules,
        });
      }
      for (const alias of aliases ?? []) {
        await store.setAlias(modelRef, alias, result.version.version, {
          actor: SEED_ACTOR,
        });
      }
    }
  }
  logger.info(`Seeded ${created} example model versions from ${options.file}`);
  return created;
}

/** Seeds from `modelRegistry.seed.file` when the config names one. */
export async function seedFromConfig(options: {
  config: Config;
  store: ModelRegistryStore;
  stageRules: StageRules;
  allowedSourceSchemes: string[];
  logger: LoggerService;
}) {
  const { config, ...rest } = options;
  const file = config.getOptionalString('modelRegistry.seed.file');
  if (file) await seedFromFile({ ...rest, file: resolvePath(file) });
}
