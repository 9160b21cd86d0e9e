import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { ModelSummary } from '@model-registry/plugin-model-registry-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY as BASE } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { ComponentModelsCard } from './ComponentModelsCard';

type GetEntitiesByRefsRequest = { entityRefs: string[]; fields?: string[] };

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/payments' },
    { type: 'dependsOn', targetRef: 'mlmodel:default/fraud-detector' },
    { type: 'dependsOn', targetRef: 'resource:default/payments-db' },
    { type: 'dependsOn', targetRef: 'mlmodel:default/churn-predictor' },
    { type: 'dependsOn', targetRef: 'mlmodel:default/ghost' },
    { type: 'dependencyOf', targetRef: 'mlmodel:default/not-a-dependency' },
  ],
};

const modelEntities: Record<string, Entity> = {
  'mlmodel:default/fraud-detector': {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: {
      name: 'fraud-detector',
      namespace: 'default',
      title: 'Fraud detector',
    },
    spec: { owner: 'group:default/risk-ml' },
  },
  'mlmodel:default/churn-predictor': {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name: 'churn-predictor', namespace: 'default' },
    spec: { owner: 'group:default/growth-ml' },
  },
};

const summaries: Record<string, ModelSummary> = {
  'fraud-detector': {
    modelRef: 'mlmodel:default/fraud-detector',
    registeredByApi: false,
    versionCount: 6,
    latestVersion: 6,
    stageOccupants: { production: 5 },
    aliases: { champion: 5 },
  },
  'churn-predictor': {
    modelRef: 'mlmodel:default/churn-predictor',
    registeredByApi: false,
    versionCount: 2,
    latestVersion: 2,
    stageOccupants: {},
    aliases: {},
  },
};

const server = setupRegistryServer();

let batchRequests: string[][] = [];

/** POST /models/by-refs: the summaries in the order asked, null for an unknown model. */
function serveByRefs() {
  batchRequests = [];
  server.use(
    http.post(`${BASE}/models/by-refs`, async ({ request }) => {
      const { entityRefs } = (await request.json()) as { entityRefs: string[] };
      batchRequests.push(entityRefs);
      return HttpResponse.json({
        items: entityRefs.map(
          ref => summaries[ref.replace('mlmodel:default/', '')] ?? null,
        ),
      });
    }),
  );
}

function fakeCatalog(options: { fail?: boolean } = {}) {
  const calls: GetEntitiesByRefsRequest[] = [];
  return {
    calls,
    api: {
      async getEntitiesByRefs(request: GetEntitiesByRefsRequest) {
        calls.push(request);
        if (options.fail) throw new Error('catalog unavailable');
        return { items: request.entityRefs.map(ref => modelEntities[ref]) };
      },
    },
  };
}

function render(
  entity: Entity,
  catalog: ReturnType<typeof fakeCatalog> = fakeCatalog(),
) {
  return renderWithRegistry(<ComponentModelsCard />, {
    entity,
    apis: [[catalogApiRef, catalog.api]],
  });
}

function rowOf(name: string) {
  return screen.getByRole('link', { name }).closest('tr')!;
}

