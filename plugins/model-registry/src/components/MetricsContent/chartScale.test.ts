import { formatValue } from './chartScale';

describe('formatValue', () => {
  it('formats values compactly', () => {
    expect(formatValue(0.971234)).toBe('0.9712');
    expect(formatValue(1234567)).toBe('1.23e+6');
    expect(formatValue(0.00012)).toBe('1.20e-4');
    expect(formatValue(0)).toBe('0');
  });
});
