import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { ReactNode, useState } from 'react';
import { serverMessage } from './errors';

/**
 * Runs a change once at a time: busy while it runs, the server's message when it fails
 * (then nothing else happens), `onDone` when it succeeds.
 */
export function useSubmit(
  change: () => Promise<void>,
  onDone: () => void = () => {},
) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const submit = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await change();
      setBusy(false);
      onDone();
    } catch (error) {
      setFailure(serverMessage(error));
      setBusy(false);
    }
  };
  return { busy, failure, submit };
}

/**
 * A confirmation dialog of a registry change: what happens (children), a comment kept in
 * the history (when the change keeps one), the server's message when the change fails,
 * Cancel and the confirm button.
 */
export function ConfirmDialog(props: {
  id: string;
  title: ReactNode;
  children?: ReactNode;
  comment?: {
    label: string;
    helperText: string;
    value: string;
    onChange: (value: string) => void;
    required?: boolean;
  };
  failure?: string;
  busy: boolean;
  confirmLabel: string;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  maxWidth?: 'xs' | 'sm' | 'md';
}) {
  const { comment } = props;
  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth={props.maxWidth ?? 'sm'}
      fullWidth={Boolean(props.maxWidth)}
      aria-labelledby={`${props.id}-title`}
    >
      <DialogTitle id={`${props.id}-title`}>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
        {comment && (
          <TextField
            fullWidth
            margin="dense"
            id={`${props.id}-comment`}
            label={comment.label}
            helperText={comment.helperText}
            value={comment.value}
            onChange={e => comment.onChange(e.target.value)}
            required={comment.required}
            multiline
          />
        )}
        {props.failure && (
          <Typography color="error" role="alert">
            {props.failure}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={props.busy}>
          Cancel
        </Button>
        <Button
          onClick={props.onConfirm}
          color="primary"
          variant="contained"
          disabled={props.busy || props.confirmDisabled}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
