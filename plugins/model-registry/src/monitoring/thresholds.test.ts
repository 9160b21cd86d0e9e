import { MonitoringAlert } from '@model-registry/plugin-model-registry-common';
import { breaches, describeAlert, describeBounds } from './thresholds';

describe('thresholds', () => {
  it('breaches below min or above max, never without bounds', () => {
    expect(breaches(0.8, { min: 0.9 })).toBe(true);
    expect(breaches(0.95, { min: 0.9 })).toBe(false);
    expect(breaches(0.3, { max: 0.2 })).toBe(true);
    expect(breaches(0.2, { max: 0.2 })).toBe(false);
    expect(breaches(0.5, { min: 0.1, max: 0.3 })).toBe(true);
    expect(breaches(5, undefined)).toBe(false);
    expect(breaches(5, {})).toBe(false);
  });

  it('describes bounds and alerts', () => {
    expect(describeBounds({ min: 0.9 })).toBe('min 0.9');
    expect(describeBounds({ min: 0.1, max: 0.3 })).toBe('min 0.1, max 0.3');
    expect(describeBounds(undefined)).toBe('no threshold');
    const alert: MonitoringAlert = {
      id: 1,
      modelRef: 'mlmodel:default/fraud-detector',
      version: 4,
      metric: 'drift',
      status: 'open',
      value: 0.31,
      lastValue: 0.42,
      max: 0.2,
      lastObservedAt: '2026-12-01T10:00:00.000Z',
      openedAt: '2026-12-01T09:00:00.000Z',
    };
    expect(describeAlert(alert)).toBe('drift 0.42 (threshold max 0.2)');
    expect(
      describeAlert({ ...alert, value: undefined, lastValue: undefined }),
    ).toBe('drift breaching (threshold max 0.2)');
  });
});
