import os from 'node:os';

/** Samples the 1-minute load average every 5 s, to tell how busy the machine was meanwhile. */
export function sampleLoadAverage() {
  const samples = [os.loadavg()[0]];
  const sampler = setInterval(() => samples.push(os.loadavg()[0]), 5000);
  return {
    /** Takes a last sample and returns the report's sentence on the samples so far. */
    describe() {
      samples.push(os.loadavg()[0]);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return `1-minute load average during this run (${
        os.cpus().length
      } CPUs): min ${Math.min(...samples).toFixed(2)}, mean ${mean.toFixed(
        2,
      )}, max ${Math.max(...samples).toFixed(2)}.`;
    },
    stop() {
      clearInterval(sampler);
    },
  };
}
