import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
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

/** A tiny registry: v4 in production (champion), v5 in staging. */
function registryHandlers(
  options: { failPromotion?: string; base?: string } = {},
) {
  const base = options.base ?? model;
  const versions = [
    version(5, { stage: 'staging', aliases: ['challenger'] }),
    version(4, { stage: 'production', aliases: ['champion'] }),
  ];
  const requests: Array<{ url: string; body?: unknown }> = [];
  server.use(
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

function render(decide: PermissionDecider, entity = fraudDetector) {
  return renderWithRegistry(<VersionsContent />, {
    entity,
    permission: decide,
  });
}

const allowAll = (): AuthorizeResult.ALLOW => AuthorizeResult.ALLOW;

describe('VersionsContent', () => {
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
      within(dialog).getByText(
        'Version 4 is in production now; it will be moved to archived in the same step.',
      ),
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
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(
      await within(dialog).findByText(
        'not allowed to promote to production',
        {},
        wait,
      ),
    ).toBeInTheDocument();
  });
  it('disables controls the user may not use, saying why', async () => {
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
    expect(
      within(row5).getByLabelText(
        'Promote to production: You are not allowed to promote versions of Fraud detector to production.',
      ),
    ).toBeInTheDocument();
    expect(within(row5).getByRole('button', { name: 'Archive' })).toBeEnabled();
  });
});
