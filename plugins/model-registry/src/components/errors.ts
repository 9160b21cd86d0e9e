/** The server's message of a failed request (a ResponseError carries it as its cause). */
export function serverMessage(error: unknown): string {
  const e = error as Error & { cause?: { message?: string } };
  return e.cause?.message ?? e.message ?? String(error);
}

/** A panel title: what failed, and the server's message. */
export function errorTitle(prefix: string, error: Error): string {
  return `${prefix}: ${serverMessage(error)}`;
}
