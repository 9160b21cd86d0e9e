import { useMemo, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import {
  Box,
  FormControl,
  InputLabel,
  makeStyles,
  MenuItem,
  Select,
} from '@material-ui/core';
import { useModelRef } from '../../hooks/useModelRef';
import { servingStageOf, useStageRules } from '../../hooks/useStageRules';
import { consumersOf, shortEntityName } from '../../lineage/buildLineageGraph';
import { errorTitle } from '../errors';
import { LineageView } from './LineageView';
import { useLineageVersions } from './useLineageVersions';

const useStyles = makeStyles({ select: { minWidth: 240 } });

function versionLabel(v: ModelVersion) {
  const extra = [v.stage !== 'none' ? v.stage : undefined, ...v.aliases]
    .filter(Boolean)
    .join(', ');
  return extra ? `v${v.version} (${extra})` : `v${v.version}`;
}

/**
 * The Lineage tab of an MLModel: the lineage graph of one version (by default the one in the
 * serving stage, else the latest) with its inputs on the left and its consumers on the right,
 * including the components that depend on the model in the catalog.
 */
export const LineageContent = () => {
  const { entity, entityRef: modelRef, api } = useModelRef();
  const servingStage = servingStageOf(useStageRules());
  const consumers = useMemo(() => consumersOf(entity), [entity]);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const { value, loading, error, defaultVersion } = useLineageVersions({
    api,
    modelRef,
    servingStage,
  });
  const classes = useStyles();

  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title={errorTitle('Could not load the versions of this model', error)}
      />
    );
  }
  if (!value || defaultVersion === undefined) {
    return (
      <InfoCard title="Lineage">
        <EmptyState
          missing="data"
          title="No versions registered"
          description={
            consumers.length
              ? `This model has no versions yet, so there is no lineage to show. It is used by ${consumers
                  .map(shortEntityName)
                  .join(', ')}.`
              : 'This model has no versions yet, so there is no lineage to show. Register a version with lineage edges to see where it came from and where it is used.'
          }
        />
      </InfoCard>
    );
  }

  const version = selected ?? defaultVersion;
  const options = [...value.versions]
    .sort((a, b) => b.version - a.version)
    .map(v => ({ version: v.version, label: versionLabel(v) }));
  if (!options.some(o => o.version === version)) {
    // The serving version is older than the newest PICKER_VERSIONS versions.
    options.push({ version, label: `v${version}` });
  }
  const selectId = 'model-lineage-version';

  return (
    <InfoCard
      title="Lineage"
      subheader="Inputs on the left, the selected version in the middle, consumers on the right. Select a node to open its catalog page."
    >
      <Box mb={2}>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id={`${selectId}-label`}>Version</InputLabel>
          <Select
            labelId={`${selectId}-label`}
            id={selectId}
            label="Version"
            value={version}
            onChange={e => setSelected(Number(e.target.value))}
          >
            {options.map(v => (
              <MenuItem key={v.version} value={v.version}>
                {v.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Box>
      <LineageView
        modelRef={modelRef}
        version={version}
        consumers={consumers}
      />
    </InfoCard>
  );
};
