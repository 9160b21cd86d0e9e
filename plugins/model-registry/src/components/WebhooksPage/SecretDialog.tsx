import { CopyTextButton } from '@backstage/core-components';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Typography,
} from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';

/**
 * A subscription's signing secret, shown the one time the registry returns it (on create
 * and on rotate), with a copy button; closing the dialog forgets it.
 */
export function SecretDialog(props: {
  title: string;
  url: string;
  secret: string;
  onClose: () => void;
}) {
  return (
    <Dialog open onClose={props.onClose} aria-labelledby="webhook-secret-title">
      <DialogTitle id="webhook-secret-title">{props.title}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          The signing secret of <code>{props.url}</code>:
        </Typography>
        <Box display="flex" alignItems="center" mb={2} style={{ gap: 8 }}>
          <code
            data-testid="webhook-secret"
            style={{ wordBreak: 'break-all', fontSize: '0.9rem' }}
          >
            {props.secret}
          </code>
          <CopyTextButton
            text={props.secret}
            aria-label="Copy the secret"
            tooltipText="Secret copied to the clipboard"
          />
        </Box>
        <Box display="flex" alignItems="center" style={{ gap: 8 }} role="note">
          <WarningIcon style={{ color: '#ed6c02' }} />
          <Typography variant="body2">
            Copy it now: it is not shown again. The receiver checks each
            delivery's signature with it; rotate the secret if it is lost.
          </Typography>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} color="primary" variant="contained">
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
