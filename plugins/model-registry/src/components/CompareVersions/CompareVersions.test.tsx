import { LineageGraph } from '@model-registry/plugin-model-registry-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { Route, Routes, useLocation } from 'react-router-dom';
import { fraudDetector, REGISTRY, version } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { VersionsTab } from '../VersionsTab';

const MODEL = `${REGISTRY}/models/default/fraud-detector`;
const PAGE = '/catalog/default/mlmodel/fraud-detector';
const wait = { timeout: 10_000 };

const versions = {
  3: version(3, {
    stage: 'archived',
    metrics: { auc: 0.93, val_loss: 0.3 },
    params: { depth: '3', learning_rate: '0.1' },
    tags: { team: 'risk', data: '2026-09' },
    card: { intendedUse: 'Scoring v3.', limitations: 'Old data.' },
  }),
  4: version(4, {
    stage: 'production',
    aliases: ['champion'],
    metrics: { auc: 0.95, val_loss: 0.25 },
    params: { depth: '4', learning_rate: '0.1' },
    tags: { team: 'risk', data: '2026-10' },
    card: { intendedUse: 'Scoring v4.' },
  }),
  5: version(5, {
    stage: 'staging',
    metrics: { auc: 0.97, val_loss: 0.28, recall: 0.8 },
    params: { depth: '5', learning_rate: '0.1' },
    tags: { team: 'risk', data: '2026-11' },
    card: { intendedUse: 'Scoring v5.' },
  }),
} as const;

function lineageOf(n: number): LineageGraph {
  const root = `version:mlmodel:default/fraud-detector@${n}`;
  const dataset =
    n === 3
      ? 'entity:resource:default/transactions-2025'
      : 'entity:resource:default/transactions-2026';
  return {
    root,
    nodes: [
      {
        id: root,
        type: 'version',
        ref: 'mlmodel:default/fraud-detector',
        version: n,
        depth: 0,
      },
      {
        id: dataset,
        type: 'entity',
        ref: dataset.slice('entity:'.length),
        depth: -1,
      },
      {
        id: 'version:mlmodel:default/tabular-encoder@3',
        type: 'version',
        ref: 'mlmodel:default/tabular-encoder',
        version: 3,
        depth: -1,
      },
    ],
    edges: [
      { from: root, to: dataset, relation: 'trainedOn' },
      {
        from: root,
        to: 'version:mlmodel:default/tabular-encoder@3',
        relation: 'fineTunedFrom',
      },
    ],
  };
}

const server = setupRegistryServer();

function serve() {
  server.use(
    http.get(`${MODEL}/versions/:v`, ({ params }) => {
      const v = versions[Number(params.v) as 3 | 4 | 5];
      if (v) return HttpResponse.json(v);
      return HttpResponse.json(
        {
          error: {
            name: 'NotFoundError',
            message: `version ${params.v} not found`,
          },
          response: { statusCode: 404 },
        },
        { status: 404 },
      );
    }),
    http.get(`${MODEL}/versions/:v/lineage`, ({ params }) =>
      HttpResponse.json(lineageOf(Number(params.v))),
    ),
  );
}

function Location() {
  const location = useLocation();
  return (
    <output data-testid="location">{`${location.pathname}${location.search}`}</output>
  );
}

function render(search: string) {
  return renderWithRegistry(
    <Routes>
      <Route
        path="/catalog/:namespace/:kind/:name/versions/*"
        element={
          <>
            <VersionsTab />
            <Location />
          </>
        }
      />
    </Routes>,
    { entity: fraudDetector, routeEntries: [`${PAGE}/versions${search}`] },
  );
}

const cell = (metric: string, v: number) =>
  screen.getByTestId(`metric-${metric}-v${v}`);

