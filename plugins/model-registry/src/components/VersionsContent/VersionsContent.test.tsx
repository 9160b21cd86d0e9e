import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { identityApiRef, storageApiRef } from '@backstage/core-plugin-api';
import {
  GateResult,
  MonitoringAlert,
  PromotionRequest,
} from '@model-registry/plugin-model-registry-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { mockApis } from '@backstage/test-utils';
import { act } from 'react';
import { fraudDetector, REGISTRY, version } from '../../testing/fixtures';
import {
  PermissionDecider,
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { VersionsContent } from './VersionsContent';

const server = setupRegistryServer();

const model = `${REGISTRY}/models/default/fraud-detector`;
// usePermission caches decisions per permission and resource for the whole file, so the
// test with a denying policy uses a model of its own.
const deniedModel = {
  ...fraudDetector,
  metadata: { ...fraudDetector.metadata, name: 'guarded-model' },
};
const wait = { timeout: 20_000 };

/** The model's monitoring: its open alerts across versions (none unless given). */
function modelMonitoring(base: string, openAlerts: MonitoringAlert[] = []) {
  return http.get(`${base}/monitoring`, () =>
    HttpResponse.json({
      modelRef: 'mlmodel:default/fraud-detector',
      thresholds: [],
      openAlerts,
    }),
  );
}

/**
 * A tiny registry: v4 in production (champion), v5 in staging, v3 archived (with an alias
 * left on it); the production gates answer `gates`, the model's open promotion requests
 * are `openRequests`.
 */
function registryHandlers(
  options: {
    failPromotion?: string;
    base?: string;
    gates?: GateResult[];
    openRequests?: PromotionRequest[];
    openAlerts?: MonitoringAlert[];
  } = {},
) {
  const base = options.base ?? model;
  const versions = [
    version(5, {
      stage: 'staging',
      aliases: ['challenger'],
      metrics: { auc: 0.97, recall: 0.8 },
    }),
    version(4, {
      stage: 'production',
      aliases: ['champion'],
      metrics: { auc: 0.95 },
    }),
    version(3, { stage: 'archived', aliases: ['legacy'] }),
  ];
  const requests: Array<{ url: string; body?: unknown }> = [];
  const gates = options.gates ?? [];
  server.use(
    modelMonitoring(base, options.openAlerts),
    http.get(`${base}/versions/:version/gates`, ({ request }) => {
      const stage = new URL(request.url).searchParams.get('stage');
      return HttpResponse.json({
        stage,
        passed: gates.every(g => g.passed),
        results: stage === 'production' ? gates : [],
      });
    }),
    http.get(`${base}/versions/:version`, ({ params }) =>
      HttpResponse.json(
        versions.find(v => v.version === Number(params.version)),
      ),
    ),
    http.get(`${base}/promotion-requests`, () =>
      HttpResponse.json({
        // requests of the model these handlers serve
        items: (options.openRequests ?? []).map(r => ({
          ...r,
          modelRef: `mlmodel:default/${base.split('/').pop()}`,
        })),
      }),
    ),
    http.post(
      `${base}/versions/:version/promotion-requests`,
      async ({ request, params }) => {
        const body = await request.json();
        requests.push({ url: request.url, body });
        return HttpResponse.json(
          promotionRequest({ version: Number(params.version) }),
          { status: 201 },
        );
      },
    ),
    http.post(
      `${base}/promotion-requests/:id/:decision`,
      async ({ request, params }) => {
        const body = await request.text();
        requests.push({
          url: request.url,
          body: body ? JSON.parse(body) : undefined,
        });
        const closed = params.decision === 'cancel' ? 'cancelled' : 'open';
        const updated = promotionRequest({ status: closed as any });
        return HttpResponse.json(
          params.decision === 'cancel' ? updated : { request: updated },
        );
      },
    ),
    http.get(`${base}/versions`, ({ request }) => {
      requests.push({ url: request.url });
      const stage = new URL(request.url).searchParams.get('stage');
      return HttpResponse.json({
        items: versions.filter(v => !stage || v.stage === stage),
      });
    }),
    http.get(base, () =>
      HttpResponse.json({
        modelRef: 'mlmodel:default/fraud-detector',
        registeredByApi: false,
        versionCount: 2,
        latestVersion: 5,
        stageOccupants: Object.fromEntries(
          versions
            .filter(v => v.stage === 'production')
            .map(v => ['production', v.version]),
        ),
        aliases: { champion: 4, challenger: 5 },
      }),
    ),
    http.post(
      `${base}/versions/:version/stage`,
      async ({ request, params }) => {
        const body = (await request.json()) as {
          stage: string;
          comment?: string;
        };
        requests.push({ url: request.url, body });
        if (options.failPromotion) {
          return HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: options.failPromotion,
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          );
        }
        const target = versions.find(
          v => v.version === Number(params.version),
        )!;
        const archived = versions.filter(
          v => v.stage === body.stage && v !== target,
        );
        archived.forEach(v => (v.stage = 'archived'));
        target.stage = body.stage;
        return HttpResponse.json({
          version: target,
          archived: archived.map(v => v.version),
        });
      },
    ),
  );
  return requests;
}

