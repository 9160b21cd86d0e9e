import { PromotionGates } from './PromotionGates';

const gate = (id: string) => ({
  id,
  check: () => ({ gate: id, passed: true, reason: 'ok' }),
});
const stages = ['none', 'staging', 'production', 'archived'];

describe('PromotionGates.combine', () => {
  it('puts the gates modules add after the built-in ones', async () => {
    const gates = PromotionGates.combine(
      new Map([['production', [gate('status-ready')]]]),
      [{ stage: 'production', gate: gate('fairness') }],
      stages,
    );
    const results = await gates.evaluate({ stage: 'production' } as any);
    expect(results.map(r => r.gate)).toEqual(['status-ready', 'fairness']);
    expect(gates.has('staging')).toBe(false);
  });

  it('refuses an unknown stage and an id used twice, naming them', () => {
    expect(() =>
      PromotionGates.combine(
        new Map(),
        [{ stage: 'qa', gate: gate('x') }],
        stages,
      ),
    ).toThrow(
      'added the promotion gate x to "qa", which is not a configured stage',
    );
    expect(() =>
      PromotionGates.combine(
        new Map([['production', [gate('fairness')]]]),
        [{ stage: 'production', gate: gate('fairness') }],
        stages,
      ),
    ).toThrow(
      'the stage production has two promotion gates with the id fairness',
    );
  });
});
