import { LineageGraph } from '@model-registry/plugin-model-registry-common';
import {
  buildLineageGraph,
  consumersOf,
  shortEntityName,
  uriLabel,
} from './buildLineageGraph';

const root = 'version:mlmodel:default/fraud-detector@5';

function graphWith(
  nodes: LineageGraph['nodes'],
  edges: LineageGraph['edges'],
): LineageGraph {
  return {
    root,
    nodes: [
      {
        id: root,
        type: 'version',
        ref: 'mlmodel:default/fraud-detector',
        version: 5,
        depth: 0,
      },
      ...nodes,
    ],
    edges,
  };
}

const entityLink = (ref: string) => `/catalog/${ref}`;

function build(graph: LineageGraph, consumers: string[] = []) {
  return buildLineageGraph({
    graph,
    modelRef: 'mlmodel:default/fraud-detector',
    consumers,
    entityLink,
  });
}

describe('buildLineageGraph', () => {
  it('draws commits and runs as their own nodes with readable labels', () => {
    const commit =
      'https://example.com/acme/tabular-encoder/commit/4c123b1612dd';
    const run = 'https://tracking.example.com/#/runs/272d1371c17149d4';
    const { nodes } = build(
      graphWith(
        [
          { id: `uri:${commit}`, type: 'uri', ref: commit, depth: -1 },
          { id: `uri:${run}`, type: 'uri', ref: run, depth: -1 },
        ],
        [
          { from: root, to: `uri:${commit}`, relation: 'builtFromCommit' },
          { from: root, to: `uri:${run}`, relation: 'producedByRun' },
        ],
      ),
    );
    expect(nodes.find(n => n.ref === commit)).toMatchObject({
      kind: 'commit',
      label: 'acme/tabular-encoder @ 4c123b1',
      caption: 'commit',
      href: commit,
      external: true,
    });
    expect(nodes.find(n => n.ref === run)).toMatchObject({
      kind: 'run',
      label: 'run 272d1371',
      caption: 'training run',
    });
  });

  it('marks inputs of a base model version as indirect, via that version, and links versions to their pages', () => {
    const base = 'version:mlmodel:default/tabular-encoder@3';
    const { nodes, edges } = buildLineageGraph({
      graph: graphWith(
        [
          {
            id: base,
            type: 'version',
            ref: 'mlmodel:default/tabular-encoder',
            version: 3,
            depth: -1,
          },
          {
            id: 'entity:resource:default/accounts',
            type: 'entity',
            ref: 'resource:default/accounts',
            depth: -2,
          },
        ],
        [
          { from: root, to: base, relation: 'fineTunedFrom' },
          {
            from: base,
            to: 'entity:resource:default/accounts',
            relation: 'trainedOn',
          },
        ],
      ),
      modelRef: 'mlmodel:default/fraud-detector',
      consumers: [],
      entityLink,
      versionLink: (ref, version) => `/versions-of/${ref}/${version}`,
    });
    const byId = Object.fromEntries(nodes.map(n => [n.id, n]));
    expect(byId[base]).toMatchObject({
      label: 'tabular-encoder v3',
      href: '/versions-of/mlmodel:default/tabular-encoder/3',
    });
    expect(byId[base].indirect).toBeUndefined();
    expect(byId['entity:resource:default/accounts']).toMatchObject({
      indirect: true,
      via: 'tabular-encoder v3',
      relation: 'trained on',
    });
    expect(edges.map(e => [e.from, e.to, e.indirect])).toEqual([
      [base, root, false],
      ['entity:resource:default/accounts', base, true],
    ]);
    // No drawn labels: they overlapped; the relation is in the node and its table row.
    expect(edges.every(e => e.label === undefined)).toBe(true);
  });

  it('draws inputs into the version and the version on to its consumers', () => {
    const { nodes, edges } = build(
      graphWith(
        [
          {
            id: 'entity:resource:default/txns',
            type: 'entity',
            ref: 'resource:default/txns',
            depth: -1,
          },
          {
            id: 'entity:component:default/scorer',
            type: 'entity',
            ref: 'component:default/scorer',
            depth: 1,
          },
        ],
        [
          {
            from: root,
            to: 'entity:resource:default/txns',
            relation: 'trainedOn',
          },
          {
            from: root,
            to: 'entity:resource:default/txns',
            relation: 'evaluatedOn',
          },
          {
            from: root,
            to: 'entity:component:default/scorer',
            relation: 'servedBy',
          },
        ],
      ),
      ['component:default/Payments-API'],
    );

    expect(edges).toEqual([
      {
        from: 'entity:resource:default/txns',
        to: root,
        relation: 'trainedOn,evaluatedOn',
        relationLabel: 'trained on, evaluated on',
        indirect: false,
      },
      {
        from: root,
        to: 'entity:component:default/scorer',
        relation: 'servedBy',
        relationLabel: 'served by',
        indirect: false,
      },
      {
        from: root,
        to: 'entity:component:default/payments-api',
        relation: 'consumes',
        relationLabel: 'used by',
        indirect: false,
      },
    ]);
    const byId = Object.fromEntries(nodes.map(n => [n.id, n]));
    expect(byId[root]).toMatchObject({
      kind: 'root',
      side: 'root',
      label: 'fraud-detector v5',
      caption: 'this version',
      href: '/catalog/mlmodel:default/fraud-detector',
    });
    expect(byId['entity:resource:default/txns']).toMatchObject({
      kind: 'entity',
      side: 'upstream',
      caption: 'resource',
      relation: 'trained on, evaluated on',
    });
    expect(byId['entity:component:default/scorer']).toMatchObject({
      side: 'downstream',
      relation: 'served by',
    });
    expect(byId['entity:component:default/payments-api']).toMatchObject({
      kind: 'consumer',
      side: 'downstream',
      caption: 'component · consumer',
      relation: 'depends on the model',
      href: '/catalog/component:default/payments-api',
    });
  });

  it('links only http(s) URIs; any other scheme stays text', () => {
    const uris = [
      'https://example.com/acme/repo/commit/4c12',
      'http://tracking.example.com/runs/7',
      // eslint-disable-next-line no-script-url -- checks that such a URI is never a link
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      's3://models/fraud/v5',
      'not a uri',
    ];
    const { nodes } = build(
      graphWith(
        uris.map(ref => ({ id: `uri:${ref}`, type: 'uri', ref, depth: -1 })),
        uris.map(ref => ({
          from: root,
          to: `uri:${ref}`,
          relation: 'trainedOn' as const,
        })),
      ),
    );
    const hrefOf = Object.fromEntries(
      nodes.filter(n => n.kind === 'uri').map(n => [n.ref, n.href]),
    );
    expect(hrefOf).toEqual({
      'https://example.com/acme/repo/commit/4c12':
        'https://example.com/acme/repo/commit/4c12',
      'http://tracking.example.com/runs/7':
        'http://tracking.example.com/runs/7',
      // eslint-disable-next-line no-script-url -- never a link
      'javascript:alert(1)': undefined,
      'data:text/html,<script>alert(1)</script>': undefined,
      'file:///etc/passwd': undefined,
      's3://models/fraud/v5': undefined,
      'not a uri': undefined,
    });
    const s3 = nodes.find(n => n.ref === 's3://models/fraud/v5')!;
    expect(s3).toMatchObject({ caption: 's3', external: false });
    expect(nodes.find(n => n.ref === 'not a uri')!.caption).toBe('uri');
  });

  it('shortens long labels and names versions of other models', () => {
    const long = `resource:default/${'x'.repeat(50)}`;
    const { nodes } = build(
      graphWith(
        [
          { id: `entity:${long}`, type: 'entity', ref: long, depth: -1 },
          {
            id: 'version:mlmodel:nlp/encoder@2',
            type: 'version',
            ref: 'mlmodel:nlp/encoder',
            version: 2,
            depth: -1,
          },
        ],
        [
          { from: root, to: `entity:${long}`, relation: 'trainedOn' },
          {
            from: root,
            to: 'version:mlmodel:nlp/encoder@2',
            relation: 'fineTunedFrom',
          },
        ],
      ),
    );
    const dataset = nodes.find(n => n.ref === long)!;
    expect(dataset.shortLabel).toHaveLength(36);
    expect(dataset.shortLabel.endsWith('…')).toBe(true);
    expect(
      nodes.find(n => n.id === 'version:mlmodel:nlp/encoder@2'),
    ).toMatchObject({
      kind: 'version',
      label: 'nlp/encoder v2',
      caption: 'model version',
      ref: 'mlmodel:nlp/encoder@2',
    });
  });
});

describe('lineage labels', () => {
  it('names URIs by host and path, entities by name', () => {
    expect(uriLabel('https://example.com/acme/repo/')).toBe(
      'example.com/acme/repo',
    );
    expect(uriLabel('not a uri')).toBe('not a uri');
    expect(shortEntityName('resource:default/txns')).toBe('txns');
    expect(shortEntityName('resource:team-a/txns')).toBe('team-a/txns');
  });

  it('finds the components that depend on the model', () => {
    expect(
      consumersOf({
        apiVersion: 'v1',
        kind: 'MLModel',
        metadata: { name: 'm' },
        relations: [
          { type: 'dependencyOf', targetRef: 'component:default/api' },
          { type: 'dependencyOf', targetRef: 'system:default/payments' },
          { type: 'dependsOn', targetRef: 'component:default/other' },
        ],
      }),
    ).toEqual(['component:default/api']);
  });
});
