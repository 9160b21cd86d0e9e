import { useMemo, useState, MouseEvent } from 'react';
import {
  DependencyGraph,
  DependencyGraphTypes,
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  LineageGraph,
  LineageRelation,
  ModelVersion,
  UPSTREAM_LINEAGE_RELATIONS,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  FormControl,
  InputLabel,
  makeStyles,
  MenuItem,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useNavigate } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { errorTitle } from '../errors';

const useStyles = makeStyles(theme => ({
  select: { minWidth: 240 },
  graph: { minHeight: 320 },
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

/** The words of a relation, for edge labels and the node table. */
export const RELATION_LABELS: Record<LineageRelation | 'consumes', string> = {
  trainedOn: 'trained on',
  evaluatedOn: 'evaluated on',
  fineTunedFrom: 'fine-tuned from',
  builtFromCommit: 'built from',
  producedByRun: 'produced by',
  servedBy: 'served by',
  consumes: 'depends on the model',
};

type NodeKind = 'root' | 'version' | 'entity' | 'uri' | 'consumer';

/** A node of the lineage graph as drawn. */
export type LineageGraphNode = {
  id: string;
  kind: NodeKind;
  /** The label: entity name, URI host/path, or `name v3`. */
  label: string;
  /** The label shortened to fit a graph node. */
  shortLabel: string;
  /** The second line: kind, scheme or "this model". */
  caption: string;
  /** The full ref or URI, for the tooltip. */
  ref: string;
  /** Upstream (inputs), downstream (consumers, derived models) or the root. */
  side: 'upstream' | 'downstream' | 'root';
  /** How the node relates to its neighbour towards the root. */
  relation?: string;
  /** Internal path of the catalog page, or an external http(s) URL. */
  href?: string;
  external?: boolean;
};

type GraphEdge = DependencyGraphTypes.DependencyEdge<{ relation: string }>;

const MAX_LABEL = 36;

function truncate(text: string) {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

function shortEntityName(ref: string) {
  try {
    const parsed = parseEntityRef(ref);
    return parsed.namespace === 'default'
      ? parsed.name
      : `${parsed.namespace}/${parsed.name}`;
  } catch {
    return ref;
  }
}

function entityKind(ref: string) {
  try {
    return parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
  } catch {
    return 'entity';
  }
}

/** The label of a URI: host and path, without the scheme. */
export function uriLabel(uri: string): string {
  try {
    const url = new URL(uri);
    const path = url.pathname.replace(/\/+$/, '');
    const host = url.host || '';
    const label = `${host}${path}${url.hash}`;
    return label || uri;
  } catch {
    return uri;
  }
}

/** Only http(s) URIs are links: lineage URIs are free text and may carry any scheme. */
function safeExternalUrl(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns the registry's lineage graph and the entity's consumers into nodes and edges laid
 * out left to right: inputs (datasets, base models, commits, runs) → version → downstream
 * (serving components, models fine-tuned from it, components that depend on the model).
 */
export function buildLineageGraph(options: {
  graph: LineageGraph;
  modelRef: string;
  consumers: string[];
  entityLink: (ref: string) => string;
}): { nodes: LineageGraphNode[]; edges: GraphEdge[] } {
  const { graph, modelRef, consumers, entityLink } = options;
  const upstream = UPSTREAM_LINEAGE_RELATIONS as string[];
  const nodes = new Map<string, LineageGraphNode>();
  const edges = new Map<string, GraphEdge>();
  const depthOf = new Map(graph.nodes.map(n => [n.id, n.depth]));
  const relationTo = new Map<string, string>();
  const sideOf = (id: string): LineageGraphNode['side'] => {
    const depth = depthOf.get(id) ?? 0;
    if (id === graph.root) return 'root';
    return depth > 0 ? 'downstream' : 'upstream';
  };

  // Edges as drawn: data flows from inputs into the version and on to its consumers, so an
  // input relation (version → dataset in the registry) is drawn dataset → version.
  for (const edge of graph.edges) {
    const isInput = upstream.includes(edge.relation);
    const from = isInput ? edge.to : edge.from;
    const to = isInput ? edge.from : edge.to;
    const label = RELATION_LABELS[edge.relation] ?? edge.relation;
    const key = `${from}|${to}`;
    const existing = edges.get(key);
    if (existing) {
      // The graph is not a multigraph: one edge per pair, naming every relation.
      if (!existing.label?.split(', ').includes(label)) {
        existing.label = `${existing.label}, ${label}`;
        existing.relation = `${existing.relation},${edge.relation}`;
      }
    } else {
      edges.set(key, { from, to, label, relation: edge.relation });
    }
    // The end further from the root is described by the relation.
    const far =
      Math.abs(depthOf.get(edge.to) ?? 0) >=
      Math.abs(depthOf.get(edge.from) ?? 0)
        ? edge.to
        : edge.from;
    const current = relationTo.get(far);
    if (!current) {
      relationTo.set(far, label);
    } else if (!current.split(', ').includes(label)) {
      relationTo.set(far, `${current}, ${label}`);
    }
  }

  for (const node of graph.nodes) {
    const side = sideOf(node.id);
    if (node.type === 'version') {
      const isSelf = node.ref.toLocaleLowerCase('en-US') === modelRef;
      let caption = isSelf ? 'this model' : 'model version';
      if (node.id === graph.root) caption = 'this version';
      const label = `${shortEntityName(node.ref)} v${node.version ?? '?'}`;
      nodes.set(node.id, {
        id: node.id,
        kind: node.id === graph.root ? 'root' : 'version',
        label,
        shortLabel: truncate(label),
        caption,
        ref: `${node.ref}@${node.version ?? '?'}`,
        side,
        relation: relationTo.get(node.id),
        href: entityLink(node.ref),
      });
    } else if (node.type === 'entity') {
      nodes.set(node.id, {
        id: node.id,
        kind: 'entity',
        label: shortEntityName(node.ref),
        shortLabel: truncate(shortEntityName(node.ref)),
        caption: entityKind(node.ref),
        ref: node.ref,
        side,
        relation: relationTo.get(node.id),
        href: entityLink(node.ref),
      });
    } else {
      const href = safeExternalUrl(node.ref);
      let scheme = 'uri';
      try {
        scheme = new URL(node.ref).protocol.replace(/:$/, '');
      } catch {
        // not a URL: keep "uri"
      }
      nodes.set(node.id, {
        id: node.id,
        kind: 'uri',
        label: uriLabel(node.ref),
        shortLabel: truncate(uriLabel(node.ref)),
        caption: scheme,
        ref: node.ref,
        side,
        relation: relationTo.get(node.id),
        href,
        external: Boolean(href),
      });
    }
  }

  for (const consumer of consumers) {
    const ref = consumer.toLocaleLowerCase('en-US');
    const id = `entity:${ref}`;
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind: 'consumer',
        label: shortEntityName(ref),
        shortLabel: truncate(shortEntityName(ref)),
        caption: `${entityKind(ref)} · consumer`,
        ref,
        side: 'downstream',
        relation: RELATION_LABELS.consumes,
        href: entityLink(ref),
      });
    }
    if (!edges.has(`${graph.root}|${id}`)) {
      edges.set(`${graph.root}|${id}`, {
        from: graph.root,
        to: id,
        label: 'used by',
        relation: 'consumes',
      });
    }
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Components that depend on the model: the entity's dependencyOf relations to components. */
export function consumersOf(entity: Entity): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef)
    .filter(ref => entityKind(ref) === 'component');
}

const CHAR_WIDTH = 7.6;

function GraphNode(props: { node: LineageGraphNode }) {
  const { node } = props;
  const classes = useStyles();
  const navigate = useNavigate();
  const width =
    Math.max(node.shortLabel.length * CHAR_WIDTH, node.caption.length * 6.2) +
    24;
  const height = 44;
  const isRoot = node.kind === 'root';
  const shape = (
    <>
      <title>{node.ref}</title>
      <rect
        className={`${classes.nodeRect} ${classes[node.kind]}`}
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
        {node.caption}
      </text>
    </>
  );
  if (!node.href) {
    return <g aria-label={`${node.label} (${node.caption})`}>{shape}</g>;
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
      aria-label={`${node.label} (${node.caption})${
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

function NodeTable(props: { nodes: LineageGraphNode[] }) {
  const rows = [...props.nodes].sort((a, b) => {
    const order = { upstream: 0, root: 1, downstream: 2 };
    return order[a.side] - order[b.side];
  });
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
            <TableCell>
              {node.side === 'root' ? 'selected version' : node.side}
            </TableCell>
            <TableCell>{node.relation ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function LineageView(props: {
  modelRef: string;
  version: number;
  consumers: string[];
}) {
  const { modelRef, version, consumers } = props;
  const api = useApi(modelRegistryApiRef);
  const entityLink = useEntityRefLink();
  const classes = useStyles();
  const { value, loading, error } = useAsync(
    () => api.getLineage(modelRef, version, { direction: 'both', depth: 3 }),
    [api, modelRef, version],
  );
  const graph = useMemo(
    () =>
      value
        ? buildLineageGraph({ graph: value, modelRef, consumers, entityLink })
        : undefined,
    [value, modelRef, consumers, entityLink],
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
          renderNode={({ node }) => <GraphNode node={node} />}
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
        <NodeTable nodes={graph.nodes} />
      </Box>
    </>
  );
}

function versionLabel(v: ModelVersion) {
  const extra = [v.stage !== 'none' ? v.stage : undefined, ...v.aliases]
    .filter(Boolean)
    .join(', ');
  return extra ? `v${v.version} (${extra})` : `v${v.version}`;
}

/**
 * The Lineage tab of an MLModel: the lineage graph of one version (by default the production
 * version, else the latest) with its inputs on the left and its consumers on the right,
 * including the components that depend on the model in the catalog.
 */
export const LineageContent = () => {
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const modelRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const consumers = useMemo(() => consumersOf(entity), [entity]);
  const [selected, setSelected] = useState<number | undefined>(undefined);

  const { value, loading, error } = useAsync(async () => {
    const [summary, versions] = await Promise.all([
      api.getModel(modelRef),
      api.listVersions(modelRef, { limit: 100 }),
    ]);
    return { summary, versions: versions.items };
  }, [api, modelRef]);

  const defaultVersion = useMemo(() => {
    if (!value) return undefined;
    const production = value.summary.stageOccupants.production;
    if (production !== undefined) return production;
    if (value.summary.latestVersion !== undefined) {
      return value.summary.latestVersion;
    }
    return value.versions.length
      ? Math.max(...value.versions.map(v => v.version))
      : undefined;
  }, [value]);

  const classes = useStyles();
  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title={errorTitle('Could not load the versions of this model', error)}
      />
    );
  }
  if (!value || defaultVersion === undefined) {
    return (
      <InfoCard title="Lineage">
        <EmptyState
          missing="data"
          title="No versions registered"
          description={
            consumers.length
              ? `This model has no versions yet, so there is no lineage to show. It is used by ${consumers
                  .map(shortEntityName)
                  .join(', ')}.`
              : 'This model has no versions yet, so there is no lineage to show. Register a version with lineage edges to see where it came from and where it is used.'
          }
        />
      </InfoCard>
    );
  }

  const version = selected ?? defaultVersion;
  const options = [...value.versions]
    .sort((a, b) => b.version - a.version)
    .map(v => ({ version: v.version, label: versionLabel(v) }));
  if (!options.some(o => o.version === version)) {
    // The production version is older than the 100 newest versions.
    options.push({ version, label: `v${version}` });
  }
  const selectId = 'model-lineage-version';

  return (
    <InfoCard
      title="Lineage"
      subheader="Inputs on the left, the selected version in the middle, consumers on the right. Select a node to open its catalog page."
    >
      <Box mb={2}>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id={`${selectId}-label`}>Version</InputLabel>
          <Select
            labelId={`${selectId}-label`}
            id={selectId}
            label="Version"
            value={version}
            onChange={e => setSelected(Number(e.target.value))}
          >
            {options.map(v => (
              <MenuItem key={v.version} value={v.version}>
                {v.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Box>
      <LineageView
        modelRef={modelRef}
        version={version}
        consumers={consumers}
      />
    </InfoCard>
  );
};
