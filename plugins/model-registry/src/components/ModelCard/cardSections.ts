import { MLModelCard } from '@model-registry/plugin-model-registry-common';

type KnownSection = {
  key: string;
  title: string;
  /** Other names of the section (Hugging Face headings among them), compared case-insensitively. */
  aliases: string[];
  /** A section of `spec.card`, counted by the completeness line. */
  inSpec: boolean;
};

/**
 * The sections of the model card in display order, titled as in the Hugging Face model
 * card template, with the other names a Hugging Face card (or a version's card) uses for
 * them. The six of `spec.card` are counted by the completeness line; "Model details" and
 * "How to get started" exist only in a version's markdown card and show when present.
 */
const KNOWN_SECTIONS: KnownSection[] = [
  {
    key: 'modelDetails',
    title: 'Model details',
    aliases: ['model description', 'model_details', 'details'],
    inSpec: false,
  },
  {
    key: 'intendedUse',
    title: 'Intended use',
    aliases: [
      'uses',
      'use',
      'direct use',
      'intended uses',
      'intended use',
      'intended uses & limitations',
      'intended uses and limitations',
      'intended_use',
    ],
    inSpec: true,
  },
  {
    key: 'limitations',
    title: 'Bias, risks and limitations',
    aliases: [
      'bias, risks, and limitations',
      'bias, risks and limitations',
      'bias, risks & limitations',
      'risks and limitations',
      'limitations',
      'risks',
      'bias',
      'out-of-scope use',
    ],
    inSpec: true,
  },
  {
    key: 'howToGetStarted',
    title: 'How to get started',
    aliases: [
      'how to get started with the model',
      'how to use',
      'usage',
      'getting started',
    ],
    inSpec: false,
  },
  {
    key: 'trainingData',
    title: 'Training data',
    aliases: [
      'training details',
      'training',
      'training procedure',
      'training_data',
    ],
    inSpec: true,
  },
  {
    key: 'evaluation',
    title: 'Evaluation',
    aliases: [
      'evaluation results',
      'results',
      'eval results',
      'testing data, factors & metrics',
    ],
    inSpec: true,
  },
  {
    key: 'ethicalConsiderations',
    title: 'Ethical considerations',
    aliases: ['ethics', 'ethical_considerations', 'ethical considerations'],
    inSpec: true,
  },
  { key: 'license', title: 'License', aliases: ['licence'], inSpec: true },
];

/** The sections of `spec.card` (the completeness line counts these). */
export const CARD_SECTIONS: Array<{ key: keyof MLModelCard; title: string }> =
  KNOWN_SECTIONS.filter(s => s.inSpec).map(({ key, title }) => ({
    key: key as keyof MLModelCard,
    title,
  }));

/**
 * One section as shown: the catalog's text, else the serving version's. `counted` sections
 * are those of `spec.card`; `extra` ones are the version card's other sections.
 */
export type CardSection = {
  key: string;
  title: string;
  text?: string;
  counted?: boolean;
  extra?: boolean;
};

const normalize = (name: string) =>
  name
    .trim()
    .toLocaleLowerCase('en-US')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/:$/, '');

/** What Hugging Face's card template puts in a section nobody filled in. */
const PLACEHOLDER = /^\s*\[more information needed\]\s*$/i;

/** The text of a section, or undefined when it is blank or only template placeholders. */
function filled(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  const meaningful = text
    .split('\n')
    .filter(line => line.trim() && !PLACEHOLDER.test(line))
    .filter(line => !/^\s*#{1,6}\s/.test(line)); // sub-headings alone are not content
  return meaningful.length > 0 ? text.trim() : undefined;
}

type Heading = { line: number; level: number; name: string };

/**
 * Splits a markdown model card (a Hugging Face README.md) into its sections by headings:
 * the YAML front matter gives the license; a single top heading ("# Model Card for …") is
 * the title, and the level below it divides the sections; text before the first section is
 * "Summary". Headings inside fenced code blocks do not count.
 */
export function markdownSections(markdown: string): Array<{
  name: string;
  text: string;
}> {
  const sections: Array<{ name: string; text: string }> = [];
  let lines = markdown.replace(/\r\n?/g, '\n').split('\n');

  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
    if (end > 0) {
      const license = lines
        .slice(1, end)
        .map(line => /^license:\s*(.+?)\s*$/.exec(line)?.[1])
        .find(Boolean);
      if (license) {
        sections.push({
          name: 'license',
          text: license.replace(/^['"]|['"]$/g, ''),
        });
      }
      lines = lines.slice(end + 1);
    }
  }

  const headings: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark) {
      if (!fence) fence = fenceMark;
      else if (fence === fenceMark) fence = undefined;
      return;
    }
    if (fence) return;
    const match = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (match)
      headings.push({ line: i, level: match[1].length, name: match[2] });
  });
  if (headings.length === 0) {
    const text = filled(lines.join('\n'));
    return text ? [...sections, { name: 'Summary', text }] : sections;
  }

  const top = Math.min(...headings.map(h => h.level));
  const atTop = headings.filter(h => h.level === top);
  const deeper = headings.filter(h => h.level > top);
  // "# Model Card for X" over "## …" sections: the one top heading is the card's title.
  const level =
    atTop.length === 1 && deeper.length > 0
      ? Math.min(...deeper.map(h => h.level))
      : top;
  const splits = headings.filter(h => h.level === level);

  const preambleStart =
    atTop.length === 1 && level !== top ? atTop[0].line + 1 : 0;
  const preamble = filled(
    lines.slice(preambleStart, splits[0].line).join('\n'),
  );
  if (preamble) sections.push({ name: 'Summary', text: preamble });

  splits.forEach((heading, i) => {
    const end = i + 1 < splits.length ? splits[i + 1].line : lines.length;
    sections.push({
      name: heading.name,
      text: lines.slice(heading.line + 1, end).join('\n'),
    });
  });
  return sections;
}

/**
 * The card's sections: the known ones (each from the entity's `spec.card`, else from the
 * version's card under its key or a Hugging Face heading, in its fields or in its markdown
 * card), then the version card's other non-empty sections under their own names.
 */
export function cardSectionsOf(
  card: Partial<Record<string, string>>,
  versionCard: Record<string, string | undefined>,
): CardSection[] {
  const byName = new Map<string, { name: string; text: string }>();
  const add = (name: string, text: string | undefined) => {
    const content = filled(text);
    const key = normalize(name);
    if (content && !byName.has(key)) byName.set(key, { name, text: content });
  };
  // The version's own fields first, then the sections of its markdown card.
  for (const [name, text] of Object.entries(versionCard)) {
    if (name !== 'markdown') add(name, text);
  }
  if (typeof versionCard.markdown === 'string') {
    for (const section of markdownSections(versionCard.markdown)) {
      add(section.name, section.text);
    }
  }

  const used = new Set<string>();
  const known = KNOWN_SECTIONS.map(({ key, title, aliases, inSpec }) => {
    const names = [key, title, ...aliases].map(normalize);
    const fromVersion = names.find(n => byName.has(n) && !used.has(n));
    names.forEach(n => byName.has(n) && used.add(n));
    const text =
      filled(card[key]) ??
      (fromVersion ? byName.get(fromVersion)!.text : undefined);
    return { key, title, text, counted: inSpec };
  });
  const extra = [...byName.entries()]
    .filter(([n]) => !used.has(n))
    .map(([n, { name, text }]) => ({
      key: `extra:${n}`,
      title: name,
      text,
      extra: true,
    }));
  return [...known, ...extra];
}
