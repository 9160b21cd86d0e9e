import { httpUrlOf } from '../../links/httpUrl';

/**
 * The web page of a commit in a repository given by its http(s) URL: GitLab's `/-/commit/`,
 * Bitbucket's `/commits/`, and `/commit/` for GitHub, Gitea and the like. Undefined when the
 * repository is not an http(s) URL or the commit is not a hex commit id.
 */
export function commitUrlOf(
  repository: string | undefined,
  commit: string | undefined,
): string | undefined {
  if (!repository || !commit || !/^[0-9a-f]{4,64}$/i.test(commit)) {
    return undefined;
  }
  const base = httpUrlOf(repository);
  if (!base) return undefined;
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  let path = 'commit';
  if (url.hostname.includes('gitlab')) path = '-/commit';
  else if (url.hostname === 'bitbucket.org') path = 'commits';
  return `${url.toString().replace(/\/+$/, '')}/${path}/${commit}`;
}
