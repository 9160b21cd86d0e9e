import { makeStyles, Typography, useTheme } from '@material-ui/core';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatValue } from './chartScale';
import { describeMetric, MetricPoint } from './describeMetric';

/** How the x-axis places versions: by number or by registration time. */
export type MetricAxis = 'version' | 'time';

const useStyles = makeStyles(theme => ({
  figure: { margin: 0, width: '100%' },
  caption: { marginBottom: theme.spacing(0.5) },
  tooltip: {
    background: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    padding: theme.spacing(1),
    fontSize: 13,
  },
}));

function shortDate(ms: number) {
  return new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: '2-digit',
  });
}

type ChartDatum = MetricPoint & { time: number };

function PointTooltip(props: {
  metric: string;
  active?: boolean;
  payload?: Array<{ payload: ChartDatum }>;
}) {
  const classes = useStyles();
  const point = props.active ? props.payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className={classes.tooltip} data-testid="metric-tooltip">
      <div>
        <strong>{`v${point.version}`}</strong> · {point.stage}
        {point.aliases.length > 0 ? ` · ${point.aliases.join(', ')}` : ''}
      </div>
      <div>
        {props.metric} = {formatValue(point.value)}
      </div>
      <div>{new Date(point.time).toLocaleString('en-GB')}</div>
    </div>
  );
}

/**
 * One metric over a page of versions, drawn with recharts: a line through the versions'
 * values, the serving (production) version and the aliased versions marked with labelled
 * reference lines, a tooltip per point; the x-axis by version number or by time.
 */
export function MetricLineChart(props: {
  metric: string;
  points: MetricPoint[];
  servingStage?: string;
  axis: MetricAxis;
}) {
  const { metric, points, servingStage, axis } = props;
  const classes = useStyles();
  const theme = useTheme();
  const data: ChartDatum[] = points.map(p => ({
    ...p,
    time: Date.parse(p.createdAt),
  }));
  const serving = data.find(p => p.stage === servingStage);
  const aliased = data.filter(p => p.aliases.length > 0 && p !== serving);
  const success = theme.palette.success?.main ?? '#2e7d32';
  const servingLabel = serving
    ? [`${servingStage} v${serving.version}`, ...serving.aliases].join(' · ')
    : '';
  // Labels run away from the nearer edge of the chart, so that none is cut off.
  const values = data.map(p => p[axis]);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const labelSide = (x: number) =>
    high > low && x - low > (high - low) / 2
      ? ('insideTopRight' as const)
      : ('insideTopLeft' as const);

  return (
    <figure
      className={classes.figure}
      role="img"
      aria-label={describeMetric(metric, points, servingStage)}
      data-testid={`metric-chart-${metric}`}
    >
      <Typography
        variant="subtitle2"
        component="figcaption"
        className={classes.caption}
      >
        {metric}
      </Typography>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart
          data={data}
          margin={{ top: 24, right: 32, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
          <XAxis
            dataKey={axis}
            type="number"
            scale={axis === 'time' ? 'time' : 'linear'}
            domain={['dataMin', 'dataMax']}
            allowDecimals={false}
            tickFormatter={(value: number) =>
              axis === 'time' ? shortDate(value) : `v${value}`
            }
            stroke={theme.palette.text.secondary}
          />
          <YAxis
            domain={['auto', 'auto']}
            tickFormatter={(value: number) => formatValue(value)}
            width={64}
            stroke={theme.palette.text.secondary}
          />
          <Tooltip content={<PointTooltip metric={metric} />} />
          {serving && (
            <ReferenceLine
              x={serving[axis]}
              stroke={success}
              strokeWidth={2}
              label={{
                value: servingLabel,
                position: labelSide(serving[axis]),
                fill: success,
                fontSize: 12,
              }}
            />
          )}
          {aliased.map(p => (
            <ReferenceLine
              key={p.version}
              x={p[axis]}
              stroke={theme.palette.text.secondary}
              strokeDasharray="4 4"
              label={{
                value: `${p.aliases.join(', ')} v${p.version}`,
                position: labelSide(p[axis]),
                fill: theme.palette.text.secondary,
                fontSize: 11,
              }}
            />
          ))}
          <Line
            type="monotone"
            dataKey="value"
            name={metric}
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            isAnimationActive={false}
            dot={(dot: { cx?: number; cy?: number; payload?: ChartDatum }) => {
              const isServing = dot.payload?.stage === servingStage;
              return (
                <circle
                  key={`${metric}-${dot.payload?.version}`}
                  cx={dot.cx}
                  cy={dot.cy}
                  r={isServing ? 6 : 3.5}
                  fill={isServing ? success : theme.palette.primary.main}
                  stroke={theme.palette.background.paper}
                  strokeWidth={1.5}
                  data-testid={isServing ? 'serving-point' : 'point'}
                >
                  <title>{`Version ${dot.payload?.version} (${
                    dot.payload?.stage
                  }): ${metric} = ${formatValue(
                    dot.payload?.value ?? 0,
                  )}`}</title>
                </circle>
              );
            }}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
