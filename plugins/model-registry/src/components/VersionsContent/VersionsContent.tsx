import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
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
} from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useModelRef } from '../../hooks/useModelRef';
import { useStageRules } from '../../hooks/useStageRules';
import { PromotionControls } from './PromotionControls';
import { VersionDetail } from './VersionDetail';

type SortField = 'version' | 'createdAt' | 'stage' | 'status';

const PAGE_SIZE = 20;

/** The versions of a model: server-paginated, sortable, filterable, with promotion controls. */
export function VersionsContent() {
  const { entity, entityRef, api } = useModelRef();
  const stageRules = useStageRules();
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

  const state = useAsyncRetry(async () => {
    const [page, summary] = await Promise.all([
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
    ]);
    return { page, summary };
  }, [api, entityRef, cursor, sort, order, stage, alias, tag]);

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
      {state.loading && <Progress />}
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
                </TableCell>
                <TableCell>
                  {version.aliases.map(a => (
                    <Chip
                      key={a}
                      size="small"
                      variant="outlined"
                      label={a}
                      style={{ marginRight: 4 }}
                    />
                  ))}
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
