import { Entity } from '@backstage/catalog-model';
import {
  LineageGraph,
  ModelSummary,
  ModelVersion,
} from '@model-registry/plugin-model-registry-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY as BASE } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { LineageContent } from './LineageContent';

const MODEL = `${BASE}/models/default/fraud-detector`;

const entity: Entity = {
  apiVersion: 'model-registry.dev/v1alpha1',
  kind: 'MLModel',
  metadata: { name: 'fraud-detector', namespace: 'default' },
  spec: { type: 'classification', lifecycle: 'production', owner: 'risk-ml' },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/risk-ml' },
    { type: 'dependencyOf', targetRef: 'component:default/payments-api' },
    { type: 'dependencyOf', targetRef: 'system:default/payments' },
    { type: 'dependsOn', targetRef: 'resource:default/card-transactions' },
  ],
};

function version(v: number, stage: string, aliases: string[] = []) {
  return {
    modelRef: 'mlmodel:default/fraud-detector',
    version: v,
    status: 'ready',
    stage,
    aliases,
    source: `s3://acme-models/fraud-detector/v${v}/model`,
    metrics: {},
    params: {},
    tags: {},
    createdBy: 'user:default/alice',
    createdAt: '2026-07-01T10:00:00.000Z',
    updatedBy: 'user:default/alice',
    updatedAt: '2026-07-01T10:00:00.000Z',
    stageUpdatedAt: '2026-07-01T10:00:00.000Z',
  } as ModelVersion;
}

const summary: ModelSummary = {
  modelRef: 'mlmodel:default/fraud-detector',
  registeredByApi: false,
  versionCount: 3,
  latestVersion: 6,
  stageOccupants: { production: 5 },
  aliases: { champion: 5 },
};

const root5 = 'version:mlmodel:default/fraud-detector@5';
const lineage5: LineageGraph = {
  root: root5,
  nodes: [
    {
      id: root5,
      type: 'version',
      ref: 'mlmodel:default/fraud-detector',
      version: 5,
      depth: 0,
    },
    {
      id: 'entity:resource:default/card-transactions',
      type: 'entity',
      ref: 'resource:default/card-transactions',
      depth: -1,
    },
    {
      id: 'version:mlmodel:default/tabular-encoder@2',
      type: 'version',
      ref: 'mlmodel:default/tabular-encoder',
      version: 2,
      depth: -1,
    },
    {
      id: 'uri:https://example.com/acme/fraud-detector/commit/4c12',
      type: 'uri',
      ref: 'https://example.com/acme/fraud-detector/commit/4c12',
      depth: -1,
    },
    {
      id: 'uri:javascript:alert(1)',
      type: 'uri',
      // eslint-disable-next-line no-script-url -- checks that such a URI is never a link
      ref: 'javascript:alert(1)',
      depth: -1,
    },
    {
      id: 'entity:component:default/scoring-service',
      type: 'entity',
      ref: 'component:default/scoring-service',
      depth: 1,
    },
  ],
  edges: [
    {
      from: root5,
      to: 'entity:resource:default/card-transactions',
      relation: 'trainedOn',
    },
    {
      from: root5,
      to: 'entity:resource:default/card-transactions',
      relation: 'evaluatedOn',
    },
    {
      from: root5,
      to: 'version:mlmodel:default/tabular-encoder@2',
      relation: 'fineTunedFrom',
    },
    {
      from: root5,
      to: 'uri:https://example.com/acme/fraud-detector/commit/4c12',
      relation: 'builtFromCommit',
    },
    { from: root5, to: 'uri:javascript:alert(1)', relation: 'producedByRun' },
    {
      from: root5,
      to: 'entity:component:default/scoring-service',
      relation: 'servedBy',
    },
  ],
};

