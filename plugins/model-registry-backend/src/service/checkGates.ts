import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { modelGateOverridePermission } from '@model-registry/plugin-model-registry-common';
import { PromotionGates, RecordedGateResult } from '../gates/PromotionGates';
import { actorOf } from './actor';
import { RouteContext } from './RouteContext';

/**
 * The one place a promotion's gates are checked before a change (the approval that
 * executes a request re-checks them in its transaction): undefined when the stage has no
 * gates; the results to record; GatesFailedError (409) when one fails, unless the caller
 * overrides them with a reason and holds model-registry.gate.override.
 */
export async function checkGates(
  ctx: Pick<RouteContext, 'store' | 'stageRules' | 'access' | 'gates'>,
  target: {
    modelRef: string;
    version: number;
    stage: string;
    credentials: BackstageCredentials;
    /** The reason of an override (the request's comment), when the caller asks for one. */
    overrideReason?: string;
  },
): Promise<RecordedGateResult[] | undefined> {
  const { modelRef, version, stage, credentials, overrideReason } = target;
  if (!ctx.gates?.has(stage)) return undefined;
  const input = await ctx.store.getGateInput(
    modelRef,
    version,
    stage,
    ctx.stageRules,
  );
  if (!input) {
    throw new NotFoundError(`version ${version} of ${modelRef} does not exist`);
  }
  const results = await ctx.gates.evaluate(input);
  if (overrideReason === undefined || results.every(r => r.passed)) {
    return PromotionGates.decide(results);
  }
  if (!overrideReason.trim()) {
    throw new InputError(
      'comment: overriding a gate needs its reason as the comment',
    );
  }
  await ctx.access.authorize(
    modelGateOverridePermission,
    modelRef,
    credentials,
  );
  return PromotionGates.decide(results, {
    by: actorOf(credentials),
    reason: overrideReason,
  });
}
