import { NotFoundError } from '@backstage/errors';
import {
  LineageGraph,
  LineageNode,
  LineageRelation,
  UPSTREAM_LINEAGE_RELATIONS,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { LineageDescendant } from './ModelRegistryStore';
import { EdgeRow, VersionRow, versionNodeId } from './rows';

/** Walks a version's lineage upstream, downstream or both, to a depth. */
export async function getLineage(
  db: Knex,
  modelRef: string,
  version: number,
  options: { direction: 'upstream' | 'downstream' | 'both'; depth: number },
): Promise<LineageGraph> {
  const root = await db<VersionRow>('model_versions')
    .where({ model_ref: modelRef, version })
    .whereNull('deleted_at')
    .first('id', 'model_ref', 'version');
  if (!root) {
    throw new NotFoundError(`version ${version} of ${modelRef} does not exist`);
  }
  const rootId = versionNodeId(modelRef, version);
  const nodes = new Map<string, LineageNode>([
    [rootId, { id: rootId, type: 'version', ref: modelRef, version, depth: 0 }],
  ]);
  const edges = new Map<
    string,
    { from: string; to: string; relation: LineageRelation }
  >();
  const addNode = (node: LineageNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };
  const addEdge = (from: string, to: string, relation: LineageRelation) => {
    edges.set(`${from}|${relation}|${to}`, { from, to, relation });
  };
  const upstream = UPSTREAM_LINEAGE_RELATIONS as string[];

  if (options.direction !== 'downstream') {
    // Breadth-first, one query per level: the edges of the frontier, joined to the rows of
    // their model-version targets so that the walk can go on from them.
    let frontier: Array<{ id: number; modelRef: string; version: number }> = [
      { id: Number(root.id), modelRef, version },
    ];
    const visited = new Set<number>([Number(root.id)]);
    for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
      const byId = new Map(frontier.map(f => [f.id, f]));
      const rows = await db('lineage_edges as e')
        .leftJoin('model_versions as t', join =>
          join
            .on('t.model_ref', '=', 'e.target')
            .andOn('t.version', '=', 'e.target_version'),
        )
        .whereIn('e.version_id', [...byId.keys()])
        .whereIn('e.relation', upstream)
        .orderBy('e.id')
        .select(
          'e.*',
          't.id as target_row_id',
          't.deleted_at as target_deleted_at',
        );
      const next: typeof frontier = [];
      for (const edge of rows) {
        const from = byId.get(Number(edge.version_id))!;
        const target = targetNode(edge, -depth);
        addNode(target);
        addEdge(
          versionNodeId(from.modelRef, from.version),
          target.id,
          edge.relation as LineageRelation,
        );
        const targetRowId =
          edge.target_row_id === null || edge.target_row_id === undefined
            ? undefined
            : Number(edge.target_row_id);
        if (
          target.type === 'version' &&
          targetRowId !== undefined &&
          !edge.target_deleted_at &&
          !visited.has(targetRowId)
        ) {
          visited.add(targetRowId);
          next.push({
            id: targetRowId,
            modelRef: target.ref,
            version: target.version!,
          });
        }
      }
      frontier = next;
    }
  }

  if (options.direction !== 'upstream') {
    // One query per level: the consumers a frontier version is served by, and the
    // versions that name a frontier version (or its model, without a version) as an input.
    let frontier: Array<{ id: number; modelRef: string; version: number }> = [
      { id: Number(root.id), modelRef, version },
    ];
    for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
      const next: Array<{ id: number; modelRef: string; version: number }> = [];
      const current = frontier;
      const byId = new Map(frontier.map(f => [f.id, f]));
      const rows = await db('lineage_edges')
        .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
        .whereNull('model_versions.deleted_at')
        .where(q =>
          q
            .where(served =>
              served
                .whereIn('lineage_edges.version_id', [...byId.keys()])
                .where('lineage_edges.relation', 'servedBy'),
            )
            .orWhere(inputs =>
              inputs
                .whereIn('lineage_edges.relation', upstream)
                // Only edges to a frontier version (or to its model without a version),
                // matched in SQL on the (target, target_version) index.
                .where(targets => matchFrontierTargets(targets, current)),
            ),
        )
        .orderBy('lineage_edges.id')
        .select(
          'lineage_edges.*',
          'model_versions.id as child_id',
          'model_versions.model_ref as child_ref',
          'model_versions.version as child_version',
        );
      for (const edge of rows) {
        if (edge.relation === 'servedBy') {
          const from = byId.get(Number(edge.version_id))!;
          const target = targetNode(edge, depth);
          addNode(target);
          addEdge(
            versionNodeId(from.modelRef, from.version),
            target.id,
            'servedBy',
          );
          continue;
        }
        const parents = frontier.filter(
          f =>
            f.modelRef === edge.target &&
            (edge.target_version === null ||
              Number(edge.target_version) === f.version),
        );
        for (const parent of parents) {
          const childId = versionNodeId(
            edge.child_ref,
            Number(edge.child_version),
          );
          if (!nodes.has(childId)) {
            nodes.set(childId, {
              id: childId,
              type: 'version',
              ref: edge.child_ref,
              version: Number(edge.child_version),
              depth,
            });
            next.push({
              id: Number(edge.child_id),
              modelRef: edge.child_ref,
              version: Number(edge.child_version),
            });
          }
          addEdge(
            childId,
            versionNodeId(parent.modelRef, parent.version),
            edge.relation,
          );
        }
      }
      frontier = next;
    }
  }
  return {
    root: rootId,
    nodes: [...nodes.values()],
    edges: [...edges.values()],
  };
}

