import { useMemo, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
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
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { errorTitle } from '../errors';

const PRODUCTION = 'production';

const useStyles = makeStyles(theme => ({
  select: { minWidth: 240 },
  chart: { width: '100%', maxWidth: 800, height: 'auto', display: 'block' },
  axis: { stroke: theme.palette.text.secondary, strokeWidth: 1 },
  grid: { stroke: theme.palette.divider, strokeWidth: 1 },
  tickLabel: { fill: theme.palette.text.secondary, fontSize: 12 },
  axisLabel: { fill: theme.palette.text.primary, fontSize: 13 },
  line: {
    fill: 'none',
    stroke: theme.palette.primary.main,
    strokeWidth: 2,
  },
  point: {
    fill: theme.palette.primary.main,
    stroke: theme.palette.background.paper,
    strokeWidth: 1.5,
  },
  production: {
    fill: theme.palette.success?.main ?? '#2e7d32',
    stroke: theme.palette.text.primary,
    strokeWidth: 2,
  },
  legendText: { fill: theme.palette.text.primary, fontSize: 12 },
  table: { maxWidth: 480 },
}));

/** A compact rendering of a metric value. */
export function formatValue(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** Round tick positions covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= raw) ??
    10 * magnitude;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) {
    // Avoid 0.30000000000000004 by rounding to the step's precision.
    ticks.push(
      Number(t.toFixed(Math.max(0, -Math.floor(Math.log10(step)) + 1))),
    );
  }
  return ticks;
}

function versionTicks(min: number, max: number, versions: number[]) {
  if (versions.length <= 12) return versions;
  const step = Math.ceil((max - min) / 10);
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  return ticks;
}

type Point = { version: number; value: number; stage: string };

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

function describe(metric: string, points: Point[]) {
  if (points.length === 0) {
    return `Line chart of ${metric} by version: no version has a value.`;
  }
  const first = points[0];
  const last = points[points.length - 1];
  const min = points.reduce((a, b) => (b.value < a.value ? b : a));
  const max = points.reduce((a, b) => (b.value > a.value ? b : a));
  const production = points.find(p => p.stage === PRODUCTION);
  return [
    `Line chart of ${metric} over ${points.length} version${
      points.length === 1 ? '' : 's'
    }, from ${formatValue(first.value)} at version ${
      first.version
    } to ${formatValue(last.value)} at version ${last.version}.`,
    `Lowest ${formatValue(min.value)} at version ${
      min.version
    }, highest ${formatValue(max.value)} at version ${max.version}.`,
    production
      ? `Production version ${production.version}: ${formatValue(
          production.value,
        )}.`
      : 'No production version has a value.',
  ].join(' ');
}

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 24, bottom: 52, left: 72 };

