import {
  InfoCard,
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import {
  MLModelCard,
  ModelVersion,
} from '@model-registry/plugin-model-registry-common';
import { Box, Chip, Grid, makeStyles, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { useModelRef } from '../../hooks/useModelRef';
import { UriLink } from '../UriLink';
import { ProductionHealth } from './ProductionHealth';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: '0.75rem',
    fontWeight: 'bold',
  },
  missing: { color: theme.palette.text.secondary, fontStyle: 'italic' },
  chip: { marginRight: theme.spacing(0.5), marginBottom: theme.spacing(0.5) },
}));

/** The sections of the model card, with their titles, in display order. */
export const CARD_SECTIONS: Array<{ key: keyof MLModelCard; title: string }> = [
  { key: 'intendedUse', title: 'Intended use' },
  { key: 'limitations', title: 'Limitations' },
  { key: 'trainingData', title: 'Training data' },
  { key: 'evaluation', title: 'Evaluation' },
  { key: 'ethicalConsiderations', title: 'Ethical considerations' },
  { key: 'license', title: 'License' },
];

function Field(props: { label: string; children: React.ReactNode }) {
  const classes = useStyles();
  return (
    <Grid item xs={6} md={4}>
      <Typography className={classes.label} component="h3">
        {props.label}
      </Typography>
      <Box mt={0.5}>{props.children}</Box>
    </Grid>
  );
}

function VersionLinks({ version }: { version?: ModelVersion }) {
  if (!version) return <Typography variant="body2">—</Typography>;
  const code = version.code?.repository;
  return (
    <Typography variant="body2" component="div">
      <div>
        Source: <code>{version.source}</code>
      </div>
      {version.runLink && (
        <div>
          <UriLink uri={version.runLink}>
            Training run {version.runId ?? ''}
          </UriLink>
        </div>
      )}
      {code && (
        <div>
          <UriLink uri={code}>
            Code{version.code?.commit ? ` @ ${version.code.commit}` : ''}
          </UriLink>
        </div>
      )}
    </Typography>
  );
}

/** The model card of an MLModel: catalog facts, registry state and card sections. */
export function ModelCard() {
  const classes = useStyles();
  const { entity, entityRef, api } = useModelRef();
  const servingStage = servingStageOf(useStageRules());
  const { value, loading, error } = useAsync(async () => {
    // The summary and the serving-stage version in parallel (one round trip, not two); only a
    // model without a version in that stage needs a second request, for its latest version.
    const [summary, serving] = await Promise.all([
      api.getModel(entityRef),
      servingStage
        ? api
            .listVersions(entityRef, { stage: servingStage, limit: 1 })
            .then(page => page.items[0])
        : Promise.resolve(undefined),
    ]);
    const version =
      serving ??
      (summary.latestVersion
        ? await api.getVersion(entityRef, summary.latestVersion)
        : undefined);
    return { summary, version };
  }, [api, entityRef, servingStage]);

  const spec = (entity.spec ?? {}) as {
    owner?: string;
    system?: string;
    type?: string;
    framework?: string;
    lifecycle?: string;
    card?: MLModelCard;
  };
  const namespace = entity.metadata.namespace ?? 'default';
  const owner = spec.owner
    ? parseEntityRef(spec.owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      })
    : undefined;
  const system = spec.system
    ? parseEntityRef(spec.system, {
        defaultKind: 'system',
        defaultNamespace: namespace,
      })
    : undefined;

  let registry: React.ReactNode;
  if (loading) {
    registry = <Progress />;
  } else if (error) {
    registry = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the registry data"
      />
    );
  } else if (value) {
    const { summary, version } = value;
    const serving = servingStage
      ? summary.stageOccupants[servingStage]
      : undefined;
    registry = (
      <>
        <Field
          label={servingStage ? `${servingStage} version` : 'Current version'}
        >
          <Typography variant="body2">
            {serving
              ? `v${serving}`
              : `None in ${servingStage ?? 'any stage'} yet`}
          </Typography>
        </Field>
        <Field label="Latest version">
          <Typography variant="body2">
            {summary.latestVersion
              ? `v${summary.latestVersion} (${summary.versionCount} versions)`
              : 'No versions registered yet'}
          </Typography>
        </Field>
        <Field label="Aliases">
          {Object.keys(summary.aliases).length === 0 ? (
            <Typography variant="body2">None</Typography>
          ) : (
            Object.entries(summary.aliases).map(([alias, v]) => (
              <Chip
                key={alias}
                size="small"
                className={classes.chip}
                label={`${alias} → v${v}`}
              />
            ))
          )}
        </Field>
        <Grid item xs={12}>
          <Typography className={classes.label} component="h3">
            {version && version.version === serving
              ? `Links of the ${servingStage} version`
              : 'Links of the latest version'}
          </Typography>
          <VersionLinks version={version} />
        </Grid>
        {serving && servingStage && (
          <ProductionHealth
            api={api}
            entityRef={entityRef}
            version={serving}
            stage={servingStage}
            titleClassName={classes.label}
          />
        )}
      </>
    );
  }

  const card = spec.card ?? {};
  const versionCard = (value?.version?.card ?? {}) as Record<
    string,
    string | undefined
  >;

  return (
    <InfoCard title="Model card" subheader={entity.metadata.description}>
      <Grid container spacing={2}>
        <Field label="Owner">
          {owner ? <EntityRefLink entityRef={owner} /> : '—'}
        </Field>
        <Field label="System">
          {system ? (
            <EntityRefLink entityRef={system} />
          ) : (
            <Typography variant="body2">—</Typography>
          )}
        </Field>
        <Field label="Task">
          <Typography variant="body2">{spec.type ?? '—'}</Typography>
        </Field>
        <Field label="Framework">
          <Typography variant="body2">{spec.framework ?? '—'}</Typography>
        </Field>
        <Field label="Lifecycle">
          <Typography variant="body2">{spec.lifecycle ?? '—'}</Typography>
        </Field>
        {registry}
        {CARD_SECTIONS.map(({ key, title }) => {
          const text = card[key] ?? versionCard[key];
          return (
            <Grid item xs={12} key={key}>
              <Typography className={classes.label} component="h3">
                {title}
              </Typography>
              {text ? (
                <MarkdownContent content={text} />
              ) : (
                <Typography variant="body2" className={classes.missing}>
                  Missing.{' '}
                  {owner ? (
                    <>
                      The owner (<EntityRefLinks entityRefs={[owner]} />) can
                      add it as <code>spec.card.{key}</code> in the model's
                      catalog-info.yaml.
                    </>
                  ) : (
                    <>
                      Add it as <code>spec.card.{key}</code> in the model's
                      catalog-info.yaml.
                    </>
                  )}
                </Typography>
              )}
            </Grid>
          );
        })}
      </Grid>
    </InfoCard>
  );
}
