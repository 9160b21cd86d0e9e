import { MLModelCard } from '@model-registry/plugin-model-registry-common';

/**
 * The sections of the model card in display order, titled as in the Hugging Face model
 * card, with the other names a Hugging Face card (or a version's free-form card) uses for
 * them, compared case-insensitively.
 */
export const CARD_SECTIONS: Array<{
  key: keyof MLModelCard;
  title: string;
  aliases: string[];
}> = [
  {
    key: 'intendedUse',
    title: 'Intended use',
    aliases: ['uses', 'direct use', 'intended uses', 'intended uses & limitations', 'intended_use'],
  },
  {
    key: 'limitations',
    title: 'Bias, risks and limitations',
    aliases: ['bias, risks, and limitations', 'bias, risks and limitations', 'risks', 'out-of-scope use'],
  },
  {
    key: 'trainingData',
    title: 'Training data',
    aliases: ['training details', 'training', 'training_data'],
  },
  {
    key: 'evaluation',
    title: 'Evaluation',
    aliases: ['evaluation results', 'results', 'testing data, factors & metrics'],
  },
  {
    key: 'ethicalConsiderations',
    title: 'Ethical considerations',
    aliases: ['ethics', 'ethical_considerations'],
  },
  { key: 'license', title: 'License', aliases: ['licence'] },
];

/** One section as shown: the catalog's text, else the serving version's; `extra` sections are beyond the six. */
export type CardSection = {
  key: string;
  title: string;
  text?: string;
  extra?: boolean;
};

const normalize = (name: string) =>
  name.trim().toLocaleLowerCase('en-US').replace(/\s+/g, ' ');

/**
 * The card's sections: the six known ones (from the entity's `spec.card`, else from the
 * version's card under the key or a Hugging Face heading), then any other non-empty section
 * of the version's card (e.g. "Model details", "How to get started") under its own name.
 */
export function cardSectionsOf(
  card: Partial<Record<string, string>>,
  versionCard: Record<string, string | undefined>,
): CardSection[] {
  const byName = new Map<string, { name: string; text: string }>();
  for (const [name, text] of Object.entries(versionCard)) {
    if (typeof text === 'string' && text.trim()) {
      byName.set(normalize(name), { name, text });
    }
  }
  const used = new Set<string>();
  const known = CARD_SECTIONS.map(({ key, title, aliases }) => {
    const names = [key, title, ...aliases].map(normalize);
    const own = card[key];
    const fromVersion = names.find(n => byName.has(n));
    names.forEach(n => byName.has(n) && used.add(n));
    const text =
      (typeof own === 'string' && own.trim() ? own : undefined) ??
      (fromVersion ? byName.get(fromVersion)!.text : undefined);
    return { key, title, text };
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
