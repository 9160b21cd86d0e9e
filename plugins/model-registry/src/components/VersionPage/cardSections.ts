import { ModelVersion } from '@model-registry/plugin-model-registry-common';

type VersionCard = NonNullable<ModelVersion['card']>;

/** The card sections of a version, in the order a model card reads, with their headings. */
const SECTION_TITLES: Record<string, string> = {
  markdown: 'Model card',
  intendedUse: 'Intended use',
  limitations: 'Limitations',
  trainingData: 'Training data',
  evaluation: 'Evaluation',
  ethicalConsiderations: 'Ethical considerations',
};

/** A card section's heading: the known ones in words, others as their key. */
export function cardSectionTitle(key: string): string {
  return SECTION_TITLES[key] ?? key;
}

/** The keys of the sections present in any of the cards, known ones first in card order. */
export function cardSectionKeys(
  cards: Array<VersionCard | undefined>,
): string[] {
  const present = new Set<string>();
  for (const card of cards) {
    for (const [key, text] of Object.entries(card ?? {})) {
      if (typeof text === 'string' && text.trim()) present.add(key);
    }
  }
  const known = Object.keys(SECTION_TITLES).filter(k => present.has(k));
  const others = [...present].filter(k => !(k in SECTION_TITLES)).sort();
  return [...known, ...others];
}

/** The text of one section of a card, or undefined when it is absent or blank. */
export function cardSectionText(
  card: VersionCard | undefined,
  key: string,
): string | undefined {
  const text = (card as Record<string, unknown> | undefined)?.[key];
  return typeof text === 'string' && text.trim() ? text : undefined;
}
