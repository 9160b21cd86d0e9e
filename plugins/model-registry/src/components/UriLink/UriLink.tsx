import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import { httpUrlOf } from '../../links/httpUrl';

/**
 * A link to a URI from registry data (run links, code repositories): a link only for
 * http(s), plain text (the URI as its title) for any other scheme.
 */
export function UriLink(props: { uri: string; children: ReactNode }) {
  const href = httpUrlOf(props.uri);
  if (!href) {
    return <span title={props.uri}>{props.children}</span>;
  }
  return <Link to={href}>{props.children}</Link>;
}
