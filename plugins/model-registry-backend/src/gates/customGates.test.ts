import { createBackendModule } from '@backstage/backend-plugin-api';
import { modelRegistryGatesExtensionPoint } from '@model-registry/plugin-model-registry-node';
import { describeRegistry } from '../service/__testUtils__/startRegistry';

// A module of the plugin that adds a gate to staging, after its built-in gate.
const reviewedGate = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'test-reviewed-gate',
  register(reg) {
    reg.registerInit({
      deps: { gates: modelRegistryGatesExtensionPoint },
      async init({ gates }) {
        gates.addGate('staging', {
          id: 'reviewed',
          check: ({ version }) => ({
            gate: 'reviewed',
            passed: version.tags.reviewed === 'yes',
            reason:
              version.tags.reviewed === 'yes'
                ? 'reviewed'
                : 'the version has no reviewed=yes tag',
          }),
        });
        gates.addGate('staging', {
          id: 'flaky',
          check: ({ version }) => {
            if (version.tags.flaky) throw new Error('evaluation service down');
            return { gate: 'flaky', passed: true, reason: 'up' };
          },
        });
      },
    });
  },
});

describeRegistry(
  'custom promotion gates',
  registry => {
    it('runs the gates modules add after the built-in ones, wherever gates are checked', async () => {
      const m = registry.addModel('custom-gates');
      const plain = await registry.registerVersion(m);
      const dry = await registry.api(
        'get',
        `${m.path}/versions/${plain}/gates?stage=staging`,
      );
      expect(dry.body.results.map((r: any) => [r.gate, r.passed])).toEqual([
        ['status-ready', true],
        ['reviewed', false],
        ['flaky', true],
      ]);
      const blocked = await registry
        .api('post', `${m.path}/versions/${plain}/stage`)
        .send({ stage: 'staging' });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toContain(
        'gate reviewed (the version has no reviewed=yes tag)',
      );
      // a gate that throws fails with the error as its reason
      const flaky = await registry.registerVersion(m, {
        tags: { reviewed: 'yes', flaky: 'true' },
      });
      const failing = await registry.api(
        'get',
        `${m.path}/versions/${flaky}/gates?stage=staging`,
      );
      expect(failing.body.results[2]).toEqual({
        gate: 'flaky',
        passed: false,
        reason: 'the gate could not run: evaluation service down',
      });
      const reviewed = await registry.registerVersion(m, {
        tags: { reviewed: 'yes' },
      });
      await registry
        .api('post', `${m.path}/versions/${reviewed}/stage`)
        .send({ stage: 'staging' })
        .expect(200);
    });
  },
  {
    config: () => ({
      modelRegistry: {
        stages: { gates: { staging: [{ type: 'status-ready' }] } },
      },
    }),
    features: [reviewedGate],
  },
);
