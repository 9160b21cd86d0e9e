import { Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import { ModelListItem } from '@model-registry/plugin-model-registry-common';
import {
  Chip,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TableSortLabel,
  Typography,
} from '@material-ui/core';
import { ModelsSort } from './useModelsQuery';

const useStyles = makeStyles(theme => ({
  chip: { marginRight: theme.spacing(0.5), marginBottom: theme.spacing(0.5) },
  secondary: { color: theme.palette.text.secondary },
  header: { textTransform: 'capitalize' },
}));

function OwnerLink(props: { owner?: string }) {
  if (!props.owner) return <>—</>;
  try {
    const ref = parseEntityRef(props.owner, { defaultKind: 'group' });
    return <EntityRefLink entityRef={ref} defaultKind="group" hideIcon />;
  } catch {
    return <>{props.owner}</>;
  }
}

function ModelRow(props: { item: ModelListItem; servingStage?: string }) {
  const { item, servingStage } = props;
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  const serving = servingStage
    ? item.summary.stageOccupants[servingStage]
    : undefined;
  const aliases = Object.entries(item.summary.aliases ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return (
    <TableRow>
      <TableCell component="th" scope="row" role="rowheader">
        <Link to={entityLink(item.entityRef)}>{item.title ?? item.name}</Link>
        {(item.title || item.namespace !== 'default') && (
          <Typography
            variant="caption"
            component="div"
            className={classes.secondary}
          >
            {item.namespace === 'default'
              ? item.name
              : `${item.namespace}/${item.name}`}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <OwnerLink owner={item.owner} />
      </TableCell>
      <TableCell>{item.task ?? '—'}</TableCell>
      <TableCell>{item.lifecycle ?? '—'}</TableCell>
      {servingStage && (
        <TableCell>{serving !== undefined ? `v${serving}` : '—'}</TableCell>
      )}
      <TableCell>
        {item.summary.latestVersion !== undefined
          ? `v${item.summary.latestVersion}`
          : '—'}
      </TableCell>
      <TableCell>
        {aliases.length
          ? aliases.map(([alias, version]) => (
              <Chip
                key={alias}
                size="small"
                className={classes.chip}
                label={`${alias} → v${version}`}
              />
            ))
          : '—'}
      </TableCell>
    </TableRow>
  );
}

/** A header the server sorts by: a button that sorts, and says how the list is sorted. */
function SortableHeader(props: {
  column: ModelsSort;
  label: string;
  sort: ModelsSort;
  order: 'asc' | 'desc';
  onSort: (column: ModelsSort) => void;
}) {
  const { column, label, sort, order, onSort } = props;
  const active = sort === column;
  const now = order === 'asc' ? 'ascending' : 'descending';
  return (
    <TableCell sortDirection={active ? order : false}>
      <TableSortLabel
        active={active}
        direction={active ? order : 'asc'}
        onClick={() => onSort(column)}
        aria-label={`Sort by ${label.toLocaleLowerCase('en-US')}${
          active ? `, now ${now}` : ''
        }`}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );
}

/**
 * One page of models: name, owner, task, lifecycle (the server sorts by each), the version
 * in the serving stage (production by default), the latest version and the aliases.
 */
export function ModelsTable(props: {
  items: ModelListItem[];
  servingStage?: string;
  sort: ModelsSort;
  order: 'asc' | 'desc';
  onSort: (column: ModelsSort) => void;
}) {
  const { items, servingStage, sort, order, onSort } = props;
  const classes = useStyles();
  const sortable = { sort, order, onSort };
  return (
    <TableContainer>
      <Table size="small" aria-label="Models">
        <TableHead>
          <TableRow>
            <SortableHeader column="name" label="Name" {...sortable} />
            <SortableHeader column="owner" label="Owner" {...sortable} />
            <SortableHeader column="task" label="Task" {...sortable} />
            <SortableHeader
              column="lifecycle"
              label="Lifecycle"
              {...sortable}
            />
            {servingStage && (
              <TableCell className={classes.header}>{servingStage}</TableCell>
            )}
            <TableCell>Latest</TableCell>
            <TableCell>Aliases</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(item => (
            <ModelRow
              key={item.entityRef}
              item={item}
              servingStage={servingStage}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
