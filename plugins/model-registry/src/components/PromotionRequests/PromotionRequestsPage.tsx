import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PromotionRequest } from '@model-registry/plugin-model-registry-common';
import { Box, Button, Paper, Tab, Tabs, Typography } from '@material-ui/core';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { modelRegistryApiRef } from '../../api';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useStageRules } from '../../hooks/useStageRules';
import { errorTitle } from '../errors';
import { PromotionRequestTable } from './PromotionRequestTable';

type Mine = 'to-approve' | 'requested';

const PAGE_SIZE = 50;

const TABS: Record<Mine, { label: string; empty: string; hint: string }> = {
  'to-approve': {
    label: 'To approve',
    empty: 'Nothing waits for your approval',
    hint: 'Open requests of others on models you may approve promotions of.',
  },
  requested: {
    label: 'Requested by me',
    empty: 'You have not requested any promotion',
    hint: 'Request a promotion from the Versions tab of a model.',
  },
};

/**
 * The promotion requests page: the open requests of others the signed-in user may decide
 * (approve or reject), and the requests the user opened with their outcome.
 */
export const PromotionRequestsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const stageRules = useStageRules();
  const me = useCurrentUser();
  const [mine, setMine] = useState<Mine>('to-approve');
  const [pages, setPages] = useState<PromotionRequest[][]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  const state = useAsyncRetry(
    () => api.listPromotionRequests({ mine, limit: PAGE_SIZE, cursor }),
    [api, mine, cursor],
  );
  useEffect(() => {
    if (state.value) {
      const page = state.value.items;
      setPages(previous => (cursor ? [...previous, page] : [page]));
    }
  }, [state.value, cursor]);

  const restart = (next: Mine) => {
    setMine(next);
    setCursor(undefined);
    setPages([]);
  };
  const items = pages.flat();
  const tab = TABS[mine];

  return (
    <Page themeId="tool">
      <Header
        title="Promotion requests"
        subtitle="Versions waiting for approval before they enter a governed stage"
      />
      <Content>
        <Paper>
          <Tabs
            value={mine}
            onChange={(_, value) => restart(value as Mine)}
            indicatorColor="primary"
            aria-label="Promotion requests"
          >
            <Tab value="to-approve" label={TABS['to-approve'].label} />
            <Tab value="requested" label={TABS.requested.label} />
          </Tabs>
          <Box p={2}>
            <Typography variant="body2" color="textSecondary" paragraph>
              {tab.hint}
            </Typography>
            {message && (
              <Typography role="status" paragraph>
                {message}
              </Typography>
            )}
            {state.loading && items.length === 0 && <Progress />}
            {state.error && (
              <ResponseErrorPanel
                error={state.error}
                title={errorTitle(
                  'Could not load the promotion requests',
                  state.error,
                )}
              />
            )}
            {!state.loading && !state.error && items.length === 0 && (
              <EmptyState missing="data" title={tab.empty} />
            )}
            {items.length > 0 && (
              <PromotionRequestTable
                api={api}
                requests={items}
                stageRules={stageRules}
                me={me}
                showModel
                title={tab.label}
                onChanged={text => {
                  setMessage(text);
                  setCursor(undefined);
                  setPages([]);
                  state.retry();
                }}
              />
            )}
            {state.value?.nextCursor && (
              <Box display="flex" justifyContent="flex-end" mt={1}>
                <Button
                  disabled={state.loading}
                  onClick={() => setCursor(state.value?.nextCursor)}
                >
                  More
                </Button>
              </Box>
            )}
          </Box>
        </Paper>
      </Content>
    </Page>
  );
};