describe('ComponentModelsCard', () => {
  it('says which version or alias the service uses and whether it is the production version', async () => {
    serveByRefs();
    summaries['fraud-detector'].aliases = { champion: 4, challenger: 6 };
    const versionRequests: string[] = [];
    server.use(
      http.get(
        `${BASE}/models/default/:name/versions/:version`,
        ({ params }) => {
          versionRequests.push(`${params.name}@${params.version}`);
          return HttpResponse.json({
            modelRef: `mlmodel:default/${params.name}`,
            version: Number(params.version),
            stage: params.version === '4' ? 'archived' : 'staging',
            aliases: [],
          });
        },
      ),
    );
    try {
      await render({
        ...component,
        metadata: {
          ...component.metadata,
          annotations: {
            'model-registry.io/models':
              'fraud-detector@champion, churn-predictor@production, fraud-detector@5, bad entry, resource:default/x@1',
          },
        },
      });
      const table = await screen.findByRole('table', {
        name: 'ML models this component depends on',
      });
      // The annotation's last entry for a model wins; bad entries are named.
      expect(
        screen.getByText(
          /"bad entry" \(expected name@alias, name@stage or name@3\); "resource:default\/x@1" \(not an MLModel\)/,
        ),
      ).toBeInTheDocument();
      const fraud = within(table)
        .getByRole('link', { name: 'Fraud detector' })
        .closest('tr')!;
      const used = within(fraud).getAllByRole('cell')[1];
      expect(within(used).getByRole('link', { name: 'v5' })).toHaveAttribute(
        'href',
        '/catalog/default/mlmodel/fraud-detector/versions/5',
      );
      expect(used).toHaveTextContent('the production version');
      const churn = rowOf('churn-predictor');
      expect(within(churn).getAllByRole('cell')[1]).toHaveTextContent(
        'production: no version in production',
      );
    } finally {
      summaries['fraud-detector'].aliases = { champion: 5 };
    }
  });

  it('warns when the alias a service uses sits on an archived version', async () => {
    serveByRefs();
    summaries['fraud-detector'].aliases = { champion: 4 };
    server.use(
      http.get(`${BASE}/models/default/fraud-detector/versions/4`, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          version: 4,
          stage: 'archived',
          aliases: ['champion'],
        }),
      ),
    );
    try {
      await render({
        ...component,
        metadata: {
          ...component.metadata,
          annotations: {
            'model-registry.io/models': 'fraud-detector@champion',
          },
        },
      });
      const status = await screen.findByRole('status');
      expect(status).toHaveTextContent(
        'not production: champion → v4 (archived), production is v5',
      );
      expect(
        screen.getByRole('link', { name: 'champion → v4' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/mlmodel/fraud-detector/versions/4',
      );
    } finally {
      summaries['fraud-detector'].aliases = { champion: 5 };
    }
  });

  it('warns about a pinned version that is not production and an alias that is not set', async () => {
    serveByRefs();
    server.use(
      http.get(`${BASE}/models/default/:name/versions/:version`, ({ params }) =>
        HttpResponse.json({
          modelRef: `mlmodel:default/${params.name}`,
          version: Number(params.version),
          stage: 'staging',
          aliases: [],
        }),
      ),
    );
    await render({
      ...component,
      metadata: {
        ...component.metadata,
        annotations: {
          // text-encoder is not in spec.dependsOn: the annotation alone lists it.
          'model-registry.io/models':
            'fraud-detector@v6, churn-predictor@2, text-encoder@challenger',
        },
      },
      relations: [
        { type: 'dependsOn', targetRef: 'mlmodel:default/fraud-detector' },
        { type: 'dependsOn', targetRef: 'mlmodel:default/churn-predictor' },
      ],
    });
    await screen.findByRole('table');
    const usedHere = (name: string) =>
      within(rowOf(name)).getAllByRole('cell')[1];

    const fraud = usedHere('Fraud detector');
    expect(within(fraud).getByRole('status')).toHaveTextContent(
      'not production: v6 (staging), production is v5',
    );
    expect(within(fraud).getByRole('link', { name: 'v6' })).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/6',
    );
    // A model with nothing in production says so.
    expect(
      within(usedHere('churn-predictor')).getByRole('status'),
    ).toHaveTextContent('not production: v2 (staging), nothing in production');
    const encoder = rowOf('text-encoder');
    expect(encoder).toHaveTextContent(
      'Registry: not found in the registry, or not visible to you',
    );
  });

  it('says when an alias the service uses is not set', async () => {
    serveByRefs();
    await render({
      ...component,
      metadata: {
        ...component.metadata,
        annotations: {
          'model-registry.io/models': 'fraud-detector@challenger',
        },
      },
    });
    await screen.findByRole('table');
    const fraud = within(rowOf('Fraud detector')).getAllByRole('cell')[1];
    expect(fraud).toHaveTextContent('challenger: alias challenger is not set');
    expect(within(fraud).queryByRole('link')).toBeNull();
    // The models of spec.dependsOn without an entry are listed as not pinned.
    expect(
      within(rowOf('churn-predictor')).getAllByRole('cell')[1],
    ).toHaveTextContent('not pinned');
  });

  it('lists the models the component depends on with owner and production version', async () => {
    serveByRefs();
    const catalog = fakeCatalog();
    await render(component, catalog);

    expect(screen.getByText('ML models')).toBeInTheDocument();
    const table = await screen.findByRole('table', {
      name: 'ML models this component depends on',
    });
    expect(within(table).getAllByRole('row')).toHaveLength(4);

    // One catalog call and one registry call for all models.
    const refs = [
      'mlmodel:default/fraud-detector',
      'mlmodel:default/churn-predictor',
      'mlmodel:default/ghost',
    ];
    expect(catalog.calls).toHaveLength(1);
    expect(catalog.calls[0].entityRefs).toEqual(refs);
    expect(batchRequests).toEqual([refs]);

    const fraud = rowOf('Fraud detector');
    expect(
      within(fraud).getByRole('link', { name: 'Fraud detector' }),
    ).toHaveAttribute('href', '/catalog/default/mlmodel/fraud-detector');
    expect(
      within(fraud).getByRole('link', { name: 'risk-ml' }),
    ).toHaveAttribute('href', '/catalog/default/group/risk-ml');
    expect(
      within(fraud)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'risk-ml',
      'not pinned',
      'v5',
      '6 versions, latest v6 · champion → v5',
    ]);

    const churn = rowOf('churn-predictor');
    expect(
      within(churn)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['growth-ml', 'not pinned', 'none', '2 versions, latest v2']);

    // Neither in the catalog nor in the registry: said so, the rest still shows.
    const ghost = rowOf('ghost');
    expect(ghost).toHaveTextContent('not in the catalog');
    expect(ghost).toHaveTextContent(
      'Registry: not found in the registry, or not visible to you',
    );

    // Not a model dependency: not listed.
    expect(screen.queryByText('payments-db')).not.toBeInTheDocument();
    expect(screen.queryByText('not-a-dependency')).not.toBeInTheDocument();
  });

  it('still shows the registry state when the catalog call fails', async () => {
    serveByRefs();
    await render(component, fakeCatalog({ fail: true }));
    expect(
      await screen.findByText(
        /Could not load the models' titles and owners from the catalog/,
      ),
    ).toBeInTheDocument();
    const fraud = rowOf('fraud-detector');
    expect(within(fraud).getAllByRole('cell')[2]).toHaveTextContent('v5');
    expect(fraud).not.toHaveTextContent('not in the catalog');
  });

  it('asks for a hundred models per request', async () => {
    serveByRefs();
    const many = Array.from({ length: 101 }, (_, i) => `mlmodel:default/m${i}`);
    await render({
      ...component,
      relations: many.map(targetRef => ({ type: 'dependsOn', targetRef })),
    });
    await screen.findByRole('table');
    expect(batchRequests.map(r => r.length)).toEqual([100, 1]);
    expect(batchRequests.flat()).toEqual(many);
  });

  it('shows a registry error in the row of the model', async () => {
    server.use(
      http.post(`${BASE}/models/by-refs`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await render({
      ...component,
      relations: [
        { type: 'dependsOn', targetRef: 'mlmodel:default/fraud-detector' },
      ],
    });
    await screen.findByRole('table');
    expect(rowOf('Fraud detector')).toHaveTextContent(
      'Registry: database is down',
    );
  });

  it('says how to add models when the component depends on none', async () => {
    serveByRefs();
    const catalog = fakeCatalog();
    await render(
      {
        ...component,
        relations: [
          { type: 'dependsOn', targetRef: 'resource:default/payments-db' },
        ],
      },
      catalog,
    );
    expect(
      screen.getByText('This component depends on no ML models'),
    ).toBeInTheDocument();
    expect(screen.getByText('spec.dependsOn')).toBeInTheDocument();
    expect(
      screen.getByText('mlmodel:default/fraud-detector'),
    ).toBeInTheDocument();
    expect(catalog.calls).toHaveLength(0);
    expect(batchRequests).toHaveLength(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
