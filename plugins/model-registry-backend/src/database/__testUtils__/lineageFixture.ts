import {
  LineageGraph,
  LineageNode,
} from '@model-registry/plugin-model-registry-common';
import { DatabaseModelRegistryStore } from '../DatabaseModelRegistryStore';
import { aliceStage, BOB, input } from './storeTestHarness';

export const BASE = 'mlmodel:default/base';
export const FT = 'mlmodel:default/ft';
export const FT2 = 'mlmodel:default/ft2';
export const OTHER = 'mlmodel:default/other';
export const LOOSE = 'mlmodel:default/loose';
export const COMMIT = 'https://github.com/acme/base/commit/abc';

/**
 * base@1 trainedOn corpus
 * base@2 trainedOn corpus-v2, builtFromCommit COMMIT, servedBy base-api; later evaluatedOn holdout
 * ft@1   fineTunedFrom base@2, trainedOn tickets, servedBy fraud-api
 * ft2@1  fineTunedFrom ft@1
 * other@1 fineTunedFrom base@1
 * loose@1 fineTunedFrom base (no version)
 */
export async function seedLineage(store: DatabaseModelRegistryStore) {
  await store.registerVersion(
    BASE,
    input(1, {
      lineage: [
        { relation: 'trainedOn', entityRef: 'resource:default/corpus' },
      ],
    }),
    aliceStage,
  );
  await store.registerVersion(
    BASE,
    input(2, {
      lineage: [
        {
          relation: 'trainedOn',
          entityRef: 'resource:default/corpus-v2',
        },
        { relation: 'builtFromCommit', uri: COMMIT },
        { relation: 'servedBy', entityRef: 'component:default/base-api' },
      ],
    }),
    aliceStage,
  );
  await store.registerVersion(
    FT,
    input(1, {
      lineage: [
        { relation: 'fineTunedFrom', entityRef: BASE, version: 2 },
        { relation: 'trainedOn', entityRef: 'Resource:default/Tickets' },
        {
          relation: 'servedBy',
          entityRef: 'component:default/fraud-api',
        },
      ],
    }),
    aliceStage,
  );
  await store.registerVersion(
    FT2,
    input(1, {
      lineage: [{ relation: 'fineTunedFrom', entityRef: FT, version: 1 }],
    }),
    aliceStage,
  );
  await store.registerVersion(
    OTHER,
    input(1, {
      lineage: [{ relation: 'fineTunedFrom', entityRef: BASE, version: 1 }],
    }),
    aliceStage,
  );
  await store.registerVersion(
    LOOSE,
    input(1, {
      lineage: [{ relation: 'fineTunedFrom', entityRef: BASE }],
    }),
    aliceStage,
  );
  return store.addLineage(
    BASE,
    2,
    [{ relation: 'evaluatedOn', entityRef: 'resource:default/holdout' }],
    { actor: BOB, comment: 'eval' },
  );
}

/** Code-point order of ids, the same on every machine (unlike localeCompare). */
export function byId(a: { id: string }, b: { id: string }) {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** A graph with its nodes and edges in a fixed order, edges as "from -relation-> to". */
export function normalizeGraph(lineage: LineageGraph) {
  return {
    root: lineage.root,
    nodes: [...lineage.nodes].sort(byId),
    edges: lineage.edges.map(e => `${e.from} -${e.relation}-> ${e.to}`).sort(),
  };
}

/** The expected graph, put in the same order as normalizeGraph. */
export function graph(
  root: string,
  nodes: Partial<LineageNode>[],
  edges: string[],
) {
  return {
    root,
    nodes: [...nodes].sort((a, b) => byId(a as LineageNode, b as LineageNode)),
    edges: [...edges].sort(),
  };
}

export const vNode = (ref: string, version: number, depth: number) => ({
  id: `version:${ref}@${version}`,
  type: 'version' as const,
  ref,
  version,
  depth,
});
export const eNode = (ref: string, depth: number) => ({
  id: `entity:${ref}`,
  type: 'entity' as const,
  ref,
  depth,
});
export const uNode = (ref: string, depth: number) => ({
  id: `uri:${ref}`,
  type: 'uri' as const,
  ref,
  depth,
});
export const vId = (ref: string, version: number) =>
  `version:${ref}@${version}`;
