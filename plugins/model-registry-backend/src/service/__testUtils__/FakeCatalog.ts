import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MLMODEL_KIND } from '@model-registry/plugin-model-registry-common';

/** How a test places a model in the fake catalog. */
export type FakeModelOptions = {
  /** The owner entity ref; default group:default/risk-ml. */
  owner?: string;
  namespace?: string;
  title?: string;
  description?: string;
  /** The task (spec.type); default classification. */
  task?: string;
  lifecycle?: string;
  /** metadata.tags */
  tags?: string[];
  /** Users who cannot read the model (services and everyone else can). */
  hiddenFrom?: string[];
};

type Query = {
  filter?: Record<string, string | string[]>;
  fullTextFilter?: { term: string; fields?: string[] };
  orderFields?: OrderField | OrderField[];
};

type OrderField = { field: string; order: 'asc' | 'desc' };

const lower = (s: string) => s.toLocaleLowerCase('en-US');
const refOf = (e: Entity) => lower(stringifyEntityRef(e));

/** The value of a catalog filter key (`spec.type`, `relations.ownedBy`, ...) on an entity. */
function valuesOf(entity: Entity, key: string): string[] {
  if (key === 'relations.ownedBy') {
    const owner = entity.spec?.owner;
    if (typeof owner !== 'string') return [];
    return [
      lower(
        stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      ),
    ];
  }
  let value: unknown = entity;
  for (const part of key.split('.')) {
    value = (value as Record<string, unknown> | undefined)?.[part];
  }
  return typeof value === 'string' ? [lower(value)] : [];
}

function matches(entity: Entity, query: Query): boolean {
  for (const [key, wanted] of Object.entries(query.filter ?? {})) {
    const accepted = (Array.isArray(wanted) ? wanted : [wanted]).map(lower);
    if (!valuesOf(entity, key).some(v => accepted.includes(v))) return false;
  }
  const term = query.fullTextFilter?.term;
  if (term) {
    const fields = query.fullTextFilter?.fields ?? ['metadata.name'];
    if (
      !fields.some(f => valuesOf(entity, f).some(v => v.includes(lower(term))))
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Orders like the catalog: by each order field in turn (entities without the field last),
 * then by name.
 */
function compareBy(orderFields: OrderField | OrderField[] | undefined) {
  const fields = orderFields
    ? [orderFields].flat()
    : [{ field: 'metadata.name', order: 'asc' as const }];
  return (a: Entity, b: Entity) => {
    for (const { field, order } of fields) {
      const x = valuesOf(a, field)[0];
      const y = valuesOf(b, field)[0];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return x.localeCompare(y) * (order === 'desc' ? -1 : 1);
    }
    return a.metadata.name.localeCompare(b.metadata.name);
  };
}

/**
 * A catalog for router tests: models are added per test, a model can be hidden from some
 * users, and queryEntities pages like the real catalog — its cursor is base64 JSON that
 * carries the whole query, so a client that can edit it can list other kinds.
 */
export class FakeCatalog {
  private readonly entries = new Map<
    string,
    { entity: Entity; hiddenFrom: string[] }
  >();

  /** Adds (or replaces) an entity; hiddenFrom lists users who cannot read it. */
  add(entity: Entity, hiddenFrom: string[] = []) {
    this.entries.set(refOf(entity), {
      entity,
      hiddenFrom: hiddenFrom.map(lower),
    });
  }

  /** Adds an MLModel entity and returns it. */
  addModel(name: string, options: FakeModelOptions = {}): Entity {
    const entity: Entity = {
      apiVersion: 'model-registry.dev/v1alpha1',
      kind: MLMODEL_KIND,
      metadata: {
        name,
        namespace: options.namespace ?? 'default',
        ...(options.title ? { title: options.title } : {}),
        ...(options.description ? { description: options.description } : {}),
        ...(options.tags ? { tags: options.tags } : {}),
      },
      spec: {
        type: options.task ?? 'classification',
        lifecycle: options.lifecycle ?? 'production',
        owner: options.owner ?? 'group:default/risk-ml',
      },
    };
    this.add(entity, options.hiddenFrom);
    return entity;
  }

  /** Removes an entity, as when it is deleted from the catalog. */
  remove(ref: string) {
    this.entries.delete(lower(ref));
  }

  private visible(credentials: BackstageCredentials | undefined): Entity[] {
    const principal = credentials?.principal as
      | { type?: string; userEntityRef?: string }
      | undefined;
    const user = principal?.userEntityRef
      ? lower(principal.userEntityRef)
      : undefined;
    return [...this.entries.values()]
      .filter(
        e =>
          principal?.type === 'service' ||
          !user ||
          !e.hiddenFrom.includes(user),
      )
      .map(e => e.entity);
  }

  async getEntityByRef(
    ref: string | { kind: string; namespace?: string; name: string },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<Entity | undefined> {
    const wanted = lower(
      typeof ref === 'string' ? ref : stringifyEntityRef(ref),
    );
    return this.visible(credentials).find(e => refOf(e) === wanted);
  }

  async getEntitiesByRefs(
    { entityRefs }: { entityRefs: string[] },
    { credentials }: { credentials: BackstageCredentials },
  ) {
    const byRef = new Map(this.visible(credentials).map(e => [refOf(e), e]));
    return { items: entityRefs.map(r => byRef.get(lower(r))) };
  }

  async getEntities(
    request: Query | undefined,
    { credentials }: { credentials: BackstageCredentials },
  ) {
    return {
      items: this.visible(credentials).filter(e => matches(e, request ?? {})),
    };
  }

  /** Pages in name order; like the real catalog's, the cursor carries the query. */
  async queryEntities(
    request: (Query & { cursor?: string; limit?: number }) | undefined,
    { credentials }: { credentials: BackstageCredentials },
  ) {
    let query: Query & { offset: number };
    if (request?.cursor) {
      query = JSON.parse(Buffer.from(request.cursor, 'base64').toString());
    } else {
      query = {
        filter: request?.filter,
        fullTextFilter: request?.fullTextFilter,
        orderFields: request?.orderFields,
        offset: 0,
      };
    }
    const all = this.visible(credentials)
      .filter(e => matches(e, query))
      .sort(compareBy(query.orderFields));
    const limit = request?.limit ?? 20;
    const items = all.slice(query.offset, query.offset + limit);
    const next = query.offset + limit;
    return {
      items,
      totalItems: all.length,
      pageInfo:
        next < all.length
          ? {
              nextCursor: Buffer.from(
                JSON.stringify({ ...query, offset: next }),
              ).toString('base64'),
            }
          : {},
    };
  }
}
