import { makeStyles } from '@material-ui/core';
import { formatValue, niceTicks, versionTicks } from './chartScale';

const useStyles = makeStyles(theme => ({
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
  serving: {
    fill: theme.palette.success?.main ?? '#2e7d32',
    stroke: theme.palette.text.primary,
    strokeWidth: 2,
  },
  legendText: { fill: theme.palette.text.primary, fontSize: 12 },
}));

function capitalized(word: string) {
  return word.charAt(0).toLocaleUpperCase('en-US') + word.slice(1);
}

/** One charted value: a version's value of the metric, and the version's stage. */
export type MetricPoint = { version: number; value: number; stage: string };

function describe(
  metric: string,
  points: MetricPoint[],
  servingStage: string | undefined,
) {
  if (points.length === 0) {
    return `Line chart of ${metric} by version: no version has a value.`;
  }
  const first = points[0];
  const last = points[points.length - 1];
  const min = points.reduce((a, b) => (b.value < a.value ? b : a));
  const max = points.reduce((a, b) => (b.value > a.value ? b : a));
  const serving = points.find(p => p.stage === servingStage);
  return [
    `Line chart of ${metric} over ${points.length} version${
      points.length === 1 ? '' : 's'
    }, from ${formatValue(first.value)} at version ${
      first.version
    } to ${formatValue(last.value)} at version ${last.version}.`,
    `Lowest ${formatValue(min.value)} at version ${
      min.version
    }, highest ${formatValue(max.value)} at version ${max.version}.`,
    serving
      ? `${capitalized(servingStage!)} version ${
          serving.version
        }: ${formatValue(serving.value)}.`
      : `No ${servingStage ?? 'serving'} version has a value.`,
  ].join(' ');
}

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 24, bottom: 52, left: 72 };

/**
 * A line chart of one metric over version numbers, as plain SVG; the version in the serving
 * stage (production by default) is a distinct marker.
 */
export function MetricChart(props: {
  metric: string;
  points: MetricPoint[];
  servingStage?: string;
}) {
  const { metric, points, servingStage } = props;
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
  const serving = points.find(p => p.stage === servingStage);
  const legendX = WIDTH - MARGIN.right - 220;

  return (
    <svg
      className={classes.chart}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={describe(metric, points, servingStage)}
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
        p.stage === servingStage ? (
          <rect
            key={p.version}
            className={classes.serving}
            data-testid="serving-point"
            x={x(p.version) - 7}
            y={y(p.value) - 7}
            width={14}
            height={14}
            transform={`rotate(45 ${x(p.version)} ${y(p.value)})`}
          >
            <title>{`Version ${p.version} (${
              p.stage
            }): ${metric} = ${formatValue(p.value)}`}</title>
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
        {serving && (
          <g transform="translate(120, 0)">
            <rect
              className={classes.serving}
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
              {servingStage}
            </text>
          </g>
        )}
      </g>
    </svg>
  );
}
