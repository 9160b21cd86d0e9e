import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { VersionMonitoring } from '@model-registry/plugin-model-registry-common';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { http, HttpResponse } from 'msw';
import { fraudDetector, REGISTRY, version } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { ModelCard } from './ModelCard';

const server = setupRegistryServer();

/** The card in a test app whose discovery API gives the registry's URL (the snippets name it). */
function render(entity: typeof fraudDetector = fraudDetector) {
  return renderWithRegistry(<ModelCard />, {
    entity,
    apis: [
      [
        discoveryApiRef,
        {
          getBaseUrl: async (id: string) =>
            `https://portal.example.com/api/${id}`,
        },
      ],
    ],
  });
}

const model = `${REGISTRY}/models/default/fraud-detector`;
// eslint-disable-next-line no-script-url -- checks that such a URI is never a link
const SCRIPT_URI = 'javascript:alert(1)';

/** The card asks for the production version with the versions list (stage=production, limit=1). */
function productionVersions(items: ReturnType<typeof version>[]) {
  return http.get(`${model}/versions`, ({ request }) => {
    const query = new URL(request.url).searchParams;
    if (query.get('stage') !== 'production' || query.get('limit') !== '1') {
      return HttpResponse.json(
        { error: { name: 'InputError', message: 'unexpected query' } },
        { status: 400 },
      );
    }
    return HttpResponse.json({ items });
  });
}

/** The monitoring of v4 (the production version): no observations unless given. */
function monitoring(body: Partial<VersionMonitoring> = {}) {
  return http.get(`${model}/versions/4/monitoring`, () =>
    HttpResponse.json({
      modelRef: 'mlmodel:default/fraud-detector',
      version: 4,
      series: [],
      alerts: [],
      ...body,
    }),
  );
}

const inProduction = http.get(model, () =>
  HttpResponse.json({
    modelRef: 'mlmodel:default/fraud-detector',
    registeredByApi: false,
    versionCount: 4,
    latestVersion: 4,
    stageOccupants: { production: 4 },
    aliases: {},
  }),
);

function point(value: number, minute: number) {
  return {
    metric: 'unused',
    value,
    observedAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    reportedBy: 'user:default/monitor',
  };
}

