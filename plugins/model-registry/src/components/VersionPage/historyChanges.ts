import { HistoryEntry } from '@model-registry/plugin-model-registry-common';

/** One field a history entry changed: its value before and after (undefined: absent). */
export type FieldChange = { field: string; from?: string; to?: string };

function shown(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value) && value.every(v => typeof v !== 'object')) {
    return value.join(', ');
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v !== 'object' || v === null)) {
      return entries.map(([k, v]) => `${k}=${v}`).join(', ');
    }
  }
  return JSON.stringify(value);
}

/**
 * The fields a history entry changed, each with its value before and after, in the order
 * the entry names them (before's fields first). Fields equal on both sides are left out, and
 * an entry without a before (a registration, added lineage) has none.
 */
export function fieldChangesOf(entry: HistoryEntry): FieldChange[] {
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  // A registration or an addition has no before: describing the action says it all.
  if (typeof before !== 'object' || typeof after !== 'object') return [];
  if (Object.keys(before).length === 0) return [];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const from = shown(before[field]);
    const to = shown(after[field]);
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}
