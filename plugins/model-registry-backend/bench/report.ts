/*
 * The report: the results of each database as aligned text on stdout and, with
 * --markdown, as the markdown tables of docs/benchmarks.md.
 */
import os from 'node:os';
import { fmtInt, fmtMs } from './format';
import { Result } from './measure';
import { Options } from './options';
import { PageCount } from './scenarios/pageSizes';

/** Everything measured on one database. */
export type DatabaseReport = {
  label: string;
  details: string;
  seed: Array<{ phase: string; seconds: number; rows: string }>;
  reads: Result[];
  registration: {
    small: Result[];
    large: Result[];
    smallRows: number;
    largeRows: number;
  };
  pageCounts: PageCount[];
  hot?: { versions: number; results: Result[] };
};

/** The p99 targets in ms (issue 4). */
const READ_TARGET = 25;
const WRITE_TARGET = 50;

/** The columns of a table of results (see resultRow in renderReport). */
const RESULT_HEADERS = [
  'Operation',
  'Layer',
  'p50',
  'p99',
  'max',
  'Queries',
  'p99 target',
  'Met',
];

/** Whether an operation met its p99 target. */
function verdict(r: Result) {
  const target = r.kind === 'read' ? READ_TARGET : WRITE_TARGET;
  return r.p99 < target ? 'yes' : 'NO';
}

/** A table as aligned text or as markdown (numeric columns right-aligned). */
function renderTable(headers: string[], rows: string[][], markdown: boolean) {
  const right = headers.map((_, c) =>
    rows.every(row => /^[\d.,–x×-]+( ms)?$|^$/.test(row[c])),
  );
  if (markdown) {
    return [
      `| ${headers.join(' | ')} |`,
      `| ${headers.map((_, c) => (right[c] ? '---:' : '---')).join(' | ')} |`,
      ...rows.map(row => `| ${row.join(' | ')} |`),
    ].join('\n');
  }
  const widths = headers.map((h, c) =>
    Math.max(h.length, ...rows.map(row => row[c].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** The tables of one database. */
function renderReport(
  report: DatabaseReport,
  options: Options,
  markdown: boolean,
) {
  const heading = (text: string, level: number) =>
    markdown
      ? `${'#'.repeat(level)} ${text}`
      : `${text}\n${'='.repeat(text.length)}`;
  const out: string[] = [];
  out.push(heading(report.label, 3), '', report.details, '');
  out.push(
    renderTable(
      ['Seed phase', 'Seconds', 'Rows'],
      report.seed.map(s => [s.phase, s.seconds.toFixed(1), s.rows]),
      markdown,
    ),
    '',
  );
  const resultRow = (r: Result) => {
    const baseline = r.operation.startsWith('baseline');
    return [
      r.operation,
      r.layer,
      fmtMs(r.p50),
      fmtMs(r.p99),
      fmtMs(r.max),
      r.queries,
      baseline ? '' : `${r.kind === 'read' ? READ_TARGET : WRITE_TARGET}`,
      baseline ? '' : verdict(r),
    ];
  };
  out.push(
    `Latency in ms over ${options.iterations} iterations after ${
      options.warmup
    } warm-up iterations, at ${fmtInt(
      report.registration.largeRows,
    )} stored versions. Queries: SQL statements per call (BEGIN/COMMIT included).`,
    '',
    renderTable(
      RESULT_HEADERS,
      [
        ...report.reads.map(resultRow),
        ...report.registration.large.map(resultRow),
      ],
      markdown,
    ),
    '',
  );
  out.push(
    'SQL statements per page at page sizes 20 and 100 (store layer):',
    '',
    renderTable(
      ['Operation', 'Page of 20', 'Page of 100', 'Constant (no N+1)'],
      report.pageCounts.map(c => [
        c.operation,
        String(c.size20),
        String(c.size100),
        c.size20 === c.size100 ? 'yes' : 'NO',
      ]),
      markdown,
    ),
    '',
  );
  const bySmall = new Map(report.registration.small.map(r => [r.layer, r]));
  out.push(
    `Registration at ${fmtInt(report.registration.smallRows)} and at ${fmtInt(
      report.registration.largeRows,
    )} stored versions:`,
    '',
    renderTable(
      [
        'Layer',
        `p50 @${fmtInt(report.registration.smallRows)}`,
        `p99 @${fmtInt(report.registration.smallRows)}`,
        `p50 @${fmtInt(report.registration.largeRows)}`,
        `p99 @${fmtInt(report.registration.largeRows)}`,
        'p50 ratio',
        'Queries',
      ],
      report.registration.large.map(large => {
        const small = bySmall.get(large.layer)!;
        return [
          large.layer,
          fmtMs(small.p50),
          fmtMs(small.p99),
          fmtMs(large.p50),
          fmtMs(large.p99),
          `${(large.p50 / small.p50).toFixed(2)}×`,
          small.queries === large.queries
            ? small.queries
            : `${small.queries} / ${large.queries}`,
        ];
      }),
      markdown,
    ),
    '',
  );
  if (report.hot) {
    const hotIterations = Math.min(options.iterations, 100);
    out.push(
      `One extra model with ${fmtInt(
        report.hot.versions,
      )} versions (${hotIterations} iterations on that model; deep pages start 20 versions before its oldest):`,
      '',
      renderTable(RESULT_HEADERS, report.hot.results.map(resultRow), markdown),
      '',
    );
  }
  return out.join('\n');
}

/** The machine and Node.js the run was on. */
function environment() {
  const cpus = os.cpus();
  return [
    `Date: ${new Date().toISOString()}`,
    `Node.js ${process.version} on ${os.platform()} ${os.release()}`,
    `CPU: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}, ${(
      os.totalmem() /
      2 ** 30
    ).toFixed(1)} GiB RAM`,
  ].join('\n');
}

/** The whole run: machine, load and settings, then the tables of each database. */
export function renderRun(
  reports: DatabaseReport[],
  options: Options,
  load: { before: number[]; after: number[] },
  markdown: boolean,
) {
  const loadLine = `Load average (1/5/15 min): ${load.before
    .map(l => l.toFixed(2))
    .join(' / ')} before, ${load.after
    .map(l => l.toFixed(2))
    .join(' / ')} after`;
  const settings = `${fmtInt(options.models)} models × ${fmtInt(
    options.versions,
  )} versions, ${options.iterations} iterations, ${options.warmup} warm-up`;
  const header = [environment(), loadLine, settings];
  return [
    ...(markdown ? ['```text', ...header, '```'] : ['', ...header]),
    '',
    ...reports.map(r => renderReport(r, options, markdown)),
  ].join('\n');
}
