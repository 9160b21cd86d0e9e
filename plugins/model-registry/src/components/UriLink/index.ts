export { UriLink } from './UriLink';
