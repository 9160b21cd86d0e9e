import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDS_ON,
} from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ModelSummary } from '@model-registry/plugin-model-registry-common';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi, modelRegistryApiRef } from '../../api';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import { serverMessage } from '../errors';
import { useModelLinks } from '../../links/modelLinks';
import {
  MODELS_ANNOTATION,
  ModelUsage,
  parseModelUsage,
  resolveUsage,
} from './modelUsage';

const useStyles = makeStyles(theme => ({
  secondary: { color: theme.palette.text.secondary },
  capitalized: { textTransform: 'capitalize' },
  problem: { color: theme.palette.error.main },
  warning: { color: theme.palette.warning?.dark ?? '#b26a00' },
  ok: { color: theme.palette.success?.dark ?? '#1b5e20' },
  code: {
    fontFamily: 'monospace',
    background: theme.palette.background.default,
    padding: theme.spacing(0, 0.5),
  },
}));

/** The models a component depends on: its dependsOn relations to MLModel entities. */
export function modelRefsOf(entity: Entity): string[] {
  const refs = (entity.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDS_ON)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'))
    .filter(ref => ref.startsWith('mlmodel:'));
  return [...new Set(refs)];
}

/** The most refs one `POST /models/by-refs` request takes. */
const REFS_PER_REQUEST = 100;

const NOT_FOUND = 'not found in the registry, or not visible to you';

/**
 * The registry summaries of the models, in order, with one request per hundred models;
 * a model the registry does not know or the user may not read is an error of its row.
 */
async function summariesOf(
  api: ModelRegistryApi,
  refs: string[],
): Promise<Array<{ summary?: ModelSummary; error?: string }>> {
  const chunks: string[][] = [];
  for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
    chunks.push(refs.slice(i, i + REFS_PER_REQUEST));
  }
  const answers = await Promise.all(
    chunks.map(chunk =>
      api.getModelsByRefs(chunk).then(
        ({ items }) =>
          chunk.map((_, i) =>
            items[i] ? { summary: items[i]! } : { error: NOT_FOUND },
          ),
        (e: unknown) => chunk.map(() => ({ error: serverMessage(e) })),
      ),
    ),
  );
  return answers.flat();
}

/**
 * The registry state besides the serving stage's occupant, which has its own column:
 * "staging v6 · 6 versions, latest v6 · champion → v5".
 */
export function stageSummary(
  summary: ModelSummary,
  servingStage: string | undefined,
): string {
  const stages = Object.entries(summary.stageOccupants ?? {})
    .filter(([stage]) => stage !== servingStage)
    .map(([stage, version]) => `${stage} v${version}`);
  const versions =
    summary.versionCount === 0
      ? 'no versions'
      : `${summary.versionCount} version${
          summary.versionCount === 1 ? '' : 's'
        }${
          summary.latestVersion !== undefined
            ? `, latest v${summary.latestVersion}`
            : ''
        }`;
  const aliases = Object.entries(summary.aliases ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([alias, version]) => `${alias} → v${version}`);
  return [...stages, versions, ...aliases].join(' · ');
}

type Row = {
  ref: string;
  entity?: Entity;
  summary?: ModelSummary;
  error?: string;
  usage?: ModelUsage;
  /** The version the usage resolves to, and that version's stage when it is not serving. */
  used?: { version?: number; stage?: string };
};

/** What the component uses of a model (from its annotation), and whether it is serving. */
function UsedHere(props: { row: Row; servingStage?: string }) {
  const { row, servingStage } = props;
  const classes = useStyles();
  const links = useModelLinks();
  if (!row.usage) {
    return <span className={classes.secondary}>not pinned</span>;
  }
  const { usage } = row;
  const version = row.used?.version;
  if (version === undefined) {
    const reason =
      usage.kind === 'stage'
        ? `no version in ${usage.selector}`
        : `alias ${usage.selector} is not set`;
    return (
      <Typography variant="body2" className={classes.problem}>
        {`${usage.selector}: ${reason}`}
      </Typography>
    );
  }
  const label =
    usage.kind === 'version'
      ? `v${version}`
      : `${usage.selector} → v${version}`;
  const serving = servingStage
    ? row.summary?.stageOccupants[servingStage]
    : undefined;
  const link = (
    <Link to={links.versionHref(row.ref, version)} title={`Open v${version}`}>
      {label}
    </Link>
  );
  if (serving === version) {
    return (
      <Typography variant="body2" component="div">
        {link}
        <div className={classes.ok}>{`the ${servingStage} version`}</div>
      </Typography>
    );
  }
  const stage = row.used?.stage;
  const where = stage ? ` (${stage})` : '';
  const production =
    serving !== undefined
      ? `, ${servingStage} is v${serving}`
      : `, nothing in ${servingStage ?? 'serving'}`;
  return (
    <Typography variant="body2" component="div">
      {link}
      <div className={classes.warning} role="status">
        {`not ${servingStage ?? 'serving'}: ${label}${where}${production}`}
      </div>
    </Typography>
  );
}

