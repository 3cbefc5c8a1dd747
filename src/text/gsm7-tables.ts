import gsm7TablesJson from './gsm7-tables.json' with { type: 'json' };

/**
 * The 3GPP TS 23.038 GSM 7-bit tables, loaded from gsm7-tables.json (a verbatim copy of the
 * research data file). The tables are data, not code: retyping 300 code points by hand is how
 * counters end up with a missing Ê or a form feed treated as non-GSM (research/encoding.md §3, §7).
 */

export type NationalLanguage = 'TR' | 'ES' | 'PT';

/** Code points that one table pair can encode. Septet positions do not matter for counting. */
export interface Gsm7Tables {
  /** National Language Identifier sent in the UDH (0 = default alphabet, no IE). */
  readonly nli: number;
  /** Characters that cost 1 septet; `null` when the language has no locking-shift table (ES). */
  readonly locking: ReadonlySet<number> | null;
  /** Characters reached through ESC 0x1B; each costs 2 septets. */
  readonly singleShift: ReadonlySet<number>;
}

type RawTable = Record<string, string>;
interface RawLanguage {
  nli: number;
  locking: RawTable | null;
  singleShift: RawTable;
}

const SEPTET_KEY = /^0x[0-9A-F]{2}$/;
const CODE_POINT = /^U\+([0-9A-F]{4,6})$/;

/** Reads a `"0x41": "U+0041"` map into a set of code points; fails loudly on a malformed entry. */
function codePoints(table: RawTable, where: string): Set<number> {
  const set = new Set<number>();
  for (const [septet, value] of Object.entries(table)) {
    const match = CODE_POINT.exec(value);
    if (!SEPTET_KEY.test(septet) || !match) throw new Error(`gsm7-tables.json: bad entry ${where} ${septet}: ${value}`);
    set.add(Number.parseInt(match[1], 16));
  }
  return set;
}

function load(raw: Record<string, RawLanguage>, name: string): Gsm7Tables {
  const entry = raw[name];
  if (!entry || typeof entry.nli !== 'number' || !entry.singleShift) throw new Error(`gsm7-tables.json: missing ${name}`);
  return {
    nli: entry.nli,
    locking: entry.locking === null ? null : codePoints(entry.locking, `${name}.locking`),
    singleShift: codePoints(entry.singleShift, `${name}.singleShift`),
  };
}

// Imported (not read from disk) so the same module also runs in the activity UI's browser bundle;
// a broken copy still stops the process at start-up rather than miscounting messages later.
const raw = gsm7TablesJson as unknown as Record<string, RawLanguage>;

const defaultTables = load(raw, 'default');
if (!defaultTables.locking) throw new Error('gsm7-tables.json: default alphabet missing');

/** GSM 03.38 default alphabet: 1 septet each. */
export const DEFAULT_ALPHABET: ReadonlySet<number> = defaultTables.locking;
/** GSM 03.38 extension table (FF ^ { } \ [ ~ ] | €): ESC + septet, 2 septets each. */
export const DEFAULT_EXTENSION: ReadonlySet<number> = defaultTables.singleShift;

/** National language tables (TS 23.038 Annex A). ES has a single-shift table only. */
export const NATIONAL_TABLES: Readonly<Record<NationalLanguage, Gsm7Tables>> = {
  TR: load(raw, 'TR'),
  ES: load(raw, 'ES'),
  PT: load(raw, 'PT'),
};
