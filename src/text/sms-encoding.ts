import { DEFAULT_ALPHABET, DEFAULT_EXTENSION, NATIONAL_TABLES, type NationalLanguage } from './gsm7-tables.ts';
import { gsm7Capacity, splitUnits, ucs2Capacity, type Split } from './sms-segments.ts';

export type { NationalLanguage } from './gsm7-tables.ts';

/** Infobip's `language.languageCode` (research/infobip.md §3.1). */
export type SmsLanguage = NationalLanguage | 'AUTODETECT' | 'NONE';

export interface SmsInfo {
  encoding: 'GSM-7' | 'UCS-2';
  /** Messages billed; 0 for empty text (the connector rejects an empty body before sending). */
  segments: number;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
  /** Units still free in the last segment. */
  remaining: number;
  /** National single-shift table the count relies on; absent when none is needed. */
  singleShift?: NationalLanguage;
  /** National locking-shift table the count relies on; absent when none is needed. */
  lockingShift?: NationalLanguage;
}

/** One way to encode a message in 7 bits: a locking table plus a single-shift table. */
interface Gsm7Option {
  locking: ReadonlySet<number>;
  singleShift: ReadonlySet<number>;
  lockingLanguage?: NationalLanguage;
  singleLanguage?: NationalLanguage;
}

const DEFAULT_OPTION: Gsm7Option = { locking: DEFAULT_ALPHABET, singleShift: DEFAULT_EXTENSION };

/**
 * The table pairs a language setting allows (encoding.md §6 step 3): the default alphabet always,
 * then per language {default, single L}, {locking L, default extension} and {locking L, single L}.
 * A national IE is only sent when its table is used, and an option that uses a table
 * needlessly always loses to the one without it, so listing every pair is enough.
 * AUTODETECT tries TR, ES and PT, each on its own: one message carries one language's tables.
 */
function gsm7Options(language: SmsLanguage | undefined): Gsm7Option[] {
  const languages: NationalLanguage[] =
    language === undefined || language === 'NONE' ? [] : language === 'AUTODETECT' ? ['TR', 'ES', 'PT'] : [language];
  const options = [DEFAULT_OPTION];
  for (const code of languages) {
    const tables = NATIONAL_TABLES[code];
    options.push({ locking: DEFAULT_ALPHABET, singleShift: tables.singleShift, singleLanguage: code });
    if (tables.locking) {
      options.push({ locking: tables.locking, singleShift: DEFAULT_EXTENSION, lockingLanguage: code });
      options.push({ locking: tables.locking, singleShift: tables.singleShift, lockingLanguage: code, singleLanguage: code });
    }
  }
  return options;
}

/** Septets per character under one option, or undefined if a character is not in its tables. */
function gsm7Costs(codePoints: readonly number[], option: Gsm7Option): number[] | undefined {
  const costs: number[] = [];
  for (const codePoint of codePoints) {
    if (option.locking.has(codePoint)) costs.push(1);
    else if (option.singleShift.has(codePoint)) costs.push(2);
    else return undefined;
  }
  return costs;
}

interface Counted {
  split: Split;
  option: Gsm7Option;
  nationalIes: number;
}

/** Fewest segments, then most room left in the last one, then fewest IEs (fewer handsets to trip up). */
function better(a: Counted, b: Counted): boolean {
  if (a.split.parts.length !== b.split.parts.length) return a.split.parts.length < b.split.parts.length;
  if (a.split.remaining !== b.split.remaining) return a.split.remaining > b.split.remaining;
  return a.nationalIes < b.nationalIes;
}

function cheapestGsm7(codePoints: readonly number[], language: SmsLanguage | undefined): Counted | undefined {
  let best: Counted | undefined;
  for (const option of gsm7Options(language)) {
    const costs = gsm7Costs(codePoints, option);
    if (!costs) continue;
    const nationalIes = (option.lockingLanguage ? 1 : 0) + (option.singleLanguage ? 1 : 0);
    const split = splitUnits(costs, gsm7Capacity(false, nationalIes), gsm7Capacity(true, nationalIes));
    const counted = { split, option, nationalIes };
    if (!best || better(counted, best)) best = counted;
  }
  return best;
}