function ModelRow(props: {
  row: Row;
  catalogLoaded: boolean;
  servingStage?: string;
}) {
  const { row, catalogLoaded, servingStage } = props;
  const classes = useStyles();
  const name = parseEntityRef(row.ref).name;
  const title = row.entity?.metadata.title ?? row.entity?.metadata.name ?? name;
  const owner = row.entity?.spec?.owner as string | undefined;
  const serving = servingStage
    ? row.summary?.stageOccupants[servingStage]
    : undefined;
  return (
    <TableRow>
      <TableCell component="th" scope="row" role="rowheader">
        <EntityRefLink entityRef={row.ref} hideIcon>
          {title}
        </EntityRefLink>
        {catalogLoaded && !row.entity && (
          <Typography
            variant="caption"
            component="div"
            className={classes.problem}
          >
            not in the catalog
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {owner ? (
          <EntityRefLink entityRef={owner} defaultKind="group" hideIcon />
        ) : (
          '—'
        )}
      </TableCell>
      {row.error ? (
        <TableCell colSpan={3}>
          <Typography variant="body2" className={classes.problem}>
            {`Registry: ${row.error}`}
          </Typography>
        </TableCell>
      ) : (
        <>
          <TableCell>
            <UsedHere row={row} servingStage={servingStage} />
          </TableCell>
          <TableCell>
            {serving !== undefined ? (
              `v${serving}`
            ) : (
              <span className={classes.secondary}>none</span>
            )}
          </TableCell>
          <TableCell>
            {row.summary ? stageSummary(row.summary, servingStage) : '—'}
          </TableCell>
        </>
      )}
    </TableRow>
  );
}

/**
 * The "ML models" card of a Component page: the models the component depends on
 * (`spec.dependsOn` refs to `mlmodel:` entities, and those its `model-registry.io/models`
 * annotation names) with their owner, the version or alias the component uses and whether
 * that is the serving (production) version, the serving version and the registry summary.
 */
export const ComponentModelsCard = () => {
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const catalogApi = useApi(catalogApiRef);
  const stageRules = useStageRules();
  const servingStage = servingStageOf(stageRules);
  const classes = useStyles();
  const { usages, invalid } = parseModelUsage(
    entity.metadata.annotations?.[MODELS_ANNOTATION],
    stageRules.stages,
    entity.metadata.namespace ?? 'default',
  );
  const usageOf = new Map(usages.map(u => [u.ref, u]));
  const refs = [...new Set([...modelRefsOf(entity), ...usageOf.keys()])];
  const refsKey = `${refs.join(',')}|${usages
    .map(u => `${u.ref}@${u.selector}`)
    .join(',')}`;

  const { value, loading, error } = useAsync(async () => {
    if (refs.length === 0) return undefined;
    const [catalog, summaries] = await Promise.all([
      catalogApi
        .getEntitiesByRefs({
          entityRefs: refs,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
            'spec.owner',
          ],
        })
        .then(
          r => ({ items: r.items, error: undefined }),
          (e: Error) => ({ items: undefined, error: e }),
        ),
      summariesOf(api, refs),
    ]);
    const rows: Row[] = await Promise.all(
      refs.map(async (ref, i) => {
        const row: Row = {
          ref,
          entity: catalog.items?.[i],
          summary: summaries[i].summary,
          error: summaries[i].error,
          usage: usageOf.get(ref),
        };
        if (!row.usage || !row.summary) return row;
        const version = resolveUsage(row.usage, row.summary);
        const serving = servingStage
          ? row.summary.stageOccupants[servingStage]
          : undefined;
        if (version === undefined || version === serving) {
          return { ...row, used: { version } };
        }
        // Not the serving version: say which stage it is in (archived, staging…).
        const stage = await api.getVersion(ref, version).then(
          v => v.stage,
          () => undefined,
        );
        return { ...row, used: { version, stage } };
      }),
    );
    return { rows, catalogError: catalog.error };
  }, [api, catalogApi, refsKey]);

  const invalidPanel = invalid.length > 0 && (
    <WarningPanel
      severity="warning"
      title={`${MODELS_ANNOTATION} has entries that cannot be read`}
    >
      {invalid.join('; ')}
    </WarningPanel>
  );

  if (refs.length === 0) {
    return (
      <InfoCard title="ML models">
        {invalidPanel}
        <Typography variant="body1" gutterBottom>
          This component depends on no ML models
        </Typography>
        <Typography variant="body2" className={classes.secondary}>
          To list the models it uses here, add their refs to{' '}
          <code className={classes.code}>spec.dependsOn</code> in the
          component's catalog-info.yaml, for example{' '}
          <code className={classes.code}>mlmodel:default/fraud-detector</code>,
          and name the version it uses in the annotation{' '}
          <code className={classes.code}>
            {MODELS_ANNOTATION}: fraud-detector@champion
          </code>
          .
        </Typography>
      </InfoCard>
    );
  }

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = (
      <>
        {value.catalogError && (
          <WarningPanel
            severity="warning"
            title="Could not load the models' titles and owners from the catalog"
            message={value.catalogError.message}
          />
        )}
        <Table size="small" aria-label="ML models this component depends on">
          <TableHead>
            <TableRow>
              <TableCell>Model</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Used here</TableCell>
              <TableCell className={classes.capitalized}>
                {servingStage ?? 'Serving'}
              </TableCell>
              <TableCell>Registry</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.rows.map(row => (
              <ModelRow
                key={row.ref}
                row={row}
                catalogLoaded={!value.catalogError}
                servingStage={servingStage}
              />
            ))}
          </TableBody>
        </Table>
      </>
    );
  }

  return (
    <InfoCard
      title="ML models"
      subheader={`${refs.length} model${
        refs.length === 1 ? '' : 's'
      } this component depends on`}
      noPadding
    >
      {invalidPanel}
      {content}
    </InfoCard>
  );
};
