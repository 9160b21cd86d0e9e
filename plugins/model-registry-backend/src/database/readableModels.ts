import { ReadableModels } from './ModelRegistryStore';

/**
 * Remembers the caller's readability answers during one walk or page, so each model ref
 * is asked about once; without a check every model is readable.
 */
export class ReadableModelsCache {
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly check: ReadableModels | undefined,
    readable: string[] = [],
  ) {
    for (const ref of readable) this.known.set(ref, true);
  }

  /** Asks once for the refs not answered yet (one call, or none). */
  async load(modelRefs: Iterable<string>): Promise<void> {
    const unknown = [...new Set(modelRefs)].filter(r => !this.known.has(r));
    if (unknown.length === 0) return;
    const readable = this.check ? await this.check(unknown) : new Set(unknown);
    for (const ref of unknown) this.known.set(ref, readable.has(ref));
  }

  /** Whether a model loaded before is readable. */
  isReadable(modelRef: string): boolean {
    return this.known.get(modelRef) ?? false;
  }
}
