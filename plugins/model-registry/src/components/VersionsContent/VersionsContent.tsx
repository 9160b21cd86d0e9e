import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  ModelVersion,
  readProtectedAliases,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Button,
  Chip,
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
import WarningIcon from '@material-ui/icons/Warning';
import { useEffect, useMemo, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useModelRef } from '../../hooks/useModelRef';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { useRegistryPermissions } from '../../hooks/useRegistryPermissions';
import { useStageRules } from '../../hooks/useStageRules';
import { PromotionRequestTable } from '../PromotionRequests/PromotionRequestTable';
import { AlertChips } from './AlertChips';
import { PromotionControls } from './PromotionControls';
import { useOpenAlerts } from './useOpenAlerts';
import { VersionDetail } from './VersionDetail';

type SortField = 'version' | 'createdAt' | 'stage' | 'status';

const PAGE_SIZE = 20;

/** The signal channel of a model: the backend publishes on it when the model changes. */
function modelChannel(entityRef: string) {
  return `model-registry:${entityRef}`;
}

/**
 * The versions of a model: server-paginated, sortable, filterable, with promotion controls
 * the model's open promotion requests and the versions' open monitoring alerts; it reloads
 * when the backend signals a change.
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
  const [selected, setSelected] = useState<ModelVersion | undefined>();
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
      setOrder(field === 'version' ? 'desc' : 'asc');
    }
    resetPaging();
  };

  const header = (field: SortField, label: string) => (
    <TableCell
      sortDirection={sort === field ? order : false}
      style={{ whiteSpace: 'nowrap' }}
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
      </Box>
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
              {header('version', 'Version')}
              {header('stage', 'Stage')}
              <TableCell>Aliases</TableCell>
              {header('status', 'Status')}
              {header('createdAt', 'Created')}
              <TableCell>Metrics</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {state.value.page.items.map(version => (
              <TableRow
                key={version.version}
                data-testid={`version-row-${version.version}`}
              >
                <TableCell>
                  <Button
                    size="small"
                    onClick={() => setSelected(version)}
                    aria-label={`Show version ${version.version}`}
                  >
                    v{version.version}
                  </Button>
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
                    const stale = version.stage === stageRules.archivedStage;
                    return (
                      <Chip
                        key={a}
                        size="small"
                        variant="outlined"
                        label={a}
                        icon={stale ? <WarningIcon /> : undefined}
                        title={
                          stale
                            ? `${a} points at a version in ${stageRules.archivedStage}`
                            : undefined
                        }
                        aria-label={
                          stale
                            ? `${a} (on an ${stageRules.archivedStage} version)`
                            : a
                        }
                        style={{
                          marginRight: 4,
                          ...(stale ? { borderColor: '#ed6c02' } : {}),
                        }}
                      />
                    );
                  })}
                </TableCell>
                <TableCell>{version.status}</TableCell>
                <TableCell>
                  {new Date(version.createdAt).toLocaleString()}
                  <br />
                  {version.createdBy}
                </TableCell>
                <TableCell>
                  {Object.entries(version.metrics)
                    .slice(0, 3)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </TableCell>
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
      {selected && (
        <VersionDetail
          api={api}
          entityRef={entityRef}
          version={selected}
          onClose={() => setSelected(undefined)}
        />
      )}
    </InfoCard>
  );
}
