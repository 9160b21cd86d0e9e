import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  Box,
  Button,
  Checkbox,
  FormControl,
  FormControlLabel,
  Grid,
  InputLabel,
  ListItemText,
  makeStyles,
  MenuItem,
  Radio,
  RadioGroup,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useModelRef } from '../../hooks/useModelRef';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import { useModelLinks } from '../../links/modelLinks';
import { defaultMetrics } from '../../metrics/keyMetrics';
import { errorTitle } from '../errors';
import { formatValue } from './chartScale';
import { MetricPoint } from './describeMetric';
import { MetricAxis, MetricLineChart } from './MetricLineChart';
import { useMetricVersions } from './useMetricVersions';

const useStyles = makeStyles(theme => ({
  select: { minWidth: 280 },
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  paging: { marginLeft: 'auto', display: 'flex', gap: theme.spacing(1) },
}));

/** How many metrics are charted by default when the entity names no key metrics. */
const DEFAULT_METRIC_COUNT = 4;

/**
 * The Metrics tab of an MLModel: the chosen metrics (default: the entity's key metrics, or
 * the most common ones) as one full-width recharts line chart each, over a page of the
 * model's newest versions, by version number or by time; the production version and the
 * aliased versions are marked; older pages on demand; the numbers in a table, each version
 * linking to its page.
 */
export const MetricsContent = () => {
  const { entity, entityRef: modelRef, api } = useModelRef();
  const servingStage = servingStageOf(useStageRules());
  const links = useModelLinks();
  const classes = useStyles();
  const [selected, setSelected] = useState<string[] | undefined>();
  const [axis, setAxis] = useState<MetricAxis>('version');
  const {
    versions,
    metricNames: names,
    hasOlder,
    hasNewer,
    older,
    newer,
    loading,
    error,
  } = useMetricVersions(api, modelRef);

  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title={errorTitle('Could not load the versions of this model', error)}
      />
    );
  }
  if (versions.length === 0) {
    return (
      <InfoCard title="Metrics">
        <EmptyState
          missing="data"
          title="No versions registered"
          description="Metrics appear here once versions are registered with metrics (for example auc or loss)."
        />
      </InfoCard>
    );
  }

  const paging = (
    <Box className={classes.paging}>
      <Button size="small" disabled={!hasNewer} onClick={newer}>
        Newer versions
      </Button>
      <Button size="small" disabled={!hasOlder} onClick={older}>
        Older versions
      </Button>
    </Box>
  );
  const range = `v${versions[0].version}–v${
    versions[versions.length - 1].version
  }`;

  if (names.length === 0) {
    return (
      <InfoCard title="Metrics" subheader={`Versions ${range}`}>
        <EmptyState
          missing="data"
          title="No metrics recorded"
          description={`None of the ${versions.length} versions has metrics. Register versions with metrics, or add them with PATCH …/versions/{version}.`}
        />
        {paging}
      </InfoCard>
    );
  }

  const chosen = (
    selected ?? defaultMetrics(entity, versions, DEFAULT_METRIC_COUNT)
  ).filter(name => names.includes(name));
  const metrics = chosen.length > 0 ? chosen : names.slice(0, 1);
  const pointsOf = (metric: string): MetricPoint[] =>
    versions
      .filter(v => Number.isFinite(v.metrics?.[metric]))
      .map(v => ({
        version: v.version,
        value: v.metrics[metric],
        stage: v.stage,
        aliases: v.aliases ?? [],
        createdAt: v.createdAt,
      }));
  const serving = servingStage
    ? versions.find(v => v.stage === servingStage)
    : undefined;
  const selectId = 'model-metrics-metrics';

  return (
    <InfoCard
      title="Metrics"
      subheader={`${metrics.length} metric${
        metrics.length === 1 ? '' : 's'
      } across versions ${range} (${versions.length} version${
        versions.length === 1 ? '' : 's'
      }${hasOlder ? ', older ones on the next page' : ''})`}
    >
      <Box mb={2} className={classes.controls}>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id={`${selectId}-label`}>Metrics</InputLabel>
          <Select
            labelId={`${selectId}-label`}
            id={selectId}
            label="Metrics"
            multiple
            value={metrics}
            renderValue={value => (value as string[]).join(', ')}
            onChange={e => {
              const value = e.target.value as string[];
              if (value.length > 0) setSelected(value);
            }}
          >
            {names.map(name => (
              <MenuItem key={name} value={name}>
                <Checkbox
                  size="small"
                  checked={metrics.includes(name)}
                  color="primary"
                />
                <ListItemText primary={name} />
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <RadioGroup
          row
          aria-label="X axis"
          value={axis}
          onChange={e => setAxis(e.target.value as MetricAxis)}
        >
          <FormControlLabel
            value="version"
            control={<Radio size="small" color="primary" />}
            label="By version"
          />
          <FormControlLabel
            value="time"
            control={<Radio size="small" color="primary" />}
            label="By time"
          />
        </RadioGroup>
        {paging}
      </Box>
      <Grid container spacing={3}>
        {metrics.map(metric => {
          const points = pointsOf(metric);
          return (
            <Grid item xs={12} key={metric}>
              <MetricLineChart
                metric={metric}
                points={points}
                servingStage={servingStage}
                axis={axis}
              />
              {serving && !points.some(p => p.stage === servingStage) && (
                <Typography variant="body2" color="textSecondary">
                  The {servingStage} version ({`v${serving.version}`}) has no{' '}
                  {metric} value.
                </Typography>
              )}
            </Grid>
          );
        })}
      </Grid>
      <Box mt={2}>
        <Table size="small" aria-label="Metrics by version">
          <TableHead>
            <TableRow>
              <TableCell>Version</TableCell>
              <TableCell>Stage</TableCell>
              <TableCell>Aliases</TableCell>
              <TableCell>Registered</TableCell>
              {metrics.map(metric => (
                <TableCell key={metric} align="right">
                  {metric}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {[...versions].reverse().map(v => (
              <TableRow key={v.version}>
                <TableCell>
                  <Link to={links.versionHref(modelRef, v.version)}>
                    {`v${v.version}`}
                  </Link>
                </TableCell>
                <TableCell>{v.stage}</TableCell>
                <TableCell>{(v.aliases ?? []).join(', ')}</TableCell>
                <TableCell title={new Date(v.createdAt).toLocaleString()}>
                  {new Date(v.createdAt).toLocaleDateString('en-GB', {
                    day: 'numeric',
                    month: 'short',
                    year: 'numeric',
                  })}
                </TableCell>
                {metrics.map(metric => (
                  <TableCell key={metric} align="right">
                    {Number.isFinite(v.metrics?.[metric])
                      ? formatValue(v.metrics[metric])
                      : '—'}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </InfoCard>
  );
};
