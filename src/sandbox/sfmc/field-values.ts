// Per-column value checks and conversions. SFMC stores data extensions in SQL Server, so a value
// is accepted only if it converts to the column's SQL type; these rules mirror that. Lengths
// and ranges marked [INFERRED] come from the SFMC UI/SOAP field limits, not from the REST docs.
import type { DataExtensionField } from './types.ts';
import { parseSfmcDate, usDateTime } from './sfmc-time.ts';

export type FieldResult = { ok: true; value: unknown } | { ok: false; errorCode: string; message: string };

/** Default max lengths when a definition has no maxLength [INFERRED: SFMC UI/SOAP defaults]. */
const DEFAULT_MAX_LENGTH: Partial<Record<DataExtensionField['type'], number>> = {
  Text: 4000,
  EmailAddress: 254,
  Phone: 50,
  Locale: 5,
};
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, y: true, n: false };
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function invalid(field: DataExtensionField, raw: unknown, why: string): FieldResult {
  return {
    ok: false,
    errorCode: 'InvalidValue',
    message: `Error converting value '${String(raw)}' for column '${field.name}' of type ${field.type}: ${why}.`,
  };
}

function asText(field: DataExtensionField, raw: unknown): FieldResult {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return invalid(field, JSON.stringify(raw), 'expected a string');
  }
  const text = String(raw);
  const max = field.maxLength ?? DEFAULT_MAX_LENGTH[field.type] ?? Infinity;
  if (text.length > max) {
    return {
      ok: false,
      errorCode: 'ValueTooLong',
      message: `String or binary data would be truncated. Column '${field.name}' allows ${max} characters; the value has ${text.length}.`,
    };
  }
  if (field.type === 'EmailAddress' && !EMAIL.test(text)) return invalid(field, text, 'not a valid email address');
  return { ok: true, value: text };
}

function asNumber(field: DataExtensionField, raw: unknown): FieldResult {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) return invalid(field, raw, 'expected a whole number');
  if (n < INT32_MIN || n > INT32_MAX) return invalid(field, raw, 'out of range for a 32-bit integer');
  return { ok: true, value: n };
}

function asDecimal(field: DataExtensionField, raw: unknown): FieldResult {
  const ok = typeof raw === 'number' || (typeof raw === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(raw));
  const n = ok ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return invalid(field, raw, 'expected a decimal number');
  const scale = field.scale ?? 0;
  const rounded = Number(n.toFixed(scale)); // SQL decimal(p,s) rounds extra fraction digits
  if (field.maxLength !== undefined) {
    const integerDigits = Math.trunc(Math.abs(rounded)).toString().length;
    if (integerDigits > field.maxLength - scale) return invalid(field, raw, `exceeds decimal(${field.maxLength},${scale})`);
  }
  return { ok: true, value: rounded };
}

function asBoolean(field: DataExtensionField, raw: unknown): FieldResult {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const word = typeof raw === 'string' || typeof raw === 'number' ? BOOLEAN_WORDS[String(raw).trim().toLowerCase()] : undefined;
  return word === undefined ? invalid(field, raw, 'expected true or false') : { ok: true, value: word };
}

function asDate(field: DataExtensionField, raw: unknown): FieldResult {
  const ms = typeof raw === 'string' ? parseSfmcDate(raw) : undefined;
  return ms === undefined ? invalid(field, raw, 'not a recognised date') : { ok: true, value: new Date(ms).toISOString() };
}

/**
 * Converts a JSON value to what the column stores: string (Text-like), number (Number/Decimal),
 * boolean, or an ISO string (Date). null and "" mean "no value" (SFMC stores both as NULL);
 * whether that is allowed is the caller's business, as it depends on insert vs update.
 */
export function convertFieldValue(field: DataExtensionField, raw: unknown): FieldResult {
  if (raw === null || raw === '') return { ok: true, value: null };
  switch (field.type) {
    case 'Number':
      return asNumber(field, raw);
    case 'Decimal':
      return asDecimal(field, raw);
    case 'Boolean':
      return asBoolean(field, raw);
    case 'Date':
      return asDate(field, raw);
    default:
      return asText(field, raw);
  }
}

/** customobjectdata returns every value as a string, the way SFMC renders it [CODE, sfmc.md §3.3]. */
export function renderFieldValue(field: DataExtensionField, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'Boolean':
      return value ? 'True' : 'False';
    case 'Date':
      return usDateTime(String(value));
    case 'Decimal':
      return (value as number).toFixed(field.scale ?? 0);
    default:
      return String(value);
  }
}
