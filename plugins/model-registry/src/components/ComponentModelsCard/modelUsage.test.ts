import { parseModelUsage, resolveUsage } from './modelUsage';

const stages = ['none', 'staging', 'production', 'archived'];

describe('parseModelUsage', () => {
  it('reads aliases, stages and version numbers', () => {
    expect(
      parseModelUsage(
        'fraud-detector@champion, risk/churn@production, other@v3, mlmodel:default/x@7',
        stages,
        'default',
      ),
    ).toEqual({
      usages: [
        {
          ref: 'mlmodel:default/fraud-detector',
          selector: 'champion',
          kind: 'alias',
        },
        { ref: 'mlmodel:risk/churn', selector: 'production', kind: 'stage' },
        { ref: 'mlmodel:default/other', selector: '3', kind: 'version' },
        { ref: 'mlmodel:default/x', selector: '7', kind: 'version' },
      ],
      invalid: [],
    });
  });

  it('names the entries it cannot read', () => {
    expect(
      parseModelUsage(
        'no-selector, @champion, a b@c, component:default/x@1',
        stages,
        'default',
      ).invalid,
    ).toEqual([
      '"no-selector" (expected name@alias, name@stage or name@3)',
      '"@champion" (expected name@alias, name@stage or name@3)',
      '"a b@c" (expected name@alias, name@stage or name@3)',
      '"component:default/x@1" (not an MLModel)',
    ]);
    expect(parseModelUsage(undefined, stages, 'default')).toEqual({
      usages: [],
      invalid: [],
    });
  });

  it('resolves a usage against the summary', () => {
    const summary = {
      stageOccupants: { production: 5 },
      aliases: { champion: 4 },
    };
    const [alias, stage, version, unset] = parseModelUsage(
      'a@champion, a@production, a@2, a@challenger',
      stages,
      'default',
    ).usages;
    expect(resolveUsage(alias, summary)).toBe(4);
    expect(resolveUsage(stage, summary)).toBe(5);
    expect(resolveUsage(version, summary)).toBe(2);
    expect(resolveUsage(unset, summary)).toBeUndefined();
  });
});
