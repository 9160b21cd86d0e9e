export { CompareVersions } from './CompareVersions';
export { VersionComparison } from './VersionComparison';
