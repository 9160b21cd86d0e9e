/** A duration in ms as the report prints it: 2 decimals below 100 ms, none above. */
export function fmtMs(ms: number) {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(2);
}

/** An integer with thousands separators (1,000). */
export function fmtInt(n: number) {
  return n.toLocaleString('en-US');
}
