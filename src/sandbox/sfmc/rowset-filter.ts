// `$filter` of GET data/v1/customobjectdata/…/rowset: `Field eq 'v'`, combined with and/or and
// parentheses. Operators: eq, neq, gt, lt, like ('%' any run, '_' one char). Comparisons follow
// the column type, and Text compares case-insensitively (SQL Server collation); a NULL column
// matches nothing, as in SQL. Anything the grammar does not cover is rejected, never guessed.
import type { DataExtensionField } from './types.ts';
import type { Row } from './data-extension-store.ts';
import { parseSfmcDate } from './sfmc-time.ts';

export class FilterError extends Error {}
export type RowPredicate = (row: Row) => boolean;

type Token = { t: 'open' | 'close' } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'word'; v: string };
type Op = 'eq' | 'neq' | 'gt' | 'lt' | 'like';
const OPS = new Set<string>(['eq', 'neq', 'gt', 'lt', 'like']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')') {
      tokens.push({ t: c === '(' ? 'open' : 'close' });
      i++;
    } else if (c === "'") {
      let v = '';
      for (i++; ; i++) {
        if (i >= text.length) throw new FilterError('unterminated string literal');
        if (text[i] === "'" && text[i + 1] === "'") (v += "'"), i++; // '' is an escaped quote
        else if (text[i] === "'") break;
        else v += text[i];
      }
      tokens.push({ t: 'string', v });
      i++;
    } else {
      const m = /^(-?\d+(?:\.\d+)?(?![\w.])|[A-Za-z_][\w]*)/.exec(text.slice(i));
      if (!m) throw new FilterError(`unexpected character '${c}' at position ${i + 1}`);
      tokens.push(/^-?\d/.test(m[1]) ? { t: 'number', v: Number(m[1]) } : { t: 'word', v: m[1] });
      i += m[1].length;
    }
  }
  return tokens;
}

function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

function order(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the test for one comparison, converting the literal to the column's type up front. */
function comparison(field: DataExtensionField, op: Op, literal: string | number): RowPredicate {
  const bad = (why: string) => new FilterError(`column '${field.name}' (${field.type}): ${why}`);
  let key: (v: unknown) => number | string;
  let lit: number | string;
  switch (field.type) {
    case 'Number':
    case 'Decimal':
      if (typeof literal === 'string' && !/^\s*-?\d+(\.\d+)?\s*$/.test(literal)) throw bad(`'${literal}' is not a number`);
      lit = Number(literal);
      key = (v) => v as number;
      break;
    case 'Date': {
      const ms = typeof literal === 'string' ? parseSfmcDate(literal) : undefined;
      if (ms === undefined) throw bad(`'${literal}' is not a date`);
      lit = ms;
      key = (v) => Date.parse(String(v));
      break;
    }
    case 'Boolean': {
      const b = { true: 1, false: 0, '1': 1, '0': 0 }[String(literal).toLowerCase()];
      if (b === undefined) throw bad(`'${literal}' is not true or false`);
      if (op !== 'eq' && op !== 'neq') throw bad(`operator '${op}' does not apply to Boolean`);
      lit = b;
      key = (v) => (v ? 1 : 0);
      break;
    }
    default:
      lit = String(literal).toLowerCase();
      key = (v) => String(v).toLowerCase();
  }
  if (op === 'like') {
    if (field.type === 'Number' || field.type === 'Decimal' || field.type === 'Date' || field.type === 'Boolean') {
      throw bad("'like' needs a text column");
    }
    const re = likeRegex(String(literal));
    return (row) => row[field.name] !== null && row[field.name] !== undefined && re.test(String(row[field.name]));
  }
  const accept = { eq: (c: number) => c === 0, neq: (c: number) => c !== 0, gt: (c: number) => c > 0, lt: (c: number) => c < 0 }[op];
  return (row) => {
    const v = row[field.name];
    return v !== null && v !== undefined && accept(order(key(v), lit));
  };
}

/** Parses `$filter`; `lookup` resolves a column name (case-insensitively) or returns undefined. */
export function parseFilter(text: string, lookup: (name: string) => DataExtensionField | undefined): RowPredicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (w: string) => {
    const tok = tokens[pos];
    return tok?.t === 'word' && tok.v.toLowerCase() === w;
  };
  const describe = (tok: Token | undefined) => (!tok ? 'end of filter' : 'v' in tok ? `'${tok.v}'` : tok.t === 'open' ? "'('" : "')'");

  const parseOr = (): RowPredicate => {
    let left = parseAnd();
    while (peekWord('or')) {
      pos++;
      const l = left, r = parseAnd();
      left = (row) => l(row) || r(row);
    }
    return left;
  };
  const parseAnd = (): RowPredicate => {
    let left = parseFactor();
    while (peekWord('and')) {
      pos++;
      const l = left, r = parseFactor();
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const parseFactor = (): RowPredicate => {
    const tok = tokens[pos++];
    if (tok?.t === 'open') {
      const inner = parseOr();
      if (tokens[pos++]?.t !== 'close') throw new FilterError("missing ')'");
      return inner;
    }
    if (tok?.t !== 'word') throw new FilterError(`expected a column name, found ${describe(tok)}`);
    const field = lookup(tok.v);
    if (!field) throw new FilterError(`unknown column '${tok.v}'`);
    const opTok = tokens[pos++];
    if (opTok?.t !== 'word' || !OPS.has(opTok.v.toLowerCase())) {
      throw new FilterError(`expected one of eq, neq, gt, lt, like after '${tok.v}', found ${describe(opTok)}`);
    }
    const litTok = tokens[pos++];
    const literal = litTok?.t === 'string' || litTok?.t === 'number' ? litTok.v : litTok?.t === 'word' && /^(true|false)$/i.test(litTok.v) ? litTok.v : undefined;
    if (literal === undefined) throw new FilterError(`expected a quoted value or a number after '${opTok.v}', found ${describe(litTok)}`);
    return comparison(field, opTok.v.toLowerCase() as Op, literal);
  };

  if (tokens.length === 0) throw new FilterError('empty filter');
  const predicate = parseOr();
  if (pos < tokens.length) throw new FilterError(`unexpected ${describe(tokens[pos])}`);
  return predicate;
}
