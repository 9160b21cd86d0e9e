import { formatValue, niceTicks, versionTicks } from './chartScale';

describe('chartScale', () => {
  it('formats values compactly', () => {
    expect(formatValue(0.971234)).toBe('0.9712');
    expect(formatValue(1234567)).toBe('1.23e+6');
    expect(formatValue(0.00012)).toBe('1.20e-4');
    expect(formatValue(0)).toBe('0');
  });

  it('picks round ticks covering the range', () => {
    expect(niceTicks(0.9, 0.96)).toEqual([0.9, 0.92, 0.94, 0.96]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    const single = niceTicks(5, 5);
    expect(single[0]).toBeLessThan(5);
    expect(single[single.length - 1]).toBeGreaterThan(5);
  });

  it('ticks every version when few, about ten when many', () => {
    expect(versionTicks(1, 5, [1, 2, 4, 5])).toEqual([1, 2, 4, 5]);
    const many = Array.from({ length: 40 }, (_, i) => 61 + i);
    expect(versionTicks(61, 100, many)).toEqual([
      61, 65, 69, 73, 77, 81, 85, 89, 93, 97,
    ]);
  });
});
