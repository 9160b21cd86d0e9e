import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import { Box, Button, Typography } from '@material-ui/core';
import LinkIcon from '@material-ui/icons/Link';
import { useState } from 'react';
import {
  useAppNavigate,
  useAppSearchParams,
} from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { useModelRef } from '../../hooks/useModelRef';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import {
  BASELINE_PARAM,
  COMPARE_PARAM,
  useModelLinks,
} from '../../links/modelLinks';
import { errorTitle } from '../errors';
import { directLinksOf, LineageLink } from '../VersionPage/lineageLinks';
import { parseCompareQuery } from './parseCompareQuery';
import { VersionComparison } from './VersionComparison';

function isNotFound(error: unknown) {
  return error instanceof ResponseError && error.statusCode === 404;
}

function listed(versions: number[]) {
  if (versions.length === 1) return `version ${versions[0]}`;
  return `versions ${versions.slice(0, -1).join(', ')} and ${
    versions[versions.length - 1]
  }`;
}

/** A problem with the compare link: what is wrong, and the way back to the versions. */
function CompareProblem(props: { message: string; versionsHref: string }) {
  return (
    <InfoCard title="Compare versions">
      <WarningPanel
        severity="error"
        defaultExpanded
        title="Cannot compare these versions"
      >
        <Typography>{props.message}</Typography>
      </WarningPanel>
      <Box mt={2}>
        <Link to={props.versionsHref}>Back to the versions</Link>
      </Box>
    </InfoCard>
  );
}

/** Copies the comparison's full URL, saying whether it worked. */
function CopyLinkButton(props: { href: string }) {
  const [status, setStatus] = useState<string | undefined>();
  const url = new URL(props.href, window.location.origin).toString();
  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(url);
      setStatus('Link copied.');
    } catch {
      setStatus(`Could not copy; the link is ${url}`);
    }
  };
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Button
        variant="outlined"
        color="primary"
        startIcon={<LinkIcon />}
        onClick={copy}
      >
        Copy link
      </Button>
      <Typography variant="body2" role="status">
        {status ?? ''}
      </Typography>
    </Box>
  );
}

/**
 * The compare view of the Versions tab, for `?compare=3,4,5&baseline=4`: 2–4 versions side
 * by side against a baseline (by default the serving version when it is among them, else
 * the first). A link naming too few, too many, non-numeric or unknown versions says so.
 */
export function CompareVersions() {
  const { entity, entityRef, api } = useModelRef();
  const rules = useStageRules();
  const servingStage = servingStageOf(rules);
  const links = useModelLinks();
  const navigate = useAppNavigate();
  const [params] = useAppSearchParams();
  const query = parseCompareQuery(
    params.get(COMPARE_PARAM),
    params.get(BASELINE_PARAM),
  );
  const requested = query.kind === 'ok' ? query.versions : [];
  const key = requested.join(',');
  const modelName = entity.metadata.title ?? entity.metadata.name;

  const loaded = useAsync(async () => {
    if (!requested.length) return undefined;
    const results = await Promise.allSettled(
      requested.map(v => api.getVersion(entityRef, v)),
    );
    const missing = requested.filter((_, i) => {
      const r = results[i];
      return r.status === 'rejected' && isNotFound(r.reason);
    });
    if (missing.length) return { missing, versions: [] as ModelVersion[] };
    const failed = results.find(r => r.status === 'rejected');
    if (failed && failed.status === 'rejected') throw failed.reason;
    return {
      missing,
      versions: results.map(
        r => (r as PromiseFulfilledResult<ModelVersion>).value,
      ),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the versions by their key
  }, [api, entityRef, key]);

  const lineage = useAsync(async () => {
    if (!requested.length) return undefined;
    const graphs = await Promise.all(
      requested.map(v =>
        api.getLineage(entityRef, v, { direction: 'upstream', depth: 1 }),
      ),
    );
    return new Map<number, LineageLink[]>(
      requested.map((v, i) => [v, directLinksOf(graphs[i])]),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the versions by their key
  }, [api, entityRef, key]);

  const versionsHref = links.versionsHref(entityRef);
  if (query.kind === 'error') {
    return (
      <CompareProblem message={query.message} versionsHref={versionsHref} />
    );
  }
  if (query.kind === 'none') return null;
  if (loaded.loading) return <Progress />;
  if (loaded.error) {
    return (
      <ResponseErrorPanel
        error={loaded.error}
        title={errorTitle(
          'Could not load the versions to compare',
          loaded.error,
        )}
      />
    );
  }
  if (!loaded.value) return null;
  if (loaded.value.missing.length) {
    const missing = loaded.value.missing;
    return (
      <CompareProblem
        message={`${modelName} has no ${listed(missing)}: ${
          missing.length === 1 ? 'it does' : 'they do'
        } not exist or ${missing.length === 1 ? 'was' : 'were'} deleted.`}
        versionsHref={versionsHref}
      />
    );
  }
  const versions = loaded.value.versions;
  const serving = versions.find(v => servingStage && v.stage === servingStage);
  const baseline = query.baseline ?? serving?.version ?? versions[0].version;

  return (
    <InfoCard
      title={`Compare versions of ${modelName}`}
      subheader={`${versions
        .map(v => `v${v.version}`)
        .join(', ')}, against v${baseline}`}
    >
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 16 }}
      >
        <Link to={versionsHref}>Back to all versions</Link>
        <CopyLinkButton
          href={links.compareHref(
            entityRef,
            versions.map(v => v.version),
            baseline,
          )}
        />
      </Box>
      <VersionComparison
        versions={versions}
        baseline={baseline}
        initialStage={rules.stages[0]}
        onBaselineChange={v =>
          navigate(
            links.compareHref(
              entityRef,
              versions.map(x => x.version),
              v,
            ),
          )
        }
        lineage={lineage.value}
        lineageError={
          lineage.error && (
            <ResponseErrorPanel
              error={lineage.error}
              title={errorTitle('Could not load the lineage', lineage.error)}
            />
          )
        }
      />
    </InfoCard>
  );
}
