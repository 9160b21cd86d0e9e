import { Link } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { LineageNode } from '../../lineage/buildLineageGraph';

const SIDE_ORDER = { upstream: 0, root: 1, downstream: 2 };

function directionOf(node: LineageNode) {
  if (node.side === 'root') return 'selected version';
  if (node.indirect) {
    return `${node.side}, indirect${node.via ? ` via ${node.via}` : ''}`;
  }
  return node.side;
}

/** The lineage graph's nodes as a table (upstream first): the accessible view of the graph. */
export function LineageNodeTable(props: { nodes: LineageNode[] }) {
  const rows = [...props.nodes].sort(
    (a, b) => SIDE_ORDER[a.side] - SIDE_ORDER[b.side],
  );
  return (
    <Table size="small" aria-label="Lineage nodes">
      <TableHead>
        <TableRow>
          <TableCell>Node</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Direction</TableCell>
          <TableCell>Relation</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(node => (
          <TableRow key={node.id}>
            <TableCell>
              {node.href ? (
                <Link to={node.href} title={node.ref}>
                  {node.label}
                </Link>
              ) : (
                <span title={node.ref}>{node.label}</span>
              )}
            </TableCell>
            <TableCell>{node.caption}</TableCell>
            <TableCell>{directionOf(node)}</TableCell>
            <TableCell>{node.relation ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
