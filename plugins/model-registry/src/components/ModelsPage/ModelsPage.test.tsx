import { ModelListItem } from '@model-registry/plugin-model-registry-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY as BASE } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { ModelsPage } from './ModelsPage';
import { DEBOUNCE_MS } from './useModelsQuery';

function model(
  name: string,
  fields: Partial<ModelListItem> = {},
  summary: Partial<ModelListItem['summary']> = {},
): ModelListItem {
  return {
    entityRef: `mlmodel:default/${name}`,
    name,
    namespace: 'default',
    owner: 'group:default/risk-ml',
    task: 'classification',
    lifecycle: 'production',
    ...fields,
    summary: {
      modelRef: `mlmodel:default/${name}`,
      registeredByApi: false,
      versionCount: 0,
      stageOccupants: {},
      aliases: {},
      ...summary,
    },
  };
}

const page1 = [
  model(
    'fraud-detector',
    { title: 'Fraud detector' },
    {
      versionCount: 6,
      latestVersion: 6,
      stageOccupants: { production: 5 },
      aliases: { champion: 5, challenger: 6 },
    },
  ),
  model(
    'churn-predictor',
    { lifecycle: 'deprecated', owner: 'risk-ml' },
    { versionCount: 2, latestVersion: 2 },
  ),
];
const page2 = [
  model(
    'text-encoder',
    { owner: 'group:default/platform-ml', task: 'embedding' },
    { versionCount: 3, latestVersion: 3, stageOccupants: { production: 3 } },
  ),
];

const server = setupRegistryServer();

let requests: URLSearchParams[] = [];

function serve() {
  requests = [];
  server.use(
    http.get(`${BASE}/models`, ({ request }) => {
      const params = new URL(request.url).searchParams;
      requests.push(params);
      if (params.get('cursor') === 'page-2') {
        return HttpResponse.json({ items: page2, totalCount: 3 });
      }
      // The server keeps the models with a live version in the stage (no total then).
      if (params.get('stage') === 'staging') {
        return HttpResponse.json({ items: [page1[1]] });
      }
      const q = params.get('q');
      const lifecycle = params.get('lifecycle');
      const owner = params.get('owner');
      if (q || lifecycle || owner) {
        const items = [...page1, ...page2].filter(
          m =>
            (!q || m.name.includes(q)) &&
            (!lifecycle || m.lifecycle === lifecycle) &&
            (!owner || m.owner === owner),
        );
        return HttpResponse.json({ items, totalCount: items.length });
      }
      return HttpResponse.json({
        items: page1,
        nextCursor: 'page-2',
        totalCount: 3,
      });
    }),
  );
}

function render() {
  return renderWithRegistry(<ModelsPage />);
}

function rows() {
  const table = screen.getByRole('table', { name: 'Models' });
  return within(table).getAllByRole('row').slice(1);
}

/** Types into a text filter; `pause` lets the debounce pause pass at once (fake timers). */
function type(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}
function pause() {
  act(() => {
    jest.advanceTimersByTime(DEBOUNCE_MS);
  });
}