/** Versions that descend (fine-tuned, transitively) from any version of a model. */
export async function getDescendants(
  db: Knex,
  modelRef: string,
  options: { depth: number },
): Promise<LineageDescendant[]> {
  const result: LineageDescendant[] = [];
  const seen = new Set<string>();
  let frontier = [modelRef];
  for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
    const rows = await db('lineage_edges')
      .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
      .whereIn('lineage_edges.target', frontier)
      .where('lineage_edges.relation', 'fineTunedFrom')
      .whereNull('model_versions.deleted_at')
      .orderBy(['model_versions.model_ref', 'model_versions.version'])
      .select(
        'model_versions.model_ref',
        'model_versions.version',
        'lineage_edges.target',
        'lineage_edges.target_version',
      );
    const next = new Set<string>();
    for (const r of rows) {
      const key = `${r.model_ref}@${r.version}`;
      if (seen.has(key) || r.model_ref === modelRef) continue;
      seen.add(key);
      result.push({
        modelRef: r.model_ref,
        version: Number(r.version),
        depth,
        parentModelRef: r.target,
        parentVersion:
          r.target_version === null ? undefined : Number(r.target_version),
      });
      next.add(r.model_ref);
    }
    frontier = [...next];
  }
  return result;
}

/** The graph node of an edge's target. */
function targetNode(edge: EdgeRow, depth: number): LineageNode {
  if (edge.target_type === 'uri') {
    return { id: `uri:${edge.target}`, type: 'uri', ref: edge.target, depth };
  }
  if (edge.target.startsWith('mlmodel:') && edge.target_version !== null) {
    const version = Number(edge.target_version);
    return {
      id: versionNodeId(edge.target, version),
      type: 'version',
      ref: edge.target,
      version,
      depth,
    };
  }
  return {
    id: `entity:${edge.target}`,
    type: 'entity',
    ref: edge.target,
    depth,
  };
}

function matchFrontierTargets(
  query: Knex.QueryBuilder,
  frontier: Array<{ modelRef: string; version: number }>,
) {
  for (const f of frontier) {
    query.orWhere(t =>
      t
        .where('lineage_edges.target', f.modelRef)
        .where(v =>
          v
            .where('lineage_edges.target_version', f.version)
            .orWhereNull('lineage_edges.target_version'),
        ),
    );
  }
}
