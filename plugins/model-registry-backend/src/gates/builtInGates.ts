import { Config } from '@backstage/config';
import {
  ModelVersionCard,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import type {
  GateInput,
  GateResult,
  PromotionGate,
} from '@model-registry/plugin-model-registry-node';

export type { GateInput, GateResult, PromotionGate };

const CARD_SECTIONS: Array<keyof ModelVersionCard> = [
  'intendedUse',
  'limitations',
  'trainingData',
  'evaluation',
  'ethicalConsiderations',
];

const result = (gate: string, passed: boolean, reason: string) => ({
  gate,
  passed,
  reason,
});

/** status-ready: the version's status is ready. */
function statusReady(): PromotionGate {
  const id = 'status-ready';
  return {
    id,
    check: ({ version }) =>
      result(
        id,
        version.status === 'ready',
        version.status === 'ready'
          ? 'the version is ready'
          : `the version is ${version.status}, not ready`,
      ),
  };
}

/** card-complete: the named card sections are filled in. */
function cardComplete(sections: Array<keyof ModelVersionCard>): PromotionGate {
  const id = 'card-complete';
  return {
    id,
    check: ({ version }) => {
      const missing = sections.filter(s => !version.card?.[s]?.trim());
      return result(
        id,
        missing.length === 0,
        missing.length === 0
          ? `the card has ${sections.join(', ')}`
          : `the card lacks ${missing.join(', ')}`,
      );
    },
  };
}

/** lineage-present: a trained-on dataset and a code commit. */
function lineagePresent(): PromotionGate {
  const id = 'lineage-present';
  return {
    id,
    check: ({ version, lineage }) => {
      const dataset = lineage.some(e => e.relation === 'trainedOn');
      const commit =
        Boolean(version.code?.commit) ||
        lineage.some(e => e.relation === 'builtFromCommit');
      const missing = [
        ...(dataset ? [] : ['a trainedOn dataset']),
        ...(commit ? [] : ['a code commit']),
      ];
      return result(
        id,
        missing.length === 0,
        missing.length === 0
          ? 'the version names its training data and code commit'
          : `the version's lineage lacks ${missing.join(' and ')}`,
      );
    },
  };
}

/** metric-not-worse: the metric is not worse than the current version's, within a tolerance. */
function metricNotWorse(
  metric: string,
  direction: 'higher' | 'lower',
  tolerance: number,
): PromotionGate {
  const id = `metric-not-worse:${metric}`;
  return {
    id,
    check: ({ version, occupant, stage }) => {
      const mine = version.metrics[metric];
      if (mine === undefined) {
        return result(id, false, `the version has no ${metric} metric`);
      }
      if (!occupant) {
        return result(id, true, `no current ${stage} version to compare with`);
      }
      const theirs = occupant.metrics[metric];
      if (theirs === undefined) {
        return result(
          id,
          true,
          `the current ${stage} version ${occupant.version} has no ${metric}`,
        );
      }
      const passed =
        direction === 'higher'
          ? mine >= theirs - tolerance
          : mine <= theirs + tolerance;
      return result(
        id,
        passed,
        `${metric} ${mine} vs ${theirs} of version ${occupant.version} (${direction} is better, tolerance ${tolerance})`,
      );
    },
  };
}

/** min-time-in-stage: the version has been in a stage for at least some hours. */
function minTimeInStage(previous: string, hours: number): PromotionGate {
  const id = `min-time-in-stage:${previous}`;
  return {
    id,
    check: ({ version, now }) => {
      if (version.stage !== previous) {
        return result(
          id,
          false,
          `the version is in ${version.stage}, not ${previous}`,
        );
      }
      const spent =
        (now.getTime() - Date.parse(version.stageUpdatedAt)) / 3_600_000;
      return result(
        id,
        spent >= hours,
        `${spent.toFixed(1)} of ${hours} hours in ${previous}`,
      );
    },
  };
}

/**
 * The built-in gates of each stage, from `modelRegistry.stages.gates.<stage>`: a list of
 * `{ type, … }`. Config errors name the key.
 */
export function readBuiltInGates(
  config: Config,
  rules: StageRules,
): Map<string, PromotionGate[]> {
  const key = 'modelRegistry.stages.gates';
  const gates = new Map<string, PromotionGate[]>();
  const stages = config.getOptionalConfig(key);
  if (!stages) return gates;
  for (const stage of stages.keys()) {
    if (!rules.stages.includes(stage)) {
      throw new Error(`${key}.${stage}: "${stage}" is not a configured stage`);
    }
    const list = stages.getConfigArray(stage).map((gate, index) => {
      const at = `${key}.${stage}[${index}]`;
      const type = gate.getString('type');
      switch (type) {
        case 'status-ready':
          return statusReady();
        case 'card-complete': {
          const sections = (gate.getOptionalStringArray('sections') ??
            CARD_SECTIONS.slice(0, 4)) as Array<keyof ModelVersionCard>;
          const unknown = sections.filter(s => !CARD_SECTIONS.includes(s));
          if (unknown.length) {
            throw new Error(
              `${at}.sections: unknown card section ${unknown.join(
                ', ',
              )} (one of ${CARD_SECTIONS.join(', ')})`,
            );
          }
          return cardComplete(sections);
        }
        case 'lineage-present':
          return lineagePresent();
        case 'metric-not-worse': {
          const direction = gate.getOptionalString('direction') ?? 'higher';
          if (direction !== 'higher' && direction !== 'lower') {
            throw new Error(`${at}.direction must be "higher" or "lower"`);
          }
          const tolerance = gate.getOptionalNumber('tolerance') ?? 0;
          if (!(tolerance >= 0)) {
            throw new Error(`${at}.tolerance must be a number of at least 0`);
          }
          return metricNotWorse(gate.getString('metric'), direction, tolerance);
        }
        case 'min-time-in-stage': {
          const previous = gate.getString('stage');
          if (!rules.stages.includes(previous)) {
            throw new Error(
              `${at}.stage: "${previous}" is not a configured stage`,
            );
          }
          const hours = gate.getNumber('hours');
          if (!(hours > 0)) {
            throw new Error(`${at}.hours must be a positive number`);
          }
          return minTimeInStage(previous, hours);
        }
        default:
          throw new Error(
            `${at}.type: unknown gate "${type}" (status-ready, card-complete, lineage-present, metric-not-worse, min-time-in-stage)`,
          );
      }
    });
    const ids = list.map(g => g.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw new Error(`${key}.${stage} lists the gate ${twice} twice`);
    gates.set(stage, list);
  }
  return gates;
}
