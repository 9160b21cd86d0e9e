import { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_STAGE_RULES,
  HistoryEntry,
} from '@model-registry/plugin-model-registry-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY as BASE } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { describeAction } from './describeAction';
import { HistoryContent } from './HistoryContent';
import { absoluteTime, relativeTime } from './historyTime';

const MODEL = `${BASE}/models/default/fraud-detector`;
const MODEL_REF = 'mlmodel:default/fraud-detector';

const entity: Entity = {
  apiVersion: 'model-registry.dev/v1alpha1',
  kind: 'MLModel',
  metadata: { name: 'Fraud-Detector', namespace: 'default' },
  spec: { type: 'classification', lifecycle: 'production', owner: 'risk-ml' },
};

const hoursAgo = (h: number) =>
  new Date(Date.now() - h * 3600 * 1000).toISOString();

function entry(
  id: number,
  fields: Partial<HistoryEntry> & Pick<HistoryEntry, 'action'>,
): HistoryEntry {
  return {
    id,
    modelRef: MODEL_REF,
    actor: 'user:default/alice',
    createdAt: hoursAgo(id),
    ...fields,
  };
}

const page1: HistoryEntry[] = [
  entry(1, {
    action: 'version.stage',
    version: 5,
    actor: 'user:default/bob',
    comment: 'AUC +0.8 pt',
    before: { stage: 'staging' },
    after: { stage: 'production', archived: [4] },
  }),
  entry(2, {
    action: 'alias.set',
    version: 5,
    comment: 'new champion',
    before: { alias: 'champion', version: 4 },
    after: { alias: 'champion', version: 5 },
  }),
  entry(3, {
    action: 'version.register',
    version: 6,
    actor: 'service:external:ci-pipeline',
    after: { version: 6 },
  }),
];

const page2: HistoryEntry[] = [
  entry(30, {
    action: 'version.stage',
    version: 4,
    comment: 'Replaced in production by version 5: AUC +0.8 pt',
    before: { stage: 'production' },
    after: { stage: 'archived' },
  }),
];

const server = setupRegistryServer();

let requests: URL[] = [];

