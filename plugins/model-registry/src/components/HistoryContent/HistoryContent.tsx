import { ReactNode, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  HistoryEntry,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/AddCircleOutline';
import DeleteIcon from '@material-ui/icons/DeleteOutline';
import EditIcon from '@material-ui/icons/Edit';
import LabelIcon from '@material-ui/icons/LabelOutlined';
import LineageIcon from '@material-ui/icons/AccountTree';
import StageIcon from '@material-ui/icons/TrendingUp';
import HistoryIcon from '@material-ui/icons/History';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { useModelRef } from '../../hooks/useModelRef';
import { useStageRules } from '../../hooks/useStageRules';
import { useModelLinks } from '../../links/modelLinks';
import { describeActionParts } from './describeAction';
import { absoluteTime, relativeTime } from './historyTime';
import { errorTitle } from '../errors';

const PAGE_SIZE = 50;

const useStyles = makeStyles(theme => ({
  item: { alignItems: 'flex-start' },
  icon: { marginTop: theme.spacing(0.5), minWidth: 40 },
  comment: {
    display: 'block',
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(1),
    borderLeft: `3px solid ${theme.palette.divider}`,
    color: theme.palette.text.primary,
    fontStyle: 'italic',
  },
  when: { color: theme.palette.text.secondary },
  why: { fontStyle: 'normal', fontWeight: 500 },
}));

function ActionIcon(props: { action: string }) {
  const [subject, verb] = props.action.split('.');
  if (verb === 'delete') return <DeleteIcon />;
  if (verb === 'register') return <AddIcon />;
  if (subject === 'alias') return <LabelIcon />;
  if (subject === 'lineage') return <LineageIcon />;
  if (verb === 'stage') return <StageIcon />;
  if (verb === 'update') return <EditIcon />;
  return <HistoryIcon />;
}

/** Who did it: a link to a user (or group) entity, or the name of a calling service. */
function Actor(props: { actor: string }) {
  const { actor } = props;
  if (actor.startsWith('service:')) {
    return <span>{`service ${actor.slice('service:'.length)}`}</span>;
  }
  try {
    const ref = parseEntityRef(actor);
    return <EntityRefLink entityRef={ref} defaultKind="user" hideIcon />;
  } catch {
    return <span>{actor}</span>;
  }
}

/**
 * What an entry did, in words, with each version it names a link to that version's page
 * (a deleted version is named, not linked).
 */
function ActionWords(props: { entry: HistoryEntry; rules: StageRules }) {
  const { entry, rules } = props;
  const { versionHref } = useModelLinks();
  const deleted = entry.action === 'version.delete' ? entry.version : undefined;
  return (
    <>
      {describeActionParts(entry, rules).map((part, i) => {
        if (typeof part === 'string') return part;
        if (part.version === deleted) return String(part.version);
        return (
          <Link
            key={i}
            to={versionHref(entry.modelRef, part.version)}
            aria-label={`Version ${part.version}`}
            title={`Open version ${part.version}`}
          >
            {part.version}
          </Link>
        );
      })}
    </>
  );
}

function Entry(props: { entry: HistoryEntry; rules: StageRules }) {
  const { entry, rules } = props;
  const classes = useStyles();
  const absolute = absoluteTime(entry.createdAt);
  let secondary: ReactNode = (
    <span className={classes.when}>
      <time dateTime={entry.createdAt} title={absolute}>
        {relativeTime(entry.createdAt)}
      </time>
      {` · ${absolute}`}
    </span>
  );
  if (entry.comment) {
    secondary = (
      <>
        {secondary}
        <span className={classes.comment}>
          <span className={classes.why}>Why: </span>
          {entry.comment}
        </span>
      </>
    );
  }
  return (
    <ListItem className={classes.item} divider component="li">
      <ListItemIcon className={classes.icon} aria-hidden>
        <ActionIcon action={entry.action} />
      </ListItemIcon>
      <ListItemText
        primary={
          <>
            <Actor actor={entry.actor} />{' '}
            <ActionWords entry={entry} rules={rules} />
          </>
        }
        secondary={secondary}
        secondaryTypographyProps={{ component: 'div' }}
      />
    </ListItem>
  );
}

/**
 * The History tab of an MLModel: who changed what, when and why, newest first, 50 at a
 * time with a "Load more" button.
 */
export const HistoryContent = () => {
  const { entityRef: modelRef, api } = useModelRef();
  const rules = useStageRules();
  const [items, setItems] = useState<HistoryEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();

  const first = useAsync(async () => {
    const page = await api.listModelHistory(modelRef, { limit: PAGE_SIZE });
    setItems(page.items);
    setNextCursor(page.nextCursor);
  }, [api, modelRef]);

  const [more, loadMore] = useAsyncFn(async () => {
    const page = await api.listModelHistory(modelRef, {
      limit: PAGE_SIZE,
      cursor: nextCursor,
    });
    setItems(previous => {
      const seen = new Set(previous.map(e => e.id));
      return [...previous, ...page.items.filter(e => !seen.has(e.id))];
    });
    setNextCursor(page.nextCursor);
  }, [api, modelRef, nextCursor]);

  if (first.loading) return <Progress />;
  if (first.error) {
    return (
      <ResponseErrorPanel
        error={first.error}
        title={errorTitle(
          'Could not load the history of this model',
          first.error,
        )}
      />
    );
  }
  if (items.length === 0) {
    return (
      <InfoCard title="History">
        <EmptyState
          missing="data"
          title="No history yet"
          description="Registering versions, moving them between stages, setting aliases and adding lineage are recorded here with who did it, when and why."
        />
      </InfoCard>
    );
  }

  return (
    <InfoCard
      title="History"
      subheader="Every change to the model, newest first"
    >
      <List component="ol" aria-label="Model history" disablePadding>
        {items.map(entry => (
          <Entry key={entry.id} entry={entry} rules={rules} />
        ))}
      </List>
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 16 }}>
        {nextCursor && (
          <Button
            variant="outlined"
            color="primary"
            onClick={() => loadMore()}
            disabled={more.loading}
          >
            {more.loading ? 'Loading…' : 'Load more'}
          </Button>
        )}
        <Typography variant="body2" color="textSecondary" role="status">
          {`Showing ${
            items.length === 1 ? '1 entry' : `${items.length} entries`
          }${nextCursor ? '' : ' (all)'}`}
        </Typography>
      </Box>
      {more.error && (
        <Box mt={2}>
          <ResponseErrorPanel
            error={more.error}
            title={errorTitle('Could not load more history', more.error)}
          />
        </Box>
      )}
    </InfoCard>
  );
};
