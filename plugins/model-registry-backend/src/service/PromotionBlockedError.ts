import { ConflictError } from '@backstage/errors';

/**
 * A stage change the governance rules block (a stage that needs approvals, a failing gate):
 * a 409 on the native API, MLflow's INVALID_STATE on the MLflow API.
 */
export class PromotionBlockedError extends ConflictError {}
