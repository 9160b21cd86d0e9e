import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  WebhookDelivery,
  WebhookSubscription,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Chip,
  Collapse,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Fragment, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ModelRegistryApi } from '../../api';
import { errorTitle, serverMessage } from '../errors';

const PAGE_SIZE = 25;

const STATUS_COLOR: Record<WebhookDelivery['status'], string> = {
  delivered: '#2e7d32',
  pending: '#ed6c02',
  failed: '#d32f2f',
};

function time(iso?: string) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** The last answer of a delivery: its status code, its error, or both. */
function lastOutcome(delivery: WebhookDelivery) {
  const parts = [
    delivery.lastStatusCode !== undefined
      ? `HTTP ${delivery.lastStatusCode}`
      : '',
    delivery.lastError ?? '',
  ].filter(Boolean);
  return parts.length ? parts.join(': ') : '—';
}

function AttemptLog({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.log.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not attempted yet
        {delivery.nextAttemptAt ? ` (due ${time(delivery.nextAttemptAt)})` : ''}
        .
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Attempts of delivery ${delivery.id}`}>
      <TableHead>
        <TableRow>
          <TableCell>Attempt</TableCell>
          <TableCell>Started</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Latency</TableCell>
          <TableCell>Error</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {delivery.log.map(attempt => (
          <TableRow key={attempt.attempt}>
            <TableCell>{attempt.attempt}</TableCell>
            <TableCell>{time(attempt.startedAt)}</TableCell>
            <TableCell>{attempt.statusCode ?? '—'}</TableCell>
            <TableCell>{attempt.durationMs} ms</TableCell>
            <TableCell>
              {attempt.error ?? '—'}
              {attempt.responseExcerpt && (
                <Typography variant="caption" component="div">
                  <code>{attempt.responseExcerpt}</code>
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * A subscription's deliveries, newest first: status, event, attempts and the last answer;
 * each expands into its attempt log and can be delivered again.
 */
export function WebhookDeliveriesDialog(props: {
  api: ModelRegistryApi;
  webhook: WebhookSubscription;
  onClose: () => void;
}) {
  const { api, webhook } = props;
  const [cursor, setCursor] = useState<string | undefined>();
  const [pages, setPages] = useState<WebhookDelivery[][]>([]);
  const [open, setOpen] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();

  const state = useAsyncRetry(
    () => api.webhooks.listDeliveries(webhook.id, { limit: PAGE_SIZE, cursor }),
    [api, webhook.id, cursor],
  );
  useEffect(() => {
    if (state.value) {
      const page = state.value.items;
      setPages(previous => (cursor ? [...previous, page] : [page]));
    }
  }, [state.value, cursor]);
  const deliveries = pages.flat();

  const redeliver = async (delivery: WebhookDelivery) => {
    setBusy(delivery.id);
    setMessage(undefined);
    try {
      await api.webhooks.redeliver(webhook.id, delivery.id);
      setMessage({ text: `Delivery of ${delivery.eventId} queued again.` });
      setCursor(undefined);
      state.retry();
    } catch (error) {
      setMessage({
        text: `Could not redeliver: ${serverMessage(error)}`,
        error: true,
      });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="webhook-deliveries-title"
    >
      <DialogTitle id="webhook-deliveries-title">
        Deliveries to {webhook.url}
      </DialogTitle>
      <DialogContent>
        {message && (
          <Typography
            role={message.error ? 'alert' : 'status'}
            color={message.error ? 'error' : 'initial'}
            paragraph
          >
            {message.text}
          </Typography>
        )}
        {state.loading && deliveries.length === 0 && <Progress />}
        {state.error && (
          <ResponseErrorPanel
            error={state.error}
            title={errorTitle('Could not load the deliveries', state.error)}
          />
        )}
        {!state.loading && !state.error && deliveries.length === 0 && (
          <Typography color="textSecondary">No deliveries yet.</Typography>
        )}
        {deliveries.length > 0 && (
          <Table size="small" aria-label="Deliveries">
            <TableHead>
              <TableRow>
                <TableCell />
                <TableCell>Status</TableCell>
                <TableCell>Event type</TableCell>
                <TableCell>Event id</TableCell>
                <TableCell>Model</TableCell>
                <TableCell>Attempts</TableCell>
                <TableCell>Last answer</TableCell>
                <TableCell>Time</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {deliveries.map(delivery => (
                <Fragment key={delivery.id}>
                  <TableRow data-testid={`delivery-${delivery.id}`}>
                    <TableCell padding="checkbox">
                      <IconButton
                        size="small"
                        aria-label={`Attempts of ${delivery.eventId}`}
                        aria-expanded={open === delivery.id}
                        onClick={() =>
                          setOpen(
                            open === delivery.id ? undefined : delivery.id,
                          )
                        }
                      >
                        {open === delivery.id ? (
                          <ExpandLessIcon />
                        ) : (
                          <ExpandMoreIcon />
                        )}
                      </IconButton>
                    </TableCell>
                    <TableCell>
                      <Chip
                        size="small"
                        label={delivery.status}
                        style={{
                          color: '#fff',
                          backgroundColor: STATUS_COLOR[delivery.status],
                        }}
                      />
                    </TableCell>
                    <TableCell>{delivery.eventType}</TableCell>
                    <TableCell>
                      <code>{delivery.eventId}</code>
                    </TableCell>
                    <TableCell>{delivery.modelRef}</TableCell>
                    <TableCell>{delivery.attempts}</TableCell>
                    <TableCell>{lastOutcome(delivery)}</TableCell>
                    <TableCell>
                      {time(delivery.deliveredAt ?? delivery.createdAt)}
                    </TableCell>
                    <TableCell>
                      <Button
                        size="small"
                        disabled={busy !== undefined}
                        onClick={() => redeliver(delivery)}
                      >
                        Redeliver
                      </Button>
                    </TableCell>
                  </TableRow>
                  <TableRow>
                    <TableCell
                      colSpan={9}
                      style={{ paddingTop: 0, paddingBottom: 0 }}
                    >
                      <Collapse in={open === delivery.id} unmountOnExit>
                        <Box my={1}>
                          <AttemptLog delivery={delivery} />
                        </Box>
                      </Collapse>
                    </TableCell>
                  </TableRow>
                </Fragment>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        {state.value?.nextCursor && (
          <Button
            disabled={state.loading}
            onClick={() => setCursor(state.value?.nextCursor)}
          >
            More
          </Button>
        )}
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
