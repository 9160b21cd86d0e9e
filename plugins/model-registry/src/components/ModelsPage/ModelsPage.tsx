import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, makeStyles, Paper, Typography } from '@material-ui/core';
import { modelRegistryApiRef } from '../../api';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import { errorTitle } from '../errors';
import { ModelsFilters } from './ModelsFilters';
import { ModelsTable } from './ModelsTable';
import { useModelsQuery } from './useModelsQuery';

const useStyles = makeStyles(theme => ({
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(2),
    padding: theme.spacing(1, 2),
  },
}));

/**
 * What the page shows: which registry filters hold, which models of how many, the page.
 * With a registry filter the server counts only an answer that fits on one page.
 */
function statusLine(models: ReturnType<typeof useModelsQuery>) {
  const { stage, metric, tag } = models.registryFilters;
  const holds = [
    stage && `With a version in ${stage}`,
    tag && `Tagged ${tag}`,
    metric && `Production ${metric}`,
  ].filter(Boolean);
  const last = models.offset + models.items.length;
  const total = models.totalCount;
  let count;
  if (total !== undefined) {
    count = total === 1 ? '1 model' : `${total} models`;
    if (total > models.items.length) {
      count += ` · ${models.offset + 1}–${last} shown`;
    }
  } else {
    count = `Models ${models.offset + 1}–${last}`;
    if (models.hasNext) count += ', more on the next pages';
  }
  return [...holds, count, `page ${models.pageNumber}`].join(' · ');
}

/**
 * The Models page: every model the signed-in user can read, with its owner, task,
 * lifecycle, serving and latest versions and aliases. Every filter (search, owner, task,
 * lifecycle, stage, tag, production metrics) and the sort are applied by the server and
 * kept in the URL; pages of 20 follow the server's cursors.
 */
export const ModelsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const rules = useStageRules();
  const classes = useStyles();
  const models = useModelsQuery(api);
  const { items, loading, error, stage } = models;

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
    body = models.hasServerFilters ? (
      <EmptyState
        missing="data"
        title="No models match these filters"
        description="Change or clear the search, owner, task, lifecycle, stage, tag or metric filters."
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
      <ModelsTable
        items={items}
        servingStage={servingStageOf(rules)}
        sort={models.sort}
        order={models.order}
        onSort={models.sortBy}
      />
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Models"
        subtitle="Machine-learning models in the catalog, with their registry state"
      />
      <Content>
        <ModelsFilters
          input={models.input}
          onTextChange={models.setTextFilter}
          owner={models.owner}
          onOwnerChange={models.setOwner}
          lifecycle={models.lifecycle}
          onLifecycleChange={models.setLifecycle}
          stage={stage}
          onStageChange={models.setStage}
          stages={rules.stages}
        />
        <Paper>
          {body}
          <Box className={classes.pager} component="nav" aria-label="Pages">
            <Typography variant="body2" role="status">
              {!loading && !error && items.length > 0 ? statusLine(models) : ''}
            </Typography>
            <Button
              variant="outlined"
              size="small"
              onClick={models.previous}
              disabled={models.pageNumber === 1 || loading}
              aria-label="Previous page"
            >
              Previous
            </Button>
            <Button
              variant="outlined"
              size="small"
              onClick={models.next}
              disabled={!models.hasNext || loading}
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
