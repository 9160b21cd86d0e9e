import { Link, MarkdownContent } from '@backstage/core-components';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import {
  Box,
  FormControlLabel,
  makeStyles,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import { ReactNode, useState } from 'react';
import { useModelLinks } from '../../links/modelLinks';
import { RELATION_LABELS } from '../../lineage/relationLabels';
import {
  cardSectionKeys,
  cardSectionText,
  cardSectionTitle,
} from '../VersionPage/cardSections';
import { LineageLink } from '../VersionPage/lineageLinks';
import { LineageLinkView } from '../VersionPage/LineageLinkView';
import { bestValue, lowerIsBetter } from './metricDirection';

/** The parts of a comparison; the promote dialog shows fewer than the compare view. */
export type ComparisonPart = 'metrics' | 'params' | 'tags' | 'card' | 'lineage';

const ALL_PARTS: ComparisonPart[] = [
  'metrics',
  'params',
  'tags',
  'card',
  'lineage',
];

const useStyles = makeStyles(theme => ({
  baseline: { backgroundColor: theme.palette.action.hover },
  best: { fontWeight: theme.typography.fontWeightBold as number },
  star: { color: '#ed6c02', marginLeft: theme.spacing(0.5) },
  better: { color: theme.palette.success?.main ?? '#2e7d32' },
  worse: { color: theme.palette.error.main },
  diff: { display: 'block', fontSize: '0.8em' },
  caption: { display: 'block', color: theme.palette.text.secondary },
  differs: { fontWeight: theme.typography.fontWeightMedium as number },
  cardCell: { verticalAlign: 'top', minWidth: 200 },
}));

/** A metric value: integers as they are, others to four significant digits. */
export function formatMetric(value: number | undefined) {
  if (value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

function formatDiff(diff: number) {
  if (diff === 0) return '±0';
  return `${diff > 0 ? '+' : ''}${formatMetric(diff)}`;
}

/** A version's column heading: `v4 (production)`, linked to the version's page. */
function VersionHeading(props: {
  version: ModelVersion;
  initialStage: string | undefined;
  baseline: boolean;
}) {
  const { version } = props;
  const { versionHref } = useModelLinks();
  const classes = useStyles();
  const label =
    version.stage && version.stage !== props.initialStage
      ? `v${version.version} (${version.stage})`
      : `v${version.version}`;
  return (
    <>
      <Link to={versionHref(version.modelRef, version.version)}>{label}</Link>
      {props.baseline && <span className={classes.caption}>baseline</span>}
    </>
  );
}

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mb={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function MetricsTable(props: {
  versions: ModelVersion[];
  baseline: ModelVersion;
  heading: (v: ModelVersion) => ReactNode;
  label: string;
}) {
  const { versions, baseline } = props;
  const classes = useStyles();
  const names = [
    ...new Set(versions.flatMap(v => Object.keys(v.metrics))),
  ].sort();
  if (names.length === 0) {
    return (
      <Typography variant="body2">
        None of these versions has metrics recorded.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Metric</TableCell>
          {versions.map(v => (
            <TableCell
              key={v.version}
              align="right"
              className={
                v.version === baseline.version ? classes.baseline : undefined
              }
            >
              {props.heading(v)}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {names.map(name => {
          const lower = lowerIsBetter(name);
          const best = bestValue(
            name,
            versions.map(v => v.metrics[name]),
          );
          const base = baseline.metrics[name];
          return (
            <TableRow key={name} data-testid={`metric-row-${name}`}>
              <TableCell component="th" scope="row">
                <span>{name}</span>
                <span className={classes.caption}>
                  {lower ? 'lower is better' : 'higher is better'}
                </span>
              </TableCell>
              {versions.map(v => {
                const value = v.metrics[name];
                const isBest = best !== undefined && value === best;
                const diff =
                  v.version !== baseline.version &&
                  value !== undefined &&
                  base !== undefined
                    ? value - base
                    : undefined;
                let diffClass: string | undefined;
                if (diff !== undefined && diff !== 0) {
                  diffClass =
                    diff < 0 === lower ? classes.better : classes.worse;
                }
                return (
                  <TableCell
                    key={v.version}
                    align="right"
                    className={
                      v.version === baseline.version
                        ? classes.baseline
                        : undefined
                    }
                    data-testid={`metric-${name}-v${v.version}`}
                  >
                    <span className={isBest ? classes.best : undefined}>
                      {formatMetric(value)}
                    </span>
                    {isBest && (
                      <span
                        className={classes.star}
                        role="img"
                        aria-label="best"
                        title={`Best ${name} of these versions`}
                      >
                        ★
                      </span>
                    )}
                    {diff !== undefined && (
                      <span
                        className={`${classes.diff} ${diffClass ?? ''}`}
                        title={`Difference against v${baseline.version}`}
                      >
                        {formatDiff(diff)}
                      </span>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** Key/value pairs (params or tags) of each version: those that differ, or all. */
function ValuesTable(props: {
  versions: ModelVersion[];
  baseline: ModelVersion;
  heading: (v: ModelVersion) => ReactNode;
  label: string;
  noun: string;
  valuesOf: (v: ModelVersion) => Record<string, string>;
  showAll: boolean;
}) {
  const { versions, baseline, valuesOf } = props;
  const classes = useStyles();
  const keys = [...new Set(versions.flatMap(v => Object.keys(valuesOf(v))))];
  keys.sort();
  const differing = keys.filter(
    key => new Set(versions.map(v => valuesOf(v)[key])).size > 1,
  );
  const rows = props.showAll ? keys : differing;
  if (keys.length === 0) {
    return (
      <Typography variant="body2">
        None of these versions has {props.noun} recorded.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" paragraph>
        {differing.length === 0
          ? `All ${versions.length} versions have the same ${props.noun} (${keys.length}).`
          : `${differing.length} of ${keys.length} ${props.noun} differ.`}
      </Typography>
      {rows.length > 0 && (
        <Table size="small" aria-label={props.label}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              {versions.map(v => (
                <TableCell
                  key={v.version}
                  className={
                    v.version === baseline.version
                      ? classes.baseline
                      : undefined
                  }
                >
                  {props.heading(v)}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(key => {
              const base = valuesOf(baseline)[key];
              return (
                <TableRow key={key} data-testid={`${props.noun}-row-${key}`}>
                  <TableCell component="th" scope="row">
                    {key}
                  </TableCell>
                  {versions.map(v => {
                    const value = valuesOf(v)[key];
                    const differs =
                      v.version !== baseline.version && value !== base;
                    return (
                      <TableCell
                        key={v.version}
                        className={
                          [
                            v.version === baseline.version
                              ? classes.baseline
                              : '',
                            differs ? classes.differs : '',
                          ]
                            .filter(Boolean)
                            .join(' ') || undefined
                        }
                      >
                        {value ?? '—'}
                      </TableCell>
                    );
                  })}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </>
  );
}

function CardTable(props: {
  versions: ModelVersion[];
  heading: (v: ModelVersion) => ReactNode;
}) {
  const classes = useStyles();
  const keys = cardSectionKeys(props.versions.map(v => v.card));
  if (keys.length === 0) {
    return (
      <Typography variant="body2">
        None of these versions has a card.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Card sections">
      <TableHead>
        <TableRow>
          <TableCell>Section</TableCell>
          {props.versions.map(v => (
            <TableCell key={v.version}>{props.heading(v)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {keys.map(key => (
          <TableRow key={key}>
            <TableCell component="th" scope="row" className={classes.cardCell}>
              {cardSectionTitle(key)}
            </TableCell>
            {props.versions.map(v => {
              const text = cardSectionText(v.card, key);
              return (
                <TableCell key={v.version} className={classes.cardCell}>
                  {text ? <MarkdownContent content={text} /> : '—'}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function LineageTable(props: {
  versions: ModelVersion[];
  heading: (v: ModelVersion) => ReactNode;
  lineage: Map<number, LineageLink[]>;
  showAll: boolean;
}) {
  const { versions, lineage } = props;
  const all = new Map<string, LineageLink>();
  for (const v of versions) {
    for (const link of lineage.get(v.version) ?? []) {
      if (!all.has(link.key)) all.set(link.key, link);
    }
  }
  const has = (v: ModelVersion, key: string) =>
    (lineage.get(v.version) ?? []).some(l => l.key === key);
  const differing = [...all.values()].filter(
    link => !versions.every(v => has(v, link.key)),
  );
  const rows = props.showAll ? [...all.values()] : differing;
  if (all.size === 0) {
    return (
      <Typography variant="body2">
        None of these versions has lineage recorded.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" paragraph>
        {differing.length === 0
          ? `All ${versions.length} versions have the same lineage links (${all.size}).`
          : `${differing.length} of ${all.size} lineage links differ.`}
      </Typography>
      {rows.length > 0 && (
        <Table size="small" aria-label="Lineage links">
          <TableHead>
            <TableRow>
              <TableCell>Relation</TableCell>
              <TableCell>Target</TableCell>
              {versions.map(v => (
                <TableCell key={v.version} align="center">
                  {props.heading(v)}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(link => (
              <TableRow key={link.key}>
                <TableCell>
                  {RELATION_LABELS[link.relation] ?? link.relation}
                </TableCell>
                <TableCell>
                  <LineageLinkView link={link} />
                </TableCell>
                {versions.map(v => (
                  <TableCell key={v.version} align="center">
                    {has(v, link.key) ? (
                      <span role="img" aria-label={`v${v.version} has it`}>
                        ✓
                      </span>
                    ) : (
                      <span role="img" aria-label={`v${v.version} has not`}>
                        —
                      </span>
                    )}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/**
 * Versions of one model side by side: metrics with the difference against the baseline
 * and the best value marked (by the metric's direction), params and tags that differ (all
 * with the toggle), card sections, and the lineage links not every version has. Given
 * `onBaselineChange`, the baseline is a choice.
 */
export function VersionComparison(props: {
  versions: ModelVersion[];
  baseline: number;
  onBaselineChange?: (version: number) => void;
  /** The stage new versions start in; it goes unnamed in the headings. */
  initialStage?: string;
  parts?: ComparisonPart[];
  /** The direct lineage links of each version, when the lineage part is shown. */
  lineage?: Map<number, LineageLink[]>;
  lineageError?: ReactNode;
  metricsLabel?: string;
}) {
  const { versions, onBaselineChange } = props;
  const parts = props.parts ?? ALL_PARTS;
  const [showAll, setShowAll] = useState(false);
  const baseline =
    versions.find(v => v.version === props.baseline) ?? versions[0];
  const heading = (v: ModelVersion) => (
    <VersionHeading
      version={v}
      initialStage={props.initialStage}
      baseline={v.version === baseline.version}
    />
  );
  const differences = parts.some(p => p !== 'metrics' && p !== 'card');

  return (
    <Box>
      {(onBaselineChange || differences) && (
        <Box display="flex" alignItems="center" mb={2} style={{ gap: 24 }}>
          {onBaselineChange && (
            <TextField
              select
              id="compare-baseline"
              label="Baseline"
              value={String(baseline.version)}
              onChange={e => onBaselineChange(Number(e.target.value))}
              SelectProps={{ native: true }}
              helperText="Differences are against this version"
            >
              {versions.map(v => (
                <option key={v.version} value={v.version}>
                  {`v${v.version}${v.stage ? ` (${v.stage})` : ''}`}
                </option>
              ))}
            </TextField>
          )}
          {differences && (
            <FormControlLabel
              control={
                <Switch
                  checked={showAll}
                  onChange={e => setShowAll(e.target.checked)}
                  color="primary"
                />
              }
              label="Show equal values too"
            />
          )}
        </Box>
      )}
      {parts.includes('metrics') && (
        <Section title="Metrics">
          <MetricsTable
            versions={versions}
            baseline={baseline}
            heading={heading}
            label={props.metricsLabel ?? 'Metric comparison'}
          />
        </Section>
      )}
      {parts.includes('params') && (
        <Section title="Parameters">
          <ValuesTable
            versions={versions}
            baseline={baseline}
            heading={heading}
            label="Parameter comparison"
            noun="parameters"
            valuesOf={v => v.params}
            showAll={showAll}
          />
        </Section>
      )}
      {parts.includes('tags') && (
        <Section title="Tags">
          <ValuesTable
            versions={versions}
            baseline={baseline}
            heading={heading}
            label="Tag comparison"
            noun="tags"
            valuesOf={v => v.tags}
            showAll={showAll}
          />
        </Section>
      )}
      {parts.includes('card') && (
        <Section title="Card">
          <CardTable versions={versions} heading={heading} />
        </Section>
      )}
      {parts.includes('lineage') && (
        <Section title="Lineage">
          {props.lineageError}
          {props.lineage && (
            <LineageTable
              versions={versions}
              heading={heading}
              lineage={props.lineage}
              showAll={showAll}
            />
          )}
        </Section>
      )}
    </Box>
  );
}