describe('ModelCard', () => {
  it('shows catalog facts, the production version, aliases, links and card sections', async () => {
    server.use(
      http.get(model, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          registeredByApi: false,
          versionCount: 5,
          latestVersion: 5,
          stageOccupants: { production: 4 },
          aliases: { champion: 4, challenger: 5 },
        }),
      ),
      productionVersions([
        version(4, {
          stage: 'production',
          runId: 'run-4',
          runLink: 'https://tracking.example.com/runs/4',
          code: {
            repository: 'https://example.com/acme/fraud',
            commit: 'abc123',
          },
          card: { evaluation: 'AUC 0.97 on the held-out month' },
        }),
      ]),
      monitoring(),
    );
    await render();
    expect(
      await screen.findByText('v4', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    // The production and the latest version link to their pages.
    expect(
      screen.getByRole('link', { name: 'Open the production version, v4' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/4',
    );
    expect(screen.getByRole('link', { name: 'v5' })).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/5',
    );
    expect(
      screen.getByText('(5 versions)', { exact: false }),
    ).toBeInTheDocument();
    expect(screen.getByText('champion → v4')).toBeInTheDocument();
    expect(screen.getByText('challenger → v5')).toBeInTheDocument();
    expect(screen.getByText('classification')).toBeInTheDocument();
    expect(screen.getByText('xgboost')).toBeInTheDocument();
    expect(
      screen.getByText('s3://models/fraud-detector/v4'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Training run run-4/ }),
    ).toHaveAttribute('href', 'https://tracking.example.com/runs/4');
    expect(
      screen.getByRole('link', { name: /Code @ abc123/ }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Real-time scoring.')).toBeInTheDocument();
    // the model-level card has no evaluation; the production version's card fills it
    expect(
      screen.getByText('AUC 0.97 on the held-out month'),
    ).toBeInTheDocument();
    // Completeness: which sections are missing, and who can fill them in.
    expect(screen.getByTestId('card-completeness')).toHaveTextContent(
      'Card: 3 of 6 sections',
    );
    expect(
      screen.getByText(
        /Missing: Bias, risks and limitations, Training data, Ethical considerations\./,
      ),
    ).toBeInTheDocument();
    // What the About card shows is not repeated.
    expect(screen.queryByText('Owner')).not.toBeInTheDocument();
    expect(screen.queryByText('Lifecycle')).not.toBeInTheDocument();
    expect(screen.queryByText('System')).not.toBeInTheDocument();
    expect(
      screen.queryByText(fraudDetector.metadata.description!),
    ).not.toBeInTheDocument();
  });

  it("shows a Hugging Face README of the production version as the card's sections", async () => {
    server.use(
      inProduction,
      productionVersions([
        version(4, {
          stage: 'production',
          card: {
            markdown: [
              '---',
              'license: apache-2.0',
              '---',
              '# Model Card for fraud-detector',
              '## MODEL DETAILS',
              'Gradient-boosted trees over **212** features.',
              '## Uses',
              'Overridden by the catalog.',
              '## Bias, Risks, and Limitations',
              '[More Information Needed]',
              '## How to Get Started with the Model',
              'Load `models:/fraud-detector@champion`.',
              '## Training Details',
              '### Training Data',
              'Twelve months of transactions.',
              '## Citation',
              'Acme risk team, 2026.',
            ].join('\n'),
          },
        }),
      ]),
      monitoring(),
    );
    await render();
    const details = await screen.findByText(
      /Gradient-boosted trees over/,
      {},
      { timeout: 20_000 },
    );
    expect(within(details).getByText('212').tagName).toBe('STRONG');
    const headings = screen
      .getAllByRole('heading', { level: 3 })
      .map(h => h.textContent);
    // Known sections under their Hugging Face titles in the template's order, others after.
    expect(headings).toEqual(
      expect.arrayContaining([
        'Model details',
        'Intended use',
        'How to get started',
        'Training data',
        'License',
        'Citation',
      ]),
    );
    expect(headings.indexOf('Model details')).toBeLessThan(
      headings.indexOf('Intended use'),
    );
    expect(headings.indexOf('License')).toBeLessThan(
      headings.indexOf('Citation'),
    );
    // The catalog's spec.card wins over the version's card.
    expect(screen.getByText('Real-time scoring.')).toBeInTheDocument();
    expect(screen.queryByText('Overridden by the catalog.')).toBeNull();
    expect(
      screen.getByText('Twelve months of transactions.'),
    ).toBeInTheDocument();
    // The catalog's license wins too.
    expect(screen.getByText('proprietary')).toBeInTheDocument();
    // A template placeholder is a missing section.
    expect(screen.getByTestId('card-completeness')).toHaveTextContent(
      'Card: 3 of 6 sections',
    );
    expect(
      screen.getByText(
        /Missing: Bias, risks and limitations, Evaluation, Ethical considerations\./,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('[More Information Needed]')).toBeNull();
  });

  it('links run and code only for http(s) URIs, showing any other scheme as text', async () => {
    server.use(
      http.get(model, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          registeredByApi: false,
          versionCount: 4,
          latestVersion: 4,
          stageOccupants: { production: 4 },
          aliases: {},
        }),
      ),
      productionVersions([
        version(4, {
          stage: 'production',
          runId: 'run-4',
          runLink: SCRIPT_URI,
          code: { repository: 'file:///srv/git/fraud', commit: 'abc123' },
        }),
      ]),
      monitoring(),
    );
    await render();
    const run = await screen.findByText(/Training run run-4/);
    expect(run.closest('a')).toBeNull();
    expect(run).toHaveAttribute('title', SCRIPT_URI);
    const code = screen.getByText(/Code @ abc123/);
    expect(code.closest('a')).toBeNull();
    expect(code).toHaveAttribute('title', 'file:///srv/git/fraud');
    expect(screen.queryByRole('link', { name: /Training run/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /Code @/ })).toBeNull();
  });

  it('shows the latest version of a model with nothing in production', async () => {
    server.use(
      http.get(model, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          registeredByApi: false,
          versionCount: 2,
          latestVersion: 2,
          stageOccupants: { staging: 2 },
          aliases: {},
        }),
      ),
      productionVersions([]),
      http.get(`${model}/versions/2`, () =>
        HttpResponse.json(
          version(2, { stage: 'staging', source: 's3://models/fd/v2' }),
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText('s3://models/fd/v2', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('None in production yet')).toBeInTheDocument();
  });

  it('shows a model without versions', async () => {
    server.use(
      productionVersions([]),
      http.get(model, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          registeredByApi: false,
          versionCount: 0,
          stageOccupants: {},
          aliases: {},
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'No versions registered yet',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('None in production yet')).toBeInTheDocument();
    // How to register the first version, with the model's name filled in.
    expect(
      await screen.findByText(/No versions yet. Register the first one/),
    ).toBeInTheDocument();
    // The snippets are highlighted (split into spans): check the code's text, and wait for
    // the highlighter (it loads each language asynchronously) to have marked a token of it.
    const snippetShows = async (text: string, token: string) =>
      await waitFor(() => {
        expect(document.body.textContent).toContain(text);
        const spans = [...document.querySelectorAll('pre code span')];
        expect(spans.map(span => span.textContent)).toContain(token);
      });
    await snippetShows(
      'curl -X POST "https://portal.example.com/api/model-registry/models/default/fraud-detector/versions"',
      "'Content-Type: application/json'",
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Python' }));
    await snippetShows(
      '"https://portal.example.com/api/model-registry/models/default/fraud-detector/versions"',
      'import',
    );
    expect(document.body.textContent).toContain('requests.post(');
    fireEvent.click(screen.getByRole('tab', { name: 'MLflow client' }));
    await snippetShows(
      'mlflow.set_registry_uri("https://portal.example.com/api/model-registry/mlflow")',
      'import',
    );
    expect(document.body.textContent).toContain(
      'mlflow.register_model("runs:/<run id>/model", "fraud-detector")',
    );
  });

  it('renders card markdown sanitized: no script, no javascript: link', async () => {
    server.use(
      productionVersions([]),
      http.get(model, () =>
        HttpResponse.json({
          modelRef: 'mlmodel:default/fraud-detector',
          registeredByApi: false,
          versionCount: 0,
          stageOccupants: {},
          aliases: {},
        }),
      ),
    );
    await render({
      ...fraudDetector,
      spec: {
        ...fraudDetector.spec,
        card: {
          // eslint-disable-next-line no-script-url -- checks that it is never a link
          intendedUse:
            '**Scoring** [run me](javascript:alert(1)) <script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2">',
        },
      },
    });
    expect(
      await screen.findByText('Scoring', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('Scoring').tagName).toBe('STRONG');
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('img[onerror]')).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
    expect((window as any).pwned).toBeUndefined();
  });

  it('shows the server error when the registry fails', async () => {
    server.use(
      productionVersions([]),
      http.get(model, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        /Could not load the registry data/,
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
  });

  it('shows the production health: latest values against thresholds, sparklines and open alerts', async () => {
    server.use(
      inProduction,
      productionVersions([version(4, { stage: 'production' })]),
      monitoring({
        series: [
          {
            metric: 'accuracy',
            threshold: { metric: 'accuracy', min: 0.9, origin: 'api' },
            points: [point(0.95, 0), point(0.93, 10), point(0.94, 20)],
          },
          {
            metric: 'drift',
            threshold: { metric: 'drift', max: 0.2, origin: 'annotation' },
            points: [point(0.1, 0), point(0.25, 10), point(0.42, 20)],
          },
          { metric: 'latency_ms', points: [point(81, 0), point(95, 10)] },
        ],
        alerts: [
          {
            id: 7,
            modelRef: 'mlmodel:default/fraud-detector',
            version: 4,
            metric: 'drift',
            status: 'open',
            value: 0.25,
            lastValue: 0.42,
            max: 0.2,
            summary: 'feature drift on amount',
            lastObservedAt: '2026-12-01T10:20:00.000Z',
            openedAt: '2026-12-01T10:10:00.000Z',
          },
          {
            id: 3,
            modelRef: 'mlmodel:default/fraud-detector',
            version: 4,
            metric: 'accuracy',
            status: 'resolved',
            value: 0.85,
            lastValue: 0.95,
            min: 0.9,
            lastObservedAt: '2026-12-01T09:00:00.000Z',
            openedAt: '2026-12-01T08:00:00.000Z',
            resolvedAt: '2026-12-01T09:00:00.000Z',
          },
        ],
      }),
    );
    await render();
    const section = await screen.findByRole(
      'region',
      { name: 'Production health' },
      { timeout: 20_000 },
    );
    expect(
      within(section).getByText('Production health (v4 in production)'),
    ).toBeInTheDocument();

    const accuracy = within(section).getByTestId('health-accuracy');
    expect(within(accuracy).getByText('0.94')).toBeInTheDocument();
    expect(within(accuracy).getByText('min 0.9')).toBeInTheDocument();
    expect(within(accuracy).getByText('ok')).toBeInTheDocument();
    expect(
      within(accuracy).getByRole('img', {
        name: 'accuracy: 3 observations, latest 0.94',
      }),
    ).toBeInTheDocument();

    const drift = within(section).getByTestId('health-drift');
    expect(within(drift).getByText('0.42')).toBeInTheDocument();
    expect(within(drift).getByText('max 0.2')).toBeInTheDocument();
    expect(within(drift).getByText('breach')).toBeInTheDocument();
    const line = within(drift).getByRole('img').querySelector('polyline');
    expect(line?.getAttribute('points')?.split(' ')).toHaveLength(3);

    // a metric without a threshold shows its value, no verdict
    const latency = within(section).getByTestId('health-latency_ms');
    expect(within(latency).getByText('no threshold')).toBeInTheDocument();
    expect(within(latency).queryByText('ok')).toBeNull();

    // only the open alert, not the resolved one
    const alerts = within(section).getAllByRole('listitem');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toHaveTextContent(
      /Alert: drift 0.42 \(threshold max 0.2\) since .* — feature drift on amount/,
    );
  });

  it('says the production version is not monitored when nothing was reported', async () => {
    server.use(
      inProduction,
      productionVersions([version(4, { stage: 'production' })]),
      monitoring(),
    );
    await render();
    expect(
      await screen.findByText(
        'v4 is not monitored yet: no observations reported.',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).toBeNull();
  });
});
