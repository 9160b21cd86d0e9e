import { useMemo } from 'react';
import {
  DependencyGraph,
  DependencyGraphTypes,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, makeStyles, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import {
  buildLineageGraph,
  LineageEdge,
} from '../../lineage/buildLineageGraph';
import { useModelLinks } from '../../links/modelLinks';
import { errorTitle } from '../errors';
import { LineageGraphNode } from './LineageGraphNode';
import { LineageNodeTable } from './LineageNodeTable';

const useStyles = makeStyles(theme => ({
  graph: { minHeight: 320 },
  edge: {
    fill: 'none',
    stroke: theme.palette.textSubtle ?? theme.palette.text.secondary,
    strokeWidth: 1.5,
  },
  indirect: { strokeDasharray: '6 4', opacity: 0.8 },
}));

/** An edge as a polyline through dagre's points; inputs of inputs dashed. */
function renderEdge(
  props: DependencyGraphTypes.RenderEdgeProps<
    Pick<LineageEdge, 'relation' | 'relationLabel' | 'indirect'>
  >,
  classes: ReturnType<typeof useStyles>,
) {
  const points = props.edge.points.filter(
    p => Number.isFinite(p.x) && Number.isFinite(p.y),
  );
  if (points.length < 2) return null;
  const d = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`)
    .join(' ');
  return (
    <path
      key={`${props.id.v}-${props.id.w}`}
      d={d}
      className={`${classes.edge} ${
        props.edge.indirect ? classes.indirect : ''
      }`}
      markerEnd="url(#arrow-marker)"
      data-testid={props.edge.indirect ? 'indirect-edge' : 'edge'}
    >
      <title>{props.edge.relationLabel}</title>
    </path>
  );
}

/** The lineage of one version (both directions, three hops) as a graph and a node table. */
export function LineageView(props: {
  modelRef: string;
  version: number;
  consumers: string[];
}) {
  const { modelRef, version, consumers } = props;
  const api = useApi(modelRegistryApiRef);
  const entityLink = useEntityRefLink();
  const { versionHref } = useModelLinks();
  const classes = useStyles();
  const { value, loading, error } = useAsync(
    () => api.getLineage(modelRef, version, { direction: 'both', depth: 3 }),
    [api, modelRef, version],
  );
  const graph = useMemo(
    () =>
      value
        ? buildLineageGraph({
            graph: value,
            modelRef,
            consumers,
            entityLink,
            versionLink: versionHref,
          })
        : undefined,
    [value, modelRef, consumers, entityLink, versionHref],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title={errorTitle(
          `Could not load the lineage of version ${version}`,
          error,
        )}
      />
    );
  }
  if (!graph) return null;
  if (graph.edges.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={`No lineage recorded for version ${version}`}
        description="Register the version with lineage edges, or add them with POST …/versions/{version}/lineage (datasets it was trained on, its base model, the commit and run that produced it, the services that serve it)."
      />
    );
  }
  return (
    <>
      <Box className={classes.graph}>
        <DependencyGraph
          nodes={graph.nodes}
          edges={graph.edges}
          direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
          renderNode={({ node }) => <LineageGraphNode node={node} />}
          renderEdge={edgeProps => renderEdge(edgeProps, classes)}
          showArrowHeads
          rankMargin={80}
          nodeMargin={24}
          paddingX={16}
          paddingY={16}
          zoom="enable-on-click"
          role="group"
          aria-label={`Lineage graph of version ${version}: ${
            graph.nodes.filter(n => n.side === 'upstream').length
          } upstream and ${
            graph.nodes.filter(n => n.side === 'downstream').length
          } downstream nodes`}
        />
      </Box>
      <Box mt={2}>
        <Typography variant="h6" component="h3" gutterBottom>
          Nodes
        </Typography>
        <LineageNodeTable nodes={graph.nodes} />
      </Box>
    </>
  );
}
