import { ModelListItem } from '@model-registry/plugin-model-registry-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { useAppLocation } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
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

/** Groups and users of the test catalog, for the owner picker. */
const owners: Entity[] = [
  ['Group', 'risk-ml', 'Risk ML'],
  ['Group', 'platform-ml', 'ML Platform'],
  ['User', 'alice', undefined],
].map(([kind, name, title]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: kind!,
  metadata: { name: name!, namespace: 'default', ...(title ? { title } : {}) },
  ...(kind === 'User'
    ? { spec: { profile: { displayName: 'Alice Risk' } } }
    : {}),
}));

let ownerQueries: any[] = [];
const catalogApi = {
  queryEntities: jest.fn(async (request: any) => {
    ownerQueries.push(request);
    const term = (request.fullTextFilter?.term ?? '').toLocaleLowerCase();
    const items = owners.filter(e =>
      [e.metadata.name, e.metadata.title, (e.spec as any)?.profile?.displayName]
        .filter(Boolean)
        .some(v => String(v).toLocaleLowerCase().includes(term)),
    );
    return { items, totalItems: items.length, pageInfo: {} };
  }),
  getEntityByRef: jest.fn(async (ref: string) =>
    owners.find(
      e => `${e.kind}:default/${e.metadata.name}`.toLocaleLowerCase() === ref,
    ),
  ),
};

/** Shows the test app's current query string, as the page keeps its state there. */
function Location() {
  return <output aria-label="URL query">{useAppLocation().search}</output>;
}

function render(url = '/models') {
  ownerQueries = [];
  return renderWithRegistry(
    <>
      <ModelsPage />
      <Location />
    </>,
    { apis: [[catalogApiRef, catalogApi]], routeEntries: [url] },
  );
}

function urlQuery() {
  return Object.fromEntries(
    new URLSearchParams(
      screen.getByRole('status', { name: 'URL query' }).textContent ?? '',
    ),
  );
}

function pageStatus() {
  return within(screen.getByRole('navigation', { name: 'Pages' })).getByRole(
    'status',
  );
}

