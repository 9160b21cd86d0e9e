import { cardSectionsOf } from './cardSections';

describe('cardSectionsOf', () => {
  it("takes the catalog's sections first, then the version's under Hugging Face headings", () => {
    const sections = cardSectionsOf(
      { intendedUse: 'Scoring.' },
      {
        Uses: 'From the version',
        'Bias, Risks, and Limitations': 'Not for recurring payments.',
        'Training Details': '12 months of transactions.',
        'Model details': 'Gradient-boosted trees.',
        'How to get started': '',
      },
    );
    const byTitle = Object.fromEntries(sections.map(s => [s.title, s]));
    expect(byTitle['Intended use'].text).toBe('Scoring.');
    expect(byTitle['Bias, risks and limitations'].text).toBe(
      'Not for recurring payments.',
    );
    expect(byTitle['Training data'].text).toBe('12 months of transactions.');
    expect(byTitle.Evaluation.text).toBeUndefined();
    // Other non-empty sections of the version's card come after the six, under their names.
    expect(sections.filter(s => s.extra)).toEqual([
      {
        key: 'extra:model details',
        title: 'Model details',
        text: 'Gradient-boosted trees.',
        extra: true,
      },
    ]);
  });
});
