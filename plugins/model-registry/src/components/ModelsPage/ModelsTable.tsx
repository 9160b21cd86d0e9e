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
  Typography,
} from '@material-ui/core';

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

/**
 * One page of models: name, owner, task, lifecycle, the version in the serving stage
 * (production by default), the latest version and the aliases.
 */
export function ModelsTable(props: {
  items: ModelListItem[];
  servingStage?: string;
}) {
  const { items, servingStage } = props;
  const classes = useStyles();
  return (
    <TableContainer>
      <Table size="small" aria-label="Models">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Task</TableCell>
            <TableCell>Lifecycle</TableCell>
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
