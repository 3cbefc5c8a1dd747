/**
 * Merge fields in message content: `#{Field Name}` is replaced by the contact's value of that
 * field. A backslash escapes a hashtag (`\#sale` sends `#sale`), as the connector guide asks
 * marketers to write hashtags; a `#` not followed by `{` is literal anyway.
 */
const PLACEHOLDER = /\\#|#\{([^{}]{1,128})\}/g;

export interface Rendered {
  text: string;
  /** Fields the template uses that have no value. */
  missing: string[];
}

/** Where field values come from: a map, or a case-insensitive view of a data extension row. */
export interface FieldValues {
  get(field: string): string | undefined;
}

export function renderTemplate(template: string, values: FieldValues): Rendered {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_match, field: string | undefined) => {
    if (field === undefined) return '#';
    const value = values.get(field.trim());
    if (value === undefined) {
      missing.push(field.trim());
      return '';
    }
    return value;
  });
  return { text, missing };
}

/** Renders every string inside a JSON-like value (channel content is nested: buttons, cards…). */
export function renderContent<T>(content: T, values: FieldValues): { content: T; missing: string[] } {
  const missing = new Set<string>();
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const rendered = renderTemplate(value, values);
      for (const m of rendered.missing) missing.add(m);
      return rendered.text;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return { content: walk(content) as T, missing: [...missing] };
}
