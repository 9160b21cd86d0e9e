import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useModelLinks } from '../../links/modelLinks';
import { UriLink } from '../UriLink';
import { LineageLink, lineageLinkLabel } from './lineageLinks';

/**
 * The target of a lineage link as a link: the catalog page of an entity, the page of a
 * model version (`tabular-encoder v3`), an http(s) URI; any other URI as text.
 */
export function LineageLinkView(props: { link: LineageLink }) {
  const { link } = props;
  const { versionHref } = useModelLinks();
  if (link.type === 'entity') {
    return <EntityRefLink entityRef={link.ref} />;
  }
  if (link.type === 'version' && link.version !== undefined) {
    return (
      <Link
        to={versionHref(link.ref, link.version)}
        title={`${link.ref}@${link.version}`}
      >
        {lineageLinkLabel(link)}
      </Link>
    );
  }
  return <UriLink uri={link.ref}>{lineageLinkLabel(link)}</UriLink>;
}
