import {
  HistoryEntry,
  LineageGraph,
} from '@model-registry/plugin-model-registry-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { Route, Routes } from 'react-router-dom';
import { fraudDetector, REGISTRY, version } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { VersionsTab } from '../VersionsTab';

const MODEL = `${REGISTRY}/models/default/fraud-detector`;
const PAGE = '/catalog/default/mlmodel/fraud-detector';
const wait = { timeout: 10_000 };

const summary = {
  modelRef: 'mlmodel:default/fraud-detector',
  registeredByApi: false,
  versionCount: 5,
  latestVersion: 5,
  stageOccupants: { production: 4, staging: 5 },
  aliases: { challenger: 5, champion: 4 },
};

const v5 = version(5, {
  stage: 'staging',
  aliases: ['challenger'],
  description: 'Retrained on November data',
  runId: 'run-42',
  runLink: 'https://tracking.example.com/#/runs/run-42',
  code: {
    repository: 'https://github.com/acme/fraud-detector.git',
    commit: '4c123b1612dd9f',
  },
  framework: 'xgboost',
  metrics: { auc: 0.97, val_loss: 0.21 },
  params: { max_depth: '6', learning_rate: '0.1' },
  tags: { team: 'risk' },
  signature: {
    inputs: JSON.stringify([
      { name: 'amount', type: 'double' },
      { name: 'merchant', type: 'string', required: false },
    ]),
    outputs: [
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 1] } },
    ],
  },
  card: {
    intendedUse: 'Scoring **card** transactions.',
    limitations: 'Not for wire transfers.',
  },
});

const root = 'version:mlmodel:default/fraud-detector@5';
const lineage: LineageGraph = {
  root,
  nodes: [
    {
      id: root,
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
      id: 'version:mlmodel:default/tabular-encoder@3',
      type: 'version',
      ref: 'mlmodel:default/tabular-encoder',
      version: 3,
      depth: -1,
    },
    {
      id: 'uri:https://tracking.example.com/#/runs/run-42',
      type: 'uri',
      ref: 'https://tracking.example.com/#/runs/run-42',
      depth: -1,
    },
    {
      id: 'uri:s3://data/features',
      type: 'uri',
      ref: 's3://data/features',
      depth: -1,
    },
  ],
  edges: [
    {
      from: root,
      to: 'entity:resource:default/card-transactions',
      relation: 'trainedOn',
    },
    {
      from: root,
      to: 'version:mlmodel:default/tabular-encoder@3',
      relation: 'fineTunedFrom',
    },
    {
      from: root,
      to: 'uri:https://tracking.example.com/#/runs/run-42',
      relation: 'producedByRun',
    },
    { from: root, to: 'uri:s3://data/features', relation: 'trainedOn' },
  ],
};

const history: HistoryEntry[] = [
  {
    id: 12,
    modelRef: summary.modelRef,
    version: 5,
    action: 'version.stage',
    actor: 'user:default/bob',
    comment: 'ready for shadow traffic',
    before: { stage: 'none' },
    after: { stage: 'staging' },
    createdAt: '2026-11-02T10:00:00.000Z',
  },
  {
    id: 11,
    modelRef: summary.modelRef,
    version: 5,
    action: 'version.update',
    actor: 'user:default/alice',
    before: { description: 'first try' },
    after: { description: 'Retrained on November data' },
    createdAt: '2026-11-01T12:00:00.000Z',
  },
  {
    id: 10,
    modelRef: summary.modelRef,
    version: 5,
    action: 'version.register',
    actor: 'service:external:ci-pipeline',
    after: { ...v5 },
    createdAt: '2026-11-01T10:00:00.000Z',
  },
];

const server = setupRegistryServer();

