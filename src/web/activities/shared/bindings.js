// Journey Builder data bindings (how-data-binding-works.md): the entry source's fields as
// `{{Event.<eventDefinitionKey>."Field"}}`, and what they mean for the form.

/** The entry source's fields from requestedSchema: name, type, length, and their binding. */
export function entryFields(schema) {
  return (schema?.schema ?? [])
    .filter((f) => /^Event\./.test(f.key))
    .map((f) => {
      const [, eventKey, name] = /^Event\.([^.]+)\.(.+)$/.exec(f.key) ?? [];
      return { name: name.replace(/^"|"$/g, ''), eventKey, type: f.type, length: Number(f.length) || 0, sample: f.default ?? undefined, binding: `{{Event.${eventKey}."${name.replace(/^"|"$/g, '')}"}}` };
    });
}

export const isPhoneField = (field) => /^phone$/i.test(field.type);

const EVENT_BINDING = /\{\{Event\.([^.}]+)\."?([^"}]+)"?\}\}/g;

/** Every `{{Event.<key>.Field}}` inside the saved inArguments, as {eventKey, field}. */
export function eventBindings(inArguments) {
  const found = [];
  for (const entry of inArguments) {
    for (const value of Object.values(entry)) {
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(EVENT_BINDING)) found.push({ eventKey: m[1], field: m[2] });
    }
  }
  return found;
}

/**
 * Bindings of another entry source than the journey's (a copied journey, or a changed entry
 * source): what the marketer must re-select. Fields that exist in the current entry source are
 * re-bound on Done; the others are listed as missing.
 */
export function staleBindings(inArguments, fields) {
  const current = new Set(fields.map((f) => f.eventKey));
  const names = new Set(fields.map((f) => f.name));
  const stale = eventBindings(inArguments).filter((b) => !current.has(b.eventKey));
  if (stale.length === 0) return undefined;
  const unique = [...new Set(stale.map((b) => b.field))];
  return { oldKeys: [...new Set(stale.map((b) => b.eventKey))], rebound: unique.filter((n) => names.has(n)), missing: unique.filter((n) => !names.has(n)) };
}

const MERGE_FIELD = /\\#|#\{([^{}]{1,128})\}/g;

/** Names used as `#{Field}` in any string of a value (nested lists included), as execute renders them. */
export function mergeFieldsIn(value, into = new Set()) {
  if (typeof value === 'string') {
    for (const m of value.matchAll(MERGE_FIELD)) if (m[1] !== undefined) into.add(m[1].trim());
  } else if (Array.isArray(value)) value.forEach((v) => mergeFieldsIn(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => mergeFieldsIn(v, into));
  return into;
}

/** A sample value for a field, marked as such so nobody mistakes a test message for a real one. */
export const sampleValue = (field) => (field.sample ? String(field.sample) : `[${field.name}]`);
