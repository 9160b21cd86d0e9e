import {
  WEBHOOK_FORMATS,
  WebhookFormat,
  WebhookSubscription,
} from '@model-registry/plugin-model-registry-common';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormHelperText,
  InputLabel,
  ListItemText,
  MenuItem,
  Select,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { ModelRegistryApi } from '../../api';
import { useSubmit } from '../ConfirmDialog';
import { EVENT_PATTERN_CHOICES } from './eventPatterns';

const FORMAT_HELP: Record<WebhookFormat, string> = {
  registry:
    'The registry event itself, signed with X-Model-Registry-Signature.',
  mlflow:
    "MLflow's webhook envelope, signed with X-MLflow-Signature, for receivers written for MLflow.",
};

/**
 * The "New webhook" form: URL, event types (types, families or *), an optional model, the
 * payload format and a description. The registry checks the URL (https, public address)
 * and answers with the field at fault; `onCreated` gets the subscription with its secret.
 */
export function NewWebhookDialog(props: {
  api: ModelRegistryApi;
  onClose: () => void;
  onCreated: (created: WebhookSubscription) => void;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [modelRef, setModelRef] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('registry');
  const [description, setDescription] = useState('');
  const { busy, failure, submit } = useSubmit(async () => {
    const created = await props.api.webhooks.create({
      url: url.trim(),
      events,
      format,
      ...(modelRef.trim() ? { modelRef: modelRef.trim() } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
    props.onCreated(created);
  });

  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby="new-webhook-title"
    >
      <DialogTitle id="new-webhook-title">New webhook</DialogTitle>
      <DialogContent>
        <TextField
          fullWidth
          margin="dense"
          id="new-webhook-url"
          label="URL"
          required
          helperText="https, on a public address; the registry posts each event here."
          value={url}
          onChange={e => setUrl(e.target.value)}
        />
        <FormControl fullWidth margin="dense" required>
          <InputLabel id="new-webhook-events-label">Event types</InputLabel>
          <Select
            labelId="new-webhook-events-label"
            id="new-webhook-events"
            multiple
            value={events}
            onChange={e => setEvents(e.target.value as string[])}
            renderValue={selected => (selected as string[]).join(', ')}
          >
            {EVENT_PATTERN_CHOICES.map(choice => (
              <MenuItem key={choice.value} value={choice.value}>
                <Checkbox checked={events.includes(choice.value)} />
                <ListItemText primary={choice.label} />
              </MenuItem>
            ))}
          </Select>
          <FormHelperText>
            Event types, families such as version.*, or * for every event.
          </FormHelperText>
        </FormControl>
        <TextField
          fullWidth
          margin="dense"
          id="new-webhook-model"
          label="Model (optional)"
          placeholder="mlmodel:default/fraud-detector"
          helperText="Only the events of this model; every model when empty."
          value={modelRef}
          onChange={e => setModelRef(e.target.value)}
        />
        <FormControl fullWidth margin="dense">
          <InputLabel id="new-webhook-format-label">Format</InputLabel>
          <Select
            labelId="new-webhook-format-label"
            id="new-webhook-format"
            value={format}
            onChange={e => setFormat(e.target.value as WebhookFormat)}
          >
            {WEBHOOK_FORMATS.map(f => (
              <MenuItem key={f} value={f}>
                {f}
              </MenuItem>
            ))}
          </Select>
          <FormHelperText>{FORMAT_HELP[format]}</FormHelperText>
        </FormControl>
        <TextField
          fullWidth
          margin="dense"
          id="new-webhook-description"
          label="Description (optional)"
          value={description}
          onChange={e => setDescription(e.target.value)}
        />
        {failure && (
          <Typography color="error" role="alert">
            {failure}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={submit}
          color="primary"
          variant="contained"
          disabled={busy || !url.trim() || events.length === 0}
        >
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
