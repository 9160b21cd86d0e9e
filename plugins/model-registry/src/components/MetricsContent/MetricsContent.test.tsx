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

// jsdom lays nothing out: give the charts the size ResponsiveContainer would measure.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  const react = jest.requireActual('react');
  return {
    ...actual,
    ResponsiveContainer: (props: { children: any }) =>
      react.cloneElement(props.children, { width: 800, height: 240 }),
  };
});

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
  aliases: string[] = [],
): ModelVersion {
  const day = String(1 + (v % 28)).padStart(2, '0');
  return {
    modelRef: 'mlmodel:default/fraud-detector',
    version: v,
    status: 'ready',
    stage,
    aliases,
    source: `s3://acme-models/fraud-detector/v${v}/model`,
    metrics,
    params: {},
    tags: {},
    createdBy: 'user:default/alice',
    createdAt: `2026-07-${day}T10:00:00.000Z`,
    updatedBy: 'user:default/alice',
    updatedAt: '2026-07-01T10:00:00.000Z',
    stageUpdatedAt: '2026-07-01T10:00:00.000Z',
  };
}

const versions = [
  version(1, 'archived', { auc: 0.9, loss: 0.5 }),
  version(2, 'archived', { auc: 0.93 }),
  version(3, 'none', {}),
  version(4, 'production', { auc: 0.95, loss: 0.3 }, ['champion']),
  version(5, 'staging', { auc: 0.96, recall: 0.8 }, ['challenger']),
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

function render(annotations?: Record<string, string>) {
  return renderWithRegistry(<MetricsContent />, {
    entity: {
      ...entity,
      metadata: { ...entity.metadata, ...(annotations ? { annotations } : {}) },
    },
  });
}

function charts() {
  return screen
    .getAllByRole('img', { name: /^Line chart of/, hidden: true })
    .map(chart => chart.getAttribute('data-testid'));
}

function tableRows() {
  const table = screen.getByRole('table', { name: 'Metrics by version' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );
}

describe('MetricsContent', () => {
  it('charts the key metrics of the annotation, production and aliases marked', async () => {
    serve(versions);
    await render({
      'model-registry.io/key-metrics': 'loss, auc, not-recorded',
    });

    const auc = await screen.findByRole('img', { name: /Line chart of auc/ });
    expect(charts()).toEqual(['metric-chart-loss', 'metric-chart-auc']);
    expect(requests).toHaveLength(1);
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      limit: '20',
      sort: 'version',
      order: 'desc',
    });
    expect(auc).toHaveAttribute(
      'aria-label',
      'Line chart of auc over 4 versions, from 0.9 at version 1 to 0.96 at version 5. ' +
        'Lowest 0.9 at version 1, highest 0.96 at version 5. Production version 4: 0.95.',
    );

    // One point per version with a value; the production one is a distinct marker.
    expect(
      within(auc)
        .getAllByTestId('point')
        .map(p => p.querySelector('title')!.textContent),
    ).toEqual([
      'Version 1 (archived): auc = 0.9',
      'Version 2 (archived): auc = 0.93',
      'Version 5 (staging): auc = 0.96',
    ]);
    expect(
      within(auc).getByTestId('serving-point').querySelector('title')!
        .textContent,
    ).toBe('Version 4 (production): auc = 0.95');
    // Reference lines: the production version with its alias, the other aliased version.
    expect(
      within(auc).getByText('production v4 · champion'),
    ).toBeInTheDocument();
    expect(within(auc).getByText('challenger v5')).toBeInTheDocument();
    // Versions on the x-axis.
    expect(within(auc).getByText('v1')).toBeInTheDocument();

    // The numbers in a table, newest first, each version linking to its page.
    expect(tableRows()).toEqual([
      ['v5', 'staging', 'challenger', '6 Jul 2026', '—', '0.96'],
      ['v4', 'production', 'champion', '5 Jul 2026', '0.3', '0.95'],
      ['v3', 'none', '', '4 Jul 2026', '—', '—'],
      ['v2', 'archived', '', '3 Jul 2026', '—', '0.93'],
      ['v1', 'archived', '', '2 Jul 2026', '0.5', '0.9'],
    ]);
    expect(screen.getByRole('link', { name: 'v4' })).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/4',
    );
  });

  it('charts the most common metrics without the annotation, and the picker changes them', async () => {
    serve(versions);
    await render();
    await screen.findByRole('img', { name: /Line chart of auc/ });
    expect(charts()).toEqual([
      'metric-chart-auc',
      'metric-chart-loss',
      'metric-chart-recall',
    ]);

    fireEvent.mouseDown(screen.getByRole('button', { name: /^Metrics/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'loss' }));
    expect(charts()).toEqual(['metric-chart-auc', 'metric-chart-recall']);
    fireEvent.click(screen.getByRole('option', { name: 'auc' }));
    expect(charts()).toEqual(['metric-chart-recall']);
    const recall = screen.getByRole('img', {
      name: /Line chart of recall over 1 version,.*No production version has a value\./,
      hidden: true,
    });
    expect(within(recall).queryByTestId('serving-point')).toBeNull();
    expect(
      screen.getByText('The production version (v4) has no recall value.'),
    ).toBeInTheDocument();
    // The last metric cannot be unchosen: a chart always remains.
    fireEvent.click(screen.getByRole('option', { name: 'recall' }));
    expect(charts()).toEqual(['metric-chart-recall']);
  });

  it('places versions by time on request', async () => {
    serve(versions);
    await render({ 'model-registry.io/key-metrics': 'auc' });
    const auc = await screen.findByRole('img', { name: /Line chart of auc/ });
    expect(within(auc).queryByText(/Jul 26/)).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'By time' }));
    expect(
      within(
        screen.getByRole('img', { name: /Line chart of auc/ }),
      ).getAllByText(/Jul 26/).length,
    ).toBeGreaterThan(0);
  });

  it('shows the newest page of versions and pages back and forth', async () => {
    serve(
      Array.from({ length: 45 }, (_, i) =>
        version(i + 1, i + 1 === 30 ? 'production' : 'none', {
          auc: 0.5 + (i + 1) / 1000,
        }),
      ),
    );
    await render();

    await screen.findByRole('img', {
      name: /Line chart of auc over 20 versions/,
    });
    expect(
      screen.getByText(
        '1 metric across versions v26–v45 (20 versions, older ones on the next page)',
      ),
    ).toBeInTheDocument();
    expect(tableRows()[0][0]).toBe('v45');
    expect(
      screen.getByRole('button', { name: 'Newer versions' }),
    ).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Older versions' }));
    await screen.findByText(
      '1 metric across versions v6–v25 (20 versions, older ones on the next page)',
    );
    expect(requests[1].searchParams.get('cursor')).toBe('20');
    expect(tableRows().map(r => r[0])).toContain('v6');
    expect(tableRows().map(r => r[0])).not.toContain('v26');

    fireEvent.click(screen.getByRole('button', { name: 'Older versions' }));
    await screen.findByText('1 metric across versions v1–v5 (5 versions)');
    expect(requests[2].searchParams.get('cursor')).toBe('40');
    expect(
      screen.getByRole('button', { name: 'Older versions' }),
    ).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Newer versions' }));
    await screen.findByText(
      '1 metric across versions v6–v25 (20 versions, older ones on the next page)',
    );
  });

  it('says so when there are no versions', async () => {
    serve([]);
    await render();
    expect(await screen.findByText('No versions registered')).toBeVisible();
    expect(
      screen.queryByRole('img', { name: /Line chart/ }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
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
