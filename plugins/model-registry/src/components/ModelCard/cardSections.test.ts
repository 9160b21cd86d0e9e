import { cardSectionsOf, markdownSections } from './cardSections';

const HF_README = `---
license: apache-2.0
language: en
---

# Model Card for fraud-detector

Scores card transactions for fraud risk.

## Model Details

### Model Description

Gradient-boosted trees over 212 features.

## USES

### Direct Use

Real-time scoring in the payments API.

## Bias, Risks, and Limitations

[More Information Needed]

## How to Get Started with the Model

\`\`\`python
# Not a heading: inside a code block
model = mlflow.pyfunc.load_model("models:/fraud-detector@champion")
\`\`\`

## Training Details

### Training Data

[More Information Needed]

## Environmental Impact

Trained on one CPU node for 20 minutes.
`;

describe('markdownSections', () => {
  it('splits a Hugging Face README by its section headings, the title and code blocks aside', () => {
    const sections = markdownSections(HF_README);
    expect(sections.map(s => s.name)).toEqual([
      'license',
      'Summary',
      'Model Details',
      'USES',
      'Bias, Risks, and Limitations',
      'How to Get Started with the Model',
      'Training Details',
      'Environmental Impact',
    ]);
    expect(sections[0].text).toBe('apache-2.0');
    expect(sections[1].text).toBe('Scores card transactions for fraud risk.');
    expect(
      sections.find(s => s.name === 'How to Get Started with the Model')!.text,
    ).toContain('# Not a heading: inside a code block');
  });

  it('takes a card without a title heading as sections at its top level', () => {
    expect(
      markdownSections(
        'Intro.\n\n# Uses\nScoring.\n\n# Evaluation\nAUC 0.97',
      ).map(s => [s.name, s.text.trim()]),
    ).toEqual([
      ['Summary', 'Intro.'],
      ['Uses', 'Scoring.'],
      ['Evaluation', 'AUC 0.97'],
    ]);
    expect(markdownSections('Just text.')).toEqual([
      { name: 'Summary', text: 'Just text.' },
    ]);
  });
});

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
        Citation: 'Acme 2026',
      },
    );
    const byTitle = Object.fromEntries(sections.map(s => [s.title, s]));
    expect(byTitle['Intended use'].text).toBe('Scoring.');
    expect(byTitle['Bias, risks and limitations'].text).toBe(
      'Not for recurring payments.',
    );
    expect(byTitle['Training data'].text).toBe('12 months of transactions.');
    expect(byTitle['Model details'].text).toBe('Gradient-boosted trees.');
    expect(byTitle['How to get started'].text).toBeUndefined();
    expect(byTitle.Evaluation.text).toBeUndefined();
    // Only the six sections of spec.card are counted by the completeness line.
    expect(sections.filter(s => s.counted).map(s => s.title)).toEqual([
      'Intended use',
      'Bias, risks and limitations',
      'Training data',
      'Evaluation',
      'Ethical considerations',
      'License',
    ]);
    // Other non-empty sections of the version's card come after the known ones.
    expect(sections.filter(s => s.extra)).toEqual([
      {
        key: 'extra:citation',
        title: 'Citation',
        text: 'Acme 2026',
        extra: true,
      },
    ]);
  });

  it("reads a version's markdown card: headings in any case, placeholders as missing", () => {
    const sections = cardSectionsOf({}, { markdown: HF_README });
    const text = Object.fromEntries(sections.map(s => [s.title, s.text]));
    expect(text['Model details']).toBe(
      '### Model Description\n\nGradient-boosted trees over 212 features.',
    );
    expect(text['Intended use']).toContain('Real-time scoring');
    expect(text['How to get started']).toContain('load_model');
    expect(text.License).toBe('apache-2.0');
    // "[More Information Needed]" is what the template leaves in an unfilled section.
    expect(text['Bias, risks and limitations']).toBeUndefined();
    expect(text['Training data']).toBeUndefined();
    expect(sections.filter(s => s.extra).map(s => s.title)).toEqual([
      'Summary',
      'Environmental Impact',
    ]);
  });
});
