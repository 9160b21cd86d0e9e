import type { DependencyGraphTypes } from '@backstage/core-components';
import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
} from '@backstage/catalog-model';
import {
  LineageGraph,
  UPSTREAM_LINEAGE_RELATIONS,
} from '@model-registry/plugin-model-registry-common';
import { httpUrlOf } from '../links/httpUrl';
import { RELATION_LABELS } from './relationLabels';
import { labelOfUri, uriLabel } from './uriLabels';

export { uriLabel };

/** What a node stands for; it decides the node's shape and colours. */
export type LineageNodeKind =
  | 'root'
  | 'version'
  | 'entity'
  | 'commit'
  | 'run'
  | 'uri'
  | 'consumer';

/** A node of the lineage graph as drawn. */
export type LineageNode = {
  id: string;
  kind: LineageNodeKind;
  /** The label: entity name, URI host/path, or `name v3`. */
  label: string;
  /** The label shortened to fit a graph node. */
  shortLabel: string;
  /** The second line: kind, scheme or "this model". */
  caption: string;
  /** The full ref or URI, for the tooltip. */
  ref: string;
  /** Upstream (inputs), downstream (consumers, derived models) or the root. */
  side: 'upstream' | 'downstream' | 'root';
  /** How the node relates to its neighbour towards the root. */
  relation?: string;
  /**
   * An input of an input (what a base model version was trained on, its commit…), not of
   * the selected version itself; `via` names the node it comes through.
   */
  indirect?: boolean;
  via?: string;
  /** Internal path of the catalog page, or an external http(s) URL. */
  href?: string;
  external?: boolean;
};

/**
 * An edge of the lineage graph as drawn. It names its relations but carries no drawn label
 * (labels of neighbouring edges overlapped): the relation is written in the far node's
 * caption and in the node table. `indirect` edges connect inputs of inputs.
 */
export type LineageEdge = DependencyGraphTypes.DependencyEdge<{
  relation: string;
  relationLabel: string;
  indirect: boolean;
}>;

const MAX_LABEL = 36;

