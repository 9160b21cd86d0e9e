import {
  EmptyState,
  InfoCard,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  configApiRef,
  storageApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  ModelVersion,
  readProtectedAliases,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Checkbox,
  Chip,
  ListItemText,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TableSortLabel,
  TextField,
  Typography,
} from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import WarningIcon from '@material-ui/icons/Warning';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import useObservable from 'react-use/esm/useObservable';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useModelRef } from '../../hooks/useModelRef';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useRegistryPermissions } from '../../hooks/useRegistryPermissions';
import { useStageRules } from '../../hooks/useStageRules';
import { PromotionRequestTable } from '../PromotionRequests/PromotionRequestTable';
import { AlertChips } from './AlertChips';
import { PromotionControls } from './PromotionControls';
import { useOpenAlerts } from './useOpenAlerts';
import { useModelLinks } from '../../links/modelLinks';
import { defaultMetrics } from '../../metrics/keyMetrics';
import { RemoveAliasDialog } from './RemoveAliasDialog';
import {
  compactDate,
  MAX_COMPARED,
  metricCell,
  staleAliases,
} from './versionColumns';

/** A column the server sorts by; `metric:<name>` puts versions without it last. */
type SortField =
  | 'version'
  | 'createdAt'
  | 'stage'
  | 'status'
  | `metric:${string}`;

const PAGE_SIZE = 20;

/** How many metric columns the table shows by default. */
const DEFAULT_METRIC_COLUMNS = 3;

/**
 * The metric columns the user chose for a model, kept in the user's storage (per user
 * with the user-settings backend, else this browser), and the setter.
 */
function useMetricColumnChoice(entityRef: string) {
  const storage = useApi(storageApiRef).forBucket('model-registry');
  const key = `version-metric-columns:${entityRef}`;
  const observable = useMemo(
    () => storage.observe$<string[]>(key),
    [storage, key],
  );
  const snapshot = useObservable(observable, storage.snapshot<string[]>(key));
  const value = Array.isArray(snapshot?.value) ? snapshot.value : undefined;
  return [value, (next: string[]) => storage.set(key, next)] as const;
}

/** The signal channel of a model: the backend publishes on it when the model changes. */
function modelChannel(entityRef: string) {
  return `model-registry:${entityRef}`;
}

/**
 * The versions of a model: server-paginated, sortable, filterable, with promotion controls
 * the model's open promotion requests and the versions' open monitoring alerts; it reloads
 * when the backend signals a change. Each version links to its page; 2–4 selected versions
 * open the comparison; the key metrics (annotation `model-registry.io/key-metrics`, or the
 * user's remembered choice) are numeric columns; aliases left on archived versions are
 * flagged, and aliases can be removed from their chips.
 */