async function choose(label: RegExp, option: string) {
  fireEvent.mouseDown(screen.getByRole('button', { name: label }));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

describe('ModelsPage', () => {
  it('lists the models with their registry state', async () => {
    serve();
    await render();

    expect(
      screen.getByRole('heading', { name: 'Models', level: 1 }),
    ).toBeVisible();
    await screen.findByRole('table', { name: 'Models' });
    expect(Object.fromEntries(requests[0])).toEqual({ limit: '20' });

    const [fraud, churn] = rows();
    expect(within(fraud).getByRole('rowheader')).toHaveTextContent(
      'Fraud detectorfraud-detector',
    );
    expect(
      within(fraud).getByRole('link', { name: 'Fraud detector' }),
    ).toHaveAttribute('href', '/catalog/default/mlmodel/fraud-detector');
    expect(
      within(fraud).getByRole('link', { name: 'risk-ml' }),
    ).toHaveAttribute('href', '/catalog/default/group/risk-ml');
    const cells = within(fraud)
      .getAllByRole('cell')
      .map(c => c.textContent);
    expect(cells).toEqual([
      'risk-ml',
      'classification',
      'production',
      'v5',
      'v6',
      'challenger → v6champion → v5',
    ]);
    expect(
      within(churn)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['risk-ml', 'classification', 'deprecated', '—', 'v2', '—']);
    // An owner without a kind is a group.
    expect(
      within(churn).getByRole('link', { name: 'risk-ml' }),
    ).toHaveAttribute('href', '/catalog/default/group/risk-ml');
    expect(screen.getByRole('status')).toHaveTextContent(
      'Models 1–2 of 3 · page 1',
    );
  });

  it('pages forward and back with the server cursors', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(
      await screen.findByRole('link', { name: 'text-encoder' }),
    ).toBeInTheDocument();
    expect(requests[requests.length - 1].get('cursor')).toBe('page-2');
    expect(screen.getByRole('status')).toHaveTextContent(
      'Models 3–3 of 3 · page 2',
    );
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(
      await screen.findByRole('link', { name: 'Fraud detector' }),
    ).toBeInTheDocument();
    expect(requests[requests.length - 1].has('cursor')).toBe(false);
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();
  });

  it('searches after typing pauses, from the first page', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('link', { name: 'text-encoder' });
    const before = requests.length;

    type('Search', 'f');
    type('Search', 'fraud');
    // Debounced: nothing before the pause, then one request for the final text, from the
    // first page.
    expect(requests).toHaveLength(before);
    pause();
    await screen.findByRole('link', { name: 'Fraud detector' });
    expect(requests).toHaveLength(before + 1);
    expect(requests[before].get('q')).toBe('fraud');
    expect(requests[before].has('cursor')).toBe(false);
    expect(rows()).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent(
      'Models 1–1 of 1 · page 1',
    );
  }, 60_000);

  it('filters by owner and lifecycle on the server', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });

    type('Owner', ' group:default/platform-ml ');
    pause();
    await screen.findByRole('link', { name: 'text-encoder' });
    expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
      limit: '20',
      owner: 'group:default/platform-ml',
    });

    type('Owner', '');
    pause();
    await screen.findByRole('link', { name: 'Fraud detector' });
    await choose(/^Lifecycle/, 'deprecated');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(
      within(rows()[0]).getByRole('link', { name: 'churn-predictor' }),
    ).toBeInTheDocument();
    expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
      limit: '20',
      lifecycle: 'deprecated',
    });
  }, 60_000);

  it('asks the server for the models with a version in a stage, for every configured stage', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });
    expect(
      screen.getByText(/Every filter applies to all models/),
    ).toBeVisible();

    // every configured stage is offered, not only the single-occupancy ones
    fireEvent.mouseDown(screen.getByLabelText(/^Has a version in/));
    const listbox = within(screen.getByRole('listbox'));
    for (const stage of ['none', 'staging', 'production', 'archived']) {
      expect(listbox.getByRole('option', { name: stage })).toBeInTheDocument();
    }
    fireEvent.click(listbox.getByRole('option', { name: 'staging' }));

    await waitFor(() =>
      expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
        limit: '20',
        stage: 'staging',
      }),
    );
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(
      within(rows()[0]).getByRole('link', { name: 'churn-predictor' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'With a version in staging · Models 1–1',
    );
  });

  it('says when no model has a version in the chosen stage', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });
    server.use(
      http.get(`${BASE}/models`, () => HttpResponse.json({ items: [] })),
    );
    fireEvent.mouseDown(screen.getByLabelText(/^Has a version in/));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByRole('option', {
        name: 'archived',
      }),
    );
    expect(
      await screen.findByText('No models match these filters'),
    ).toBeVisible();
  });

  it('says so when there are no models', async () => {
    server.use(
      http.get(`${BASE}/models`, () =>
        HttpResponse.json({ items: [], totalCount: 0 }),
      ),
    );
    await render();
    expect(await screen.findByText('No models yet')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    type('Task', 'llm');
    pause();
    expect(
      await screen.findByText('No models match these filters'),
    ).toBeVisible();
  });

  it('shows the error of a failed request', async () => {
    server.use(
      http.get(`${BASE}/models`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'limit must be at most 100' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'Error: Could not load the models: limit must be at most 100',
      ),
    ).toBeInTheDocument();
  });
});
