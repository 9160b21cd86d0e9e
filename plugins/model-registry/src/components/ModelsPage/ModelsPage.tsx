import { ChangeEvent, useMemo, useState } from 'react';
import {
  Content,
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  MLMODEL_LIFECYCLES,
  ModelListItem,
  readStageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Chip,
  FormControl,
  Grid,
  InputAdornment,
  InputLabel,
  makeStyles,
  MenuItem,
  OutlinedInput,
  Paper,
  Select,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import SearchIcon from '@material-ui/icons/Search';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { modelRegistryApiRef } from '../../api';
import { errorTitle } from '../errors';

/** Models per page. */
export const PAGE_SIZE = 20;
/** How long typing pauses before the text filters apply. */
export const DEBOUNCE_MS = 400;

const ANY = '';

const useStyles = makeStyles(theme => ({
  filters: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  control: { width: '100%' },
  chip: { marginRight: theme.spacing(0.5), marginBottom: theme.spacing(0.5) },
  secondary: { color: theme.palette.text.secondary },
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(2),
    padding: theme.spacing(1, 2),
  },
}));

type TextFilters = { owner: string; task: string; q: string };

/** A page: the cursor that fetches it and the index of its first model. */
type PageRef = { cursor?: string; offset: number };

function trimmed(value: string) {
  const t = value.trim();
  return t ? t : undefined;
}

function OwnerLink(props: { owner?: string }) {
  if (!props.owner) return <>—</>;
  try {
    const ref = parseEntityRef(props.owner, { defaultKind: 'group' });
    return <EntityRefLink entityRef={ref} defaultKind="group" hideIcon />;
  } catch {
    return <>{props.owner}</>;
  }
}