export function VersionsContent() {
  const { entity, entityRef, api } = useModelRef();
  const stageRules = useStageRules();
  const config = useApi(configApiRef);
  const protectedAliases = useMemo(
    () => readProtectedAliases(config),
    [config],
  );
  const permissions = useRegistryPermissions(entityRef);
  const me = useCurrentUser();
  const { lastSignal } = useSignal(modelChannel(entityRef));
  const openAlerts = useOpenAlerts(api, entityRef, lastSignal);
  const [message, setMessage] = useState<string | undefined>();
  const [sort, setSort] = useState<SortField>('version');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [stage, setStage] = useState('');
  const [alias, setAlias] = useState('');
  const [tag, setTag] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [compared, setCompared] = useState<number[]>([]);
  const [removing, setRemoving] = useState<
    { alias: string; version: number } | undefined
  >();
  const [chosenMetrics, chooseMetrics] = useMetricColumnChoice(entityRef);
  const links = useModelLinks();
  const cursor = cursors[cursors.length - 1];
  const hasApprovalStages = Object.keys(stageRules.approvals ?? {}).length > 0;

  const state = useAsyncRetry(async () => {
    const [page, summary, requests] = await Promise.all([
      api.listVersions(entityRef, {
        limit: PAGE_SIZE,
        cursor,
        sort,
        order,
        stage: stage || undefined,
        alias: alias || undefined,
        tag: tag || undefined,
      }),
      api.getModel(entityRef),
      hasApprovalStages
        ? api.listModelPromotionRequests(entityRef, {
            status: 'open',
            limit: 100,
          })
        : Promise.resolve({ items: [] }),
    ]);
    return { page, summary, openRequests: requests.items };
  }, [api, entityRef, cursor, sort, order, stage, alias, tag]);

  // Reload once per signal (retry changes identity with each load; the ref keeps the
  // effect to the signal alone).
  const retryRef = useRef(state.retry);
  retryRef.current = state.retry;
  useEffect(() => {
    if (lastSignal) retryRef.current();
  }, [lastSignal]);

  const resetPaging = () => setCursors([undefined]);
  const toggleSort = (field: SortField) => {
    if (sort === field) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setSort(field);
      // newest and highest first for versions and metrics
      setOrder(
        field === 'version' || field.startsWith('metric:') ? 'desc' : 'asc',
      );
    }
    resetPaging();
  };

  const header = (
    field: SortField,
    label: string,
    align: 'left' | 'right' = 'left',
  ) => (
    <TableCell
      sortDirection={sort === field ? order : false}
      style={{ whiteSpace: 'nowrap' }}
      align={align}
    >
      <TableSortLabel
        active={sort === field}
        direction={sort === field ? order : 'asc'}
        onClick={() => toggleSort(field)}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  const aliasNames = Object.keys(state.value?.summary.aliases ?? {});
  const items: ModelVersion[] = state.value?.page.items ?? [];
  const metricNames = [
    ...new Set(items.flatMap(v => Object.keys(v.metrics ?? {}))),
  ].sort();
  const metricColumns = (
    chosenMetrics ?? defaultMetrics(entity, items, DEFAULT_METRIC_COLUMNS)
  ).filter(name => metricNames.includes(name));
  const stale = staleAliases(items, stageRules.archivedStage);
  const canRemoveAlias = (name: string) =>
    protectedAliases.includes(name)
      ? permissions.protectedAlias.allowed
      : permissions.alias.allowed || permissions.protectedAlias.allowed;
  const toggleCompared = (v: number) =>
    setCompared(list =>
      list.includes(v) ? list.filter(x => x !== v) : [...list, v],
    );
  const openRequests = state.value?.openRequests ?? [];
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;

  return (
    <InfoCard
      title={`Versions of ${entity.metadata.title ?? entity.metadata.name}`}
    >
      <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
        <FormControl style={{ minWidth: 160 }}>
          <InputLabel id="versions-stage-filter">Stage</InputLabel>
          <Select
            labelId="versions-stage-filter"
            value={stage}
            onChange={e => {
              setStage(e.target.value as string);
              resetPaging();
            }}
          >
            <MenuItem value="">All stages</MenuItem>
            {stageRules.stages.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl style={{ minWidth: 160 }}>
          <InputLabel id="versions-alias-filter">Alias</InputLabel>
          <Select
            labelId="versions-alias-filter"
            value={alias}
            onChange={e => {
              setAlias(e.target.value as string);
              resetPaging();
            }}
          >
            <MenuItem value="">Any alias</MenuItem>
            {aliasNames.map(a => (
              <MenuItem key={a} value={a}>
                {a}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <TextField
          label="Tag (key or key=value)"
          value={tag}
          onChange={e => {
            setTag(e.target.value);
            resetPaging();
          }}
        />
        {metricNames.length > 0 && (
          <FormControl style={{ minWidth: 220 }}>
            <InputLabel id="versions-metric-columns">Metric columns</InputLabel>
            <Select
              labelId="versions-metric-columns"
              multiple
              value={metricColumns}
              renderValue={value => (value as string[]).join(', ') || 'none'}
              onChange={e => chooseMetrics(e.target.value as string[])}
            >
              {metricNames.map(name => (
                <MenuItem key={name} value={name}>
                  <Checkbox
                    size="small"
                    color="primary"
                    checked={metricColumns.includes(name)}
                  />
                  <ListItemText primary={name} />
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        )}
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          {compared.length >= 2 ? (
            <LinkButton
              variant="outlined"
              color="primary"
              to={links.compareHref(
                entityRef,
                [...compared].sort((a, b) => a - b),
              )}
            >
              {`Compare (${compared.length})`}
            </LinkButton>
          ) : (
            <Button variant="outlined" color="primary" disabled>
              Compare
            </Button>
          )}
          <Typography variant="body2" color="textSecondary">
            {compared.length < 2
              ? `Select 2–${MAX_COMPARED} versions to compare`
              : `v${[...compared].sort((a, b) => a - b).join(', v')}`}
          </Typography>
        </Box>
      </Box>
      {stale.length > 0 && (
        <Box mb={2} role="alert" display="flex" alignItems="center">
          <WarningIcon style={{ color: '#ed6c02', marginRight: 8 }} />
          <Typography variant="body2">
            {stale
              .map(
                s =>
                  `${s.alias} points at v${s.version} (${stageRules.archivedStage})`,
              )
              .join('; ')}
            : move the alias to a live version (Set alias in its row) or remove
            it.
          </Typography>
        </Box>
      )}
      {openRequests.length > 0 && (
        <Box mb={3}>
          <Typography variant="h6" component="h3">
            Open promotion requests
          </Typography>
          {message && <Typography role="status">{message}</Typography>}
          <PromotionRequestTable
            api={api}
            requests={openRequests}
            stageRules={stageRules}
            me={me}
            title="Open promotion requests"
            onChanged={text => {
              setMessage(text);
              state.retry();
            }}
          />
        </Box>
      )}
      {state.loading && !state.value && <Progress />}
      {state.error && (
        <ResponseErrorPanel
          error={state.error}
          title="Could not load the versions"
        />
      )}
      {state.value && state.value.page.items.length === 0 && (
        <EmptyState
          missing="data"
          title={
            stage || alias || tag
              ? 'No versions match these filters'
              : 'No versions yet'
          }
          description="Register versions through the registry API, a scaffolder action or a training pipeline."
        />
      )}
      {state.value && state.value.page.items.length > 0 && (
        <Table size="small" aria-label="Versions">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <span className="MuiTypography-srOnly">Compare</span>
              </TableCell>
              {header('version', 'Version')}
              {header('stage', 'Stage')}
              <TableCell>Aliases</TableCell>
              {header('status', 'Status')}
              {header('createdAt', 'Created')}
              {metricColumns.map(name => (
                <Fragment key={name}>
                  {header(`metric:${name}`, name, 'right')}
                </Fragment>
              ))}
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {state.value.page.items.map(version => (
              <TableRow
                key={version.version}
                data-testid={`version-row-${version.version}`}
              >
                <TableCell padding="checkbox">
                  <Checkbox
                    size="small"
                    color="primary"
                    checked={compared.includes(version.version)}
                    disabled={
                      !compared.includes(version.version) &&
                      compared.length >= MAX_COMPARED
                    }
                    onChange={() => toggleCompared(version.version)}
                    inputProps={{
                      'aria-label': `Select version ${version.version} to compare`,
                    }}
                  />
                </TableCell>
                <TableCell>
                  <Link
                    to={links.versionHref(entityRef, version.version)}
                    aria-label={`Open version ${version.version}`}
                  >
                    v{version.version}
                  </Link>
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={version.stage}
                    color={
                      stageRules.singleOccupancyStages.includes(version.stage)
                        ? 'primary'
                        : 'default'
                    }
                  />
                  <AlertChips alerts={openAlerts.get(version.version) ?? []} />
                </TableCell>
                <TableCell>
                  {version.aliases.map(a => {
                    const onArchived =
                      version.stage === stageRules.archivedStage;
                    return (
                      <Chip
                        key={a}
                        size="small"
                        variant="outlined"
                        label={a}
                        onDelete={
                          canRemoveAlias(a)
                            ? () =>
                                setRemoving({
                                  alias: a,
                                  version: version.version,
                                })
                            : undefined
                        }
                        deleteIcon={
                          <span
                            role="button"
                            aria-label={`Remove alias ${a}`}
                            style={{ display: 'inline-flex' }}
                          >
                            <CancelIcon fontSize="small" />
                          </span>
                        }
                        icon={onArchived ? <WarningIcon /> : undefined}
                        title={
                          onArchived
                            ? `${a} points at ${stageRules.archivedStage} v${version.version}`
                            : undefined
                        }
                        aria-label={
                          onArchived
                            ? `${a} (on an ${stageRules.archivedStage} version)`
                            : a
                        }
                        style={{
                          marginRight: 4,
                          ...(onArchived ? { borderColor: '#ed6c02' } : {}),
                        }}
                      />
                    );
                  })}
                </TableCell>
                <TableCell>{version.status}</TableCell>
                <TableCell
                  title={compactDate(version.createdAt).full}
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {compactDate(version.createdAt).short}
                  <br />
                  <Typography variant="caption" color="textSecondary">
                    {version.createdBy.replace(/^user:(default\/)?/, '')}
                  </Typography>
                </TableCell>
                {metricColumns.map(name => (
                  <TableCell
                    key={name}
                    align="right"
                    style={{ fontVariantNumeric: 'tabular-nums' }}
                  >
                    {metricCell(version, name)}
                  </TableCell>
                ))}
                <TableCell>
                  <PromotionControls
                    api={api}
                    entityRef={entityRef}
                    modelName={entity.metadata.title ?? entity.metadata.name}
                    version={version}
                    stageRules={stageRules}
                    occupants={state.value!.summary.stageOccupants}
                    permissions={permissions}
                    openRequests={openRequests.filter(
                      r => r.version === version.version,
                    )}
                    protectedAliases={protectedAliases}
                    owner={typeof owner === 'string' ? owner : undefined}
                    onChanged={state.retry}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box display="flex" justifyContent="flex-end" mt={1} style={{ gap: 8 }}>
        <Button
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          disabled={!state.value?.page.nextCursor}
          onClick={() => setCursors([...cursors, state.value?.page.nextCursor])}
        >
          Next page
        </Button>
      </Box>
      {removing && (
        <RemoveAliasDialog
          api={api}
          entityRef={entityRef}
          alias={removing.alias}
          version={removing.version}
          onClose={() => setRemoving(undefined)}
          onDone={() => {
            setRemoving(undefined);
            state.retry();
          }}
        />
      )}
    </InfoCard>
  );
}
