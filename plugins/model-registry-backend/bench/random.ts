/** Deterministic pseudo-random numbers (mulberry32), so that runs pick the same inputs. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (from: number, to: number) => from + Math.floor(next() * (to - from)),
    pick: <T>(items: T[]) => items[Math.floor(next() * items.length)],
  };
}
