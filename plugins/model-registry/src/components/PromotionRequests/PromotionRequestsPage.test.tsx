import { identityApiRef } from '@backstage/core-plugin-api';
import { PromotionRequest } from '@model-registry/plugin-model-registry-common';
import { mockApis } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { PromotionRequestsPage } from './PromotionRequestsPage';

const server = setupRegistryServer();
const wait = { timeout: 20_000 };

function request(
  id: number,
  overrides: Partial<PromotionRequest> = {},
): PromotionRequest {
  return {
    id,
    modelRef: 'mlmodel:default/fraud-detector',
    version: 5,
    stage: 'production',
    status: 'open',
    requestedBy: 'user:default/alice',
    comment: `request ${id}`,
    requiredApprovals: 1,
    approvals: 0,
    decisions: [],
    gateResults: [],
    createdAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
    ...overrides,
  };
}

const config = {
  modelRegistry: {
    stages: {
      approvals: {
        production: { required: 1, notify: ['group:default/platform-ml'] },
      },
    },
  },
};

describe('PromotionRequestsPage', () => {
  it('lists the requests to approve and those requested, and approves one', async () => {
    const asked: string[] = [];
    const decided: Array<{ url: string; body: unknown }> = [];
    server.use(
      http.get(`${REGISTRY}/promotion-requests`, ({ request: req }) => {
        const url = new URL(req.url);
        asked.push(url.search);
        const mine = url.searchParams.get('mine');
        return HttpResponse.json({
          items:
            mine === 'to-approve'
              ? [request(7), request(8, { modelRef: 'mlmodel:default/ranker' })]
              : [
                  request(9, {
                    requestedBy: 'user:default/carol',
                    status: 'executed',
                    approvals: 1,
                    decisions: [
                      {
                        decidedBy: 'user:default/dave',
                        decision: 'approve',
                        comment: 'fine',
                        decidedAt: '2026-11-02T11:00:00.000Z',
                      },
                    ],
                  }),
                ],
        });
      }),
      http.post(
        `${REGISTRY}/models/default/fraud-detector/promotion-requests/7/approve`,
        async ({ request: req }) => {
          decided.push({ url: req.url, body: await req.json() });
          return HttpResponse.json({
            request: request(7, { status: 'executed', approvals: 1 }),
            executed: { version: { version: 5 }, archived: [4] },
          });
        },
      ),
    );
    await renderWithRegistry(<PromotionRequestsPage />, {
      config,
      apis: [
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/carol' }),
        ],
      ],
    });
    const row7 = await screen.findByTestId('promotion-request-7', {}, wait);
    expect(screen.getByTestId('promotion-request-8')).toBeInTheDocument();
    expect(asked[0]).toContain('mine=to-approve');
    expect(within(row7).getByText('request 7')).toBeInTheDocument();
    expect(within(row7).getByText('v5 → production')).toBeInTheDocument();

    const approve = within(row7).getByRole('button', { name: 'Approve' });
    await waitFor(() => expect(approve).toBeEnabled(), wait);
    fireEvent.click(approve);
    const dialog = await screen.findByRole('dialog', {}, wait);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(
      await screen.findByText(
        'Approved: version 5 is in production now.',
        {},
        wait,
      ),
    ).toBeInTheDocument();
    expect(decided).toEqual([
      {
        url: `${REGISTRY}/models/default/fraud-detector/promotion-requests/7/approve`,
        body: {},
      },
    ]);
    // the list reloaded after the decision
    await waitFor(() => expect(asked.length).toBeGreaterThanOrEqual(2), wait);

    fireEvent.click(screen.getByRole('tab', { name: 'Requested by me' }));
    const row9 = await screen.findByTestId('promotion-request-9', {}, wait);
    expect(asked[asked.length - 1]).toContain('mine=requested');
    expect(within(row9).getByText('executed')).toBeInTheDocument();
    expect(
      within(row9).getByText('approved by user:default/dave: fine'),
    ).toBeInTheDocument();
    // a closed request has no actions
    expect(within(row9).queryByRole('button')).toBeNull();
  });

  it('says so when nothing waits for approval', async () => {
    server.use(
      http.get(`${REGISTRY}/promotion-requests`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderWithRegistry(<PromotionRequestsPage />, { config });
    expect(
      await screen.findByText('Nothing waits for your approval', {}, wait),
    ).toBeInTheDocument();
  });
});
