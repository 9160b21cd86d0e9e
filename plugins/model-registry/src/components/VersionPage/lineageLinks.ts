import { parseEntityRef } from '@backstage/catalog-model';
import {
  LineageGraph,
  LineageRelation,
} from '@model-registry/plugin-model-registry-common';

/** One direct lineage link of a version: a catalog entity, another model's version or a URI. */
export type LineageLink = {
  /** Stable across versions: the relation and the target, for comparing versions. */
  key: string;
  relation: LineageRelation;
  type: 'entity' | 'version' | 'uri';
  /** The entity ref (of the model for a version) or the URI. */
  ref: string;
  version?: number;
};

/** A version node's id, `version:<model ref>@<n>`, as its ref and number. */
function parseVersionId(id: string) {
  const match = /^version:(.+)@(\d+)$/.exec(id);
  return match ? { ref: match[1], version: Number(match[2]) } : undefined;
}

/**
 * The links from a version's lineage graph's root to its neighbours (inputs such as
 * datasets, base model versions, commits and runs, and the components serving it), in the
 * graph's order.
 */
export function directLinksOf(graph: LineageGraph): LineageLink[] {
  const nodes = new Map(graph.nodes.map(n => [n.id, n]));
  const links: LineageLink[] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.from !== graph.root) continue;
    const key = `${edge.relation}|${edge.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodes.get(edge.to);
    if (node?.type === 'version' || edge.to.startsWith('version:')) {
      const parsed = parseVersionId(edge.to);
      const ref = node?.ref ?? parsed?.ref ?? edge.to;
      const version = node?.version ?? parsed?.version;
      links.push({
        key,
        relation: edge.relation,
        type: 'version',
        ref,
        version,
      });
    } else if (node?.type === 'entity' || edge.to.startsWith('entity:')) {
      links.push({
        key,
        relation: edge.relation,
        type: 'entity',
        ref: node?.ref ?? edge.to.slice('entity:'.length),
      });
    } else {
      links.push({
        key,
        relation: edge.relation,
        type: 'uri',
        ref: node?.ref ?? edge.to.replace(/^uri:/, ''),
      });
    }
  }
  return links;
}

/** A model's short name: its name, with the namespace unless that is `default`. */
export function shortModelName(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'mlmodel' });
    return parsed.namespace === 'default'
      ? parsed.name
      : `${parsed.namespace}/${parsed.name}`;
  } catch {
    return ref;
  }
}

/** The words of a link: `tabular-encoder v3` for a version, the ref or URI otherwise. */
export function lineageLinkLabel(link: LineageLink): string {
  if (link.type === 'version') {
    return `${shortModelName(link.ref)} v${link.version ?? '?'}`;
  }
  return link.ref;
}
