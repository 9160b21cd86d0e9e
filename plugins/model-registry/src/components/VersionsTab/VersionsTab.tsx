import { Route, Routes } from 'react-router-dom';
import { VersionsContent } from '../VersionsContent';

/**
 * The Versions tab of a model: the versions table at its root. The catalog mounts entity
 * contents at `versions/*`, so sub-routes of the tab are the model's own URLs.
 */
export function VersionsTab() {
  return (
    <Routes>
      <Route path="/" element={<VersionsContent />} />
    </Routes>
  );
}
