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
 * The Models page: every model the signed-in user can read, with its owner, task,
 * lifecycle, serving and latest versions and aliases. Owner, task, lifecycle, stage and the
 * free-text search are applied by the server; pages of 20 follow the server's cursors.
 */
export const ModelsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const rules = useStageRules();
  const classes = useStyles();
  const models = useModelsQuery(api);
  const { items, loading, error, offset, stage } = models;

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
    body = <ModelsTable items={items} servingStage={servingStageOf(rules)} />;
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
              {!loading && !error && items.length > 0
                ? `${stage ? `With a version in ${stage} · ` : ''}Models ${
                    offset + 1
                  }–${offset + items.length}${
                    models.totalCount !== undefined
                      ? ` of ${models.totalCount}`
                      : ''
                  } · page ${models.pageNumber}`
                : ''}
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
