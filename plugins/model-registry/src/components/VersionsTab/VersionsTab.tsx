import {
  useAppLocation,
  useAppSearchParams,
} from '@backstage/frontend-plugin-api';
import { COMPARE_PARAM } from '../../links/modelLinks';
import { CompareVersions } from '../CompareVersions';
import { VersionPage } from '../VersionPage';
import { VersionsContent } from '../VersionsContent';

/** The sub-path of the Versions tab a pathname shows: one version's page, or the tab itself. */
export function versionOfTabPath(pathname: string): string | undefined {
  const match = /\/versions\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * The Versions tab of a model: the versions table at its root (or the comparison of
 * `?compare=3,4`), one version's page at `versions/:version`. The catalog mounts entity
 * contents at `versions/*`, so sub-paths of the tab are the model's own URLs. It reads the
 * app's location (not React Router's), so it works the same in both frontend systems.
 */
export function VersionsTab() {
  const location = useAppLocation();
  const [params] = useAppSearchParams();
  const version = versionOfTabPath(location.pathname);
  if (version !== undefined) {
    return <VersionPage key={version} version={version} />;
  }
  return params.has(COMPARE_PARAM) ? <CompareVersions /> : <VersionsContent />;
}
