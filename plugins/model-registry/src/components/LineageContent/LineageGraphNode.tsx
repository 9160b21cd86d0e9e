import { MouseEvent } from 'react';
import { makeStyles } from '@material-ui/core';
import { useAppNavigate } from '@backstage/frontend-plugin-api';
import { LineageNode } from '../../lineage/buildLineageGraph';

const useStyles = makeStyles(theme => ({
  nodeRect: { strokeWidth: 1.5 },
  version: {
    fill: theme.palette.primary.light,
    stroke: theme.palette.primary.main,
  },
  root: {
    fill: theme.palette.primary.main,
    stroke: theme.palette.primary.dark,
    strokeWidth: 3,
  },
  entity: {
    fill: theme.palette.background.paper,
    stroke: theme.palette.primary.main,
  },
  uri: {
    fill: theme.palette.background.default,
    stroke: theme.palette.text.secondary,
    strokeDasharray: '4 3',
  },
  commit: {
    fill: theme.palette.background.default,
    stroke: theme.palette.info?.main ?? theme.palette.text.secondary,
  },
  run: {
    fill: theme.palette.background.default,
    stroke: theme.palette.warning?.main ?? theme.palette.text.secondary,
  },
  indirect: { opacity: 0.75, strokeDasharray: '6 4' },
  consumer: {
    fill: theme.palette.background.paper,
    stroke: theme.palette.secondary.main,
  },
  label: {
    fill: theme.palette.text.primary,
    fontSize: 14,
    fontWeight: 500,
  },
  rootLabel: {
    fill: theme.palette.primary.contrastText,
    fontSize: 14,
    fontWeight: 700,
  },
  caption: { fill: theme.palette.text.secondary, fontSize: 11 },
  rootCaption: { fill: theme.palette.primary.contrastText, fontSize: 11 },
  link: { cursor: 'pointer', outline: 'none' },
  focusable: {
    '&:focus rect, &:hover rect': {
      stroke: theme.palette.secondary.main,
      strokeWidth: 3,
    },
  },
}));

const CHAR_WIDTH = 7.6;

/**
 * One node of the lineage graph as SVG: a box with label and caption, a link to the catalog
 * page (in-app navigation) or to an external http(s) URL (new tab) when it has one.
 */
export function LineageGraphNode(props: { node: LineageNode }) {
  const { node } = props;
  const classes = useStyles();
  const navigate = useAppNavigate();
  const caption = node.via ? `${node.caption} · via ${node.via}` : node.caption;
  const width =
    Math.max(node.shortLabel.length * CHAR_WIDTH, caption.length * 6.2) + 24;
  const height = 44;
  const isRoot = node.kind === 'root';
  const shape = (
    <>
      <title>{node.ref}</title>
      <rect
        className={`${classes.nodeRect} ${classes[node.kind]} ${
          node.indirect ? classes.indirect : ''
        }`}
        width={width}
        height={height}
        rx={node.kind === 'entity' || node.kind === 'consumer' ? 4 : 12}
      />
      <text
        className={isRoot ? classes.rootLabel : classes.label}
        x={width / 2}
        y={19}
        textAnchor="middle"
      >
        {node.shortLabel}
      </text>
      <text
        className={isRoot ? classes.rootCaption : classes.caption}
        x={width / 2}
        y={35}
        textAnchor="middle"
      >
        {caption}
      </text>
    </>
  );
  if (!node.href) {
    return <g aria-label={`${node.label} (${caption})`}>{shape}</g>;
  }
  const onClick = (event: MouseEvent) => {
    if (node.external || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    navigate(node.href!);
  };
  return (
    <a
      href={node.href}
      className={`${classes.link} ${classes.focusable}`}
      aria-label={`${node.label} (${caption})${
        node.external ? ', opens in a new tab' : ''
      }`}
      onClick={onClick}
      {...(node.external
        ? { target: '_blank', rel: 'noopener noreferrer' }
        : {})}
    >
      {shape}
    </a>
  );
}
