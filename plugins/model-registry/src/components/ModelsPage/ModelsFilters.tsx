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
import { ModelsTextFilters } from './useModelsQuery';

const ANY = '';

const useStyles = makeStyles(theme => ({
  filters: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  control: { width: '100%' },
  secondary: { color: theme.palette.text.secondary },
}));

/**
 * The Models page's filters: search, owner and task as typed text, lifecycle, and "has a
 * version in" over every configured stage. All of them apply on the server.
 */
export function ModelsFilters(props: {
  input: ModelsTextFilters;
  onTextChange: (field: keyof ModelsTextFilters, value: string) => void;
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
        <Grid item xs={12} sm={6} md={2}>
          <TextField
            {...textProps('owner')}
            label="Owner"
            placeholder="group:default/risk-ml"
          />
        </Grid>
        <Grid item xs={12} sm={6} md={2}>
          <TextField
            {...textProps('task')}
            label="Task"
            placeholder="classification"
          />
        </Grid>
        <Grid item xs={12} sm={6} md={2}>
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
        <Grid item xs={12} sm={6} md={2}>
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
    </Paper>
  );
}
