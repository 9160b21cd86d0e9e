import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { StageRules } from '@model-registry/plugin-model-registry-common';
import { PromotionRequest } from '../database/ModelRegistryStore';
import type { RouteContext } from './RouteContext';

/** The notifications topic of every registry notice. */
export const PROMOTION_TOPIC = 'model-registry.promotion';

/** The signal channel of a model: open model pages refresh on its messages. */
export function modelSignalChannel(modelRef: string) {
  return `model-registry:${modelRef}`;
}

/** What the notices need to know about the model: its owner, from its catalog entity. */
export type NoticeModel = { modelRef: string; owner?: string };

/**
 * Notifications and signals of governed promotion. Every send is best effort: a failure is
 * logged and never fails the change that caused it.
 */
export type PromotionNotices = {
  /** To the stage's `notify` refs (not the requester): a request waits for approval. */
  requestOpened(request: PromotionRequest, model: NoticeModel): Promise<void>;
  /** To the requester: approved (and executed), rejected. */
  requestDecided(request: PromotionRequest, model: NoticeModel): Promise<void>;
  /** To the model's owner: a protected stage (production) has a new version. */
  stageChanged(
    model: NoticeModel,
    change: { version: number; stage: string; actor: string },
  ): Promise<void>;
};

/** A model's owner (spec.owner of its entity, read as the plugin), or undefined. */
export async function ownerOf(
  ctx: Pick<RouteContext, 'catalog' | 'auth'>,
  modelRef: string,
): Promise<string | undefined> {
  if (!ctx.auth) return undefined;
  try {
    const entity = await ctx.catalog.getEntityByRef(modelRef, {
      credentials: await ctx.auth.getOwnServiceCredentials(),
    });
    const owner = (entity?.spec as { owner?: unknown } | undefined)?.owner;
    return typeof owner === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function modelPage(modelRef: string) {
  const { namespace, name } = parseEntityRef(modelRef);
  return `/catalog/${namespace}/mlmodel/${name}/versions`;
}

export function createPromotionNotices(deps: {
  notifications?: NotificationService;
  signals?: SignalsService;
  stageRules: StageRules;
  logger: LoggerService;
}): PromotionNotices {
  const { notifications, signals, stageRules, logger } = deps;

  async function safely(what: string, fn: () => Promise<void>) {
    try {
      await fn();
    } catch (error) {
      logger.warn(`model registry: could not send ${what}`, error as Error);
    }
  }

  async function signal(modelRef: string, message: Record<string, unknown>) {
    if (!signals) return;
    await safely(`the signal of ${modelRef}`, () =>
      signals.publish({
        recipients: { type: 'broadcast' },
        channel: modelSignalChannel(modelRef),
        message: { modelRef, ...message } as any,
      }),
    );
  }

  return {
    async requestOpened(request, { modelRef }) {
      const notify = stageRules.approvals?.[request.stage]?.notify ?? [];
      if (notifications && notify.length) {
        await safely(`the notice of promotion request ${request.id}`, () =>
          notifications.send({
            recipients: {
              type: 'entity',
              entityRef: notify,
              excludeEntityRef: request.requestedBy,
            },
            payload: {
              title: `Approve ${modelRef} v${request.version} for ${request.stage}?`,
              description: `${request.requestedBy} requests the promotion${
                request.comment ? `: ${request.comment}` : ''
              } (${request.requiredApprovals} approval${
                request.requiredApprovals === 1 ? '' : 's'
              } needed).`,
              link: modelPage(modelRef),
              topic: PROMOTION_TOPIC,
              scope: `promotion-request:${request.id}`,
            },
          }),
        );
      }
      await signal(modelRef, {
        type: 'promotion-request',
        requestId: request.id,
        status: request.status,
      });
    },

    async requestDecided(request, { modelRef }) {
      const closing = request.status !== 'open';
      if (notifications && closing) {
        const verb = {
          executed: `approved: v${request.version} is in ${request.stage}`,
          rejected: 'rejected',
          cancelled: 'cancelled',
          expired: `not approved in time (${request.approvals} of ${request.requiredApprovals} approvals)`,
          open: 'opened',
        }[request.status];
        await safely(`the notice of promotion request ${request.id}`, () =>
          notifications.send({
            recipients: { type: 'entity', entityRef: request.requestedBy },
            payload: {
              title: `Your promotion of ${modelRef} v${request.version} was ${verb}`,
              description: request.decisions
                .map(
                  d =>
                    `${d.decidedBy} ${
                      d.decision === 'approve' ? 'approved' : 'rejected'
                    }${d.comment ? `: ${d.comment}` : ''}`,
                )
                .join('\n'),
              link: modelPage(modelRef),
              topic: PROMOTION_TOPIC,
              severity: request.status === 'rejected' ? 'high' : 'normal',
              scope: `promotion-request:${request.id}`,
            },
          }),
        );
      }
      await signal(modelRef, {
        type: 'promotion-request',
        requestId: request.id,
        status: request.status,
      });
    },

    async stageChanged({ modelRef, owner }, { version, stage, actor }) {
      if (
        notifications &&
        owner &&
        stageRules.protectedStages.includes(stage)
      ) {
        await safely(`the notice of ${modelRef}'s ${stage} change`, () =>
          notifications.send({
            recipients: {
              type: 'entity',
              entityRef: owner,
              excludeEntityRef: actor,
            },
            payload: {
              title: `${modelRef}: v${version} is in ${stage} now`,
              description: `Moved by ${actor}.`,
              link: modelPage(modelRef),
              topic: PROMOTION_TOPIC,
            },
          }),
        );
      }
      await signal(modelRef, { type: 'stage', version, stage });
    },
  };
}
