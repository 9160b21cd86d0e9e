import { Route, Routes, useSearchParams } from 'react-router-dom';
import { COMPARE_PARAM } from '../../links/modelLinks';
import { CompareVersions } from '../CompareVersions';
import { VersionPage } from '../VersionPage';
import { VersionsContent } from '../VersionsContent';

/** The tab's root: the comparison when the URL asks for one, else the versions table. */
function VersionsRoot() {
  const [params] = useSearchParams();
  return params.has(COMPARE_PARAM) ? <CompareVersions /> : <VersionsContent />;
}

/**
 * The Versions tab of a model: the versions table at its root (or the comparison of
 * `?compare=3,4`), one version's page at `:version`. The catalog mounts entity contents at
 * `versions/*`, so sub-routes of the tab are the model's own URLs.
 */
export function VersionsTab() {
  return (
    <Routes>
      <Route path="/" element={<VersionsRoot />} />
      <Route path="/:version" element={<VersionPage />} />
    </Routes>
  );
}