function serve() {
  const requests: string[] = [];
  server.use(
    http.get(MODEL, () => HttpResponse.json(summary)),
    http.get(`${MODEL}/versions/:v`, ({ params }) => {
      if (params.v === '5') return HttpResponse.json(v5);
      if (params.v === '4') {
        return HttpResponse.json(
          version(4, { stage: 'production', aliases: ['champion'] }),
        );
      }
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
    http.get(`${MODEL}/versions/5/lineage`, ({ request }) => {
      requests.push(request.url);
      return HttpResponse.json(lineage);
    }),
    http.get(`${MODEL}/versions/5/history`, ({ request }) => {
      requests.push(request.url);
      return HttpResponse.json({ items: history });
    }),
    http.get(`${MODEL}/versions/:v/gates`, ({ request }) =>
      HttpResponse.json({
        stage: new URL(request.url).searchParams.get('stage'),
        passed: true,
        results: [],
      }),
    ),
  );
  return requests;
}

function render(path: string, apis: Array<readonly [unknown, unknown]> = []) {
  return renderWithRegistry(
    <Routes>
      <Route
        path="/catalog/:namespace/:kind/:name/versions/*"
        element={<VersionsTab />}
      />
    </Routes>,
    { entity: fraudDetector, routeEntries: [path], apis },
  );
}

describe('VersionPage', () => {
  it('shows the version: header, source links, signature, metrics, params, tags and card', async () => {
    serve();
    await render(`${PAGE}/versions/5`);
    expect(
      await screen.findByText('Version 5 of Fraud detector', {}, wait),
    ).toBeInTheDocument();
    expect(screen.getByText('Retrained on November data')).toBeInTheDocument();
    expect(screen.getByText('Stage: staging')).toBeInTheDocument();
    expect(screen.getByText('Status: ready')).toBeInTheDocument();
    expect(screen.getByLabelText('alias challenger')).toHaveTextContent(
      '@challenger',
    );

    const source = screen.getByRole('table', { name: 'Source' });
    // an s3 artifact is text, the run and the commit are links
    expect(
      within(source).getByText('s3://models/fraud-detector/v5').closest('a'),
    ).toBeNull();
    expect(
      within(source).getByRole('link', { name: /^Run run-42/ }),
    ).toHaveAttribute('href', 'https://tracking.example.com/#/runs/run-42');
    expect(
      within(source).getByRole('link', { name: /^4c123b1612dd,/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/fraud-detector/commit/4c123b1612dd9f',
    );
    expect(
      within(source).getByRole('link', {
        name: /^https:\/\/github\.com\/acme\/fraud-detector\.git/,
      }),
    ).toBeInTheDocument();
    expect(
      within(source).getByRole('link', { name: 'alice' }),
    ).toBeInTheDocument();

    const inputs = screen.getByRole('table', { name: 'Signature Inputs' });
    const merchant = within(inputs).getByText('merchant').closest('tr')!;
    expect(merchant).toHaveTextContent('merchantstringoptional');
    expect(within(inputs).getByText('amount').closest('tr')).toHaveTextContent(
      'double',
    );
    const outputs = screen.getByRole('table', { name: 'Signature Outputs' });
    expect(outputs).toHaveTextContent('#1tensor of float32shape [-1,1]');

    const metrics = screen.getByRole('table', { name: 'Metrics' });
    expect(within(metrics).getByText('auc').closest('tr')).toHaveTextContent(
      'auc0.97',
    );
    expect(
      within(metrics).getByText('val_loss').closest('tr'),
    ).toHaveTextContent('0.21');
    const params = screen.getByRole('table', { name: 'Parameters' });
    expect(
      within(params).getByText('max_depth').closest('tr'),
    ).toHaveTextContent('6');
    expect(screen.getByRole('table', { name: 'Tags' })).toHaveTextContent(
      'teamrisk',
    );

    const intended = screen.getByRole('region', { name: 'Intended use' });
    expect(within(intended).getByText('card').tagName).toBe('STRONG');
    expect(
      screen.getByRole('region', { name: 'Limitations' }),
    ).toHaveTextContent('Not for wire transfers.');
    // promotion controls of a staging version, and the way to the comparison with production
    expect(
      await screen.findByRole(
        'button',
        { name: 'Promote to production' },
        wait,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Compare with v4 (production)' }),
    ).toHaveAttribute('href', `${PAGE}/versions?compare=5,4&baseline=4`);
    expect(screen.getByRole('link', { name: 'All versions' })).toHaveAttribute(
      'href',
      `${PAGE}/versions`,
    );
  });

  it('links lineage to catalog entities and model version pages, with readable labels', async () => {
    const requests = serve();
    await render(`${PAGE}/versions/5`);
    const table = await screen.findByRole('table', { name: 'Lineage' }, wait);
    expect(
      requests
        .find(u => u.includes('/lineage'))
        ?.endsWith('?direction=upstream&depth=1'),
    ).toBe(true);
    const encoder = within(table).getByRole('link', {
      name: 'tabular-encoder v3',
    });
    expect(encoder).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/tabular-encoder/versions/3',
    );
    expect(encoder.closest('tr')).toHaveTextContent('fine-tuned from');
    expect(
      within(table).queryByText(/mlmodel:default\/tabular-encoder@3/),
    ).toBeNull();
    const dataset = within(table).getByRole('link', {
      name: /card-transactions/,
    });
    expect(dataset).toHaveAttribute(
      'href',
      '/catalog/default/resource/card-transactions',
    );
    expect(dataset.closest('tr')).toHaveTextContent('trained on');
    expect(
      within(table).getByRole('link', {
        name: /^https:\/\/tracking\.example\.com\/#\/runs\/run-42/,
      }),
    ).toHaveAttribute('href', 'https://tracking.example.com/#/runs/run-42');
    // a non-http URI is shown, not linked
    expect(
      within(table).getByText('s3://data/features').closest('a'),
    ).toBeNull();
  });

  it('shows the history of the version with what each change changed, from → to', async () => {
    serve();
    await render(`${PAGE}/versions/5`);
    const list = await screen.findByRole(
      'list',
      { name: 'Version history' },
      wait,
    );
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(
      'bob promoted version 5 from none to staging',
    );
    expect(
      within(items[0]).getByText('stage: none → staging'),
    ).toBeInTheDocument();
    expect(items[0]).toHaveTextContent('Why: ready for shadow traffic');
    expect(
      within(items[1]).getByText(
        'description: first try → Retrained on November data',
      ),
    ).toBeInTheDocument();
    // a registration names no changes
    expect(items[2]).toHaveTextContent('registered version 5');
    expect(within(items[2]).queryByTestId('history-change')).toBeNull();
  });

  it('reloads the version and its history when the backend signals a change', async () => {
    const requests = serve();
    let stage = 'staging';
    server.use(
      http.get(`${MODEL}/versions/5`, () =>
        HttpResponse.json({ ...v5, stage }),
      ),
    );
    const listeners: Array<(m: object) => void> = [];
    const signals = {
      subscribe(channel: string, onMessage: (m: object) => void) {
        if (channel === 'model-registry:mlmodel:default/fraud-detector') {
          listeners.push(onMessage);
        }
        return { unsubscribe() {} };
      },
    };
    await render(`${PAGE}/versions/5`, [[signalApiRef, signals]]);
    expect(
      await screen.findByText('Stage: staging', {}, wait),
    ).toBeInTheDocument();
    await screen.findByRole('list', { name: 'Version history' }, wait);
    const historyLoads = () =>
      requests.filter(u => u.includes('/history')).length;
    expect(historyLoads()).toBe(1);
    expect(listeners.length).toBeGreaterThan(0);
    stage = 'production';
    act(() => listeners.forEach(l => l({ type: 'stage', version: 5 })));
    expect(
      await screen.findByText('Stage: production', {}, wait),
    ).toBeInTheDocument();
    await waitFor(() => expect(historyLoads()).toBe(2), wait);
  });

  it('says an unknown version is not there, with a link back to the versions', async () => {
    serve();
    await render(`${PAGE}/versions/99`);
    expect(
      await screen.findByText(
        'Fraud detector has no version 99: it does not exist or was deleted. The latest is version 5.',
        {},
        wait,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Back to the versions' }),
    ).toHaveAttribute('href', `${PAGE}/versions`);
  });

  it('says a version that is not a number is not one', async () => {
    serve();
    await render(`${PAGE}/versions/latest`);
    expect(
      await screen.findByText(
        '"latest" is not a version number: versions of Fraud detector are numbered 1, 2, 3, …',
        {},
        wait,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Back to the versions' }),
    ).toBeInTheDocument();
  });

  it('opens the promote dialog with the comparison against production', async () => {
    serve();
    await render(`${PAGE}/versions/5`);
    const promote = await screen.findByRole(
      'button',
      { name: 'Promote to production' },
      wait,
    );
    await waitFor(() => expect(promote).toBeEnabled(), wait);
    fireEvent.click(promote);
    const dialog = await screen.findByRole('dialog', {}, wait);
    const comparison = await within(dialog).findByRole(
      'table',
      { name: 'Metric comparison' },
      wait,
    );
    expect(within(comparison).getByText('v4 (production)')).toBeInTheDocument();
    // v5's auc against production's, the better one marked
    expect(within(dialog).getByTestId('metric-auc-v5')).toHaveTextContent(
      '0.9700★+0.03000',
    );
    expect(within(dialog).getByTestId('metric-auc-v4')).toHaveTextContent(
      /^0\.9400$/,
    );
    // the params that differ between the two
    const params = within(dialog).getByRole('table', {
      name: 'Parameter comparison',
    });
    expect(
      within(params).getByTestId('parameters-row-depth'),
    ).toHaveTextContent('depth—4');
    expect(
      within(params).getByTestId('parameters-row-max_depth'),
    ).toHaveTextContent('max_depth6—');
    // the dialog leaves out the card and lineage of the full comparison
    expect(
      within(dialog).queryByRole('table', { name: 'Card sections' }),
    ).toBeNull();
  });
});
