import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  modelWebhookManagePermission,
  WebhookSubscription,
} from '@model-registry/plugin-model-registry-common';
import { Box, Button, Paper, Typography } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { modelRegistryApiRef } from '../../api';
import { errorTitle } from '../errors';
import { NewWebhookDialog } from './NewWebhookDialog';
import { SecretDialog } from './SecretDialog';
import { WebhookDeliveriesDialog } from './WebhookDeliveriesDialog';
import { WebhookTable } from './WebhookTable';

type Shown =
  | { kind: 'new' }
  | { kind: 'secret'; title: string; url: string; secret: string }
  | { kind: 'deliveries'; webhook: WebhookSubscription };

function Frame(props: { children: React.ReactNode }) {
  return (
    <Page themeId="tool">
      <Header
        title="Webhooks"
        subtitle="Registry events posted, signed, to the URLs you subscribe"
      />
      <Content>{props.children}</Content>
    </Page>
  );
}

/**
 * The webhooks admin page (model-registry.webhook.manage): the subscriptions, a form for a
 * new one, the one-time display of a new or rotated secret, and each one's deliveries.
 */
export const WebhooksPage = () => {
  const api = useApi(modelRegistryApiRef);
  const permission = usePermission({
    permission: modelWebhookManagePermission,
  });
  const [shown, setShown] = useState<Shown>();
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const state = useAsyncRetry(
    async () => (permission.allowed ? api.webhooks.list() : undefined),
    [api, permission.allowed],
  );

  if (permission.loading) {
    return (
      <Frame>
        <Progress />
      </Frame>
    );
  }
  if (!permission.allowed) {
    return (
      <Frame>
        <EmptyState
          missing="info"
          title="You may not manage webhooks"
          description="Webhook subscriptions and their deliveries need the model-registry.webhook.manage permission. Ask the portal's administrators for it."
        />
      </Frame>
    );
  }

  const items = state.value?.items ?? [];
  const report = (text: string, error = false) => setMessage({ text, error });

  return (
    <Frame>
      <Paper>
        <Box p={2}>
          <Box display="flex" alignItems="center" mb={2}>
            <Typography
              variant="body2"
              color="textSecondary"
              style={{ flex: 1 }}
            >
              Each subscription receives the events it names (a type, a family
              such as version.* or *), for one model or every model, signed with
              its own secret.
            </Typography>
            <Button
              color="primary"
              variant="contained"
              startIcon={<AddIcon />}
              onClick={() => setShown({ kind: 'new' })}
            >
              New webhook
            </Button>
          </Box>
          {message && (
            <Typography
              role={message.error ? 'alert' : 'status'}
              color={message.error ? 'error' : 'initial'}
              paragraph
            >
              {message.text}
            </Typography>
          )}
          {state.loading && !state.value && <Progress />}
          {state.error && (
            <ResponseErrorPanel
              error={state.error}
              title={errorTitle('Could not load the webhooks', state.error)}
            />
          )}
          {state.value && items.length === 0 && (
            <EmptyState
              missing="data"
              title="No webhooks yet"
              description="Create one to have registry events posted to your service."
            />
          )}
          {items.length > 0 && (
            <WebhookTable
              api={api}
              webhooks={items}
              onMessage={report}
              onChanged={state.retry}
              onSecret={(webhook, secret) =>
                setShown({
                  kind: 'secret',
                  title: 'New secret',
                  url: webhook.url,
                  secret,
                })
              }
              onDeliveries={webhook =>
                setShown({ kind: 'deliveries', webhook })
              }
            />
          )}
        </Box>
      </Paper>
      {shown?.kind === 'new' && (
        <NewWebhookDialog
          api={api}
          onClose={() => setShown(undefined)}
          onCreated={created => {
            report(`Webhook to ${created.url} created.`);
            state.retry();
            setShown(
              created.secret
                ? {
                    kind: 'secret',
                    title: 'Webhook created',
                    url: created.url,
                    secret: created.secret,
                  }
                : undefined,
            );
          }}
        />
      )}
      {shown?.kind === 'secret' && (
        <SecretDialog
          title={shown.title}
          url={shown.url}
          secret={shown.secret}
          onClose={() => setShown(undefined)}
        />
      )}
      {shown?.kind === 'deliveries' && (
        <WebhookDeliveriesDialog
          api={api}
          webhook={shown.webhook}
          onClose={() => setShown(undefined)}
        />
      )}
    </Frame>
  );
};
