import { WebhookSubscription } from '@model-registry/plugin-model-registry-common';
import {
  Button,
  Chip,
  DialogContentText,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { ModelRegistryApi } from '../../api';
import { ConfirmDialog, useSubmit } from '../ConfirmDialog';
import { serverMessage } from '../errors';

type Pending = { kind: 'delete' | 'rotate'; webhook: WebhookSubscription };

function ChangeDialog(props: {
  api: ModelRegistryApi;
  pending: Pending;
  onClose: () => void;
  onDeleted: () => void;
  onRotated: (secret: string) => void;
}) {
  const { api, pending } = props;
  const remove = pending.kind === 'delete';
  const { busy, failure, submit } = useSubmit(async () => {
    if (remove) {
      await api.webhooks.delete(pending.webhook.id);
      props.onDeleted();
    } else {
      const rotated = await api.webhooks.rotateSecret(pending.webhook.id);
      props.onRotated(rotated.secret ?? '');
    }
  });
  return (
    <ConfirmDialog
      id={`webhook-${pending.kind}`}
      title={remove ? 'Delete webhook' : 'Rotate secret'}
      busy={busy}
      failure={failure}
      confirmLabel={remove ? 'Delete' : 'Rotate'}
      onConfirm={submit}
      onClose={props.onClose}
    >
      <DialogContentText>
        {remove
          ? `Events are no longer posted to ${pending.webhook.url}; its delivery log goes with it.`
          : `A new secret signs the deliveries to ${pending.webhook.url} from now on; the old one stops working at once.`}
      </DialogContentText>
    </ConfirmDialog>
  );
}

/**
 * The webhook subscriptions: URL, events, model, format, an enabled switch, who created
 * it, and its actions (deliveries, rotate secret, delete).
 */
export function WebhookTable(props: {
  api: ModelRegistryApi;
  webhooks: WebhookSubscription[];
  onMessage: (text: string, error?: boolean) => void;
  onChanged: () => void;
  onSecret: (webhook: WebhookSubscription, secret: string) => void;
  onDeliveries: (webhook: WebhookSubscription) => void;
}) {
  const { api } = props;
  const [pending, setPending] = useState<Pending>();
  const [toggling, setToggling] = useState<string>();

  const toggle = async (webhook: WebhookSubscription) => {
    setToggling(webhook.id);
    try {
      await api.webhooks.update(webhook.id, { enabled: !webhook.enabled });
      props.onMessage(
        `Webhook to ${webhook.url} ${
          webhook.enabled ? 'disabled' : 'enabled'
        }.`,
      );
      props.onChanged();
    } catch (error) {
      props.onMessage(
        `Could not change the webhook: ${serverMessage(error)}`,
        true,
      );
    } finally {
      setToggling(undefined);
    }
  };

  return (
    <>
      <Table size="small" aria-label="Webhooks">
        <TableHead>
          <TableRow>
            <TableCell>URL</TableCell>
            <TableCell>Events</TableCell>
            <TableCell>Model</TableCell>
            <TableCell>Format</TableCell>
            <TableCell>Enabled</TableCell>
            <TableCell>Created by</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.webhooks.map(webhook => (
            <TableRow key={webhook.id} data-testid={`webhook-${webhook.id}`}>
              <TableCell>
                <code style={{ wordBreak: 'break-all' }}>{webhook.url}</code>
                {webhook.description && (
                  <Typography variant="caption" component="div">
                    {webhook.description}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {webhook.events.map(e => (
                  <Chip
                    key={e}
                    size="small"
                    label={e}
                    style={{ marginRight: 4, marginBottom: 4 }}
                  />
                ))}
              </TableCell>
              <TableCell>{webhook.modelRef ?? 'every model'}</TableCell>
              <TableCell>{webhook.format}</TableCell>
              <TableCell>
                <Switch
                  checked={webhook.enabled}
                  disabled={toggling === webhook.id}
                  onChange={() => toggle(webhook)}
                  inputProps={{
                    'aria-label': `Enabled: ${webhook.url}`,
                  }}
                  color="primary"
                />
              </TableCell>
              <TableCell>
                {webhook.createdBy}
                <Typography variant="caption" component="div">
                  {new Date(webhook.createdAt).toLocaleString()}
                </Typography>
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <Button
                  size="small"
                  onClick={() => props.onDeliveries(webhook)}
                >
                  Deliveries
                </Button>
                <Button
                  size="small"
                  onClick={() => setPending({ kind: 'rotate', webhook })}
                >
                  Rotate secret
                </Button>
                <Button
                  size="small"
                  onClick={() => setPending({ kind: 'delete', webhook })}
                >
                  Delete
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {pending && (
        <ChangeDialog
          api={api}
          pending={pending}
          onClose={() => setPending(undefined)}
          onDeleted={() => {
            setPending(undefined);
            props.onMessage(`Webhook to ${pending.webhook.url} deleted.`);
            props.onChanged();
          }}
          onRotated={secret => {
            setPending(undefined);
            props.onSecret(pending.webhook, secret);
          }}
        />
      )}
    </>
  );
}
