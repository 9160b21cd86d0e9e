import {
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';
import { UriLink } from '../UriLink';

function KeyValues(props: { title: string; values: Record<string, unknown> }) {
  const entries = Object.entries(props.values);
  return (
    <Box mb={2}>
      <Typography variant="h6" component="h3">
        {props.title}
      </Typography>
      {entries.length === 0 ? (
        <Typography variant="body2">None recorded.</Typography>
      ) : (
        <Table size="small" aria-label={props.title}>
          <TableBody>
            {entries.map(([key, value]) => (
              <TableRow key={key}>
                <TableCell component="th" scope="row">
                  {key}
                </TableCell>
                <TableCell>{String(value)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

/** Everything about one version: metrics, params, signature, source, lineage, card, history. */
export function VersionDetail(props: {
  api: ModelRegistryApi;
  entityRef: string;
  version: ModelVersion;
  onClose: () => void;
}) {
  const { api, entityRef, version } = props;
  const extra = useAsync(async () => {
    const [lineage, history] = await Promise.all([
      api.getLineage(entityRef, version.version, {
        direction: 'upstream',
        depth: 1,
      }),
      api.listVersionHistory(entityRef, version.version, { limit: 20 }),
    ]);
    return { lineage, history };
  }, [api, entityRef, version.version]);

  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="version-detail-title"
    >
      <DialogTitle id="version-detail-title">
        Version {version.version} · {version.stage} · {version.status}
      </DialogTitle>
      <DialogContent>
        {version.description && (
          <Typography paragraph>{version.description}</Typography>
        )}
        <KeyValues
          title="Source"
          values={{
            source: version.source,
            ...(version.runId ? { run: version.runId } : {}),
            ...(version.code?.repository
              ? { repository: version.code.repository }
              : {}),
            ...(version.code?.commit ? { commit: version.code.commit } : {}),
            ...(version.framework ? { framework: version.framework } : {}),
            'created by': `${version.createdBy} at ${new Date(
              version.createdAt,
            ).toLocaleString()}`,
          }}
        />
        {version.runLink && (
          <Box mb={2}>
            <UriLink uri={version.runLink}>Open the training run</UriLink>
          </Box>
        )}
        <KeyValues title="Metrics" values={version.metrics} />
        <KeyValues title="Parameters" values={version.params} />
        <KeyValues title="Tags" values={version.tags} />
        <Box mb={2}>
          <Typography variant="h6" component="h3">
            Signature
          </Typography>
          {version.signature ? (
            <pre>{JSON.stringify(version.signature, null, 2)}</pre>
          ) : (
            <Typography variant="body2">None recorded.</Typography>
          )}
        </Box>
        <Box mb={2}>
          <Typography variant="h6" component="h3">
            Model card
          </Typography>
          {version.card && Object.keys(version.card).length ? (
            Object.entries(version.card).map(([section, text]) => (
              <Box key={section} mb={1}>
                <Typography variant="subtitle2">{section}</Typography>
                <MarkdownContent content={String(text)} />
              </Box>
            ))
          ) : (
            <Typography variant="body2">No card for this version.</Typography>
          )}
        </Box>
        {extra.loading && <Progress />}
        {extra.error && <ResponseErrorPanel error={extra.error} />}
        {extra.value && (
          <>
            <Box mb={2}>
              <Typography variant="h6" component="h3">
                Lineage
              </Typography>
              {extra.value.lineage.edges.length === 0 ? (
                <Typography variant="body2">No lineage recorded.</Typography>
              ) : (
                <ul aria-label="Lineage">
                  {extra.value.lineage.edges.map(edge => (
                    <li key={`${edge.relation}-${edge.to}`}>
                      {edge.relation}:{' '}
                      {edge.to.replace(/^(entity|uri|version):/, '')}
                    </li>
                  ))}
                </ul>
              )}
            </Box>
            <Box mb={2}>
              <Typography variant="h6" component="h3">
                History
              </Typography>
              <ul aria-label="Version history">
                {extra.value.history.items.map(entry => (
                  <li key={entry.id}>
                    {new Date(entry.createdAt).toLocaleString()} · {entry.actor}{' '}
                    · {entry.action}
                    {entry.comment ? ` — ${entry.comment}` : ''}
                  </li>
                ))}
              </ul>
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
