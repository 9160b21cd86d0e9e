import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  modelRegistryGatesExtensionPoint,
  PromotionGate,
} from '@model-registry/plugin-model-registry-node';

/**
 * An example custom promotion gate: the version was evaluated for fairness (a
 * `fairness_gap` metric, e.g. the largest difference in recall between groups, written by
 * an evaluation job) and the gap is at most `maxGap`.
 */
export function fairnessGate(maxGap: number): PromotionGate {
  const id = 'fairness-evaluated';
  return {
    id,
    check: ({ version }) => {
      const gap = version.metrics.fairness_gap;
      if (gap === undefined) {
        return {
          gate: id,
          passed: false,
          reason:
            'the version has no fairness_gap metric: run the fairness evaluation',
        };
      }
      return {
        gate: id,
        passed: gap <= maxGap,
        reason: `fairness_gap ${gap} (at most ${maxGap})`,
      };
    },
  };
}

/**
 * Adds the fairness gate to the stages of `modelRegistry.exampleFairnessGate.stages`
 * (none unless configured), with `maxGap` (default 0.05). An example of
 * modelRegistryGatesExtensionPoint for a module of one's own.
 */
export default createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'example-fairness-gate',
  register(reg) {
    reg.registerInit({
      deps: {
        gates: modelRegistryGatesExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ gates, config }) {
        const settings = config.getOptionalConfig(
          'modelRegistry.exampleFairnessGate',
        );
        const maxGap = settings?.getOptionalNumber('maxGap') ?? 0.05;
        for (const stage of settings?.getOptionalStringArray('stages') ?? []) {
          gates.addGate(stage, fairnessGate(maxGap));
        }
      },
    });
  },
});
