import { Bounds } from './thresholds';

/**
 * A small inline trend of a metric (points oldest first), with its threshold as a dashed
 * line when it falls inside the drawn range; the last point is marked.
 */
export function Sparkline(props: {
  values: number[];
  bounds?: Bounds;
  color: string;
  label: string;
  width?: number;
  height?: number;
}) {
  const { values, bounds, color } = props;
  const width = props.width ?? 120;
  const height = props.height ?? 28;
  const pad = 3;
  if (values.length === 0) return null;
  const lines = [bounds?.min, bounds?.max].filter(
    (b): b is number => b !== undefined,
  );
  const lo = Math.min(...values, ...lines);
  const hi = Math.max(...values, ...lines);
  const span = hi - lo || 1;
  const x = (i: number) =>
    values.length === 1
      ? width / 2
      : pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) =>
    height - pad - ((v - lo) * (height - 2 * pad)) / span;
  const last = values.length - 1;
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={props.label}
    >
      {lines.map(b => (
        <line
          key={b}
          x1={0}
          x2={width}
          y1={y(b)}
          y2={y(b)}
          stroke="#9e9e9e"
          strokeDasharray="3 2"
          strokeWidth={1}
        />
      ))}
      <polyline
        fill="none"
        stroke={color}
        strokeWidth={1.5}
        points={values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
      />
      <circle cx={x(last)} cy={y(values[last])} r={2.5} fill={color} />
    </svg>
  );
}