describe('CompareVersions', () => {
  it.each([
    [
      '?compare=3',
      'Pick at least 2 versions to compare; the link names only version 3.',
    ],
    [
      '?compare=1,2,3,4,5',
      'At most 4 versions can be compared; the link names 5 (1, 2, 3, 4, 5).',
    ],
    [
      '?compare=3,abc',
      'The compare parameter takes version numbers; "abc" is not.',
    ],
    [
      '?compare=3,4&baseline=5',
      'The baseline, version 5, is not one of the compared versions (3, 4).',
    ],
    [
      '?compare=4,99',
      'Fraud detector has no version 99: it does not exist or was deleted.',
    ],
    [
      '?compare=98,4,99',
      'Fraud detector has no versions 98 and 99: they do not exist or were deleted.',
    ],
  ])('%s: says what is wrong with the link', async (search, message) => {
    serve();
    await render(search);
    expect(await screen.findByRole('alert', {}, wait)).toHaveTextContent(
      message,
    );
    expect(
      screen.getByRole('link', { name: 'Back to the versions' }),
    ).toHaveAttribute('href', `${PAGE}/versions`);
    expect(
      screen.queryByRole('table', { name: 'Metric comparison' }),
    ).toBeNull();
  });

  it('shows the metrics against the production version by default, the best marked', async () => {
    serve();
    await render('?compare=3,4,5');
    const table = await screen.findByRole(
      'table',
      { name: 'Metric comparison' },
      wait,
    );
    expect(
      screen.getByText('Compare versions of Fraud detector'),
    ).toBeInTheDocument();
    // v4 is in production: the baseline, without a difference of its own
    expect(screen.getByLabelText('Baseline')).toHaveValue('4');
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map(h => h.textContent)).toEqual([
      'Metric',
      'v3 (archived)',
      'v4 (production)baseline',
      'v5 (staging)',
    ]);
    expect(
      within(headers[2]).getByRole('link', { name: 'v4 (production)' }),
    ).toHaveAttribute('href', `${PAGE}/versions/4`);
    expect(cell('auc', 4)).toHaveTextContent(/^0\.9500$/);
    expect(cell('auc', 3)).toHaveTextContent('0.9300-0.02000');
    expect(cell('auc', 5)).toHaveTextContent('0.9700★+0.02000');
    // higher auc is better: v5 is best; lower val_loss is better: v4 is best
    expect(
      within(cell('auc', 5)).getByRole('img', { name: 'best' }),
    ).toBeInTheDocument();
    expect(
      within(cell('auc', 3)).queryByRole('img', { name: 'best' }),
    ).toBeNull();
    expect(
      within(cell('val_loss', 4)).getByRole('img', { name: 'best' }),
    ).toBeInTheDocument();
    expect(
      within(cell('val_loss', 5)).queryByRole('img', { name: 'best' }),
    ).toBeNull();
    expect(screen.getByTestId('metric-row-val_loss')).toHaveTextContent(
      'lower is better',
    );
    expect(screen.getByTestId('metric-row-auc')).toHaveTextContent(
      'higher is better',
    );
    // a metric only one version has: no difference, no best
    expect(cell('recall', 5)).toHaveTextContent(/^0\.8000$/);
    expect(cell('recall', 4)).toHaveTextContent('—');
  });

  it('changes the baseline in the URL, and the differences with it', async () => {
    serve();
    await render('?compare=3,4,5');
    await screen.findByRole('table', { name: 'Metric comparison' }, wait);
    fireEvent.change(screen.getByLabelText('Baseline'), {
      target: { value: '5' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        `${PAGE}/versions?compare=3,4,5&baseline=5`,
      ),
    );
    await waitFor(() =>
      expect(cell('auc', 4)).toHaveTextContent('0.9500-0.02000'),
    );
    expect(cell('auc', 3)).toHaveTextContent('0.9300-0.04000');
    expect(cell('auc', 5)).toHaveTextContent(/^0\.9700★$/);
    expect(screen.getByLabelText('Baseline')).toHaveValue('5');
  });

  it('takes the baseline from the URL', async () => {
    serve();
    await render('?compare=4,5&baseline=5');
    await screen.findByRole('table', { name: 'Metric comparison' }, wait);
    expect(screen.getByLabelText('Baseline')).toHaveValue('5');
    expect(cell('auc', 4)).toHaveTextContent('0.9500-0.02000');
  });

  it('shows the params and tags that differ, all of them on the toggle', async () => {
    serve();
    await render('?compare=3,4,5');
    const params = await screen.findByRole(
      'table',
      { name: 'Parameter comparison' },
      wait,
    );
    expect(screen.getByText('1 of 2 parameters differ.')).toBeInTheDocument();
    expect(
      within(params).getByTestId('parameters-row-depth'),
    ).toHaveTextContent('depth345');
    expect(within(params).queryByText('learning_rate')).toBeNull();
    const tags = screen.getByRole('table', { name: 'Tag comparison' });
    expect(within(tags).getByTestId('tags-row-data')).toHaveTextContent(
      'data2026-092026-102026-11',
    );
    expect(within(tags).queryByText('team')).toBeNull();

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Show equal values too' }),
    );
    expect(
      within(params).getByTestId('parameters-row-learning_rate'),
    ).toHaveTextContent('learning_rate0.10.10.1');
    expect(within(tags).getByTestId('tags-row-team')).toBeInTheDocument();
  });

  it('shows the card sections side by side and the lineage links that differ', async () => {
    serve();
    await render('?compare=3,4,5');
    const card = await screen.findByRole(
      'table',
      { name: 'Card sections' },
      wait,
    );
    const intended = within(card).getByText('Intended use').closest('tr')!;
    expect(intended).toHaveTextContent('Scoring v3.Scoring v4.Scoring v5.');
    const limitations = within(card).getByText('Limitations').closest('tr')!;
    expect(limitations).toHaveTextContent('Old data.——');

    const lineage = await screen.findByRole(
      'table',
      { name: 'Lineage links' },
      wait,
    );
    expect(
      screen.getByText('2 of 3 lineage links differ.'),
    ).toBeInTheDocument();
    const old = within(lineage)
      .getByRole('link', { name: /transactions-2025/ })
      .closest('tr')!;
    expect(
      within(old).getByRole('img', { name: 'v3 has it' }),
    ).toBeInTheDocument();
    expect(
      within(old).getByRole('img', { name: 'v4 has not' }),
    ).toBeInTheDocument();
    expect(
      within(lineage).getByRole('link', { name: /transactions-2026/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/transactions-2026');
    // the shared base model shows only with the toggle
    expect(
      within(lineage).queryByRole('link', { name: 'tabular-encoder v3' }),
    ).toBeNull();
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Show equal values too' }),
    );
    expect(
      within(lineage).getByRole('link', { name: 'tabular-encoder v3' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/tabular-encoder/versions/3',
    );
  });

  it('copies the link of the comparison, with its baseline', async () => {
    serve();
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, 'clipboard', {
      value: { writeText },
      configurable: true,
    });
    await render('?compare=3,4,5');
    await screen.findByRole('table', { name: 'Metric comparison' }, wait);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(await screen.findByText('Link copied.')).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith(
      `http://localhost${PAGE}/versions?compare=3,4,5&baseline=4`,
    );
  });
});
