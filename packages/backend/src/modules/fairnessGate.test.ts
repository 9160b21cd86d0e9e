import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { modelRegistryGatesExtensionPoint } from '@model-registry/plugin-model-registry-node';
import fairnessGateModule, { fairnessGate } from './fairnessGate';

const input = (metrics: Record<string, number>) =>
  ({
    version: { version: 3, metrics },
    stage: 'production',
    lineage: [],
    now: new Date(),
  } as any);

describe('the example fairness gate', () => {
  it('passes a version whose fairness gap is small enough, and says why', async () => {
    const gate = fairnessGate(0.05);
    expect(await gate.check(input({ fairness_gap: 0.03 }))).toEqual({
      gate: 'fairness-evaluated',
      passed: true,
      reason: 'fairness_gap 0.03 (at most 0.05)',
    });
    expect((await gate.check(input({ fairness_gap: 0.08 }))).passed).toBe(
      false,
    );
    expect(await gate.check(input({ auc: 0.9 }))).toMatchObject({
      passed: false,
      reason: expect.stringContaining('run the fairness evaluation'),
    });
  });

  it('adds itself to the configured stages through the extension point', async () => {
    const addGate = jest.fn();
    await startTestBackend({
      extensionPoints: [[modelRegistryGatesExtensionPoint, { addGate }]],
      features: [
        fairnessGateModule,
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              exampleFairnessGate: { stages: ['production'], maxGap: 0.1 },
            },
          },
        }),
      ],
    });
    expect(addGate).toHaveBeenCalledTimes(1);
    const [stage, gate] = addGate.mock.calls[0];
    expect(stage).toBe('production');
    expect((await gate.check(input({ fairness_gap: 0.08 }))).passed).toBe(true);
  });
});