/** An open request by Alice to promote v5 to production. */
function promotionRequest(
  overrides: Partial<PromotionRequest> = {},
): PromotionRequest {
  return {
    id: 7,
    modelRef: 'mlmodel:default/fraud-detector',
    version: 5,
    stage: 'production',
    status: 'open',
    requestedBy: 'user:default/alice',
    comment: 'recall +2 pt',
    requiredApprovals: 1,
    approvals: 0,
    decisions: [],
    gateResults: [{ gate: 'status-ready', passed: true, reason: 'ready' }],
    createdAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
    ...overrides,
  };
}

/** The example portal's governance of production. */
const governed = {
  modelRegistry: {
    stages: {
      approvals: {
        production: {
          required: 1,
          directPromotion: 'break-glass',
          notify: ['group:default/platform-ml'],
        },
      },
    },
    aliases: { protected: ['champion'] },
  },
};

/** A signal API whose messages the test sends. */
function testSignals() {
  const listeners = new Map<string, Array<(m: object) => void>>();
  return {
    api: {
      subscribe(channel: string, onMessage: (m: object) => void) {
        listeners.set(channel, [...(listeners.get(channel) ?? []), onMessage]);
        return { unsubscribe() {} };
      },
    },
    channels: () => [...listeners.keys()],
    send(channel: string, message: object) {
      listeners.get(channel)?.forEach(l => l(message));
    },
  };
}

function render(
  decide: PermissionDecider,
  entity = fraudDetector,
  options: {
    config?: object;
    user?: string;
    apis?: Array<readonly [unknown, unknown]>;
  } = {},
) {
  return renderWithRegistry(<VersionsContent />, {
    entity,
    permission: decide,
    config: options.config,
    apis: [
      [
        identityApiRef,
        mockApis.identity({
          userEntityRef: options.user ?? 'user:default/alice',
        }),
      ],
      ...(options.apis ?? []),
    ],
  });
}

