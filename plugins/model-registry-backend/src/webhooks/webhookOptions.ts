import { Config } from '@backstage/config';

/** How webhooks are delivered and which URLs they may reach (modelRegistry.webhooks). */
export type WebhookOptions = {
  /** Hosts that may be reached over plain http (everything else needs https). */
  allowHttpHosts: string[];
  /**
   * Hosts, addresses or CIDR ranges that may resolve to (or be) loopback, private,
   * link-local or metadata addresses, which are refused otherwise.
   */
  allowPrivateHosts: string[];
  /** How long one attempt may take. */
  timeoutMs: number;
  /** Attempts before a delivery is given up (failed). */
  maxAttempts: number;
  /** The first retry's delay; each later one doubles it, at most `maxRetryDelayMs`. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** How often every replica looks for due deliveries. */
  pollMs: number;
  /** Deliveries one replica posts at once. */
  concurrency: number;
};

/** Reads modelRegistry.webhooks, with the defaults of docs/events.md. */
export function readWebhookOptions(config: Config): WebhookOptions {
  const c = config.getOptionalConfig('modelRegistry.webhooks');
  const positive = (key: string, fallback: number) => {
    const value = c?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0)) {
      throw new Error(
        `modelRegistry.webhooks.${key} must be a positive number`,
      );
    }
    return value;
  };
  const maxAttempts = positive('maxAttempts', 8);
  if (!Number.isInteger(maxAttempts)) {
    throw new Error('modelRegistry.webhooks.maxAttempts must be an integer');
  }
  return {
    allowHttpHosts: (c?.getOptionalStringArray('allowHttpHosts') ?? []).map(h =>
      h.toLocaleLowerCase('en-US'),
    ),
    allowPrivateHosts: (
      c?.getOptionalStringArray('allowPrivateHosts') ?? []
    ).map(h => h.toLocaleLowerCase('en-US')),
    timeoutMs: positive('timeoutSeconds', 10) * 1000,
    maxAttempts,
    retryBaseMs: positive('retryBaseSeconds', 30) * 1000,
    maxRetryDelayMs: positive('maxRetryDelaySeconds', 3600) * 1000,
    pollMs: positive('pollSeconds', 5) * 1000,
    concurrency: Math.max(1, Math.floor(positive('concurrency', 4))),
  };
}

/** The delay before attempt `attempts + 1`: base × 2^(attempts − 1), capped. */
export function webhookRetryDelayMs(
  options: Pick<WebhookOptions, 'retryBaseMs' | 'maxRetryDelayMs'>,
  attempts: number,
) {
  return Math.min(
    options.retryBaseMs * 2 ** Math.max(0, attempts - 1),
    options.maxRetryDelayMs,
  );
}