/** The column header of a sort button. */
function header(button: RegExp) {
  return screen.getByRole('button', { name: button }).closest('th');
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
    expect(pageStatus()).toHaveTextContent('3 models · 1–2 shown · page 1');
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
    expect(pageStatus()).toHaveTextContent('3 models · 3–3 shown · page 2');
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
    expect(pageStatus()).toHaveTextContent('1 model · page 1');
    expect(urlQuery()).toEqual({ q: 'fraud' });
  }, 60_000);

  it('filters by an owner picked from the catalog, and by lifecycle, on the server', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });

    // `platform` finds the group by its title; the filter is its entity ref
    const owner = screen.getByRole('textbox', { name: 'Owner' });
    fireEvent.mouseDown(owner);
    fireEvent.change(owner, { target: { value: 'platform' } });
    await waitFor(() =>
      expect(ownerQueries[ownerQueries.length - 1]).toMatchObject({
        filter: { kind: ['Group', 'User'] },
        fullTextFilter: { term: 'platform' },
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('option', { name: /Risk ML/ })).toBeNull(),
    );
    fireEvent.click(
      await screen.findByRole('option', {
        name: 'ML Platform group:default/platform-ml',
      }),
    );
    await screen.findByRole('link', { name: 'text-encoder' });
    expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
      limit: '20',
      owner: 'group:default/platform-ml',
    });
    expect(urlQuery()).toEqual({ owner: 'group:default/platform-ml' });
    expect(owner).toHaveValue('ML Platform');

    // a user by display name
    fireEvent.mouseDown(owner);
    fireEvent.change(owner, { target: { value: 'alice r' } });
    expect(
      await screen.findByRole('option', {
        name: 'Alice Risk user:default/alice',
      }),
    ).toBeInTheDocument();
    fireEvent.keyDown(owner, { key: 'Escape' });

    // the clear button shows on hover (hidden to the accessibility tree until then)
    fireEvent.click(screen.getByTitle('Clear'));
    await screen.findByRole('link', { name: 'Fraud detector' });
    expect(urlQuery()).toEqual({});
    await choose(/^Lifecycle/, 'deprecated');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(
      within(rows()[0]).getByRole('link', { name: 'churn-predictor' }),
    ).toBeInTheDocument();
    expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
      limit: '20',
      lifecycle: 'deprecated',
    });
    expect(urlQuery()).toEqual({ lifecycle: 'deprecated' });
  }, 60_000);

  it('starts from the filters and sort in its URL, as a shared link or Back leaves them', async () => {
    serve();
    await render(
      `/models?owner=group%3Adefault%2Frisk-ml&metric=${encodeURIComponent(
        'auc > 0.95',
      )}&tag=fraud&sort=owner&order=desc&lifecycle=production`,
    );
    await screen.findByRole('table', { name: 'Models' });
    expect(Object.fromEntries(requests[0])).toEqual({
      limit: '20',
      owner: 'group:default/risk-ml',
      metric: 'auc > 0.95',
      tag: 'fraud',
      sort: 'owner',
      order: 'desc',
      lifecycle: 'production',
    });
    expect(requests).toHaveLength(1);
    // the owner's title, read from the catalog
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Owner' })).toHaveValue(
        'Risk ML',
      ),
    );
    expect(
      screen.getByRole('textbox', { name: 'Production metrics' }),
    ).toHaveValue('auc > 0.95');
    expect(screen.getByRole('textbox', { name: 'Tag' })).toHaveValue('fraud');
    expect(
      screen.getByRole('button', { name: 'Sort by owner, now descending' }),
    ).toBeInTheDocument();
    expect(header(/Sort by owner/)).toHaveAttribute('aria-sort', 'descending');
  });

  it('searches by conditions on the production metrics and by tag, shown in the status', async () => {
    serve();
    server.use(
      http.get(`${BASE}/models`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        requests.push(params);
        if (params.get('metric') === 'auc > 0.95') {
          // a registry filter: counted only when one page holds the answer
          return HttpResponse.json({ items: [page1[0]], totalCount: 1 });
        }
        if (params.get('tag')) {
          return HttpResponse.json({ items: [page1[0]], nextCursor: 'more' });
        }
        return HttpResponse.json({ items: page1, totalCount: 2 });
      }),
    );
    await render();
    await screen.findByRole('table', { name: 'Models' });

    type('Production metrics', 'auc > 0.95');
    pause();
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(requests[requests.length - 1].get('metric')).toBe('auc > 0.95');
    expect(pageStatus()).toHaveTextContent(
      'Production auc > 0.95 · 1 model · page 1',
    );
    expect(urlQuery()).toEqual({ metric: 'auc > 0.95' });

    type('Production metrics', '');
    type('Tag', 'fraud');
    pause();
    await waitFor(() =>
      expect(pageStatus()).toHaveTextContent(
        'Tagged fraud · Models 1–1, more on the next pages · page 1',
      ),
    );
    expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
      limit: '20',
      tag: 'fraud',
    });
    expect(urlQuery()).toEqual({ tag: 'fraud' });
  }, 60_000);

  it('shows the server’s message for a malformed metric condition', async () => {
    serve();
    server.use(
      http.get(`${BASE}/models`, ({ request }) =>
        new URL(request.url).searchParams.get('metric')
          ? HttpResponse.json(
              {
                error: {
                  name: 'InputError',
                  message: "metric condition 'auc >' is not 'name op number'",
                },
                response: { statusCode: 400 },
              },
              { status: 400 },
            )
          : HttpResponse.json({ items: page1, totalCount: 2 }),
      ),
    );
    await render();
    await screen.findByRole('table', { name: 'Models' });
    type('Production metrics', 'auc >');
    pause();
    expect(
      await screen.findByText(
        "Error: Could not load the models: metric condition 'auc >' is not 'name op number'",
      ),
    ).toBeInTheDocument();
    // the filters stay to be corrected
    expect(
      screen.getByRole('textbox', { name: 'Production metrics' }),
    ).toHaveValue('auc >');
  }, 60_000);

  it('sorts by a column on the server, turning the order on a second click', async () => {
    serve();
    await render();
    await screen.findByRole('table', { name: 'Models' });
    expect(header(/Sort by name/)).toHaveAttribute('aria-sort', 'ascending');

    fireEvent.click(screen.getByRole('button', { name: 'Sort by owner' }));
    await waitFor(() =>
      expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
        limit: '20',
        sort: 'owner',
      }),
    );
    expect(urlQuery()).toEqual({ sort: 'owner' });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Sort by owner, now ascending',
      }),
    );
    await waitFor(() =>
      expect(Object.fromEntries(requests[requests.length - 1])).toEqual({
        limit: '20',
        sort: 'owner',
        order: 'desc',
      }),
    );
    expect(urlQuery()).toEqual({ sort: 'owner', order: 'desc' });
  });

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
    expect(pageStatus()).toHaveTextContent(
      'With a version in staging · Models 1–1 · page 1',
    );
    expect(urlQuery()).toEqual({ stage: 'staging' });
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
