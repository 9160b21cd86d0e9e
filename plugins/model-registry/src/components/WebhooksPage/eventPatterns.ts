import { REGISTRY_EVENT_TYPES } from '@model-registry/plugin-model-registry-common';

/**
 * What a subscription may pick, in menu order: every event (`*`), each family
 * (`version.*`, derived from the event types) and each event type.
 */
export const EVENT_PATTERN_CHOICES: Array<{ value: string; label: string }> = [
  { value: '*', label: '* (every event)' },
  ...Array.from(new Set(REGISTRY_EVENT_TYPES.map(t => t.split('.')[0]))).map(
    family => ({
      value: `${family}.*`,
      label: `${family}.* (every ${family} event)`,
    }),
  ),
  ...REGISTRY_EVENT_TYPES.map(t => ({ value: t, label: t })),
];
