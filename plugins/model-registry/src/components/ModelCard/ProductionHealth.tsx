import {
  MonitoringAlert,
  MonitoringSeries,
} from '@model-registry/plugin-model-registry-common';
import { Box, Chip, Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';
import { formatValue } from '../MetricsContent/chartScale';
import { serverMessage } from '../errors';
import {
  breaches,
  describeAlert,
  describeBounds,
} from '../../monitoring/thresholds';
import { Sparkline } from '../../monitoring/Sparkline';

const OK = '#2e7d32';
const BREACH = '#d32f2f';

function SeriesRow({ series }: { series: MonitoringSeries }) {
  const values = series.points.map(p => p.value);
  if (values.length === 0) return null;
  const latest = values[values.length - 1];
  const breach = breaches(latest, series.threshold);
  const color = breach ? BREACH : OK;
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 12 }}
      data-testid={`health-${series.metric}`}
    >
      <Typography variant="body2" style={{ minWidth: 120 }}>
        <strong>{series.metric}</strong>
      </Typography>
      <Typography variant="body2" style={{ color, minWidth: 60 }}>
        {formatValue(latest)}
      </Typography>
      <Typography
        variant="body2"
        color="textSecondary"
        style={{ minWidth: 110 }}
      >
        {describeBounds(series.threshold)}
      </Typography>
      {series.threshold && (
        <Chip
          size="small"
          label={breach ? 'breach' : 'ok'}
          style={{ color: '#fff', backgroundColor: color }}
        />
      )}
      <Sparkline
        values={values}
        bounds={series.threshold}
        color={color}
        label={`${series.metric}: ${
          values.length
        } observations, latest ${formatValue(latest)}`}
      />
    </Box>
  );
}

function OpenAlerts({ alerts }: { alerts: MonitoringAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <Box mt={1} role="list" aria-label="Open alerts">
      {alerts.map(alert => (
        <Typography
          key={alert.id}
          role="listitem"
          variant="body2"
          style={{ color: BREACH }}
        >
          Alert: {describeAlert(alert)} since{' '}
          {new Date(alert.openedAt).toLocaleString()}
          {alert.summary ? ` — ${alert.summary}` : ''}
        </Typography>
      ))}
    </Box>
  );
}

/**
 * "Production health" of the model card: each monitored metric of the version in the
 * serving stage, its latest value against its threshold, a sparkline and the open alerts;
 * a short hint when nothing is monitored.
 */
export function ProductionHealth(props: {
  api: ModelRegistryApi;
  entityRef: string;
  version: number;
  stage: string;
  titleClassName: string;
}) {
  const { api, entityRef, version } = props;
  const { value, loading, error } = useAsync(
    () => api.monitoring.getVersion(entityRef, version),
    [api, entityRef, version],
  );
  if (loading) return null;

  let body: React.ReactNode;
  const series = (value?.series ?? []).filter(s => s.points.length > 0);
  const open = (value?.alerts ?? []).filter(a => a.status === 'open');
  if (error) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Could not load the monitoring data: {serverMessage(error)}
      </Typography>
    );
  } else if (series.length === 0 && open.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        v{version} is not monitored yet: no observations reported.
      </Typography>
    );
  } else {
    body = (
      <>
        {series.map(s => (
          <SeriesRow key={s.metric} series={s} />
        ))}
        <OpenAlerts alerts={open} />
      </>
    );
  }
  return (
    <Grid item xs={12} component="section" aria-label="Production health">
      <Typography className={props.titleClassName} component="h3">
        Production health (v{version} in {props.stage})
      </Typography>
      <Box mt={0.5}>{body}</Box>
    </Grid>
  );
}
