import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { lazy, Suspense } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
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
import { useModelLinks } from '../../links/modelLinks';
import { cardSectionsOf } from './cardSections';

// Loaded on demand: the markdown renderer and the code snippets are large chunks that the
// card's registry facts (the production version first) must not wait for.
const CardMarkdown = lazy(() => import('./CardMarkdown'));
const RegisterFirstVersion = lazy(() => import('./RegisterFirstVersion'));

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: '0.75rem',
    fontWeight: 'bold',
  },
  missing: { color: theme.palette.text.secondary },
  chip: { marginRight: theme.spacing(0.5), marginBottom: theme.spacing(0.5) },
}));

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
  const links = useModelLinks();
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
            {serving ? (
              <Link
                to={links.versionHref(entityRef, serving)}
                aria-label={`Open the ${servingStage} version, v${serving}`}
              >
                {`v${serving}`}
              </Link>
            ) : (
              `None in ${servingStage ?? 'any stage'} yet`
            )}
          </Typography>
        </Field>
        <Field label="Latest version">
          <Typography variant="body2">
            {summary.latestVersion ? (
              <>
                <Link to={links.versionHref(entityRef, summary.latestVersion)}>
                  {`v${summary.latestVersion}`}
                </Link>
                {` (${summary.versionCount} versions)`}
              </>
            ) : (
              'No versions registered yet'
            )}
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
        {!summary.latestVersion && (
          <Grid item xs={12}>
            <Suspense fallback={<Progress />}>
              <RegisterFirstVersion
                namespace={namespace}
                name={entity.metadata.name}
              />
            </Suspense>
          </Grid>
        )}
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

  const sections = cardSectionsOf(
    spec.card ?? {},
    (value?.version?.card ?? {}) as Record<string, string | undefined>,
  );
  const counted = sections.filter(section => section.counted);
  const missing = counted.filter(section => !section.text);
  const present = sections.filter(section => section.text);

  // Owner, system, lifecycle, description and tags are on the About card next to this one.
  return (
    <InfoCard title="Model card">
      <Grid container spacing={2}>
        <Field label="Task">
          <Typography variant="body2">{spec.type ?? '—'}</Typography>
        </Field>
        <Field label="Framework">
          <Typography variant="body2">{spec.framework ?? '—'}</Typography>
        </Field>
        {registry}
        <Grid item xs={12}>
          <Typography
            className={classes.label}
            component="h3"
            data-testid="card-completeness"
          >
            {`Card: ${counted.length - missing.length} of ${
              counted.length
            } sections`}
          </Typography>
          {missing.length > 0 && (
            <Typography variant="body2" className={classes.missing}>
              Missing: {missing.map(section => section.title).join(', ')}.{' '}
              {owner ? (
                <>
                  The owner (<EntityRefLinks entityRefs={[owner]} />) can add
                  them under <code>spec.card</code> in the model's
                  catalog-info.yaml
                </>
              ) : (
                <>
                  Add them under <code>spec.card</code> in the model's
                  catalog-info.yaml
                </>
              )}{' '}
              (sections of the Hugging Face model card).
            </Typography>
          )}
        </Grid>
        {present.map(section => (
          <Grid item xs={12} key={section.key}>
            <Typography className={classes.label} component="h3">
              {section.title}
            </Typography>
            <Suspense
              fallback={<Typography variant="body2">{section.text}</Typography>}
            >
              <CardMarkdown content={section.text!} />
            </Suspense>
          </Grid>
        ))}
      </Grid>
    </InfoCard>
  );
}
