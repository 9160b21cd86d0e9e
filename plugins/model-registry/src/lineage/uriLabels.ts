/** The label of a URI: host and path, without the scheme. */
export function uriLabel(uri: string): string {
  try {
    const url = new URL(uri);
    const path = url.pathname.replace(/\/+$/, '');
    const host = url.host || '';
    const label = `${host}${path}${url.hash}`;
    return label || uri;
  } catch {
    return uri;
  }
}

/**
 * A commit URI's readable label, `<owner>/<repo> @ <short sha>`: web commit pages
 * (`…/commit/<sha>`, GitLab's `…/-/commit/<sha>`, Bitbucket's `…/commits/<sha>`) and git
 * URIs with the commit after `#` or `@`. Undefined when no commit id can be found.
 */
export function commitLabel(uri: string): string | undefined {
  const page =
    /^[a-z+]+:\/\/[^/]+\/(.+?)\/(?:-\/)?commits?\/([0-9a-f]{7,64})\/?$/i.exec(
      uri,
    );
  if (page) return `${repoName(page[1])} @ ${page[2].slice(0, 7)}`;
  const git =
    /^(?:git\+)?[a-z]+:\/\/[^/]+\/(.+?)(?:\.git)?[#@]([0-9a-f]{7,64})$/i.exec(
      uri,
    );
  if (git) return `${repoName(git[1])} @ ${git[2].slice(0, 7)}`;
  return undefined;
}

/** The last two segments of a repository path: `acme/fraud-detector`. */
function repoName(path: string) {
  return path
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean)
    .slice(-2)
    .join('/');
}

/**
 * A training run URI's readable label, `run <id>` (the first 8 characters of a long id):
 * MLflow's `runs:/<id>/…`, tracking UI links `…#/runs/<id>` or `…/runs/<id>`. Undefined
 * when no run id can be found.
 */
export function runLabel(uri: string): string | undefined {
  const match = /(?:^runs:|\/runs)\/([0-9a-z_-]{4,64})(?:[/?#]|$)/i.exec(uri);
  if (!match) return undefined;
  const id = match[1];
  return `run ${id.length > 12 ? id.slice(0, 8) : id}`;
}

/** The label of a URI node by what it is: a commit, a run, or host and path. */
export function labelOfUri(
  uri: string,
  kind: 'commit' | 'run' | 'uri',
): string {
  if (kind === 'commit') return commitLabel(uri) ?? uriLabel(uri);
  if (kind === 'run') return runLabel(uri) ?? uriLabel(uri);
  return uriLabel(uri);
}
