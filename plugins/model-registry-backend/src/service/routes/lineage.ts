import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  LINEAGE_RELATIONS,
  LineageEdgeInput,
  modelVersionUpdatePermission,
  validateLineageEdges,
} from '@model-registry/plugin-model-registry-common';
import { actorOf } from '../actor';
import { failOnIssues } from '../failOnIssues';
import { pageLimit, walkDepth } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';

/**
 * An edge to a version of a model the caller cannot read answers exactly like one to a
 * version that does not exist (the store's message), so that it reveals nothing.
 */
export async function checkLineageTargetsReadable(
  ctx: RouteContext,
  edges: LineageEdgeInput[],
  field: string,
  credentials: BackstageCredentials,
) {
  const targets = edges.flatMap((edge, index) => {
    if (!edge.entityRef || edge.version === undefined) return [];
    const ref = stringifyEntityRef(parseEntityRef(edge.entityRef));
    return [
      { index, ref: ref.toLocaleLowerCase('en-US'), version: edge.version },
    ];
  });
  const readable = await ctx.access.filterReadable(
    targets.map(t => t.ref),
    credentials,
  );
  const hidden = targets.find(t => !readable.has(t.ref));
  if (hidden) {
    throw new InputError(
      `${field}[${hidden.index}].version: ${hidden.ref} has no version ${hidden.version}`,
    );
  }
}

/** The `target` of GET /lineage/dependents: an entity ref with a kind, or an absolute URI. */
function parseTarget(raw: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return raw;
  try {
    return stringifyEntityRef(parseEntityRef(raw)).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      'target must be an entity reference with a kind, or an absolute URI',
    );
  }
}

/** Lineage of a version, lineage edges, descendants of a model, dependents of a target. */
export function addLineageRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, access, frame, httpAuth } = ctx;
  const readableBy =
    (credentials: BackstageCredentials) => (modelRefs: string[]) =>
      access.filterReadable(modelRefs, credentials);

  router.get(
    '/models/:namespace/:name/versions/:version/lineage',
    async (req, res) => {
      const { modelRef, credentials } = await frame.readableModel(req);
      res.json(
        await store.getLineage(modelRef, Number(req.params.version), {
          direction: req.query.direction ?? 'both',
          depth: walkDepth(req.query.depth),
          readableModels: readableBy(credentials),
        }),
      );
    },
  );

  router.post(
    '/models/:namespace/:name/versions/:version/lineage',
    async (req, res) => {
      const number = Number(req.params.version);
      const edges = await frame.mutateModel(
        req,
        'lineage.add',
        { version: number },
        async ({ modelRef, credentials }) => {
          await access.authorize(
            modelVersionUpdatePermission,
            modelRef,
            credentials,
          );
          failOnIssues(
            validateLineageEdges(req.body.edges, 'edges', {
              allowedSchemes: ctx.allowedSourceSchemes,
            }),
          );
          await checkLineageTargetsReadable(
            ctx,
            req.body.edges,
            'edges',
            credentials,
          );
          return store.addLineage(modelRef, number, req.body.edges, {
            actor: actorOf(credentials),
            comment: req.body.comment,
          });
        },
      );
      res.status(201).json({ items: edges });
    },
  );

  router.get('/models/:namespace/:name/descendants', async (req, res) => {
    const { modelRef, credentials } = await frame.readableModel(req);
    res.json(
      await store.getDescendants(modelRef, {
        depth: walkDepth(req.query.depth),
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor,
        readableModels: readableBy(credentials),
      }),
    );
  });

  router.get('/lineage/dependents', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const target = parseTarget(String(req.query.target));
    if (req.query.relation && !LINEAGE_RELATIONS.includes(req.query.relation)) {
      throw new InputError(
        `relation must be one of ${LINEAGE_RELATIONS.join(', ')}`,
      );
    }
    res.json(
      await store.findVersionsLinkedTo(target, {
        relation: req.query.relation,
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor,
        readableModels: readableBy(credentials),
      }),
    );
  });
}
