import {
  GateCheck,
  ModelVersion,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';

/** Each gate of the target stage: passed or failing, with its reason (the dry-run route's answer). */
export function GateChecklist(props: { check: GateCheck }) {
  const { check } = props;
  return (
    <Box mb={2}>
      <Typography variant="subtitle2" component="h3">
        Gates for {check.stage}
      </Typography>
      {check.results.length === 0 ? (
        <Typography variant="body2">
          No gates are configured for {check.stage}.
        </Typography>
      ) : (
        <List dense aria-label={`Gates for ${check.stage}`} disablePadding>
          {check.results.map(result => (
            <ListItem
              key={result.gate}
              disableGutters
              data-testid={`gate-${result.gate}`}
            >
              <ListItemIcon style={{ minWidth: 32 }}>
                {result.passed ? (
                  <CheckCircleIcon
                    style={{ color: '#2e7d32' }}
                    titleAccess="passed"
                  />
                ) : (
                  <CancelIcon color="error" titleAccess="failing" />
                )}
              </ListItemIcon>
              <ListItemText
                primary={`${result.gate}: ${
                  result.passed ? 'passed' : 'failing'
                }`}
                secondary={result.reason}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}

function formatMetric(value: number | undefined) {
  if (value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/**
 * The version's metrics beside those of the version now in the stage (production), with
 * the difference; metrics only one of them has show a dash on the other side.
 */
export function MetricComparison(props: {
  version: ModelVersion;
  current?: ModelVersion;
  stage: string;
}) {
  const { version, current } = props;
  if (!current || current.version === version.version) {
    return (
      <Box mb={2}>
        <Typography variant="subtitle2" component="h3">
          Metrics
        </Typography>
        <Typography variant="body2">
          No version is in {props.stage} now to compare with.
        </Typography>
      </Box>
    );
  }
  const names = [
    ...new Set([
      ...Object.keys(version.metrics),
      ...Object.keys(current.metrics),
    ]),
  ].sort();
  return (
    <Box mb={2}>
      <Typography variant="subtitle2" component="h3">
        Metrics against v{current.version}, in {props.stage} now
      </Typography>
      {names.length === 0 ? (
        <Typography variant="body2">
          Neither version has metrics recorded.
        </Typography>
      ) : (
        <Table size="small" aria-label="Metric comparison">
          <TableHead>
            <TableRow>
              <TableCell>Metric</TableCell>
              <TableCell align="right">v{version.version}</TableCell>
              <TableCell align="right">
                v{current.version} ({props.stage})
              </TableCell>
              <TableCell align="right">Difference</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {names.map(name => {
              const mine = version.metrics[name];
              const theirs = current.metrics[name];
              const diff =
                mine !== undefined && theirs !== undefined
                  ? mine - theirs
                  : undefined;
              return (
                <TableRow key={name}>
                  <TableCell component="th" scope="row">
                    {name}
                  </TableCell>
                  <TableCell align="right">{formatMetric(mine)}</TableCell>
                  <TableCell align="right">{formatMetric(theirs)}</TableCell>
                  <TableCell align="right">
                    {diff === undefined
                      ? '—'
                      : `${diff > 0 ? '+' : ''}${formatMetric(diff)}`}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
