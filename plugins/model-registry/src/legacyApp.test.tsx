/*
 * The legacy exports of the plugin (src/plugin.ts) mounted in a legacy-style app: createApp from
 * @backstage/app-defaults with FlatRoutes, the plugin's own API factory (discovered from the
 * routes, as in a legacy app), the default fetch, discovery, identity and permission APIs, and
 * the backend answered by msw.
 */
import { createApp } from '@backstage/app-defaults';
import { FlatRoutes } from '@backstage/core-app-api';
import { attachComponentData } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { render, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { MemoryRouter, Route } from 'react-router-dom';
import { ModelListItem } from '@model-registry/plugin-model-registry-common';
import {
  EntityModelCard,
  EntityModelVersionsContent,
  ModelsPage,
  modelRegistryPlugin,
  WebhooksPage,
} from './index';
import { fraudDetector, version } from './testing/fixtures';

jest.setTimeout(60_000);

const BACKEND = 'http://localhost:7007';
const REGISTRY = `${BACKEND}/api/model-registry`;
const model = `${REGISTRY}/models/default/fraud-detector`;

const summary = {
  modelRef: 'mlmodel:default/fraud-detector',
  registeredByApi: false,
  versionCount: 2,
  latestVersion: 2,
  stageOccupants: { production: 1, staging: 2 },
  aliases: { champion: 1 },
};
const listItem: ModelListItem = {
  entityRef: 'mlmodel:default/fraud-detector',
  name: 'fraud-detector',
  namespace: 'default',
  title: 'Fraud detector',
  owner: 'group:default/risk-ml',
  task: 'classification',
  lifecycle: 'production',
  summary,
};

const server = setupServer();
const requests: string[] = [];
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  requests.length = 0;
  server.events.on('request:start', ({ request }) => {
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
  });
  server.use(
    http.get(`${REGISTRY}/models`, () =>
      HttpResponse.json({ items: [listItem], totalCount: 1 }),
    ),
    http.get(model, () => HttpResponse.json(summary)),
    http.get(`${model}/versions`, ({ request }) => {
      const production = version(1, {
        stage: 'production',
        aliases: ['champion'],
      });
      if (new URL(request.url).searchParams.get('stage') === 'production') {
        return HttpResponse.json({ items: [production] });
      }
      return HttpResponse.json({
        items: [version(2, { stage: 'staging' }), production],
        totalCount: 2,
      });
    }),
    http.get(`${model}/monitoring`, () =>
      HttpResponse.json({
        modelRef: summary.modelRef,
        thresholds: [],
        openAlerts: [],
      }),
    ),
    http.get(`${model}/versions/1/monitoring`, () =>
      HttpResponse.json({
        modelRef: summary.modelRef,
        version: 1,
        series: [],
        alerts: [],
      }),
    ),
    http.get(`${REGISTRY}/webhooks`, () =>
      HttpResponse.json({
        items: [
          {
            id: 'w1',
            url: 'https://hooks.example.com/registry',
            events: ['*'],
            format: 'registry',
            enabled: true,
            createdBy: 'user:default/carol',
            createdAt: '2026-12-01T10:00:00.000Z',
            updatedAt: '2026-12-01T10:00:00.000Z',
          },
        ],
      }),
    ),
    // The default permission API of a legacy app asks the permission backend.
    http.post(`${BACKEND}/api/permission/authorize`, async ({ request }) => {
      const body = (await request.json()) as { items: Array<{ id: string }> };
      return HttpResponse.json({
        items: body.items.map(item => ({ id: item.id, result: 'ALLOW' })),
      });
    }),
  );
});
afterEach(() => {
  server.resetHandlers();
  server.events.removeAllListeners();
});
afterAll(() => server.close());

/** Stands in for the catalog's entity page: mounted on the catalog's entity route, as in a legacy app. */
const EntityPage = () => (
  <EntityProvider entity={fraudDetector}>
    <EntityModelCard />
    <EntityModelVersionsContent />
  </EntityProvider>
);
attachComponentData(EntityPage, 'core.mountPoint', entityRouteRef);

function renderLegacyApp(path: string) {
  const app = createApp({
    plugins: [modelRegistryPlugin],
    configLoader: async () => [
      {
        context: 'test',
        data: {
          app: { title: 'Legacy app', baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: BACKEND },
          permission: { enabled: true },
        },
      },
    ],
    components: {
      Router: ({ children }) => (
        <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
      ),
    },
  });
  const AppRouter = app.getRouter();
  const Root = app.createRoot(
    <AppRouter>
      <FlatRoutes>
        <Route path="/models" element={<ModelsPage />} />
        <Route path="/model-registry/webhooks" element={<WebhooksPage />} />
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<EntityPage />}
        />
      </FlatRoutes>
    </AppRouter>,
  );
  return render(<Root />);
}

describe('the legacy exports in a legacy app', () => {
  it('mounts the Models page at its route, using the plugin API factory', async () => {
    renderLegacyApp('/models');
    const table = await screen.findByRole('table', {}, { timeout: 30_000 });
    expect(
      await within(table).findByText('Fraud detector', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(requests).toContain('GET /api/model-registry/models');
    // without the catalog's API in the app, the owner is typed as an entity ref
    expect(screen.getByRole('textbox', { name: 'Owner' })).toHaveAttribute(
      'placeholder',
      'group:default/risk-ml',
    );
  });

  it('mounts the model card and the versions with their controls on an entity route', async () => {
    renderLegacyApp('/catalog/default/mlmodel/fraud-detector');
    expect(
      await screen.findByText('champion → v1', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    // the card shows the production version's source and health
    expect(
      await screen.findByText('s3://models/fraud-detector/v1'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'v1 is not monitored yet: no observations reported.',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    const row2 = await screen.findByTestId(
      'version-row-2',
      {},
      { timeout: 20_000 },
    );
    expect(within(row2).getByText('staging')).toBeInTheDocument();
    expect(
      await within(row2).findByRole('button', {
        name: 'Promote to production',
      }),
    ).toBeEnabled();
    expect(requests).toEqual(
      expect.arrayContaining([
        'GET /api/model-registry/models/default/fraud-detector',
        'GET /api/model-registry/models/default/fraud-detector/versions',
        'POST /api/permission/authorize',
      ]),
    );
  });

  it('mounts the Webhooks page at its route', async () => {
    renderLegacyApp('/model-registry/webhooks');
    expect(
      await screen.findByText(
        'https://hooks.example.com/registry',
        {},
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(requests).toContain('GET /api/model-registry/webhooks');
  });
});