const root6 = 'version:mlmodel:default/fraud-detector@6';
const lineage6: LineageGraph = {
  root: root6,
  nodes: [
    {
      id: root6,
      type: 'version',
      ref: 'mlmodel:default/fraud-detector',
      version: 6,
      depth: 0,
    },
    {
      id: 'entity:resource:default/card-transactions-2026',
      type: 'entity',
      ref: 'resource:default/card-transactions-2026',
      depth: -1,
    },
  ],
  edges: [
    {
      from: root6,
      to: 'entity:resource:default/card-transactions-2026',
      relation: 'trainedOn',
    },
  ],
};

const server = setupRegistryServer();

let lineageRequests: URL[] = [];

function handlers(
  options: {
    summary?: ModelSummary;
    versions?: ModelVersion[];
    graphs?: Record<string, LineageGraph>;
  } = {},
) {
  lineageRequests = [];
  return [
    http.get(MODEL, () => HttpResponse.json(options.summary ?? summary)),
    http.get(`${MODEL}/versions`, ({ request }) => {
      const url = new URL(request.url);
      expect(url.searchParams.get('limit')).toBe('100');
      return HttpResponse.json({
        items: options.versions ?? [
          version(6, 'staging'),
          version(5, 'production', ['champion']),
          version(4, 'archived'),
        ],
      });
    }),
    http.get(`${MODEL}/versions/:version/lineage`, ({ params, request }) => {
      lineageRequests.push(new URL(request.url));
      const graph = (options.graphs ?? { '5': lineage5, '6': lineage6 })[
        String(params.version)
      ];
      if (!graph) {
        return HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'no such version' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        );
      }
      return HttpResponse.json(graph);
    }),
  ];
}

function render(e: Entity = entity) {
  return renderWithRegistry(<LineageContent />, { entity: e });
}

