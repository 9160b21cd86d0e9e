import { ChangeEvent } from 'react';
import { MLMODEL_LIFECYCLES } from '@model-registry/plugin-model-registry-common';
import {
  FormControl,
  Grid,
  InputAdornment,
  InputLabel,
  makeStyles,
  MenuItem,
  OutlinedInput,
  Paper,
  Select,
  TextField,
  Typography,
} from '@material-ui/core';
import SearchIcon from '@material-ui/icons/Search';
import { OwnerPicker } from './OwnerPicker';
import { ModelsTextFilters } from './useModelsQuery';

const ANY = '';

const useStyles = makeStyles(theme => ({
  filters: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  control: { width: '100%' },
  secondary: { color: theme.palette.text.secondary },
}));

/**
 * The Models page's filters: search, owner (a group or user of the catalog), task,
 * lifecycle, "has a version in" over every configured stage, tag, and conditions on the
 * production version's metrics. All of them apply on the server.
 */
export function ModelsFilters(props: {
  input: ModelsTextFilters;
  onTextChange: (field: keyof ModelsTextFilters, value: string) => void;
  owner: string;
  onOwnerChange: (owner: string) => void;
  lifecycle: string;
  onLifecycleChange: (lifecycle: string) => void;
  stage: string;
  onStageChange: (stage: string) => void;
  stages: string[];
}) {
  const { input, lifecycle, stage, stages, onLifecycleChange, onStageChange } =
    props;
  const classes = useStyles();
  const textProps = (field: keyof ModelsTextFilters) => ({
    id: field === 'q' ? 'models-search' : `models-${field}`,
    name: field,
    className: classes.control,
    variant: 'outlined' as const,
    size: 'small' as const,
    value: input[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) =>
      props.onTextChange(field, e.target.value),
  });
  return (
    <Paper className={classes.filters} component="section" aria-label="Filters">
      <Grid container spacing={2} alignItems="flex-start">
        <Grid item xs={12} md={4}>
          <TextField
            {...textProps('q')}
            label="Search"
            placeholder="Name, title or description"
            InputProps={{
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon aria-hidden />
                </InputAdornment>
              ),
            }}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <OwnerPicker
            value={props.owner}
            onChange={props.onOwnerChange}
            className={classes.control}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={2}>
          <TextField
            {...textProps('task')}
            label="Task"
            placeholder="classification"
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FormControl
            variant="outlined"
            size="small"
            className={classes.control}
          >
            <InputLabel id="models-lifecycle-label" shrink>
              Lifecycle
            </InputLabel>
            <Select
              labelId="models-lifecycle-label"
              id="models-lifecycle"
              input={<OutlinedInput notched label="Lifecycle" />}
              value={lifecycle}
              displayEmpty
              onChange={e => onLifecycleChange(String(e.target.value))}
            >
              <MenuItem value={ANY}>Any</MenuItem>
              {MLMODEL_LIFECYCLES.map(l => (
                <MenuItem key={l} value={l}>
                  {l}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <FormControl
            variant="outlined"
            size="small"
            className={classes.control}
          >
            <InputLabel id="models-stage-label" shrink>
              Has a version in
            </InputLabel>
            <Select
              labelId="models-stage-label"
              id="models-stage"
              input={<OutlinedInput notched label="Has a version in" />}
              value={stage}
              displayEmpty
              onChange={e => onStageChange(String(e.target.value))}
              aria-describedby="models-stage-help"
            >
              <MenuItem value={ANY}>Any stage</MenuItem>
              {stages.map(s => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <TextField
            {...textProps('tag')}
            label="Tag"
            placeholder="fraud or domain=payments"
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <TextField
            {...textProps('metric')}
            label="Production metrics"
            placeholder="auc > 0.95, recall_at_1pct_fpr >= 0.8"
            inputProps={{ 'aria-describedby': 'models-metric-help' }}
          />
        </Grid>
      </Grid>
      <Typography
        id="models-stage-help"
        variant="caption"
        component="p"
        className={classes.secondary}
      >
        Every filter applies to all models, on the server. &quot;Has a version
        in&quot; keeps the models with at least one live version in that stage.
      </Typography>
      <Typography
        id="models-metric-help"
        variant="caption"
        component="p"
        className={classes.secondary}
      >
        Production metrics: conditions on the metrics of each model&apos;s
        production version, comma-separated, each a metric name, one of &gt;,
        &gt;=, &lt;, &lt;=, =, != and a number. A model without a production
        version, or whose version lacks the metric, is left out.
      </Typography>
    </Paper>
  );
}
