import { PromotionBlockedError } from '../service/PromotionBlockedError';
import { GateInput, GateResult, PromotionGate } from './builtInGates';

/** A gate's result as recorded on a request: with who passed a failing gate, and why. */
export type RecordedGateResult = GateResult & {
  overridden?: { by: string; reason: string };
};

/** A promotion some gates block (409); the MLflow API answers it as INVALID_STATE. */
export class GatesFailedError extends PromotionBlockedError {
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

/** The gates of each stage: built-in ones from config, then those other modules add. */
export class PromotionGates {
  constructor(private readonly byStage: Map<string, PromotionGate[]>) {}

  /**
   * The built-in gates with the custom ones (modelRegistryGatesExtensionPoint) after them;
   * throws for an unknown stage or an id used twice in a stage.
   */
  static combine(
    builtIn: Map<string, PromotionGate[]>,
    custom: Array<{ stage: string; gate: PromotionGate }>,
    stages: string[],
  ): PromotionGates {
    const byStage = new Map(
      [...builtIn].map(([stage, gates]) => [stage, [...gates]]),
    );
    for (const { stage, gate } of custom) {
      if (!stages.includes(stage)) {
        throw new Error(
          `a module added the promotion gate ${gate.id} to "${stage}", which is not a configured stage (modelRegistry.stages.order)`,
        );
      }
      const list = byStage.get(stage) ?? [];
      if (list.some(g => g.id === gate.id)) {
        throw new Error(
          `the stage ${stage} has two promotion gates with the id ${gate.id}`,
        );
      }
      byStage.set(stage, [...list, gate]);
    }
    return new PromotionGates(byStage);
  }

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
