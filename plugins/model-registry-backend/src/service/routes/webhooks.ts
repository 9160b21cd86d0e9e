import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  checkWebhookEventPattern,
  modelWebhookManagePermission,
  WebhookFormat,
} from '@model-registry/plugin-model-registry-common';
import { randomBytes } from 'node:crypto';
import { checkWebhookUrl } from '../../webhooks/ssrf';
import { actorOf } from '../actor';
import { pageLimit } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** A new signing secret: 32 random bytes, base64url, with a recognisable prefix. */
export function generateWebhookSecret() {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function checkEvents(events: string[]) {
  events.forEach((pattern, index) => {
    const problem = checkWebhookEventPattern(pattern);
    if (problem) throw new InputError(`events[${index}]: ${problem}`);
  });
  return [...new Set(events)];
}

/** The lower-cased ref of an MLModel entity; InputError naming modelRef otherwise. */
function checkModelRef(raw: string) {
  let ref;
  try {
    ref = parseEntityRef(raw, { defaultKind: 'mlmodel' });
  } catch (error) {
    throw new InputError(`modelRef: ${(error as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'mlmodel') {
    throw new InputError(
      `modelRef: must name an MLModel entity, not ${ref.kind}`,
    );
  }
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

/**
 * Webhook subscriptions and their delivery logs (docs/events.md), behind the basic
 * permission model-registry.webhook.manage. Every change is audited; a secret is answered
 * only when it is made.
 */
export function addWebhookRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, frame } = ctx;
  const policy = ctx.webhookOptions ?? {
    allowHttpHosts: [],
    allowPrivateHosts: [],
  };

  async function authorized(req: any): Promise<BackstageCredentials> {
    const credentials = await ctx.httpAuth.credentials(req);
    const [decision] = await ctx.permissions.authorize(
      [{ permission: modelWebhookManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to ${modelWebhookManagePermission.name}`,
      );
    }
    return credentials;
  }

  const checkUrl = async (url: string) =>
    (await checkWebhookUrl(url, policy, ctx.webhookResolver)).toString();

  router.get('/webhooks', async (req, res) => {
    await authorized(req);
    res.json({ items: await store.webhooks.list() });
  });

  router.post('/webhooks', async (req, res) => {
    const { url, events, modelRef, format, description, secret, enabled } =
      req.body;
    const created = await frame.audited(
      req,
      'webhook.create',
      { url, events },
      async () => {
        const credentials = await authorized(req);
        const fields = {
          url: await checkUrl(url),
          events: checkEvents(events),
          ...(modelRef !== undefined
            ? { modelRef: checkModelRef(modelRef) }
            : {}),
          format: (format ?? 'registry') as WebhookFormat,
          ...(description ? { description } : {}),
          enabled: enabled ?? true,
        };
        const chosen = secret ?? generateWebhookSecret();
        const subscription = await store.webhooks.create(
          fields,
          chosen,
          actorOf(credentials),
        );
        return { ...subscription, secret: chosen };
      },
    );
    res.status(201).json(created);
  });

  router.get('/webhooks/:webhookId', async (req, res) => {
    await authorized(req);
    res.json(await store.webhooks.require(req.params.webhookId));
  });

  router.patch('/webhooks/:webhookId', async (req, res) => {
    const { webhookId } = req.params;
    const updated = await frame.audited(
      req,
      'webhook.update',
      { webhookId, fields: Object.keys(req.body ?? {}) },
      async () => {
        await authorized(req);
        await store.webhooks.require(webhookId);
        const { url, events, modelRef, format, description, enabled } =
          req.body;
        return store.webhooks.update(webhookId, {
          ...(url !== undefined ? { url: await checkUrl(url) } : {}),
          ...(events !== undefined ? { events: checkEvents(events) } : {}),
          ...(modelRef !== undefined
            ? { modelRef: modelRef === null ? null : checkModelRef(modelRef) }
            : {}),
          ...(format !== undefined ? { format } : {}),
          ...(description !== undefined
            ? { description: description || null }
            : {}),
          ...(enabled !== undefined ? { enabled } : {}),
        });
      },
    );
    res.json(updated);
  });

  router.delete('/webhooks/:webhookId', async (req, res) => {
    const { webhookId } = req.params;
    await frame.audited(req, 'webhook.delete', { webhookId }, async () => {
      await authorized(req);
      await store.webhooks.delete(webhookId);
    });
    res.status(204).end();
  });

  router.post('/webhooks/:webhookId/rotate-secret', async (req, res) => {
    const { webhookId } = req.params;
    const rotated = await frame.audited(
      req,
      'webhook.rotate-secret',
      { webhookId },
      async () => {
        await authorized(req);
        const secret = generateWebhookSecret();
        return {
          ...(await store.webhooks.rotateSecret(webhookId, secret)),
          secret,
        };
      },
    );
    res.json(rotated);
  });

  router.get('/webhooks/:webhookId/deliveries', async (req, res) => {
    await authorized(req);
    const { webhookId } = req.params;
    await store.webhooks.require(webhookId);
    res.json(
      await store.webhooks.listDeliveries(webhookId, {
        status: req.query.status,
        eventId: req.query.eventId,
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor,
      }),
    );
  });

  router.post(
    '/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    async (req, res) => {
      const { webhookId, deliveryId } = req.params;
      const delivery = await frame.audited(
        req,
        'webhook.redeliver',
        { webhookId, deliveryId },
        async () => {
          await authorized(req);
          await store.webhooks.require(webhookId);
          return store.webhooks.redeliver(webhookId, deliveryId);
        },
      );
      res.status(202).json(delivery);
    },
  );
}
