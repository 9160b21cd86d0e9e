import { MonitoringAlert } from '@model-registry/plugin-model-registry-common';
import { formatValue } from '../components/MetricsContent/chartScale';

/** The bounds of a metric: below `min` or above `max` breaches. */
export type Bounds = { min?: number; max?: number };

/** Whether a value breaches its bounds (a metric without bounds never does). */
export function breaches(value: number, bounds: Bounds | undefined): boolean {
  if (!bounds) return false;
  return (
    (bounds.min !== undefined && value < bounds.min) ||
    (bounds.max !== undefined && value > bounds.max)
  );
}

/** The bounds in words: `min 0.9`, `max 0.2`, `min 0.1, max 0.3`, or `no threshold`. */
export function describeBounds(bounds: Bounds | undefined): string {
  const parts = [
    bounds?.min !== undefined ? `min ${formatValue(bounds.min)}` : '',
    bounds?.max !== undefined ? `max ${formatValue(bounds.max)}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no threshold';
}

/** An alert in one line: its latest value against the threshold it breaches. */
export function describeAlert(alert: MonitoringAlert): string {
  const value = alert.lastValue ?? alert.value;
  const observed = value === undefined ? 'breaching' : `${formatValue(value)}`;
  return `${alert.metric} ${observed} (threshold ${describeBounds(alert)})`;
}
