import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import {
  Box,
  FormControl,
  InputLabel,
  makeStyles,
  MenuItem,
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
import { errorTitle } from '../errors';
import { formatValue } from './chartScale';
import { MetricChart, MetricPoint } from './MetricChart';
import { CHARTED_VERSIONS, useMetricVersions } from './useMetricVersions';

const useStyles = makeStyles({
  select: { minWidth: 240 },
  table: { maxWidth: 480 },
});

/** The metric present in the most versions (ties: alphabetical). */
function defaultMetric(versions: ModelVersion[], names: string[]) {
  let best = names[0];
  let bestCount = -1;
  for (const name of names) {
    const count = versions.filter(v => name in v.metrics).length;
    if (count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The Metrics tab of an MLModel: one metric (chosen in a select) across the model's
 * newest versions as a line chart, the serving (production) version marked, with the values
 * in a table.
 */
export const MetricsContent = () => {
  const { entityRef: modelRef, api } = useModelRef();
  const servingStage = servingStageOf(useStageRules());
  const classes = useStyles();
  const [selected, setSelected] = useState<string | undefined>();
  const {
    versions,
    metricNames: names,
    truncated,
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
  if (names.length === 0) {
    return (
      <InfoCard title="Metrics">
        <EmptyState
          missing="data"
          title="No metrics recorded"
          description={`None of the ${versions.length} versions has metrics. Register versions with metrics, or add them with PATCH …/versions/{version}.`}
        />
      </InfoCard>
    );
  }

  const metric =
    selected && names.includes(selected)
      ? selected
      : defaultMetric(versions, names);
  const points: MetricPoint[] = versions
    .filter(v => Number.isFinite(v.metrics?.[metric]))
    .map(v => ({
      version: v.version,
      value: v.metrics[metric],
      stage: v.stage,
    }));
  const serving = servingStage
    ? versions.find(v => v.stage === servingStage)
    : undefined;
  const selectId = 'model-metrics-metric';

  return (
    <InfoCard
      title="Metrics"
      subheader={`One metric across ${versions.length} version${
        versions.length === 1 ? '' : 's'
      }${truncated ? ` (the newest ${CHARTED_VERSIONS})` : ''}`}
    >
      <Box mb={2}>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id={`${selectId}-label`}>Metric</InputLabel>
          <Select
            labelId={`${selectId}-label`}
            id={selectId}
            label="Metric"
            value={metric}
            onChange={e => setSelected(String(e.target.value))}
          >
            {names.map(name => (
              <MenuItem key={name} value={name}>
                {name}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Box>
      {points.length > 0 && (
        <MetricChart
          metric={metric}
          points={points}
          servingStage={servingStage}
        />
      )}
      {serving && !points.some(p => p.stage === servingStage) && (
        <Typography variant="body2" color="textSecondary">
          The {servingStage} version ({`v${serving.version}`}) has no {metric}{' '}
          value.
        </Typography>
      )}
      <Box mt={2}>
        <Table
          size="small"
          className={classes.table}
          aria-label={`${metric} by version`}
        >
          <TableHead>
            <TableRow>
              <TableCell>Version</TableCell>
              <TableCell>Stage</TableCell>
              <TableCell align="right">{metric}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {versions.map(v => (
              <TableRow key={v.version}>
                <TableCell>{`v${v.version}`}</TableCell>
                <TableCell>{v.stage}</TableCell>
                <TableCell align="right">
                  {Number.isFinite(v.metrics?.[metric])
                    ? formatValue(v.metrics[metric])
                    : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </InfoCard>
  );
};
