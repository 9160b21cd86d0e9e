import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { fraudDetector, REGISTRY, version } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { ModelCard } from './ModelCard';

const server = setupRegistryServer();

function render() {
  return renderWithRegistry(<ModelCard />, { entity: fraudDetector });
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
    );
    await render();
    expect(
      await screen.findByText('v4', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('v5 (5 versions)')).toBeInTheDocument();
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
    expect(screen.getByText('Real-time scoring.')).toBeInTheDocument();
    // the model-level card has no evaluation; the production version's card fills it
    expect(
      screen.getByText('AUC 0.97 on the held-out month'),
    ).toBeInTheDocument();
    // missing sections say who can fill them in
    expect(screen.getAllByText(/Missing\./)).toHaveLength(3);
    expect(screen.getByText('spec.card.limitations')).toBeInTheDocument();
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
});