/** A line chart of one metric over version numbers, as plain SVG. */
export function MetricChart(props: { metric: string; points: Point[] }) {
  const { metric, points } = props;
  const classes = useStyles();
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;

  const versions = points.map(p => p.version);
  let xMin = Math.min(...versions);
  let xMax = Math.max(...versions);
  const xTicks = versionTicks(xMin, xMax, versions);
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  const yTicks = niceTicks(
    Math.min(...points.map(p => p.value)),
    Math.max(...points.map(p => p.value)),
  );
  const yMin = yTicks[0];
  const yMax = yTicks[yTicks.length - 1];
  const x = (v: number) =>
    MARGIN.left + ((v - xMin) / (xMax - xMin)) * plotWidth;
  const y = (v: number) =>
    MARGIN.top + plotHeight - ((v - yMin) / (yMax - yMin)) * plotHeight;
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.version)},${y(p.value)}`)
    .join(' ');
  const production = points.find(p => p.stage === PRODUCTION);
  const legendX = WIDTH - MARGIN.right - 220;

  return (
    <svg
      className={classes.chart}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={describe(metric, points)}
    >
      {/* grid and y axis */}
      {yTicks.map(t => (
        <g key={`y${t}`} data-testid="y-tick">
          <line
            className={classes.grid}
            x1={MARGIN.left}
            x2={MARGIN.left + plotWidth}
            y1={y(t)}
            y2={y(t)}
          />
          <text
            className={classes.tickLabel}
            x={MARGIN.left - 8}
            y={y(t)}
            textAnchor="end"
            dominantBaseline="middle"
          >
            {formatValue(t)}
          </text>
        </g>
      ))}
      <line
        className={classes.axis}
        x1={MARGIN.left}
        x2={MARGIN.left}
        y1={MARGIN.top}
        y2={MARGIN.top + plotHeight}
      />
      <text
        className={classes.axisLabel}
        transform={`translate(16, ${MARGIN.top + plotHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {metric}
      </text>
      {/* x axis */}
      <line
        className={classes.axis}
        x1={MARGIN.left}
        x2={MARGIN.left + plotWidth}
        y1={MARGIN.top + plotHeight}
        y2={MARGIN.top + plotHeight}
      />
      {xTicks.map(t => (
        <g key={`x${t}`} data-testid="x-tick">
          <line
            className={classes.axis}
            x1={x(t)}
            x2={x(t)}
            y1={MARGIN.top + plotHeight}
            y2={MARGIN.top + plotHeight + 5}
          />
          <text
            className={classes.tickLabel}
            x={x(t)}
            y={MARGIN.top + plotHeight + 20}
            textAnchor="middle"
          >
            {`v${t}`}
          </text>
        </g>
      ))}
      <text
        className={classes.axisLabel}
        x={MARGIN.left + plotWidth / 2}
        y={HEIGHT - 8}
        textAnchor="middle"
      >
        Version
      </text>
      {/* series */}
      <path className={classes.line} d={path} />
      {points.map(p =>
        p.stage === PRODUCTION ? (
          <rect
            key={p.version}
            className={classes.production}
            data-testid="production-point"
            x={x(p.version) - 7}
            y={y(p.value) - 7}
            width={14}
            height={14}
            transform={`rotate(45 ${x(p.version)} ${y(p.value)})`}
          >
            <title>{`Version ${
              p.version
            } (production): ${metric} = ${formatValue(p.value)}`}</title>
          </rect>
        ) : (
          <circle
            key={p.version}
            className={classes.point}
            data-testid="point"
            cx={x(p.version)}
            cy={y(p.value)}
            r={4.5}
          >
            <title>{`Version ${p.version}${
              p.stage !== 'none' ? ` (${p.stage})` : ''
            }: ${metric} = ${formatValue(p.value)}`}</title>
          </circle>
        ),
      )}
      {/* legend */}
      <g data-testid="legend" transform={`translate(${legendX}, 14)`}>
        <line className={classes.line} x1={0} x2={24} y1={0} y2={0} />
        <circle className={classes.point} cx={12} cy={0} r={4.5} />
        <text
          className={classes.legendText}
          x={30}
          y={0}
          dominantBaseline="middle"
        >
          {metric}
        </text>
        {production && (
          <g transform="translate(120, 0)">
            <rect
              className={classes.production}
              x={5}
              y={-7}
              width={14}
              height={14}
              transform="rotate(45 12 0)"
            />
            <text
              className={classes.legendText}
              x={30}
              y={0}
              dominantBaseline="middle"
            >
              {PRODUCTION}
            </text>
          </g>
        )}
      </g>
    </svg>
  );
}

/**
 * The Metrics tab of an MLModel: one metric (chosen in a select) across the model's
 * versions as a line chart, the production version marked, with the values in a table.
 */
export const MetricsContent = () => {
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const classes = useStyles();
  const modelRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const [selected, setSelected] = useState<string | undefined>();

  const { value, loading, error } = useAsync(
    () =>
      api.listVersions(modelRef, { limit: 100, sort: 'version', order: 'asc' }),
    [api, modelRef],
  );
  const versions = useMemo(
    () => [...(value?.items ?? [])].sort((a, b) => a.version - b.version),
    [value],
  );
  const names = useMemo(
    () =>
      [...new Set(versions.flatMap(v => Object.keys(v.metrics ?? {})))].sort(),
    [versions],
  );

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
  const points: Point[] = versions
    .filter(v => Number.isFinite(v.metrics?.[metric]))
    .map(v => ({
      version: v.version,
      value: v.metrics[metric],
      stage: v.stage,
    }));
  const production = versions.find(v => v.stage === PRODUCTION);
  const selectId = 'model-metrics-metric';

  return (
    <InfoCard
      title="Metrics"
      subheader={`One metric across ${versions.length} version${
        versions.length === 1 ? '' : 's'
      }${value?.nextCursor ? ' (the first 100)' : ''}`}
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
      {points.length > 0 && <MetricChart metric={metric} points={points} />}
      {production && !points.some(p => p.stage === PRODUCTION) && (
        <Typography variant="body2" color="textSecondary">
          The production version ({`v${production.version}`}) has no {metric}{' '}
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