/** Allows everything but the named permissions. */
function denying(...names: string[]): PermissionDecider {
  return name =>
    names.includes(name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
}

/** A model of its own per permission set: usePermission caches per permission and resource. */
function modelNamed(name: string) {
  return {
    entity: { ...fraudDetector, metadata: { ...fraudDetector.metadata, name } },
    base: `${REGISTRY}/models/default/${name}`,
  };
}

const allowAll = (): AuthorizeResult.ALLOW => AuthorizeResult.ALLOW;

describe('VersionsContent', () => {
  it('marks versions with open monitoring alerts, value against threshold in the tooltip', async () => {
    registryHandlers({
      openAlerts: [
        {
          id: 11,
          modelRef: 'mlmodel:default/fraud-detector',
          version: 4,
          metric: 'drift',
          status: 'open',
          value: 0.25,
          lastValue: 0.31,
          max: 0.2,
          lastObservedAt: '2026-12-01T10:20:00.000Z',
          openedAt: '2026-12-01T10:10:00.000Z',
        },
      ],
    });
    await render(allowAll);
    const row4 = await screen.findByTestId('version-row-4', {}, wait);
    const chip = await within(row4).findByText('alert: drift', {}, wait);
    expect(
      within(row4).getByLabelText('alert: drift 0.31 (threshold max 0.2)'),
    ).toBeInTheDocument();
    fireEvent.mouseOver(chip);
    expect(
      await screen.findByText(
        /drift 0.31 \(threshold max 0.2\), open since/,
        {},
        wait,
      ),
    ).toBeInTheDocument();
    // the other versions have none
    expect(
      within(screen.getByTestId('version-row-5')).queryByText(/^alert:/),
    ).toBeNull();
  });

  it('lists versions with stage and alias chips', async () => {
    registryHandlers();
    await render(allowAll);
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    expect(within(row5).getByText('staging')).toBeInTheDocument();
    expect(within(row5).getByText('challenger')).toBeInTheDocument();
    const row4 = screen.getByTestId('version-row-4');
    expect(within(row4).getByText('production')).toBeInTheDocument();
    expect(within(row4).getByText('champion')).toBeInTheDocument();
    // the production version is replaced, never demoted: it has no stage buttons
    expect(
      within(row4).queryByRole('button', { name: /Promote to production/ }),
    ).toBeNull();
    expect(
      within(row4).getByRole('button', { name: 'Set alias' }),
    ).toBeEnabled();
  });

  it('shows an empty state', async () => {
    server.use(
      modelMonitoring(model),
      http.get(`${model}/versions`, () => HttpResponse.json({ items: [] })),
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
    await render(allowAll);
    expect(
      await screen.findByText('No versions yet', {}, wait),
    ).toBeInTheDocument();
  });

  it('shows an error state', async () => {
    server.use(
      modelMonitoring(model),
      http.get(`${model}/versions`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'registry unavailable' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
      http.get(model, () => HttpResponse.json({}, { status: 503 })),
    );
    await render(allowAll);
    expect(
      await screen.findByText(/Could not load the versions/, {}, wait),
    ).toBeInTheDocument();
  });

  it('promotes a version with a comment, archiving the previous one, and refreshes', async () => {
    const requests = registryHandlers();
    await render(allowAll);
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    await waitFor(
      () =>
        expect(
          within(row5).getByRole('button', { name: 'Promote to production' }),
        ).toBeEnabled(),
      wait,
    );
    fireEvent.click(
      within(row5).getByRole('button', { name: 'Promote to production' }),
    );
    const dialog = await screen.findByRole('dialog', {}, wait);
    expect(
      await within(dialog).findByText(
        'Version 5 moves from staging to production. Version 4, in production now, is moved to archived in the same step.',
        {},
        wait,
      ),
    ).toBeInTheDocument();
    // the metrics against the production version
    const comparison = await within(dialog).findByRole(
      'table',
      { name: 'Metric comparison' },
      wait,
    );
    expect(within(comparison).getByText('+0.02000')).toBeInTheDocument();
    expect(
      within(dialog).getByText('No gates are configured for production.'),
    ).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Comment'), {
      target: { value: 'better recall' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);
    expect(requests.find(r => r.body)?.body).toEqual({
      stage: 'production',
      comment: 'better recall',
    });
    // the page reloaded: v5 is in production, v4 archived
    await waitFor(
      () =>
        expect(
          within(screen.getByTestId('version-row-4')).getByText('archived'),
        ).toBeInTheDocument(),
      wait,
    );
    expect(
      within(screen.getByTestId('version-row-5')).getByText('production'),
    ).toBeInTheDocument();
  });

  it("shows the server's message when a promotion fails", async () => {
    registryHandlers({ failPromotion: 'not allowed to promote to production' });
    await render(allowAll);
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    await waitFor(
      () =>
        expect(
          within(row5).getByRole('button', { name: 'Promote to production' }),
        ).toBeEnabled(),
      wait,
    );
    fireEvent.click(
      within(row5).getByRole('button', { name: 'Promote to production' }),
    );
    const dialog = await screen.findByRole('dialog', {}, wait);
    const confirm = within(dialog).getByRole('button', { name: 'Confirm' });
    await waitFor(() => expect(confirm).toBeEnabled(), wait);
    fireEvent.click(confirm);
    expect(
      await within(dialog).findByText(
        'not allowed to promote to production',
        {},
        wait,
      ),
    ).toBeInTheDocument();
  });
  it('disables controls the user may not use, saying why in plain sight', async () => {
    registryHandlers({ base: `${REGISTRY}/models/default/guarded-model` });
    await render(
      name =>
        name === 'model-registry.version.promote-production'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      deniedModel,
    );
    await screen.findByTestId('version-row-5', {}, wait);
    // the control re-renders once the decision arrives: query it afresh each time
    await waitFor(
      () =>
        expect(
          within(screen.getByTestId('version-row-5')).getByRole('button', {
            name: 'Promote to production',
          }),
        ).toBeDisabled(),
      wait,
    );
    const row5 = screen.getByTestId('version-row-5');
    const reason = within(row5).getByTestId('denied-reason-5');
    expect(reason).toHaveTextContent(
      "Not allowed for you: Promote to production. Ask Fraud detector's owner, risk-ml.",
    );
    expect(
      within(row5).getByRole('button', { name: 'Promote to production' }),
    ).toHaveAttribute('aria-describedby', 'denied-reason-5');
    expect(within(row5).getByRole('button', { name: 'Archive' })).toBeEnabled();
  });

  it('flags an alias left on an archived version', async () => {
    registryHandlers();
    await render(allowAll);
    const row3 = await screen.findByTestId('version-row-3', {}, wait);
    expect(
      within(row3).getByLabelText('legacy (on an archived version)'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('version-row-4')).getByLabelText('champion'),
    ).toBeInTheDocument();
  });
});

describe('VersionsContent table for ML engineers', () => {
  it('shows the key metrics of the annotation as numeric columns and remembers a chosen set', async () => {
    registryHandlers();
    const storage = mockApis.storage();
    const annotated = {
      ...fraudDetector,
      metadata: {
        ...fraudDetector.metadata,
        annotations: { 'model-registry.io/key-metrics': 'recall, auc' },
      },
    };
    const view = await render(allowAll, annotated, {
      apis: [[storageApiRef, storage]],
    });
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(expect.arrayContaining(['recall', 'auc']));
    expect(headers.indexOf('recall')).toBeLessThan(headers.indexOf('auc'));
    expect(within(row5).getByText('0.97')).toBeInTheDocument();
    expect(within(row5).getByText('0.8')).toBeInTheDocument();
    // v3 has no recall: a dash, not an empty cell.
    expect(
      within(screen.getByTestId('version-row-3')).getAllByText('—').length,
    ).toBeGreaterThan(0);

    // Choosing columns keeps the choice in the user's storage, per model.
    fireEvent.mouseDown(screen.getByRole('button', { name: /Metric columns/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'recall' }));
    await waitFor(() =>
      expect(
        storage
          .forBucket('model-registry')
          .snapshot('version-metric-columns:mlmodel:default/fraud-detector')
          .value,
      ).toEqual(['auc']),
    );
    view.unmount();

    // A new page view starts from the remembered choice, not from the annotation.
    await render(allowAll, annotated, { apis: [[storageApiRef, storage]] });
    await screen.findByTestId('version-row-5', {}, wait);
    const again = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(again).toContain('auc');
    expect(again).not.toContain('recall');
  });

  it('sorts by a metric column on the server, highest first, then turned around', async () => {
    const requests = registryHandlers();
    await render(allowAll);
    await screen.findByTestId('version-row-5', {}, wait);
    const lastList = () =>
      new URL(requests.filter(r => /\/versions\?/.test(r.url)).slice(-1)[0].url)
        .searchParams;
    fireEvent.click(
      within(screen.getByRole('columnheader', { name: 'auc' })).getByRole(
        'button',
      ),
    );
    await waitFor(() => expect(lastList().get('sort')).toBe('metric:auc'));
    expect(lastList().get('order')).toBe('desc');
    await screen.findByTestId('version-row-5', {}, wait);
    fireEvent.click(
      within(screen.getByRole('columnheader', { name: 'auc' })).getByRole(
        'button',
      ),
    );
    await waitFor(() => expect(lastList().get('order')).toBe('asc'));
    expect(lastList().get('sort')).toBe('metric:auc');
    expect(lastList().has('cursor')).toBe(false);
  });

  it('links each version to its page and compares the versions selected', async () => {
    registryHandlers();
    await render(allowAll);
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    expect(
      within(row5).getByRole('link', { name: 'Open version 5' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions/5',
    );
    expect(screen.getByRole('button', { name: 'Compare' })).toBeDisabled();

    fireEvent.click(screen.getByLabelText('Select version 5 to compare'));
    expect(screen.getByRole('button', { name: 'Compare' })).toBeDisabled();
    fireEvent.click(screen.getByLabelText('Select version 3 to compare'));
    expect(
      screen.getByRole('button', { name: 'Compare (2)' }).closest('a'),
    ).toHaveAttribute(
      'href',
      '/catalog/default/mlmodel/fraud-detector/versions?compare=3,5',
    );
    expect(screen.getByText('v3, v5')).toBeInTheDocument();
  });

  it('warns about an alias on an archived version and removes an alias after confirmation', async () => {
    const requests = registryHandlers();
    let deleted: URL | undefined;
    server.use(
      http.delete(`${model}/aliases/:alias`, ({ request }) => {
        deleted = new URL(request.url);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await render(allowAll);
    await screen.findByTestId('version-row-3', {}, wait);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'legacy points at v3 (archived): move the alias to a live version (Set alias in its row) or remove it.',
    );
    expect(
      within(screen.getByTestId('version-row-3')).getByTitle(
        'legacy points at archived v3',
      ),
    ).toBeInTheDocument();

    const listed = requests.filter(r => r.url.includes('/versions?')).length;
    fireEvent.click(
      screen.getByRole('button', { name: 'Remove alias legacy' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Clients that load legacy (today version 3) will no longer find it.',
    );
    fireEvent.change(within(dialog).getByLabelText(/Comment/), {
      target: { value: 'v3 is gone' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Remove alias' }),
    );
    await waitFor(() => expect(deleted).toBeDefined());
    expect(deleted!.pathname).toBe(
      '/api/model-registry/models/default/fraud-detector/aliases/legacy',
    );
    expect(deleted!.searchParams.get('comment')).toBe('v3 is gone');
    // The list reloads after the change.
    await waitFor(() =>
      expect(
        requests.filter(r => r.url.includes('/versions?')).length,
      ).toBeGreaterThan(listed),
    );
  });

  it('offers no alias removal to a user who may not manage aliases', async () => {
    // A model of its own: permission decisions are cached per resource for the file.
    registryHandlers({ base: `${REGISTRY}/models/default/alias-guarded` });
    await render(
      name =>
        name.includes('alias') ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      {
        ...fraudDetector,
        metadata: { ...fraudDetector.metadata, name: 'alias-guarded' },
      },
    );
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    expect(within(row5).getByText('challenger')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Remove alias/ }),
    ).not.toBeInTheDocument();
  });
});

describe('VersionsContent with governed promotion', () => {
  it('requests a promotion: gate checklist, metric comparison, alias, comment', async () => {
    const { entity, base } = modelNamed('requesting-model');
    const requests = registryHandlers({
      base,
      gates: [
        { gate: 'status-ready', passed: true, reason: 'the version is ready' },
        {
          gate: 'metric-not-worse',
          passed: true,
          reason: 'auc 0.97 ≥ 0.95 of v4 (tolerance 0.005)',
        },
      ],
    });
    await render(denying('model-registry.version.promote-production'), entity, {
      config: governed,
    });
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    const request = await within(row5).findByRole(
      'button',
      { name: 'Request production' },
      wait,
    );
    await waitFor(() => expect(request).toBeEnabled(), wait);
    // no direct promotion and no break glass without the promote permission
    expect(
      within(row5).queryByRole('button', {
        name: /Promote to production|Break glass/,
      }),
    ).toBeNull();
    fireEvent.click(request);
    const dialog = await screen.findByRole('dialog', {}, wait);
    expect(
      within(dialog).getByText(
        /once it has 1 approval from users other than you; the gates are checked again then\. Version 4, in production now, is moved to archived/,
      ),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText('metric-not-worse: passed', {}, wait),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('auc 0.97 ≥ 0.95 of v4 (tolerance 0.005)'),
    ).toBeInTheDocument();
    const comparison = within(dialog).getByRole('table', {
      name: 'Metric comparison',
    });
    expect(within(comparison).getByText('v4 (production)')).toBeInTheDocument();
    expect(within(comparison).getByText('recall')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Protected aliases \(champion\)/),
    ).toBeInTheDocument();
    fireEvent.change(
      within(dialog).getByLabelText(
        'Alias to move with the promotion (optional)',
      ),
      { target: { value: 'champion' } },
    );
    fireEvent.change(within(dialog).getByLabelText('Comment'), {
      target: { value: 'recall +2 pt' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);
    expect(
      requests.find(r => r.url.endsWith('/versions/5/promotion-requests'))
        ?.body,
    ).toEqual({
      stage: 'production',
      comment: 'recall +2 pt',
      alias: 'champion',
    });
  });

  it('blocks a request on a failing gate unless the user may override it, with a reason', async () => {
    const gates = [
      {
        gate: 'lineage-present',
        passed: false,
        reason: 'no trainedOn dataset recorded',
      },
    ];
    const blocked = modelNamed('blocked-model');
    registryHandlers({ base: blocked.base, gates });
    const view = await render(
      denying(
        'model-registry.gate.override',
        'model-registry.version.promote-production',
      ),
      blocked.entity,
      { config: governed },
    );
    let row5 = await screen.findByTestId('version-row-5', {}, wait);
    let request = await within(row5).findByRole(
      'button',
      { name: 'Request production' },
      wait,
    );
    await waitFor(() => expect(request).toBeEnabled(), wait);
    fireEvent.click(request);
    let dialog = await screen.findByRole('dialog', {}, wait);
    expect(
      await within(dialog).findByText('lineage-present: failing', {}, wait),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/A failing gate blocks this/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Request' }),
    ).toBeDisabled();
    view.unmount();

    const overriding = modelNamed('overriding-model');
    const requests = registryHandlers({ base: overriding.base, gates });
    await render(
      denying('model-registry.version.promote-production'),
      overriding.entity,
      { config: governed },
    );
    row5 = await screen.findByTestId('version-row-5', {}, wait);
    request = await within(row5).findByRole(
      'button',
      { name: 'Request production' },
      wait,
    );
    await waitFor(() => expect(request).toBeEnabled(), wait);
    fireEvent.click(request);
    dialog = await screen.findByRole('dialog', {}, wait);
    fireEvent.click(
      await within(dialog).findByLabelText(
        /Override the failing gates/,
        {},
        wait,
      ),
    );
    const submit = within(dialog).getByRole('button', { name: 'Request' });
    // the reason is required with an override
    expect(submit).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Reason/), {
      target: { value: 'lineage is in the old tracker' },
    });
    expect(submit).toBeEnabled();
    fireEvent.click(submit);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);
    expect(
      requests.find(r => r.url.endsWith('/promotion-requests'))?.body,
    ).toEqual({
      stage: 'production',
      comment: 'lineage is in the old tracker',
      overrideGates: true,
    });
  });

  it('shows open requests; the requester may cancel but not approve, and sees who approves', async () => {
    const { entity, base } = modelNamed('requested-model');
    const requests = registryHandlers({
      base,
      openRequests: [promotionRequest()],
    });
    await render(denying('model-registry.version.promote-production'), entity, {
      config: governed,
      user: 'user:default/alice',
    });
    const row = await screen.findByTestId('promotion-request-7', {}, wait);
    expect(within(row).getByText('recall +2 pt')).toBeInTheDocument();
    expect(within(row).getByText('1 of 1 passed')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(within(row).getByTestId('decision-reason-7')).toHaveTextContent(
      'You requested this: another approver must decide. Approvers of production: platform-ml.',
    );
    // the version row says the request is open instead of offering a second one
    const row5 = screen.getByTestId('version-row-5');
    expect(within(row5).getByTestId('open-request-5')).toHaveTextContent(
      'production requested by alice · 0 of 1 approvals',
    );
    expect(
      within(row5).queryByRole('button', { name: 'Request production' }),
    ).toBeNull();
    fireEvent.click(
      within(row).getByRole('button', { name: 'Cancel request' }),
    );
    await waitFor(
      () =>
        expect(
          requests.some(r => r.url.endsWith('/promotion-requests/7/cancel')),
        ).toBe(true),
      wait,
    );
  });

  it('an approver approves with a comment; one without the permission is told who may', async () => {
    const approving = modelNamed('approving-model');
    const requests = registryHandlers({
      base: approving.base,
      openRequests: [promotionRequest()],
    });
    const view = await render(allowAll, approving.entity, {
      config: governed,
      user: 'user:default/carol',
    });
    let row = await screen.findByTestId('promotion-request-7', {}, wait);
    const approve = within(row).getByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeEnabled(), wait);
    fireEvent.click(approve);
    const dialog = await screen.findByRole('dialog', {}, wait);
    expect(
      within(dialog).getByText(/Yours is the last approval needed/),
    ).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Comment'), {
      target: { value: 'checked the eval' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(
      () =>
        expect(
          requests.find(r => r.url.endsWith('/promotion-requests/7/approve'))
            ?.body,
        ).toEqual({ comment: 'checked the eval' }),
      wait,
    );
    view.unmount();

    const viewing = modelNamed('viewing-model');
    registryHandlers({
      base: viewing.base,
      openRequests: [promotionRequest()],
    });
    await render(denying('model-registry.promotion.approve'), viewing.entity, {
      config: governed,
      user: 'user:default/bob',
    });
    row = await screen.findByTestId('promotion-request-7', {}, wait);
    await waitFor(
      () =>
        expect(within(row).getByTestId('decision-reason-7')).toHaveTextContent(
          'You may not approve promotions of this model. Approvers of production: platform-ml.',
        ),
      wait,
    );
    expect(within(row).getByRole('button', { name: 'Reject' })).toBeDisabled();
    expect(
      within(row).queryByRole('button', { name: 'Cancel request' }),
    ).toBeNull();
  });

  it('breaks glass with a required reason where config allows it', async () => {
    const { entity, base } = modelNamed('break-glass-model');
    const requests = registryHandlers({ base });
    await render(denying('model-registry.promotion.request'), entity, {
      config: governed,
      user: 'user:default/guest',
    });
    const row5 = await screen.findByTestId('version-row-5', {}, wait);
    const breakGlass = await within(row5).findByRole(
      'button',
      { name: 'Break glass: production' },
      wait,
    );
    await waitFor(
      () =>
        expect(within(row5).getByTestId('denied-reason-5')).toHaveTextContent(
          "Not allowed for you: Request production. Ask Fraud detector's owner, risk-ml, or its approvers: platform-ml.",
        ),
      wait,
    );
    fireEvent.click(breakGlass);
    const dialog = await screen.findByRole('dialog', {}, wait);
    expect(within(dialog).getByRole('note')).toHaveTextContent(
      /skips the approvals production needs and is recorded as a break-glass promotion/,
    );
    const confirm = within(dialog).getByRole('button', { name: 'Confirm' });
    expect(
      await within(dialog).findByText(
        'No gates are configured for production.',
        {},
        wait,
      ),
    ).toBeInTheDocument();
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Reason/), {
      target: { value: 'incident 4711: v4 misfires' },
    });
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);
    expect(
      requests.find(r => r.url.endsWith('/versions/5/stage'))?.body,
    ).toEqual({
      stage: 'production',
      comment: 'incident 4711: v4 misfires',
      breakGlass: true,
    });
  });

  it('reloads when the backend signals a change of the model', async () => {
    const requests = registryHandlers();
    const signals = testSignals();
    await render(allowAll, fraudDetector, {
      config: governed,
      apis: [[signalApiRef, signals.api]],
    });
    await screen.findByTestId('version-row-5', {}, wait);
    const loads = () =>
      requests.filter(r => r.url.includes('/versions?')).length;
    const before = loads();
    expect(signals.channels()).toEqual([
      'model-registry:mlmodel:default/fraud-detector',
    ]);
    act(() =>
      signals.send('model-registry:mlmodel:default/fraud-detector', {
        type: 'stage',
        version: 5,
        stage: 'production',
      }),
    );
    await waitFor(() => expect(loads()).toBe(before + 1), wait);
  });
});
