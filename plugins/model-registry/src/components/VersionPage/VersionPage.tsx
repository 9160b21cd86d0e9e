import {
  InfoCard,
  Link,
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  HistoryEntry,
  ModelVersion,
  readProtectedAliases,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import {
  Box,
  Chip,
  Grid,
  List,
  ListItem,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useModelRef } from '../../hooks/useModelRef';
import { useRegistryPermissions } from '../../hooks/useRegistryPermissions';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import { useModelLinks } from '../../links/modelLinks';
import { RELATION_LABELS } from '../../lineage/relationLabels';
import { errorTitle } from '../errors';
import { describeAction } from '../HistoryContent/describeAction';
import { absoluteTime } from '../HistoryContent/historyTime';
import { UriLink } from '../UriLink';
import { PromotionControls } from '../VersionsContent/PromotionControls';
import {
  cardSectionKeys,
  cardSectionText,
  cardSectionTitle,
} from './cardSections';
import { fieldChangesOf } from './historyChanges';
import { directLinksOf } from './lineageLinks';
import { LineageLinkView } from './LineageLinkView';
import { signatureSections } from './signatureSections';
import { commitUrlOf } from './sourceLinks';

const HISTORY_LIMIT = 50;

function isNotFound(error: unknown) {
  return error instanceof ResponseError && error.statusCode === 404;
}

/** Who: a link to a user (or group) entity, or the name of a calling service. */
function Actor(props: { actor: string }) {
  if (props.actor.startsWith('service:')) {
    return <span>{`service ${props.actor.slice('service:'.length)}`}</span>;
  }
  return <EntityRefLink entityRef={props.actor} defaultKind="user" hideIcon />;
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" style={{ width: '25%' }}>
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function KeyValueTable(props: {
  title: string;
  values: Record<string, string | number>;
  empty: string;
}) {
  const entries = Object.entries(props.values).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return (
    <InfoCard title={props.title} noPadding={entries.length > 0}>
      {entries.length === 0 ? (
        <Typography variant="body2">{props.empty}</Typography>
      ) : (
        <Table size="small" aria-label={props.title}>
          <TableBody>
            {entries.map(([key, value]) => (
              <TableRow key={key}>
                <TableCell component="th" scope="row">
                  {key}
                </TableCell>
                <TableCell align={typeof value === 'number' ? 'right' : 'left'}>
                  {String(value)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** Where the version comes from: the artifact, the training run, the code and commit. */
function SourceTable(props: { version: ModelVersion }) {
  const { version } = props;
  const repository = version.code?.repository;
  const commit = version.code?.commit;
  const commitUrl = commitUrlOf(repository, commit);
  return (
    <Table size="small" aria-label="Source">
      <TableBody>
        <Field label="Artifact">
          <UriLink uri={version.source}>{version.source}</UriLink>
        </Field>
        {(version.runId || version.runLink) && (
          <Field label="Training run">
            {version.runLink ? (
              <UriLink uri={version.runLink}>
                {version.runId ? `Run ${version.runId}` : version.runLink}
              </UriLink>
            ) : (
              `Run ${version.runId}`
            )}
          </Field>
        )}
        {repository && (
          <Field label="Repository">
            <UriLink uri={repository}>{repository}</UriLink>
          </Field>
        )}
        {commit && (
          <Field label="Commit">
            {commitUrl ? (
              <Link to={commitUrl} title={commit}>
                {commit.slice(0, 12)}
              </Link>
            ) : (
              <code title={commit}>{commit}</code>
            )}
          </Field>
        )}
        {version.framework && (
          <Field label="Framework">{version.framework}</Field>
        )}
        <Field label="Registered">
          <Actor actor={version.createdBy} />
          {` · ${absoluteTime(version.createdAt)}`}
        </Field>
        {version.updatedAt !== version.createdAt && (
          <Field label="Last changed">
            <Actor actor={version.updatedBy} />
            {` · ${absoluteTime(version.updatedAt)}`}
          </Field>
        )}
      </TableBody>
    </Table>
  );
}

/** The signature as one table per part (inputs, outputs, params), the rest as JSON. */
function SignatureCard(props: { signature?: Record<string, unknown> }) {
  const { sections, rest } = useMemo(
    () => signatureSections(props.signature ?? {}),
    [props.signature],
  );
  const hasRest = Object.keys(rest).length > 0;
  return (
    <InfoCard title="Signature">
      {sections.length === 0 && !hasRest && (
        <Typography variant="body2">No signature recorded.</Typography>
      )}
      {sections.map(section => (
        <Box key={section.key} mb={2}>
          <Typography variant="subtitle2" component="h4">
            {section.title}
          </Typography>
          {section.fields.length === 0 ? (
            <Typography variant="body2">None.</Typography>
          ) : (
            <Table size="small" aria-label={`Signature ${section.title}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Details</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {section.fields.map((field, i) => (
                  <TableRow key={`${field.name}-${i}`}>
                    <TableCell component="th" scope="row">
                      {field.name}
                    </TableCell>
                    <TableCell>{field.type || '—'}</TableCell>
                    <TableCell>{field.details || '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Box>
      ))}
      {hasRest && (
        <Box>
          <Typography variant="subtitle2" component="h4">
            {sections.length
              ? 'Other signature fields'
              : 'Signature (as registered)'}
          </Typography>
          <pre style={{ whiteSpace: 'pre-wrap' }}>
            {JSON.stringify(rest, null, 2)}
          </pre>
        </Box>
      )}
    </InfoCard>
  );
}

function CardSections(props: { version: ModelVersion }) {
  const keys = cardSectionKeys([props.version.card]);
  return (
    <InfoCard title="Version card">
      {keys.length === 0 ? (
        <Typography variant="body2">No card for this version.</Typography>
      ) : (
        keys.map(key => (
          <Box
            key={key}
            mb={2}
            component="section"
            aria-label={cardSectionTitle(key)}
          >
            <Typography variant="subtitle2" component="h4">
              {cardSectionTitle(key)}
            </Typography>
            <MarkdownContent
              content={cardSectionText(props.version.card, key) ?? ''}
            />
          </Box>
        ))
      )}
    </InfoCard>
  );
}

function LineageCard(props: {
  entityRef: string;
  version: number;
  reload: number;
}) {
  const { api } = useModelRef();
  const { entityRef, version } = props;
  const lineage = useAsync(
    () =>
      api.getLineage(entityRef, version, { direction: 'upstream', depth: 1 }),
    [api, entityRef, version, props.reload],
  );
  const links = lineage.value ? directLinksOf(lineage.value) : [];
  return (
    <InfoCard title="Lineage">
      {lineage.loading && <Progress />}
      {lineage.error && (
        <ResponseErrorPanel
          error={lineage.error}
          title={errorTitle('Could not load the lineage', lineage.error)}
        />
      )}
      {lineage.value && links.length === 0 && (
        <Typography variant="body2">No lineage recorded.</Typography>
      )}
      {links.length > 0 && (
        <Table size="small" aria-label="Lineage">
          <TableHead>
            <TableRow>
              <TableCell>Relation</TableCell>
              <TableCell>Target</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {links.map(link => (
              <TableRow key={link.key}>
                <TableCell>
                  {RELATION_LABELS[link.relation] ?? link.relation}
                </TableCell>
                <TableCell>
                  <LineageLinkView link={link} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function HistoryItem(props: { entry: HistoryEntry; rules: StageRules }) {
  const { entry } = props;
  const changes = fieldChangesOf(entry);
  return (
    <ListItem divider component="li" alignItems="flex-start">
      <ListItemText
        primary={
          <>
            <Actor actor={entry.actor} /> {describeAction(entry, props.rules)}
          </>
        }
        secondaryTypographyProps={{ component: 'div' }}
        secondary={
          <>
            <time dateTime={entry.createdAt}>
              {absoluteTime(entry.createdAt)}
            </time>
            {changes.map(change => (
              <Typography
                key={change.field}
                variant="body2"
                component="span"
                display="block"
                data-testid="history-change"
              >
                {`${change.field}: ${change.from ?? '—'} → ${change.to ?? '—'}`}
              </Typography>
            ))}
            {entry.comment && (
              <Typography variant="body2" component="span" display="block">
                {`Why: ${entry.comment}`}
              </Typography>
            )}
          </>
        }
      />
    </ListItem>
  );
}

function HistoryCard(props: {
  entityRef: string;
  version: number;
  rules: StageRules;
  reload: number;
}) {
  const { api } = useModelRef();
  const { entityRef, version } = props;
  const history = useAsync(
    () => api.listVersionHistory(entityRef, version, { limit: HISTORY_LIMIT }),
    [api, entityRef, version, props.reload],
  );
  return (
    <InfoCard title="History" subheader="Changes to this version, newest first">
      {history.loading && <Progress />}
      {history.error && (
        <ResponseErrorPanel
          error={history.error}
          title={errorTitle('Could not load the history', history.error)}
        />
      )}
      {history.value && history.value.items.length === 0 && (
        <Typography variant="body2">No history recorded.</Typography>
      )}
      {history.value && history.value.items.length > 0 && (
        <List component="ol" aria-label="Version history" disablePadding>
          {history.value.items.map(entry => (
            <HistoryItem key={entry.id} entry={entry} rules={props.rules} />
          ))}
        </List>
      )}
      {history.value?.nextCursor && (
        <Typography variant="body2" color="textSecondary">
          {`The ${HISTORY_LIMIT} newest changes; the model's History tab has them all.`}
        </Typography>
      )}
    </InfoCard>
  );
}

/** A version that is not there: what was asked for, and the way back. */
function VersionNotFound(props: { message: string; versionsHref: string }) {
  return (
    <WarningPanel severity="error" defaultExpanded title="Version not found">
      <Typography paragraph>{props.message}</Typography>
      <Link to={props.versionsHref}>Back to the versions</Link>
    </WarningPanel>
  );
}

/**
 * One version's own page (`…/versions/3`): stage, aliases and status with the promotion
 * controls, where it comes from (artifact, run, commit as links), its signature, metrics,
 * params and tags, its card, its lineage with links to entities and model versions, and
 * its history with what each change changed. It reloads when the backend signals a change.
 */
export function VersionPage(props: { version: string }) {
  const { entity, entityRef, api } = useModelRef();
  const rules = useStageRules();
  const servingStage = servingStageOf(rules);
  const links = useModelLinks();
  const config = useApi(configApiRef);
  const protectedAliases = useMemo(
    () => readProtectedAliases(config),
    [config],
  );
  const permissions = useRegistryPermissions(entityRef);
  const [reload, setReload] = useState(0);
  const modelName = entity.metadata.title ?? entity.metadata.name;
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  const text = props.version;
  const number = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
  const hasApprovalStages = Object.keys(rules.approvals ?? {}).length > 0;

  const state = useAsyncRetry(async () => {
    if (number === undefined) return undefined;
    const [version, summary, requests] = await Promise.all([
      api.getVersion(entityRef, number).catch(error => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
      api.getModel(entityRef),
      hasApprovalStages
        ? api.listModelPromotionRequests(entityRef, {
            status: 'open',
            limit: 100,
          })
        : Promise.resolve({ items: [] }),
    ]);
    return { version, summary, openRequests: requests.items };
  }, [api, entityRef, number, hasApprovalStages]);

  // The backend signals each change of the model: reload the version, lineage and history
  // once per signal (the ref keeps the effect to the signal alone).
  const { lastSignal } = useSignal(`model-registry:${entityRef}`);
  const retryRef = useRef(state.retry);
  retryRef.current = state.retry;
  useEffect(() => {
    if (lastSignal) {
      setReload(r => r + 1);
      retryRef.current();
    }
  }, [lastSignal]);

  const versionsHref = links.versionsHref(entityRef);
  if (number === undefined) {
    return (
      <VersionNotFound
        message={`"${text}" is not a version number: versions of ${modelName} are numbered 1, 2, 3, …`}
        versionsHref={versionsHref}
      />
    );
  }
  if (state.loading && !state.value) return <Progress />;
  if (state.error) {
    return (
      <ResponseErrorPanel
        error={state.error}
        title={errorTitle(`Could not load version ${number}`, state.error)}
      />
    );
  }
  if (!state.value) return null;
  const { version, summary, openRequests } = state.value;
  if (!version) {
    return (
      <VersionNotFound
        message={`${modelName} has no version ${number}: it does not exist or was deleted.${
          summary.latestVersion
            ? ` The latest is version ${summary.latestVersion}.`
            : ''
        }`}
        versionsHref={versionsHref}
      />
    );
  }
  const serving = servingStage
    ? summary.stageOccupants[servingStage]
    : undefined;
  const changed = () => {
    setReload(r => r + 1);
    state.retry();
  };

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <InfoCard
          title={`Version ${version.version} of ${modelName}`}
          subheader={version.description}
        >
          <Box
            display="flex"
            flexWrap="wrap"
            alignItems="center"
            mb={2}
            style={{ gap: 8 }}
          >
            <Chip
              size="small"
              color={
                rules.singleOccupancyStages.includes(version.stage)
                  ? 'primary'
                  : 'default'
              }
              label={`Stage: ${version.stage}`}
            />
            <Chip
              size="small"
              variant="outlined"
              label={`Status: ${version.status}`}
            />
            {version.aliases.map(alias => (
              <Chip
                key={alias}
                size="small"
                variant="outlined"
                label={`@${alias}`}
                aria-label={`alias ${alias}`}
              />
            ))}
            <Box flexGrow={1} />
            <Link to={versionsHref}>All versions</Link>
            {serving !== undefined && serving !== version.version && (
              <Link
                to={links.compareHref(
                  entityRef,
                  [version.version, serving],
                  serving,
                )}
              >
                {`Compare with v${serving} (${servingStage})`}
              </Link>
            )}
          </Box>
          <SourceTable version={version} />
          <Box mt={2} aria-label="Promotion controls" role="group">
            <PromotionControls
              api={api}
              entityRef={entityRef}
              modelName={modelName}
              owner={typeof owner === 'string' ? owner : undefined}
              version={version}
              stageRules={rules}
              occupants={summary.stageOccupants}
              permissions={permissions}
              openRequests={openRequests.filter(
                r => r.version === version.version,
              )}
              protectedAliases={protectedAliases}
              onChanged={changed}
            />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <KeyValueTable
          title="Metrics"
          values={version.metrics}
          empty="No metrics recorded."
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <KeyValueTable
          title="Parameters"
          values={version.params}
          empty="No parameters recorded."
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <KeyValueTable title="Tags" values={version.tags} empty="No tags." />
      </Grid>
      <Grid item xs={12} md={6}>
        <SignatureCard signature={version.signature} />
      </Grid>
      <Grid item xs={12} md={6}>
        <LineageCard
          entityRef={entityRef}
          version={version.version}
          reload={reload}
        />
      </Grid>
      <Grid item xs={12}>
        <CardSections version={version} />
      </Grid>
      <Grid item xs={12}>
        <HistoryCard
          entityRef={entityRef}
          version={version.version}
          rules={rules}
          reload={reload}
        />
      </Grid>
    </Grid>
  );
}