function truncate(text: string) {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/** An entity's name, with its namespace unless that is `default`. */
export function shortEntityName(ref: string) {
  try {
    const parsed = parseEntityRef(ref);
    return parsed.namespace === 'default'
      ? parsed.name
      : `${parsed.namespace}/${parsed.name}`;
  } catch {
    return ref;
  }
}

function entityKind(ref: string) {
  try {
    return parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
  } catch {
    return 'entity';
  }
}

/**
 * Turns the registry's lineage graph and the entity's consumers into nodes and edges laid
 * out left to right: inputs (datasets, base models, commits, runs) → version → downstream
 * (serving components, models fine-tuned from it, components that depend on the model).
 */
export function buildLineageGraph(options: {
  graph: LineageGraph;
  modelRef: string;
  consumers: string[];
  entityLink: (ref: string) => string;
  /** The page of a model's version; the entity page when not given. */
  versionLink?: (ref: string, version: number) => string;
}): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const { graph, modelRef, consumers, entityLink } = options;
  const versionLink = options.versionLink ?? ((ref: string) => entityLink(ref));
  const upstream = UPSTREAM_LINEAGE_RELATIONS as string[];
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const depthOf = new Map(graph.nodes.map(n => [n.id, n.depth]));
  const relationTo = new Map<string, string>();
  const relationsTo = new Map<string, Set<string>>();
  // The neighbour one hop closer to the root, for "via …".
  const towardsRoot = new Map<string, string>();
  const sideOf = (id: string): LineageNode['side'] => {
    const depth = depthOf.get(id) ?? 0;
    if (id === graph.root) return 'root';
    return depth > 0 ? 'downstream' : 'upstream';
  };

  // Edges as drawn: data flows from inputs into the version and on to its consumers, so an
  // input relation (version → dataset in the registry) is drawn dataset → version.
  for (const edge of graph.edges) {
    const isInput = upstream.includes(edge.relation);
    const from = isInput ? edge.to : edge.from;
    const to = isInput ? edge.from : edge.to;
    const label = RELATION_LABELS[edge.relation] ?? edge.relation;
    const key = `${from}|${to}`;
    const existing = edges.get(key);
    const indirect = edge.from !== graph.root && edge.to !== graph.root;
    if (existing) {
      // The graph is not a multigraph: one edge per pair, naming every relation.
      if (!existing.relationLabel.split(', ').includes(label)) {
        existing.relationLabel = `${existing.relationLabel}, ${label}`;
        existing.relation = `${existing.relation},${edge.relation}`;
      }
    } else {
      edges.set(key, {
        from,
        to,
        relation: edge.relation,
        relationLabel: label,
        indirect,
      });
    }
    // The end further from the root is described by the relation.
    const toFarther =
      Math.abs(depthOf.get(edge.to) ?? 0) >=
      Math.abs(depthOf.get(edge.from) ?? 0);
    const far = toFarther ? edge.to : edge.from;
    const near = toFarther ? edge.from : edge.to;
    if (!towardsRoot.has(far) && far !== graph.root) towardsRoot.set(far, near);
    const kinds = relationsTo.get(far) ?? new Set<string>();
    kinds.add(edge.relation);
    relationsTo.set(far, kinds);
    const current = relationTo.get(far);
    if (!current) {
      relationTo.set(far, label);
    } else if (!current.split(', ').includes(label)) {
      relationTo.set(far, `${current}, ${label}`);
    }
  }

  for (const node of graph.nodes) {
    const side = sideOf(node.id);
    if (node.type === 'version') {
      const isSelf = node.ref.toLocaleLowerCase('en-US') === modelRef;
      let caption = isSelf ? 'this model' : 'model version';
      if (node.id === graph.root) caption = 'this version';
      const label = `${shortEntityName(node.ref)} v${node.version ?? '?'}`;
      nodes.set(node.id, {
        id: node.id,
        kind: node.id === graph.root ? 'root' : 'version',
        label,
        shortLabel: truncate(label),
        caption,
        ref: `${node.ref}@${node.version ?? '?'}`,
        side,
        relation: relationTo.get(node.id),
        href:
          node.version === undefined || node.version === null
            ? entityLink(node.ref)
            : versionLink(node.ref, node.version),
      });
    } else if (node.type === 'entity') {
      nodes.set(node.id, {
        id: node.id,
        kind: 'entity',
        label: shortEntityName(node.ref),
        shortLabel: truncate(shortEntityName(node.ref)),
        caption: entityKind(node.ref),
        ref: node.ref,
        side,
        relation: relationTo.get(node.id),
        href: entityLink(node.ref),
      });
    } else {
      const href = httpUrlOf(node.ref);
      let scheme = 'uri';
      try {
        scheme = new URL(node.ref).protocol.replace(/:$/, '');
      } catch {
        // not a URL: keep "uri"
      }
      const relations = relationsTo.get(node.id) ?? new Set<string>();
      let kind: 'commit' | 'run' | 'uri' = 'uri';
      if (relations.has('builtFromCommit')) kind = 'commit';
      else if (relations.has('producedByRun')) kind = 'run';
      const captions = { commit: 'commit', run: 'training run', uri: scheme };
      const label = labelOfUri(node.ref, kind);
      nodes.set(node.id, {
        id: node.id,
        kind,
        label,
        shortLabel: truncate(label),
        caption: captions[kind],
        ref: node.ref,
        side,
        relation: relationTo.get(node.id),
        href,
        external: Boolean(href),
      });
    }
  }

  // Inputs of inputs: marked indirect, with the node they come through.
  for (const node of nodes.values()) {
    if (node.side !== 'upstream') continue;
    const near = towardsRoot.get(node.id);
    if (near && near !== graph.root) {
      node.indirect = true;
      node.via = nodes.get(near)?.label;
    }
  }

  for (const consumer of consumers) {
    const ref = consumer.toLocaleLowerCase('en-US');
    const id = `entity:${ref}`;
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind: 'consumer',
        label: shortEntityName(ref),
        shortLabel: truncate(shortEntityName(ref)),
        caption: `${entityKind(ref)} · consumer`,
        ref,
        side: 'downstream',
        relation: RELATION_LABELS.consumes,
        href: entityLink(ref),
      });
    }
    if (!edges.has(`${graph.root}|${id}`)) {
      edges.set(`${graph.root}|${id}`, {
        from: graph.root,
        to: id,
        relation: 'consumes',
        relationLabel: 'used by',
        indirect: false,
      });
    }
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Components that depend on the model: the entity's dependencyOf relations to components. */
export function consumersOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef)
    .filter(ref => entityKind(ref) === 'component');
}
