import { Entity } from '@backstage/catalog-model';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY as BASE } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { MetricsContent } from './MetricsContent';

const MODEL = `${BASE}/models/default/fraud-detector`;

const entity: Entity = {
  apiVersion: 'model-registry.dev/v1alpha1',
  kind: 'MLModel',
  metadata: { name: 'fraud-detector', namespace: 'default' },
  spec: { type: 'classification', lifecycle: 'production', owner: 'risk-ml' },
};

function version(
  v: number,
  stage: string,
  metrics: Record<string, number>,
): ModelVersion {
  return {
    modelRef: 'mlmodel:default/fraud-detector',
    version: v,
    status: 'ready',
    stage,
    aliases: [],
    source: `s3://acme-models/fraud-detector/v${v}/model`,
    metrics,
    params: {},
    tags: {},
    createdBy: 'user:default/alice',
    createdAt: '2026-07-01T10:00:00.000Z',
    updatedBy: 'user:default/alice',
    updatedAt: '2026-07-01T10:00:00.000Z',
    stageUpdatedAt: '2026-07-01T10:00:00.000Z',
  };
}

const versions = [
  version(1, 'archived', { auc: 0.9, loss: 0.5 }),
  version(2, 'archived', { auc: 0.93 }),
  version(3, 'none', {}),
  version(4, 'production', { auc: 0.95, loss: 0.3 }),
  version(5, 'staging', { auc: 0.96, recall: 0.8 }),
];

const server = setupRegistryServer();

let requests: URL[] = [];
/** The versions list as the server answers it: sorted by version, `limit` per page. */
function serve(items: ModelVersion[]) {
  requests = [];
  server.use(
    http.get(`${MODEL}/versions`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      const descending = url.searchParams.get('order') === 'desc';
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const sorted = [...items].sort((a, b) =>
        descending ? b.version - a.version : a.version - b.version,
      );
      const page = sorted.slice(offset, offset + limit);
      return HttpResponse.json({
        items: page,
        ...(offset + limit < sorted.length
          ? { nextCursor: String(offset + limit) }
          : {}),
      });
    }),
  );
}

function render() {
  return renderWithRegistry(<MetricsContent />, { entity });
}

async function chooseMetric(name: string) {
  fireEvent.mouseDown(screen.getByRole('button', { name: /^Metric/ }));
  fireEvent.click(await screen.findByRole('option', { name }));
}

