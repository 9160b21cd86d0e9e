/** Writes a progress line, with the time of day, to stderr (stdout carries the report). */
export function log(message: string) {
  process.stderr.write(
    `${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );
}
