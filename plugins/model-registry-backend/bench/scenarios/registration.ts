/*
 * Registering a version through registerVersion or POST …/versions, with 2 tags and 2-3
 * lineage edges, checking that every registration gets the next number of its model.
 */
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { NewModelVersion } from '../../src/database/ModelRegistryStore';
import { CHAIN, DATASETS, modelName, modelRefOf, pad4, sha } from '../dataSet';
import { BenchContext, check, measure, Result } from '../measure';
import { Options } from '../options';

const ACTOR = { actor: 'user:default/bench', stageRules: DEFAULT_STAGE_RULES };

/** The body of registration n on model i. */
function newVersionInput(i: number, n: number): NewModelVersion {
  return {
    source: `s3://bench-models/${modelName(i)}/new-${n}/model.pkl`,
    runId: `bench-run-${n}`,
    code: { repository: `https://github.com/example/${modelName(i)}` },
    framework: 'pytorch',
    metrics: { accuracy: 0.91, f1: 0.88 },
    params: { learning_rate: '0.001' },
    tags: { team: `team-${i % 7}`, 'dataset-version': '2026.new' },
    lineage: [
      {
        relation: 'trainedOn',
        entityRef: `resource:default/bench-dataset-${pad4(i % DATASETS)}`,
      },
      {
        relation: 'builtFromCommit',
        uri: `https://github.com/example/${modelName(i)}/commit/${sha(i, n)}`,
      },
      ...(i % CHAIN > 0
        ? [
            {
              relation: 'fineTunedFrom' as const,
              entityRef: modelRefOf(i - 1),
              version: 1,
            },
          ]
        : []),
    ],
  };
}

/** Registrations so far (for unique sources) and the next version number of each model. */
const registrations = { count: 0, next: new Map<number, number>() };

/** Forgets the models' next version numbers: a new database starts from the seed's. */
export function resetNextVersions() {
  registrations.next.clear();
}

/**
 * Times registrations on the models that `pick` returns, on every layer; `label` ends
 * the operation's name.
 */
export async function measureRegistration(
  ctx: BenchContext,
  pick: () => number,
  label: string,
  options: Options = ctx.options,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const layer of ctx.layers) {
    results.push(
      await measure(ctx.counter, options, {
        operation: `register a version (${label})`,
        layer,
        kind: 'write',
        run: async () => {
          const i = pick();
          const n = ++registrations.count;
          const input = newVersionInput(i, n);
          let number: number;
          if (layer === 'store') {
            const { version, created } = await ctx.store.registerVersion(
              modelRefOf(i),
              input,
              ACTOR,
            );
            check(created, 'registerVersion created a version');
            number = version.version;
          } else {
            const body = await ctx.http!.call(
              'POST',
              `/models/default/${modelName(i)}/versions`,
              input,
            );
            number = JSON.parse(body).version;
          }
          // The seed set models.next_version: numbering carries on after the seeded ones.
          const expected =
            registrations.next.get(i) ??
            (i === ctx.options.models
              ? ctx.options.hotVersions
              : ctx.options.versions) + 1;
          check(
            number === expected,
            `${modelRefOf(i)} got version ${number}, expected ${expected}`,
          );
          registrations.next.set(i, expected + 1);
        },
      }),
    );
  }
  return results;
}