/**
 * Units per segment. Code points, not grapheme clusters: a flag or ZWJ emoji may be split
 * across segments, as an SMSC does (encoding.md §1 rule 4; Twilio's calculator differs here).
 * A lone surrogate counts as one UCS-2 unit; callers should reject or replace it first.
 */
export function smsParts(text: string, language?: SmsLanguage): number[] {
  return count(text, language).split.parts;
}

/**
 * Encoding and segment count of an SMS body as Infobip would send it with `language`.
 * GSM-7 when every character is in the allowed 7-bit tables, otherwise the whole message is
 * UCS-2. The text is counted as given: normalise CRLF or smart quotes before, if wanted.
 */
export function smsInfo(text: string, language?: SmsLanguage): SmsInfo {
  // Execute asks twice for the same text (does it fit, how many parts): count it once.
  if (lastInfo?.text === text && lastInfo.language === language) return { ...lastInfo.info };
  const info = countInfo(text, language);
  lastInfo = { text, language, info };
  return { ...info };
}

let lastInfo: { text: string; language: SmsLanguage | undefined; info: SmsInfo } | undefined;

function countInfo(text: string, language: SmsLanguage | undefined): SmsInfo {
  const { encoding, split, option } = count(text, language);
  const info: SmsInfo = { encoding, segments: split.parts.length, units: split.units, remaining: split.remaining };
  if (option?.singleLanguage) info.singleShift = option.singleLanguage;
  if (option?.lockingLanguage) info.lockingShift = option.lockingLanguage;
  return info;
}

function count(text: string, language: SmsLanguage | undefined): { encoding: SmsInfo['encoding']; split: Split; option?: Gsm7Option } {
  // Array.from iterates by code point, so a surrogate pair stays one character.
  const codePoints = Array.from(text, (char) => char.codePointAt(0) ?? 0);
  const gsm7 = cheapestGsm7(codePoints, language);
  if (gsm7) return { encoding: 'GSM-7', split: gsm7.split, option: gsm7.option };
  const costs = codePoints.map((codePoint) => (codePoint > 0xffff ? 2 : 1));
  return { encoding: 'UCS-2', split: splitUnits(costs, ucs2Capacity(false), ucs2Capacity(true)) };
}

/** A merge field (e.g. an SFMC attribute) of at most `maxLength` UTF-16 code units. */
export interface MergeField {
  maxLength: number;
}

/**
 * Most segments `textWithoutFields` can need once `fields` are filled in, wherever they sit.
 * Assumption: field contents are unknown, so they may force UCS-2 (one emoji is enough) unless
 * the rest already is, and may hold surrogate pairs that close every segment one unit early.
 * The bound is therefore UCS-2 with the fields at their full length and 66 units per
 * concatenated segment. It is never below the GSM-7 worst case: a character costs at most
 * 2 septets of >= 145 per segment, which is less than 1 code unit of 66. Without fields
 * (or all of length 0) it is the exact count.
 */
export function worstCaseSegments(textWithoutFields: string, fields: readonly MergeField[], language?: SmsLanguage): number {
  let fieldUnits = 0;
  for (const { maxLength } of fields) {
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new RangeError(`maxLength must be a non-negative integer, got ${maxLength}`);
    fieldUnits += maxLength;
  }
  if (fieldUnits === 0) return smsInfo(textWithoutFields, language).segments;
  const units = textWithoutFields.length + fieldUnits;
  if (units <= ucs2Capacity(false)) return 1;
  // A segment is only closed early by a 2-unit character, so each one holds at least capacity - 1.
  return Math.ceil(units / (ucs2Capacity(true) - 1));
}