describe('LineageContent', () => {
  beforeAll(() => {
    // jsdom does not lay out SVG; the dependency graph measures its nodes.
    Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
      value: () => ({ x: 0, y: 0, width: 120, height: 44 }),
      configurable: true,
    });
  });

  it('shows the lineage of the production version by default, with links', async () => {
    server.use(...handlers());
    await render();

    const nodes = await screen.findByRole('table', { name: 'Lineage nodes' });
    expect(lineageRequests).toHaveLength(1);
    expect(lineageRequests[0].pathname).toBe(
      '/api/model-registry/models/default/fraud-detector/versions/5/lineage',
    );
    expect(lineageRequests[0].searchParams.get('direction')).toBe('both');
    expect(lineageRequests[0].searchParams.get('depth')).toBe('3');

    expect(
      screen.getByRole('button', {
        name: /Version v5 \(production, champion\)/,
      }),
    ).toBeInTheDocument();

    const table = within(nodes);
    expect(
      table.getByRole('link', { name: 'card-transactions' }),
    ).toHaveAttribute('href', '/catalog/default/resource/card-transactions');
    expect(
      table.getByRole('link', { name: 'tabular-encoder v2' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/tabular-encoder/versions/2',
    );
    expect(
      table.getByRole('link', { name: 'fraud-detector v5' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/5',
    );
    expect(
      table.getByRole('link', {
        name: /example\.com\/acme\/fraud-detector\/commit\/4c12/,
      }),
    ).toHaveAttribute(
      'href',
      'https://example.com/acme/fraud-detector/commit/4c12',
    );
    // Served by (lineage) and depends on the model (catalog relation): both downstream.
    expect(
      table.getByRole('link', { name: 'scoring-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/scoring-service');
    expect(table.getByRole('link', { name: 'payments-api' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api',
    );
    // The system that depends on the model is not a component consumer.
    expect(table.queryByText('payments')).not.toBeInTheDocument();
    // A URI with another scheme is shown, never linked.
    expect(table.getByText('alert(1)')).toBeInTheDocument();
    expect(
      table.queryByRole('link', { name: 'alert(1)' }),
    ).not.toBeInTheDocument();
    // Both relations to the dataset are named.
    expect(table.getByText('trained on, evaluated on')).toBeInTheDocument();

    const rows = table.getAllByRole('row').slice(1);
    const direction = (name: string) =>
      rows.find(r => within(r).queryByText(name))!.children[2].textContent;
    expect(direction('card-transactions')).toBe('upstream');
    expect(direction('payments-api')).toBe('downstream');
    expect(direction('scoring-service')).toBe('downstream');
    expect(direction('fraud-detector v5')).toBe('selected version');

    // The graph draws the same nodes as SVG links.
    await waitFor(() =>
      expect(
        document.querySelector(
          'svg#dependency-graph a[href="/catalog/default/resource/card-transactions"]',
        ),
      ).not.toBeNull(),
    );
    const svg = document.querySelector('svg#dependency-graph')!;
    expect(svg).toHaveAttribute(
      'aria-label',
      'Lineage graph of version 5: 4 upstream and 2 downstream nodes',
    );
    expect(svg.textContent).toContain('fraud-detector v5');
    expect(
      svg.querySelector(
        'a[href="https://example.com/acme/fraud-detector/commit/4c12"]',
      ),
    ).toHaveAttribute('target', '_blank');
  });

  it('switches to another version with the select', async () => {
    server.use(...handlers());
    await render();
    await screen.findByRole('table', { name: 'Lineage nodes' });

    fireEvent.mouseDown(screen.getByRole('button', { name: /Version v5/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'v6 (staging)' }),
    );

    expect(
      await screen.findByRole('link', { name: 'card-transactions-2026' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/card-transactions-2026',
    );
    expect(lineageRequests.map(u => u.pathname)).toEqual([
      '/api/model-registry/models/default/fraud-detector/versions/5/lineage',
      '/api/model-registry/models/default/fraud-detector/versions/6/lineage',
    ]);
    expect(
      screen.queryByRole('link', { name: 'tabular-encoder v2' }),
    ).not.toBeInTheDocument();
  });

  it('defaults to the latest version when none is in production', async () => {
    server.use(
      ...handlers({
        summary: { ...summary, stageOccupants: {}, aliases: {} },
        versions: [version(6, 'staging'), version(5, 'none')],
      }),
    );
    await render();
    expect(
      await screen.findByRole('link', { name: 'card-transactions-2026' }),
    ).toBeInTheDocument();
    expect(lineageRequests[0].pathname).toMatch(/\/versions\/6\/lineage$/);
  });

  it('says so when the model has no versions', async () => {
    server.use(
      ...handlers({
        summary: {
          ...summary,
          versionCount: 0,
          latestVersion: undefined,
          stageOccupants: {},
          aliases: {},
        },
        versions: [],
      }),
    );
    await render();
    expect(
      await screen.findByText('No versions registered'),
    ).toBeInTheDocument();
    expect(screen.getByText(/It is used by payments-api/)).toBeInTheDocument();
    expect(lineageRequests).toHaveLength(0);
  });

  it('says so when a version has no lineage and no consumers', async () => {
    server.use(
      ...handlers({
        graphs: {
          '5': {
            root: root5,
            nodes: [lineage5.nodes[0]],
            edges: [],
          },
        },
      }),
    );
    await render({ ...entity, relations: [] });
    expect(
      await screen.findByText('No lineage recorded for version 5'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Lineage nodes' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error of a failed model request', async () => {
    server.use(
      http.get(MODEL, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'model not found' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
      http.get(`${MODEL}/versions`, () => HttpResponse.json({ items: [] })),
    );
    await render();
    expect(
      await screen.findByText(
        'Error: Could not load the versions of this model: model not found',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error of a failed lineage request under the version select', async () => {
    server.use(...handlers({ graphs: {} }));
    await render();
    expect(
      await screen.findByText(
        'Error: Could not load the lineage of version 5: no such version',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Version v5/ }),
    ).toBeInTheDocument();
  });
});
