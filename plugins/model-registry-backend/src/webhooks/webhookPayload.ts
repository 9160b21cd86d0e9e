import { parseEntityRef } from '@backstage/catalog-model';
import { createHmac } from 'node:crypto';
import type { RegistryEvent } from '../database/eventOutbox';

/** What is posted: the body exactly as signed, and the headers. */
export type SignedRequest = { body: string; headers: Record<string, string> };

/** The subscription fields a payload needs. */
export type PayloadTarget = {
  format: 'registry' | 'mlflow';
  secret: string;
  /** The MLflow namespace (modelRegistry.mlflow.namespace): its models go by their bare name. */
  mlflowNamespace: string;
};

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the registry format's signature. */
export function registrySignature(
  secret: string,
  timestamp: string,
  body: string,
) {
  const mac = createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex');
  return `v1=${mac}`;
}

/** `v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">`, as MLflow signs. */
export function mlflowSignature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: string,
) {
  const mac = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The MLflow name of a model: its bare name in the MLflow namespace, else namespace/name. */
export function mlflowModelName(modelRef: string, mlflowNamespace: string) {
  const { namespace, name } = parseEntityRef(modelRef);
  return namespace.toLocaleLowerCase('en-US') ===
    mlflowNamespace.toLocaleLowerCase('en-US')
    ? name
    : `${namespace}/${name}`;
}

type Envelope = {
  entity: string;
  action: string;
  data: Record<string, unknown>;
};

const record = (value: unknown): Record<string, any> =>
  value && typeof value === 'object' ? (value as Record<string, any>) : {};

/**
 * MLflow's webhook envelope of an event. The five events MLflow has (registered model and
 * version created, alias created and deleted) carry MLflow's payload; every other event
 * (stage, update, delete, lineage, promotion, monitoring), which MLflow does not emit,
 * goes out under the same entity with the registry's verb as action and the registry
 * event in `data.registry_event`.
 */
export function mlflowEnvelope(event: RegistryEvent, name: string): Envelope {
  const after = record(event.after);
  const version =
    event.version !== undefined ? String(event.version) : undefined;
  switch (event.type) {
    case 'model.register': {
      const metadata = record(after.metadata);
      return {
        entity: 'registered_model',
        action: 'created',
        data: {
          name,
          tags: {},
          description: metadata.description ?? null,
        },
      };
    }
    case 'version.register':
      return {
        entity: 'model_version',
        action: 'created',
        data: {
          name,
          version,
          source: after.source,
          run_id: after.runId ?? null,
          tags: after.tags ?? {},
          description: after.description ?? null,
        },
      };
    case 'alias.set':
      return {
        entity: 'model_version_alias',
        action: 'created',
        data: { name, alias: after.alias, version: String(after.version) },
      };
    case 'alias.delete':
      return {
        entity: 'model_version_alias',
        action: 'deleted',
        data: { name, alias: record(event.before).alias },
      };
    default: {
      const [family, ...verb] = event.type.split('.');
      const entities: Record<string, string> = {
        model: 'registered_model',
        alias: 'model_version_alias',
      };
      const entity = entities[family] ?? 'model_version';
      return {
        entity,
        action: verb.join('_') || family,
        data: {
          name,
          ...(version !== undefined ? { version } : {}),
          registry_event: event,
        },
      };
    }
  }
}

/** The signed request of one delivery of an event, in the subscription's format. */
export function signedRequest(
  event: RegistryEvent,
  deliveryId: string,
  target: PayloadTarget,
  now: Date,
): SignedRequest {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const common = {
    'content-type': 'application/json',
    'user-agent': 'backstage-model-registry-webhooks/1',
    'x-model-registry-event': event.type,
    'x-model-registry-event-id': event.id,
    'x-model-registry-delivery-id': deliveryId,
    'x-model-registry-timestamp': timestamp,
  };
  if (target.format === 'mlflow') {
    const envelope = mlflowEnvelope(
      event,
      mlflowModelName(event.modelRef, target.mlflowNamespace),
    );
    const body = JSON.stringify({
      entity: envelope.entity,
      action: envelope.action,
      timestamp: event.occurredAt,
      data: envelope.data,
    });
    return {
      body,
      headers: {
        ...common,
        'x-mlflow-delivery-id': deliveryId,
        'x-mlflow-timestamp': timestamp,
        'x-mlflow-signature': mlflowSignature(
          target.secret,
          deliveryId,
          timestamp,
          body,
        ),
      },
    };
  }
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      ...common,
      'x-model-registry-signature': registrySignature(
        target.secret,
        timestamp,
        body,
      ),
    },
  };
}
