import { ConflictError } from '@backstage/errors';
import { GateInput, GateResult, PromotionGate } from './builtInGates';

/** A gate's result as recorded on a request: with who passed a failing gate, and why. */
export type RecordedGateResult = GateResult & {
  overridden?: { by: string; reason: string };
};

/** A promotion some gates block (409); the MLflow API answers it as INVALID_STATE. */
export class GatesFailedError extends ConflictError {
  constructor(readonly failed: GateResult[]) {
    super(
      `blocked by ${failed
        .map(g => `gate ${g.gate} (${g.reason})`)
        .join(
          '; ',
        )}; fix the version, or override with the gate-override permission and a reason`,
    );
  }
}

/** The gates of each stage: built-in ones from config (and, later, from other modules). */
export class PromotionGates {
  constructor(private readonly byStage: Map<string, PromotionGate[]>) {}

  /** Whether a stage has gates. */
  has(stage: string): boolean {
    return (this.byStage.get(stage)?.length ?? 0) > 0;
  }

  /** Every gate of the input's stage, in config order; a gate that throws fails. */
  async evaluate(input: GateInput): Promise<GateResult[]> {
    const gates = this.byStage.get(input.stage) ?? [];
    return Promise.all(
      gates.map(async gate => {
        try {
          return await gate.check(input);
        } catch (error) {
          return {
            gate: gate.id,
            passed: false,
            reason: `the gate could not run: ${(error as Error).message}`,
          };
        }
      }),
    );
  }

  /**
   * Throws GatesFailedError for failing gates, unless `override` passes them (the caller has
   * checked the override permission); returns the results to record.
   */
  static decide(
    results: GateResult[],
    override?: { by: string; reason: string },
  ): RecordedGateResult[] {
    const failed = results.filter(r => !r.passed);
    if (failed.length && !override) throw new GatesFailedError(failed);
    return results.map(r => (r.passed ? r : { ...r, overridden: override! }));
  }
}