describe('MetricsContent', () => {
  it('charts the most common metric over versions, production marked', async () => {
    serve(versions);
    await render();

    const chart = await screen.findByRole('img', { name: /Line chart of auc/ });
    expect(requests).toHaveLength(1);
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      limit: '100',
      sort: 'version',
      order: 'desc',
    });
    expect(screen.getByRole('button', { name: /^Metric auc/ })).toBeVisible();
    expect(chart).toHaveAttribute(
      'aria-label',
      'Line chart of auc over 4 versions, from 0.9 at version 1 to 0.96 at version 5. ' +
        'Lowest 0.9 at version 1, highest 0.96 at version 5. Production version 4: 0.95.',
    );

    // One point per version with a value; the production one is a distinct marker.
    const points = within(chart).getAllByTestId('point');
    expect(points.map(p => p.querySelector('title')!.textContent)).toEqual([
      'Version 1 (archived): auc = 0.9',
      'Version 2 (archived): auc = 0.93',
      'Version 5 (staging): auc = 0.96',
    ]);
    const production = within(chart).getByTestId('serving-point');
    expect(production.tagName.toLowerCase()).toBe('rect');
    expect(production.querySelector('title')!.textContent).toBe(
      'Version 4 (production): auc = 0.95',
    );
    expect(within(chart).getByTestId('legend')).toHaveTextContent(
      /auc.*production/,
    );

    // Axes: versions on x, rounded values on y, both labelled.
    expect(
      within(chart)
        .getAllByTestId('x-tick')
        .map(t => t.textContent),
    ).toEqual(['v1', 'v2', 'v4', 'v5']);
    const yTicks = within(chart)
      .getAllByTestId('y-tick')
      .map(t => Number(t.textContent));
    expect(yTicks[0]).toBeLessThanOrEqual(0.9);
    expect(yTicks[yTicks.length - 1]).toBeGreaterThanOrEqual(0.96);
    expect(chart).toHaveTextContent('Version');

    // The values, also as a table.
    const table = screen.getByRole('table', { name: 'auc by version' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      ['v1', 'archived', '0.9'],
      ['v2', 'archived', '0.93'],
      ['v3', 'none', '—'],
      ['v4', 'production', '0.95'],
      ['v5', 'staging', '0.96'],
    ]);
  });

  it('switches metric with the select', async () => {
    serve(versions);
    await render();
    await screen.findByRole('img', { name: /Line chart of auc/ });

    await chooseMetric('loss');
    const chart = await screen.findByRole('img', {
      name: /Line chart of loss over 2 versions/,
    });
    expect(within(chart).getByTestId('serving-point')).toHaveTextContent(
      'Version 4 (production): loss = 0.3',
    );
    expect(
      screen.getByRole('table', { name: 'loss by version' }),
    ).toBeInTheDocument();

    await chooseMetric('recall');
    const recall = await screen.findByRole('img', {
      name: /Line chart of recall over 1 version,.*No production version has a value\./,
    });
    expect(within(recall).queryByTestId('serving-point')).toBeNull();
    expect(within(recall).getByTestId('legend')).not.toHaveTextContent(
      'production',
    );
    expect(
      screen.getByText('The production version (v4) has no recall value.'),
    ).toBeInTheDocument();
  });

  it('charts the newest versions of a model with more than one page of them', async () => {
    serve(
      Array.from({ length: 120 }, (_, i) =>
        version(i + 1, i + 1 === 110 ? 'production' : 'none', {
          auc: 0.5 + (i + 1) / 1000,
        }),
      ),
    );
    await render();

    const chart = await screen.findByRole('img', { name: /Line chart of auc/ });
    expect(requests).toHaveLength(1);
    expect(chart).toHaveAttribute(
      'aria-label',
      expect.stringMatching(
        /^Line chart of auc over 100 versions, from 0\.521 at version 21 to 0\.62 at version 120\..*Production version 110: 0\.61\.$/,
      ),
    );
    expect(
      screen.getByText('One metric across 100 versions (the newest 100)'),
    ).toBeInTheDocument();
    // A DOM query: role queries over a 100-row table cost seconds.
    const versionCells = [
      ...screen
        .getByRole('table', { name: 'auc by version' })
        .querySelectorAll('tbody tr'),
    ].map(row => (row as HTMLTableRowElement).cells[0].textContent);
    expect(versionCells).toHaveLength(100);
    expect(versionCells[0]).toBe('v21');
    expect(versionCells[99]).toBe('v120');
    expect(versionCells).not.toContain('v20');
    expect(
      [...chart.querySelectorAll('[data-testid="x-tick"]')].map(
        t => t.textContent,
      ),
    ).toEqual([
      'v21',
      'v31',
      'v41',
      'v51',
      'v61',
      'v71',
      'v81',
      'v91',
      'v101',
      'v111',
    ]);
  });

  it('says so when there are no versions', async () => {
    serve([]);
    await render();
    expect(await screen.findByText('No versions registered')).toBeVisible();
    expect(
      screen.queryByRole('img', { name: /Line chart/ }),
    ).not.toBeInTheDocument();
  });

  it('says so when no version has metrics', async () => {
    serve([version(1, 'none', {}), version(2, 'staging', {})]);
    await render();
    expect(await screen.findByText('No metrics recorded')).toBeVisible();
    expect(
      screen.getByText(/None of the 2 versions has metrics/),
    ).toBeVisible();
  });

  it('shows the error of a failed request', async () => {
    server.use(
      http.get(`${MODEL}/versions`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not allowed' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'Error: Could not load the versions of this model: not allowed',
      ),
    ).toBeInTheDocument();
  });
});
