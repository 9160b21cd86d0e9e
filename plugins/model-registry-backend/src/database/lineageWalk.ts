import { NotFoundError } from '@backstage/errors';
import {
  LineageNode,
  LineageRelation,
  UPSTREAM_LINEAGE_RELATIONS,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { LineageOptions, LineageWalk } from './ModelRegistryStore';
import { ReadableModelsCache } from './readableModels';
import { EdgeRow, VersionRow, versionNodeId } from './rows';
import { isVersionNumber } from './versionNumbers';

/** The most nodes a lineage walk (or a descendants list) returns; beyond it, `truncated`. */
export const MAX_LINEAGE_NODES = 2000;

type WalkVersion = { id: number; modelRef: string; version: number };

/** The nodes and edges found so far, bounded by MAX_LINEAGE_NODES. */
class LineageGraphBuilder {
  readonly nodes = new Map<string, LineageNode>();
  private readonly edges = new Map<
    string,
    { from: string; to: string; relation: LineageRelation }
  >();
  truncated = false;

  /** Adds a node unless it is known; false when the cap leaves no room for it. */
  addNode(node: LineageNode): boolean {
    if (this.nodes.has(node.id)) return true;
    if (this.nodes.size >= MAX_LINEAGE_NODES) {
      this.truncated = true;
      return false;
    }
    this.nodes.set(node.id, node);
    return true;
  }

  /** Adds an edge between two nodes of the graph. */
  addEdge(from: string, to: string, relation: LineageRelation) {
    if (this.nodes.has(from) && this.nodes.has(to)) {
      this.edges.set(`${from}|${relation}|${to}`, { from, to, relation });
    }
  }

  result(root: string): LineageWalk {
    return {
      root,
      nodes: [...this.nodes.values()],
      edges: [...this.edges.values()],
      ...(this.truncated ? { truncated: true as const } : {}),
    };
  }
}

/** The model whose readability decides whether a node may be shown, if any. */
function modelOfNode(node: LineageNode): string | undefined {
  if (node.type === 'version') return node.ref;
  if (node.type === 'entity' && node.ref.startsWith('mlmodel:')) {
    return node.ref;
  }
  return undefined;
}

/**
 * Walks a version's lineage upstream, downstream or both, to a depth, level by level.
 * Before a level is added, the caller is asked once which of its new models it may read;
 * versions (and model refs) of the others are dropped and not walked through, so nothing
 * reachable only through them appears. The root's model is readable (the caller checked).
 */
export async function getLineage(
  db: Knex,
  modelRef: string,
  version: number,
  options: LineageOptions,
): Promise<LineageWalk> {
  const root = isVersionNumber(version)
    ? await db<VersionRow>('model_versions')
        .where({ model_ref: modelRef, version })
        .whereNull('deleted_at')
        .first('id', 'model_ref', 'version')
    : undefined;
  if (!root) {
    throw new NotFoundError(`version ${version} of ${modelRef} does not exist`);
  }
  const rootId = versionNodeId(modelRef, version);
  const graph = new LineageGraphBuilder();
  graph.addNode({
    id: rootId,
    type: 'version',
    ref: modelRef,
    version,
    depth: 0,
  });
  const readable = new ReadableModelsCache(options.readableModels, [modelRef]);
  const start: WalkVersion = { id: Number(root.id), modelRef, version };
  if (options.direction !== 'downstream') {
    await walkUpstream(db, graph, readable, start, options.depth);
  }
  if (options.direction !== 'upstream') {
    await walkDownstream(db, graph, readable, start, options.depth);
  }
  return graph.result(rootId);
}

/** The upstream levels: one query per level for the edges of the frontier's versions. */
async function walkUpstream(
  db: Knex,
  graph: LineageGraphBuilder,
  readable: ReadableModelsCache,
  start: WalkVersion,
  maxDepth: number,
) {
  let frontier = [start];
  const visited = new Set<number>([start.id]);
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const byId = new Map(frontier.map(f => [f.id, f]));
    // The edges joined to the rows of their model-version targets, so that the walk can
    // go on from them.
    const rows = await db('lineage_edges as e')
      .leftJoin('model_versions as t', join =>
        join
          .on('t.model_ref', '=', 'e.target')
          .andOn('t.version', '=', 'e.target_version'),
      )
      .whereIn('e.version_id', [...byId.keys()])
      .whereIn('e.relation', UPSTREAM_LINEAGE_RELATIONS as string[])
      .orderBy('e.id')
      .select(
        'e.*',
        't.id as target_row_id',
        't.deleted_at as target_deleted_at',
      );
    const targets = rows.map(edge => targetNode(edge, -depth));
    await readable.load(targets.flatMap(t => modelOfNode(t) ?? []));
    const next: WalkVersion[] = [];
    for (const [index, edge] of rows.entries()) {
      const target = targets[index];
      const model = modelOfNode(target);
      if (model !== undefined && !readable.isReadable(model)) continue;
      if (!graph.addNode(target)) continue;
      const from = byId.get(Number(edge.version_id))!;
      graph.addEdge(
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
    if (graph.truncated) return;
    frontier = next;
  }
}

/**
 * The downstream levels, one query per level: the consumers a frontier version is served
 * by, and the versions that name a frontier version (or its model, without a version) as
 * an input.
 */
async function walkDownstream(
  db: Knex,
  graph: LineageGraphBuilder,
  readable: ReadableModelsCache,
  start: WalkVersion,
  maxDepth: number,
) {
  let frontier = [start];
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
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
              .whereIn(
                'lineage_edges.relation',
                UPSTREAM_LINEAGE_RELATIONS as string[],
              )
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
    await readable.load(
      rows.flatMap(edge =>
        edge.relation === 'servedBy'
          ? modelOfNode(targetNode(edge, depth)) ?? []
          : [edge.child_ref as string],
      ),
    );
    const next: WalkVersion[] = [];
    for (const edge of rows) {
      if (edge.relation === 'servedBy') {
        const target = targetNode(edge, depth);
        const model = modelOfNode(target);
        if (model !== undefined && !readable.isReadable(model)) continue;
        if (!graph.addNode(target)) continue;
        const from = byId.get(Number(edge.version_id))!;
        graph.addEdge(
          versionNodeId(from.modelRef, from.version),
          target.id,
          'servedBy',
        );
        continue;
      }
      if (!readable.isReadable(edge.child_ref)) continue;
      const parents = current.filter(
        f =>
          f.modelRef === edge.target &&
          (edge.target_version === null ||
            Number(edge.target_version) === f.version),
      );
      const childId = versionNodeId(edge.child_ref, Number(edge.child_version));
      for (const parent of parents) {
        if (!graph.nodes.has(childId)) {
          const added = graph.addNode({
            id: childId,
            type: 'version',
            ref: edge.child_ref,
            version: Number(edge.child_version),
            depth,
          });
          if (!added) break;
          next.push({
            id: Number(edge.child_id),
            modelRef: edge.child_ref,
            version: Number(edge.child_version),
          });
        }
        graph.addEdge(
          childId,
          versionNodeId(parent.modelRef, parent.version),
          edge.relation,
        );
      }
    }
    if (graph.truncated) return;
    frontier = next;
  }
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

/**
 * Matches lineage edges whose target is one of the versions (or, without a version, the
 * model) of a walk's frontier; served by the (target, target_version) index.
 */
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
