import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_ALPHABET, DEFAULT_EXTENSION, NATIONAL_TABLES } from '../src/text/gsm7-tables.ts';
import { type SmsLanguage, smsInfo, smsParts, worstCaseSegments } from '../src/text/sms-encoding.ts';
import { gsm7Capacity, ucs2Capacity } from '../src/text/sms-segments.ts';
import { anyText, propertyRuns } from './helpers/properties.ts';

const languages: (SmsLanguage | undefined)[] = [undefined, 'NONE', 'AUTODETECT', 'TR', 'ES', 'PT'];
const language = fc.constantFrom(...languages);
const fromCodePoints = (set: ReadonlySet<number>) => fc.constantFrom(...[...set].map((c) => String.fromCodePoint(c)));
const gsmBasic = fromCodePoints(DEFAULT_ALPHABET);
const gsmExtension = fromCodePoints(DEFAULT_EXTENSION);
const national = fc.oneof(...Object.values(NATIONAL_TABLES).flatMap((t) => [t.singleShift, ...(t.locking ? [t.locking] : [])]).map(fromCodePoints));
/** SMS bodies: GSM-7 only, with national characters, with emoji and other scripts, or anything at all. */
const smsText = fc.oneof(
  fc.array(fc.oneof({ weight: 8, arbitrary: gsmBasic }, { weight: 1, arbitrary: gsmExtension }), { maxLength: 700 }).map((a) => a.join('')),
  fc.array(fc.oneof({ weight: 6, arbitrary: gsmBasic }, { weight: 2, arbitrary: national }, { weight: 1, arbitrary: gsmExtension }), { maxLength: 500 }).map((a) => a.join('')),
  fc.array(fc.oneof(gsmBasic, fc.constantFrom('😀', '👍🏽', '🇩🇪', 'é', 'ü', 'ç', 'Ω', '中', 'ا', '\u200d', '\uFEFF')), { maxLength: 300 }).map((a) => a.join('')),
  anyText(600),
);

/** The capacities smsInfo's answer implies: single and concatenated segment sizes. */
function capacities(info: ReturnType<typeof smsInfo>): { single: number; concatenated: number } {
  if (info.encoding === 'UCS-2') return { single: ucs2Capacity(false), concatenated: ucs2Capacity(true) };
  const ies = (info.singleShift ? 1 : 0) + (info.lockingShift ? 1 : 0);
  return { single: gsm7Capacity(false, ies), concatenated: gsm7Capacity(true, ies) };
}

/** Properties of the SMS counter execute, the activity UI and `npm run sms-info` share. */
describe('SMS text properties (fast-check)', () => {
  test('segments never exceed their capacity, and the counts agree with each other', () => {
    fc.assert(
      fc.property(smsText, language, (text, lang) => {
        const info = smsInfo(text, lang);
        const parts = smsParts(text, lang);
        const { single, concatenated } = capacities(info);
        assert.equal(info.segments, parts.length);
        assert.equal(parts.reduce((a, b) => a + b, 0), info.units);
        if (text === '') return assert.deepEqual(parts, []);
        const limit = parts.length === 1 ? single : concatenated;
        for (const part of parts) assert.ok(part > 0 && part <= limit, `a part of ${part} units over ${limit}`);
        assert.equal(info.remaining, limit - parts.at(-1)!);
        // A segment closes early by at most one unit (an ESC pair or a surrogate pair did not fit).
        for (const part of parts.slice(0, -1)) assert.ok(part >= limit - 1);
      }),
      propertyRuns('segment limits', 500),
    );
  });

  test('GSM-7 round trip: text from the 7-bit tables is counted as GSM-7, septet for septet; one other character makes it UCS-2', () => {
    const gsmOnly = fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: gsmBasic.map((c) => [c, 1] as const) }, { weight: 1, arbitrary: gsmExtension.map((c) => [c, 2] as const) })), { minLength: 1, maxLength: 600 });
    fc.assert(
      fc.property(gsmOnly, fc.constantFrom('😀', '中', 'Ω\u0301', 'ą', '\u00a0'), fc.nat(), (chars, other, at) => {
        const text = chars.map(([[c]]) => c).join('');
        const septets = chars.reduce((sum, [[, cost]]) => sum + cost, 0);
        const info = smsInfo(text, 'NONE');
        assert.equal(info.encoding, 'GSM-7');
        assert.equal(info.units, septets);
        assert.equal(smsInfo(text).encoding, 'GSM-7', 'without a language setting too');
        const cut = at % (text.length + 1);
        const mixed = `${text.slice(0, cut)}${other}${text.slice(cut)}`;
        if ([...other].every((c) => DEFAULT_ALPHABET.has(c.codePointAt(0)!) || DEFAULT_EXTENSION.has(c.codePointAt(0)!))) return;
        assert.equal(smsInfo(mixed, 'NONE').encoding, 'UCS-2');
      }),
      propertyRuns('GSM-7 round trip', 300),
    );
  });

  test('appending text never lowers the segment count', () => {
    fc.assert(
      fc.property(smsText, smsText, language, (a, b, lang) => {
        assert.ok(smsInfo(a + b, lang).segments >= smsInfo(a, lang).segments, `${smsInfo(a + b, lang).segments} < ${smsInfo(a, lang).segments}`);
      }),
      propertyRuns('monotonic counts', 400),
    );
  });

  test('the worst case with merge fields bounds every way of filling them', () => {
    const filling = fc.oneof(fc.array(gsmBasic, { maxLength: 60 }).map((a) => a.join('')), anyText(60), fc.array(fc.constantFrom('😀', '中', '€'), { maxLength: 30 }).map((a) => a.join('')));
    fc.assert(
      fc.property(smsText, fc.array(fc.tuple(fc.nat(60), filling), { maxLength: 4 }), language, (text, fields, lang) => {
        const bound = worstCaseSegments(text, fields.map(([maxLength]) => ({ maxLength })), lang);
        // Each field filled with at most maxLength UTF-16 units, as SFMC's attribute length allows.
        const filled = text + fields.map(([maxLength, value]) => Array.from(value).reduce((s, c) => (s.length + c.length <= maxLength ? s + c : s), '')).join('');
        assert.ok(smsInfo(filled, lang).segments <= bound, `${smsInfo(filled, lang).segments} segments over the bound ${bound}`);
      }),
      propertyRuns('worst case bound', 300),
    );
  });
});