function ModelRow(props: { item: ModelListItem }) {
  const { item } = props;
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  const production = item.summary.stageOccupants.production;
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
      <TableCell>{production !== undefined ? `v${production}` : '—'}</TableCell>
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
 * The Models page: every model the signed-in user can read, with its owner, task,
 * lifecycle, production and latest versions and aliases. Owner, task, lifecycle and the
 * free-text search are applied by the server; pages of 20 follow the server's cursors.
 */
export const ModelsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const config = useApi(configApiRef);
  const classes = useStyles();
  const [rules] = useState(() => readStageRules(config));

  const [input, setInput] = useState<TextFilters>({
    owner: '',
    task: '',
    q: '',
  });
  const [text, setText] = useState<TextFilters>(input);
  useDebounce(() => setText(input), DEBOUNCE_MS, [input]);
  const [lifecycle, setLifecycle] = useState<string>(ANY);
  const [stage, setStage] = useState<string>(ANY);

  const query = useMemo(
    () => ({
      owner: trimmed(text.owner),
      task: trimmed(text.task),
      q: trimmed(text.q),
      lifecycle: lifecycle || undefined,
      stage: stage || undefined,
    }),
    [text, lifecycle, stage],
  );
  const queryKey = JSON.stringify(query);
  // The pages before the current one and the current one (cursor, index of its first
  // model); a change of the server-side filters starts again from the first page.
  const [paging, setPaging] = useState<{ key: string; pages: PageRef[] }>({
    key: queryKey,
    pages: [{ offset: 0 }],
  });
  const pages = paging.key === queryKey ? paging.pages : [{ offset: 0 }];
  const { cursor, offset } = pages[pages.length - 1];
  const pageNumber = pages.length;

  // Each answer carries the request it answers, so that a render between a filter change
  // and the start of its request never shows the previous answer as the current one.
  const requestKey = JSON.stringify([queryKey, cursor]);
  const { value: answer } = useAsync(async () => {
    try {
      const page = await api.listModels({ limit: PAGE_SIZE, cursor, ...query });
      return { key: requestKey, page, error: undefined };
    } catch (e) {
      return { key: requestKey, page: undefined, error: e as Error };
    }
  }, [api, requestKey]);
  const current = answer?.key === requestKey ? answer : undefined;
  const loading = !current;
  const value = current?.page;
  const error = current?.error;

  // Every configured stage; the server finds the models with a live version in it.
  const stageOptions = rules.stages;

  const items = value?.items ?? [];
  const hasServerFilters = Object.values(query).some(Boolean);

  const next = () => {
    if (!value?.nextCursor) return;
    setPaging({
      key: queryKey,
      pages: [
        ...pages,
        { cursor: value.nextCursor, offset: offset + value.items.length },
      ],
    });
  };
  const previous = () =>
    setPaging({ key: queryKey, pages: pages.slice(0, -1) });

  const setField =
    (field: keyof TextFilters) => (e: ChangeEvent<HTMLInputElement>) =>
      setInput(previousInput => ({
        ...previousInput,
        [field]: e.target.value,
      }));

  const first = offset + 1;
  const last = offset + items.length;

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title={errorTitle('Could not load the models', error)}
      />
    );
  } else if (items.length === 0) {
    body = hasServerFilters ? (
      <EmptyState
        missing="data"
        title="No models match these filters"
        description="Change or clear the owner, task, lifecycle, stage or search filters."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No models yet"
        description="Models appear here when an MLModel entity is registered in the catalog (a catalog-info.yaml with kind: MLModel) or through the registry API (POST /api/model-registry/models)."
      />
    );
  } else {
    body = (
      <>
        <TableContainer>
          <Table size="small" aria-label="Models">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Owner</TableCell>
                <TableCell>Task</TableCell>
                <TableCell>Lifecycle</TableCell>
                <TableCell>Production</TableCell>
                <TableCell>Latest</TableCell>
                <TableCell>Aliases</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(item => (
                <ModelRow key={item.entityRef} item={item} />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Models"
        subtitle="Machine-learning models in the catalog, with their registry state"
      />
      <Content>
        <Paper
          className={classes.filters}
          component="section"
          aria-label="Filters"
        >
          <Grid container spacing={2} alignItems="flex-start">
            <Grid item xs={12} md={4}>
              <TextField
                id="models-search"
                className={classes.control}
                label="Search"
                placeholder="Name, title or description"
                variant="outlined"
                size="small"
                value={input.q}
                onChange={setField('q')}
                InputProps={{
                  startAdornment: (
                    <InputAdornment position="start">
                      <SearchIcon aria-hidden />
                    </InputAdornment>
                  ),
                }}
              />
            </Grid>
            <Grid item xs={12} sm={6} md={2}>
              <TextField
                id="models-owner"
                className={classes.control}
                label="Owner"
                placeholder="group:default/risk-ml"
                variant="outlined"
                size="small"
                value={input.owner}
                onChange={setField('owner')}
              />
            </Grid>
            <Grid item xs={12} sm={6} md={2}>
              <TextField
                id="models-task"
                className={classes.control}
                label="Task"
                placeholder="classification"
                variant="outlined"
                size="small"
                value={input.task}
                onChange={setField('task')}
              />
            </Grid>
            <Grid item xs={12} sm={6} md={2}>
              <FormControl
                variant="outlined"
                size="small"
                className={classes.control}
              >
                <InputLabel id="models-lifecycle-label" shrink>
                  Lifecycle
                </InputLabel>
                <Select
                  labelId="models-lifecycle-label"
                  id="models-lifecycle"
                  input={<OutlinedInput notched label="Lifecycle" />}
                  value={lifecycle}
                  displayEmpty
                  onChange={e => setLifecycle(String(e.target.value))}
                >
                  <MenuItem value={ANY}>Any</MenuItem>
                  {MLMODEL_LIFECYCLES.map(l => (
                    <MenuItem key={l} value={l}>
                      {l}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            </Grid>
            <Grid item xs={12} sm={6} md={2}>
              <FormControl
                variant="outlined"
                size="small"
                className={classes.control}
              >
                <InputLabel id="models-stage-label" shrink>
                  Has a version in
                </InputLabel>
                <Select
                  labelId="models-stage-label"
                  id="models-stage"
                  input={<OutlinedInput notched label="Has a version in" />}
                  value={stage}
                  displayEmpty
                  onChange={e => setStage(String(e.target.value))}
                  aria-describedby="models-stage-help"
                >
                  <MenuItem value={ANY}>Any stage</MenuItem>
                  {stageOptions.map(s => (
                    <MenuItem key={s} value={s}>
                      {s}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            </Grid>
          </Grid>
          <Typography
            id="models-stage-help"
            variant="caption"
            component="p"
            className={classes.secondary}
          >
            Every filter applies to all models, on the server. &quot;Has a
            version in&quot; keeps the models with at least one live version in
            that stage.
          </Typography>
        </Paper>
        <Paper>
          {body}
          <Box className={classes.pager} component="nav" aria-label="Pages">
            <Typography variant="body2" role="status">
              {!loading && !error && items.length > 0
                ? `${
                    stage ? `With a version in ${stage} · ` : ''
                  }Models ${first}–${last}${
                    value?.totalCount !== undefined
                      ? ` of ${value.totalCount}`
                      : ''
                  } · page ${pageNumber}`
                : ''}
            </Typography>
            <Button
              variant="outlined"
              size="small"
              onClick={previous}
              disabled={pageNumber === 1 || loading}
              aria-label="Previous page"
            >
              Previous
            </Button>
            <Button
              variant="outlined"
              size="small"
              onClick={next}
              disabled={!value?.nextCursor || loading}
              aria-label="Next page"
            >
              Next
            </Button>
          </Box>
        </Paper>
      </Content>
    </Page>
  );
};
