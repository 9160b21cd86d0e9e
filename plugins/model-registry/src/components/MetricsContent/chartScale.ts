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

/** The version-axis ticks: every charted version up to 12, else about 10 evenly spaced. */
export function versionTicks(
  min: number,
  max: number,
  versions: number[],
): number[] {
  if (versions.length <= 12) return versions;
  const step = Math.ceil((max - min) / 10);
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  return ticks;
}
