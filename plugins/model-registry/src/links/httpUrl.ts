/**
 * The URL of a URI that may be a link: only http(s). Sources, run links and lineage URIs are
 * free text and may carry any scheme (javascript:, data:, file:, s3: ...), shown as text.
 */
export function httpUrlOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}
