/** How often the catalog is asked while waiting for a new model. */
const POLL_INTERVAL_MS = 100;

/**
 * Waits until the catalog holds a model registered a moment ago (or, with the condition turned round, no longer holds a deleted one) (the entity provider
 * announces it at once; the catalog's processing takes a moment more), so that the
 * caller's next call finds the entity and permission conditions on it (e.g. the owner
 * rule) can be evaluated. Resolves false when the time runs out.
 */
export async function waitForCatalogEntity(options: {
  isInCatalog: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await options.isInCatalog()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? POLL_INTERVAL_MS),
    );
  }
}
