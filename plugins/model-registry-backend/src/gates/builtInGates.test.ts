import { ConfigReader } from '@backstage/config';
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { readBuiltInGates } from './builtInGates';

const read = (gates: unknown) =>
  readBuiltInGates(
    new ConfigReader({ modelRegistry: { stages: { gates } } } as any),
    DEFAULT_STAGE_RULES,
  );

describe('readBuiltInGates', () => {
  it('reads the gates of each stage in order', () => {
    const gates = read({
      production: [
        { type: 'status-ready' },
        { type: 'metric-not-worse', metric: 'auc' },
        { type: 'min-time-in-stage', stage: 'staging', hours: 24 },
      ],
    });
    expect(gates.get('production')?.map(g => g.id)).toEqual([
      'status-ready',
      'metric-not-worse:auc',
      'min-time-in-stage:staging',
    ]);
    expect(gates.get('staging')).toBeUndefined();
    expect(
      readBuiltInGates(new ConfigReader({}), DEFAULT_STAGE_RULES).size,
    ).toBe(0);
  });

  it.each([
    [
      { canary: [] },
      'modelRegistry.stages.gates.canary: "canary" is not a configured stage',
    ],
    [
      { production: [{ type: 'fairness' }] },
      'modelRegistry.stages.gates.production[0].type: unknown gate "fairness"',
    ],
    [
      { production: [{ type: 'card-complete', sections: ['summary'] }] },
      'production[0].sections: unknown card section summary',
    ],
    [
      {
        production: [
          { type: 'metric-not-worse', metric: 'auc', direction: 'up' },
        ],
      },
      'production[0].direction must be "higher" or "lower"',
    ],
    [
      {
        production: [
          { type: 'metric-not-worse', metric: 'auc', tolerance: -1 },
        ],
      },
      'production[0].tolerance must be a number of at least 0',
    ],
    [
      { production: [{ type: 'min-time-in-stage', stage: 'qa', hours: 1 }] },
      'production[0].stage: "qa" is not a configured stage',
    ],
    [
      {
        production: [{ type: 'min-time-in-stage', stage: 'staging', hours: 0 }],
      },
      'production[0].hours must be a positive number',
    ],
    [
      { production: [{ type: 'status-ready' }, { type: 'status-ready' }] },
      'lists the gate status-ready twice',
    ],
  ])('refuses %j naming the key', (gates, message) => {
    expect(() => read(gates)).toThrow(message);
  });

  it('compares a metric in the configured direction with a tolerance', async () => {
    const [lower] = read({
      production: [
        {
          type: 'metric-not-worse',
          metric: 'loss',
          direction: 'lower',
          tolerance: 0.05,
        },
      ],
    }).get('production')!;
    const version = (metrics: Record<string, number>, n = 2) =>
      ({ version: n, metrics, stage: 'staging' } as any);
    const check = (mine: number, theirs: number) =>
      lower.check({
        version: version({ loss: mine }),
        occupant: version({ loss: theirs }, 1),
        stage: 'production',
        lineage: [],
        now: new Date(),
      });
    expect((await check(0.3, 0.28)).passed).toBe(true);
    expect((await check(0.4, 0.28)).passed).toBe(false);
    const missing = await lower.check({
      version: version({}),
      stage: 'production',
      lineage: [],
      now: new Date(),
    });
    expect(missing).toEqual({
      gate: 'metric-not-worse:loss',
      passed: false,
      reason: 'the version has no loss metric',
    });
  });
});
