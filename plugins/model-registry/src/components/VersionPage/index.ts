export { VersionPage } from './VersionPage';
