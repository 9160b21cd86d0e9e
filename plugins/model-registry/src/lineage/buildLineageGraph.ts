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

/** What a node stands for; it decides the node's shape and colours. */
export type LineageNodeKind =
  | 'root'
  | 'version'
  | 'entity'
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
  /** Internal path of the catalog page, or an external http(s) URL. */
  href?: string;
  external?: boolean;
};

/** An edge of the lineage graph as drawn, naming its relations. */
export type LineageEdge = DependencyGraphTypes.DependencyEdge<{
  relation: string;
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

/** The label of a URI: host and path, without the scheme. */
export function uriLabel(uri: string): string {
  try {
    const url = new URL(uri);
    const path = url.pathname.replace(/\/+$/, '');
    const host = url.host || '';
    const label = `${host}${path}${url.hash}`;
    return label || uri;
  } catch {
    return uri;
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
}): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const { graph, modelRef, consumers, entityLink } = options;
  const upstream = UPSTREAM_LINEAGE_RELATIONS as string[];
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const depthOf = new Map(graph.nodes.map(n => [n.id, n.depth]));
  const relationTo = new Map<string, string>();
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
    if (existing) {
      // The graph is not a multigraph: one edge per pair, naming every relation.
      if (!existing.label?.split(', ').includes(label)) {
        existing.label = `${existing.label}, ${label}`;
        existing.relation = `${existing.relation},${edge.relation}`;
      }
    } else {
      edges.set(key, { from, to, label, relation: edge.relation });
    }
    // The end further from the root is described by the relation.
    const far =
      Math.abs(depthOf.get(edge.to) ?? 0) >=
      Math.abs(depthOf.get(edge.from) ?? 0)
        ? edge.to
        : edge.from;
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
        href: entityLink(node.ref),
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
      nodes.set(node.id, {
        id: node.id,
        kind: 'uri',
        label: uriLabel(node.ref),
        shortLabel: truncate(uriLabel(node.ref)),
        caption: scheme,
        ref: node.ref,
        side,
        relation: relationTo.get(node.id),
        href,
        external: Boolean(href),
      });
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
        label: 'used by',
        relation: 'consumes',
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
