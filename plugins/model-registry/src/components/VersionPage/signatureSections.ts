/** One field of a model signature: an input column, an output or an inference parameter. */
export type SignatureField = { name: string; type: string; details: string };

/** A part of the signature (inputs, outputs, params) as rows of a table. */
export type SignatureSection = {
  key: string;
  title: string;
  fields: SignatureField[];
};

const TITLES: Record<string, string> = {
  inputs: 'Inputs',
  outputs: 'Outputs',
  params: 'Inference parameters',
};

/** MLflow stores the parts of a signature as JSON strings; others register plain JSON. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fieldOf(item: unknown, index: number): SignatureField {
  if (typeof item !== 'object' || item === null) {
    return { name: text(item), type: '', details: '' };
  }
  const spec = item as Record<string, unknown>;
  const tensor = (spec['tensor-spec'] ?? {}) as Record<string, unknown>;
  let type = text(spec.type ?? spec.dtype);
  if (spec.type === 'tensor' && tensor.dtype)
    type = `tensor of ${text(tensor.dtype)}`;
  const details: string[] = [];
  const shape = spec.shape ?? tensor.shape;
  if (shape !== undefined) details.push(`shape ${text(shape)}`);
  if (spec.required === false || spec.optional === true)
    details.push('optional');
  if (spec.default !== undefined) details.push(`default ${text(spec.default)}`);
  if (typeof spec.description === 'string') details.push(spec.description);
  return {
    name: spec.name === undefined ? `#${index + 1}` : text(spec.name),
    type,
    details: details.join('; '),
  };
}

/**
 * A version's signature as tables: each part that is a list of fields (MLflow's
 * `[{"name": "amount", "type": "double"}]`, tensor specs, or a `{name: type}` map) becomes a
 * section; what has no such shape is returned as `rest`, to be shown as JSON.
 */
export function signatureSections(signature: Record<string, unknown>): {
  sections: SignatureSection[];
  rest: Record<string, unknown>;
} {
  const sections: SignatureSection[] = [];
  const rest: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(signature)) {
    const value = parsed(raw);
    const title = TITLES[key] ?? key;
    if (Array.isArray(value)) {
      sections.push({ key, title, fields: value.map(fieldOf) });
    } else if (
      typeof value === 'object' &&
      value !== null &&
      Object.values(value).every(v => typeof v !== 'object' || v === null)
    ) {
      sections.push({
        key,
        title,
        fields: Object.entries(value).map(([name, type]) => ({
          name,
          type: text(type),
          details: '',
        })),
      });
    } else if (value !== null && value !== undefined) {
      rest[key] = value;
    }
  }
  return { sections, rest };
}