function serve(
  pages: Record<string, { items: HistoryEntry[]; nextCursor?: string }>,
) {
  requests = [];
  server.use(
    http.get(`${MODEL}/history`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      const page = pages[url.searchParams.get('cursor') ?? ''];
      if (!page) {
        return HttpResponse.json(
          {
            error: { name: 'InputError', message: 'invalid cursor' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        );
      }
      return HttpResponse.json(page);
    }),
  );
}

function render() {
  return renderWithRegistry(<HistoryContent />, { entity });
}

describe('HistoryContent', () => {
  it('lists who did what, when and why, and loads more', async () => {
    serve({ '': { items: page1, nextCursor: 'c1' }, c1: { items: page2 } });
    await render();

    const list = await screen.findByRole('list', { name: 'Model history' });
    expect(requests[0].pathname).toBe(
      '/api/model-registry/models/default/fraud-detector/history',
    );
    expect(requests[0].searchParams.get('limit')).toBe('50');
    expect(requests[0].searchParams.has('cursor')).toBe(false);

    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);

    // Who: a link to the user entity; what: in words; why: the comment.
    expect(within(items[0]).getByRole('link', { name: 'bob' })).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    expect(items[0]).toHaveTextContent(
      'bob promoted version 5 from staging to production, archiving version 4',
    );
    expect(items[0]).toHaveTextContent('Why: AUC +0.8 pt');
    // When: relative, and absolute in a <time> element.
    const time = items[0].querySelector('time')!;
    expect(time).toHaveTextContent('1 hour ago');
    expect(time).toHaveAttribute('dateTime', page1[0].createdAt);
    expect(items[0]).toHaveTextContent(absoluteTime(page1[0].createdAt));

    expect(items[1]).toHaveTextContent(
      'alice moved alias champion from 4 to 5',
    );
    expect(items[1]).toHaveTextContent('Why: new champion');
    expect(items[1].querySelector('time')).toHaveTextContent('2 hours ago');

    // A service actor is text, not a link.
    expect(items[2]).toHaveTextContent(
      'service external:ci-pipeline registered version 6',
    );
    expect(
      within(items[2]).queryByRole('link', { name: /ci-pipeline/ }),
    ).not.toBeInTheDocument();
    expect(items[2]).not.toHaveTextContent('Why:');

    expect(screen.getByRole('status')).toHaveTextContent('Showing 3 entries');

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() =>
      expect(within(list).getAllByRole('listitem')[3]).toHaveTextContent(
        'archived version 4 (was in production)',
      ),
    );
    expect(requests).toHaveLength(2);
    expect(requests[1].searchParams.get('cursor')).toBe('c1');
    expect(requests[1].searchParams.get('limit')).toBe('50');
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Showing 4 entries (all)',
    );
  });

  it("links each version it names to that version's page", async () => {
    serve({
      '': {
        items: [
          ...page1,
          entry(4, { action: 'version.delete', version: 3, before: {} }),
        ],
      },
    });
    await render();
    const list = await screen.findByRole('list', { name: 'Model history' });
    const items = within(list).getAllByRole('listitem');
    const href = (n: number) =>
      `/catalog/default/mlmodel/fraud-detector/versions/${n}`;
    // the promoted version and the one it archived
    expect(
      within(items[0]).getByRole('link', { name: 'Version 5' }),
    ).toHaveAttribute('href', href(5));
    expect(
      within(items[0]).getByRole('link', { name: 'Version 4' }),
    ).toHaveAttribute('href', href(4));
    // an alias move: both ends
    expect(
      within(items[1]).getByRole('link', { name: 'Version 4' }),
    ).toHaveAttribute('href', href(4));
    expect(
      within(items[1]).getByRole('link', { name: 'Version 5' }),
    ).toHaveAttribute('href', href(5));
    expect(
      within(items[2]).getByRole('link', { name: 'Version 6' }),
    ).toHaveAttribute('href', href(6));
    // a deleted version is named, not linked
    expect(items[3]).toHaveTextContent('alice deleted version 3');
    expect(
      within(items[3]).queryByRole('link', { name: 'Version 3' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error of a failed "Load more" and keeps the entries', async () => {
    serve({ '': { items: page1, nextCursor: 'expired' } });
    await render();
    await screen.findByRole('list', { name: 'Model history' });

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(
      await screen.findByText(
        'Error: Could not load more history: invalid cursor',
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.getByRole('button', { name: 'Load more' })).toBeEnabled();
  });

  it('says so when there is no history', async () => {
    serve({ '': { items: [] } });
    await render();
    expect(await screen.findByText('No history yet')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    server.use(
      http.get(`${MODEL}/history`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'model not found' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'Error: Could not load the history of this model: model not found',
      ),
    ).toBeInTheDocument();
  });
});

describe('describeAction', () => {
  const rules = DEFAULT_STAGE_RULES;
  const e = (fields: Partial<HistoryEntry> & Pick<HistoryEntry, 'action'>) =>
    entry(1, fields);

  it('puts every action in words', () => {
    expect(
      describeAction(
        e({
          action: 'version.stage',
          version: 6,
          before: { stage: 'none' },
          after: { stage: 'staging', archived: [] },
        }),
        rules,
      ),
    ).toBe('promoted version 6 from none to staging');
    expect(
      describeAction(
        e({
          action: 'version.stage',
          version: 6,
          before: { stage: 'staging' },
          after: { stage: 'none' },
        }),
        rules,
      ),
    ).toBe('moved version 6 from staging to none');
    expect(
      describeAction(
        e({
          action: 'alias.set',
          version: 3,
          after: { alias: 'challenger', version: 3 },
        }),
        rules,
      ),
    ).toBe('set alias challenger to version 3');
    expect(
      describeAction(
        e({
          action: 'alias.delete',
          version: 3,
          before: { alias: 'challenger', version: 3 },
        }),
        rules,
      ),
    ).toBe('removed alias challenger (was version 3)');
    expect(
      describeAction(
        e({
          action: 'version.update',
          version: 2,
          before: { status: 'pending' },
          after: { status: 'ready', metrics: { auc: 1 } },
        }),
        rules,
      ),
    ).toBe('updated status, metrics of version 2');
    expect(
      describeAction(
        e({
          action: 'lineage.add',
          version: 2,
          after: {
            edges: [
              { relation: 'trainedOn', target: 'resource:default/txns' },
              { relation: 'servedBy', target: 'component:default/api' },
            ],
          },
        }),
        rules,
      ),
    ).toBe(
      'added 2 lineage links to version 2: trained on resource:default/txns; served by component:default/api',
    );
    expect(
      describeAction(e({ action: 'version.delete', version: 2 }), rules),
    ).toBe('deleted version 2');
    expect(describeAction(e({ action: 'model.register' }), rules)).toBe(
      'registered the model',
    );
    expect(describeAction(e({ action: 'model.delete' }), rules)).toBe(
      'deleted the model',
    );
    const request = { requestId: 7, stage: 'production' };
    expect(
      describeAction(
        e({
          action: 'promotion.request',
          version: 5,
          before: { stage: 'staging' },
          after: { ...request, requiredApprovals: 2, alias: 'champion' },
        }),
        rules,
      ),
    ).toBe(
      'requested the promotion of version 5 to production with alias champion (request 7, 2 approvals needed)',
    );
    expect(
      describeAction(
        e({ action: 'promotion.approve', version: 5, after: request }),
        rules,
      ),
    ).toBe('approved the promotion of version 5 to production (request 7)');
    expect(
      describeAction(
        e({ action: 'promotion.reject', version: 5, after: request }),
        rules,
      ),
    ).toBe('rejected the promotion of version 5 to production (request 7)');
    expect(
      describeAction(
        e({ action: 'promotion.cancel', version: 5, after: request }),
        rules,
      ),
    ).toBe(
      'cancelled the promotion request of version 5 to production (request 7)',
    );
    expect(
      describeAction(
        e({ action: 'promotion.expire', version: 5, after: request }),
        rules,
      ),
    ).toBe(
      'the promotion request of version 5 to production expired (request 7)',
    );
    expect(
      describeAction(e({ action: 'something.new', version: 1 }), rules),
    ).toBe('something.new (version 1)');
  });

  it('formats relative times', () => {
    const now = Date.parse('2026-07-10T12:00:00Z');
    expect(relativeTime('2026-07-10T11:59:30Z', now)).toBe('30 seconds ago');
    expect(relativeTime('2026-07-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-07-09T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2026-06-10T12:00:00Z', now)).toBe('last month');
  });
});
