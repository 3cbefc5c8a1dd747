import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { smsInfo, smsParts, worstCaseSegments, type SmsInfo, type SmsLanguage } from '../src/text/sms-encoding.ts';

/** What a case pins down; fields left out are not checked. */
interface Expected {
  encoding: SmsInfo['encoding'];
  segments: number;
  units?: number;
  remaining?: number;
  /** Units per segment. */
  parts?: number[];
  singleShift?: SmsInfo['singleShift'] | null;
  lockingShift?: SmsInfo['lockingShift'] | null;
}

function check(text: string, expected: Expected, language?: SmsLanguage, label = ''): void {
  const info = smsInfo(text, language);
  const where = `${label} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…(${text.length})` : text)} ${language ?? ''}`;
  assert.equal(info.encoding, expected.encoding, `encoding of ${where}`);
  assert.equal(info.segments, expected.segments, `segments of ${where}`);
  if (expected.units !== undefined) assert.equal(info.units, expected.units, `units of ${where}`);
  if (expected.remaining !== undefined) assert.equal(info.remaining, expected.remaining, `remaining of ${where}`);
  if (expected.parts !== undefined) assert.deepEqual(smsParts(text, language), expected.parts, `parts of ${where}`);
  if (expected.singleShift !== undefined) assert.equal(info.singleShift, expected.singleShift ?? undefined, `singleShift of ${where}`);
  if (expected.lockingShift !== undefined) assert.equal(info.lockingShift, expected.lockingShift ?? undefined, `lockingShift of ${where}`);
}

/** The first `length` characters of `alphabet` repeated (by code point). */
function cycle(alphabet: string, length: number): string {
  const chars = Array.from(alphabet);
  return Array.from({ length }, (_, i) => chars[i % chars.length]).join('');
}

const a = (n: number): string => 'a'.repeat(n);
const EXTENSION = '\f^{}\\[~]|€';
const NO_SHIFT = { singleShift: null, lockingShift: null } as const;

describe('smsInfo: default alphabet (GSM-7)', () => {
  test('160 septets fit one SMS, 161 need two of 153', () => {
    check(a(160), { encoding: 'GSM-7', segments: 1, units: 160, remaining: 0, parts: [160], ...NO_SHIFT });
    check(a(161), { encoding: 'GSM-7', segments: 2, units: 161, remaining: 145, parts: [153, 8] });
    check(a(306), { encoding: 'GSM-7', segments: 2, units: 306, remaining: 0 });
    check(a(307), { encoding: 'GSM-7', segments: 3, units: 307, remaining: 152, parts: [153, 153, 1] });
    check('Hello', { encoding: 'GSM-7', segments: 1, units: 5, remaining: 155 });
  });

  test('extension characters cost 2 septets each', () => {
    for (const char of EXTENSION) check(char, { encoding: 'GSM-7', segments: 1, units: 2, remaining: 158 });
    check(`${a(158)}€`, { encoding: 'GSM-7', segments: 1, units: 160 });
    check(`${a(159)}€`, { encoding: 'GSM-7', segments: 2, units: 161, parts: [153, 8] });
  });

  test('an ESC pair is never split: the segment closes one septet early', () => {
    // encoding.md §1 rule 2: 152 a + [ + 152 a is 306 septets but 3 segments.
    check(`${a(152)}[${a(152)}`, { encoding: 'GSM-7', segments: 3, units: 306, parts: [152, 153, 1], remaining: 152 });
    // An ESC pair ending exactly on septet 153 stays in the first segment.
    check(`${a(151)}[${a(10)}`, { encoding: 'GSM-7', segments: 2, parts: [153, 10] });
    check(`${a(306)}€`, { encoding: 'GSM-7', segments: 3, units: 308, parts: [153, 153, 2] });
  });

  test('character classification: Ç and ¤ are GSM, ç ` NBSP curly quotes Greek Alpha are not', () => {
    for (const char of ['Ç', '¤', 'ñ', 'ß', 'É', '§', '¿', '¡', 'Δ', 'Ξ', '@', '_', '\n', '\r'])
      check(char, { encoding: 'GSM-7', segments: 1, units: 1 });
    for (const char of ['ç', '`', '\u00a0', '\u2019', '\u201c', 'Α', 'á', 'ş', '\t'])
      check(`x${char}`, { encoding: 'UCS-2', segments: 1, units: 2, remaining: 68 });
  });

  test('CR and LF are 1 septet each, so CRLF costs 2', () => {
    check('a\r\nb', { encoding: 'GSM-7', segments: 1, units: 4 });
    check('a\nb', { encoding: 'GSM-7', segments: 1, units: 3 });
  });

  test('empty text is 0 segments with a whole SMS free', () => {
    check('', { encoding: 'GSM-7', segments: 0, units: 0, remaining: 160, parts: [] });
    check('', { encoding: 'GSM-7', segments: 0, units: 0, remaining: 160 }, 'AUTODETECT');
  });
});

describe('smsInfo: UCS-2', () => {
  test('one non-GSM character makes the whole message UCS-2: 70, then 67 per segment', () => {
    check(`ç${a(69)}`, { encoding: 'UCS-2', segments: 1, units: 70, remaining: 0 });
    check(`ç${a(70)}`, { encoding: 'UCS-2', segments: 2, units: 71, parts: [67, 4], remaining: 63 });
    check(`ç${a(133)}`, { encoding: 'UCS-2', segments: 2, units: 134, remaining: 0 });
    // Extension characters cost 1 code unit in UCS-2, not 2.
    check(`ç${'['.repeat(69)}`, { encoding: 'UCS-2', segments: 1, units: 70 });
  });

  test('a surrogate pair costs 2 units and is never split across segments', () => {
    check('😀', { encoding: 'UCS-2', segments: 1, units: 2, remaining: 68 });
    check('☃'.repeat(66) + '🐳' + '☃'.repeat(3), { encoding: 'UCS-2', segments: 2, units: 71, parts: [66, 5] });
    // encoding.md §1 rule 3 (trt2 u009 shape): 134 units but 3 segments.
    check('☃'.repeat(66) + '🐳' + '☃'.repeat(66), { encoding: 'UCS-2', segments: 3, units: 134, parts: [66, 67, 1], remaining: 66 });
    check('🐳'.repeat(34), { encoding: 'UCS-2', segments: 1, units: 68 });
    check('🐳'.repeat(36), { encoding: 'UCS-2', segments: 2, units: 72, parts: [66, 6] });
  });

  test('grapheme clusters are split by code unit, like an SMSC (Twilio would say 3 here)', () => {
    // encoding.md §1 rule 4: '☃'×64 + 🏳️‍🌈 (6 units) + '☃'×64 is 134 units, 2 segments here.
    check('☃'.repeat(64) + '🏳️‍🌈' + '☃'.repeat(64), { encoding: 'UCS-2', segments: 2, units: 134, parts: [67, 67] });
  });

  test('a lone surrogate counts as one UCS-2 unit', () => {
    check('\ud83d', { encoding: 'UCS-2', segments: 1, units: 1 });
    check('a\udc00b', { encoding: 'UCS-2', segments: 1, units: 3 });
  });
});

describe('smsInfo: national language tables', () => {
  test('NONE and no language use the default alphabet only', () => {
    for (const language of [undefined, 'NONE'] as const) {
      check('Şule ğİ', { encoding: 'UCS-2', segments: 1, units: 7 }, language);
      check('Acción', { encoding: 'UCS-2', segments: 1 }, language);
    }
  });

  test('Turkish ş ğ İ ı ç: UCS-2 without TR, 1 septet each with the TR locking table', () => {
    check('şğİıç', { encoding: 'UCS-2', segments: 1, units: 5 });
    check('şğİıç', { encoding: 'GSM-7', segments: 1, units: 5, remaining: 150, lockingShift: 'TR', singleShift: null }, 'TR');
    check('şğİıç', { encoding: 'UCS-2', segments: 1 }, 'ES');
    // The TR locking table makes € a 1-septet character too.
    check('ş€', { encoding: 'GSM-7', segments: 1, units: 2, lockingShift: 'TR' }, 'TR');
  });

  test('TR: a character the locking table loses (¿ ¡ æ è) falls back to the single-shift table', () => {
    check('şğ¿', { encoding: 'GSM-7', segments: 1, units: 5, remaining: 150, singleShift: 'TR', lockingShift: null }, 'TR');
    check('İstanbul è', { encoding: 'GSM-7', segments: 1, units: 11, singleShift: 'TR', lockingShift: null }, 'TR');
  });

  test('one national table: 155 septets single, 149 per concatenated segment', () => {
    check(`ş${a(154)}`, { encoding: 'GSM-7', segments: 1, units: 155, remaining: 0 }, 'TR');
    check(`ş${a(155)}`, { encoding: 'GSM-7', segments: 2, units: 156, parts: [149, 7], remaining: 142 }, 'TR');
    // Default-alphabet text under TR sends no national IE, so 160 still fit.
    check(a(160), { encoding: 'GSM-7', segments: 1, remaining: 0, ...NO_SHIFT }, 'TR');
  });

  test('Spanish Á Í Ó Ú á í ó ú ç: single shift only, 2 septets each', () => {
    check('Acción: más días', { encoding: 'GSM-7', segments: 1, units: 19, remaining: 136, singleShift: 'ES', lockingShift: null }, 'ES');
    // encoding.md vectors 113, 110, 112, 116.
    check(`${a(157)}Ú`, { encoding: 'GSM-7', segments: 2, units: 159, parts: [149, 10] }, 'ES');
    check(`Ú${a(153)}`, { encoding: 'GSM-7', segments: 1, units: 155, remaining: 0 }, 'ES');
    check(`Ú${a(153)}`, { encoding: 'UCS-2', segments: 3, units: 154 });
    check(`${a(148)}Ú${a(148)}`, { encoding: 'GSM-7', segments: 3, units: 298, parts: [148, 149, 1] }, 'ES');
    // ES has no locking table and no ã: São Paulo stays UCS-2 (vector 119).
    check('São Paulo', { encoding: 'UCS-2', segments: 1, units: 9 }, 'ES');
  });

  test('Portuguese: locking table for ã õ ê º ª ∞, single shift for the Greek letters it loses', () => {
    check('São Paulo', { encoding: 'GSM-7', segments: 1, units: 9, lockingShift: 'PT', singleShift: null }, 'PT');
    check('Você não', { encoding: 'GSM-7', segments: 1, units: 8, lockingShift: 'PT' }, 'PT');
    check('1º lugar', { encoding: 'GSM-7', segments: 1, units: 8, lockingShift: 'PT' }, 'PT');
    check('Ê', { encoding: 'GSM-7', segments: 1, units: 1 }, 'PT');
    // Default alphabet + PT single shift (ã 2, Φ 1, one IE) beats PT locking + PT single (ã 1, Φ 2, two IEs).
    check('ãΦ', { encoding: 'GSM-7', segments: 1, units: 3, remaining: 152, singleShift: 'PT', lockingShift: null }, 'PT');
  });

  test('locking and single shift together: 152 single, 146 per concatenated segment', () => {
    // º needs the PT locking table; the Greek Φ is then only reachable through PT single shift.
    check('ºΦ', { encoding: 'GSM-7', segments: 1, units: 3, remaining: 149, lockingShift: 'PT', singleShift: 'PT' }, 'PT');
    check(`ºΦ${a(149)}`, { encoding: 'GSM-7', segments: 1, units: 152, remaining: 0 }, 'PT');
    check(`ºΦ${a(150)}`, { encoding: 'GSM-7', segments: 2, units: 153, parts: [146, 7] }, 'PT');
  });

  test('a character outside the chosen language still forces UCS-2', () => {
    check('şã', { encoding: 'UCS-2', segments: 1, units: 2 }, 'TR');
    check('ş😀', { encoding: 'UCS-2', segments: 1, units: 3 }, 'TR');
  });

  test('AUTODETECT picks the cheapest language and tables, one language per message', () => {
    check('Şule', { encoding: 'GSM-7', segments: 1, units: 4, lockingShift: 'TR' }, 'AUTODETECT');
    check('São Paulo', { encoding: 'GSM-7', segments: 1, units: 9, lockingShift: 'PT' }, 'AUTODETECT');
    // ñ and ¿ rule out the PT locking table; ES single shift comes first among equal costs.
    check('¿Mañana? Acción', { encoding: 'GSM-7', segments: 1, units: 16, singleShift: 'ES', lockingShift: null }, 'AUTODETECT');
    check('şã', { encoding: 'UCS-2', segments: 1, units: 2 }, 'AUTODETECT');
    check('Hello', { encoding: 'GSM-7', segments: 1, units: 5, ...NO_SHIFT }, 'AUTODETECT');
  });
});

describe('worstCaseSegments', () => {
  test('without fields it is the exact count', () => {
    assert.equal(worstCaseSegments(a(161), []), 2);
    assert.equal(worstCaseSegments(`ş${a(154)}`, [{ maxLength: 0 }], 'TR'), 1);
    assert.equal(worstCaseSegments('', []), 0);
  });

  test('fields may force UCS-2: their full length in code units, 70 single, 66 per segment', () => {
    assert.equal(worstCaseSegments('Hi , your code is ', [{ maxLength: 20 }, { maxLength: 6 }]), 1);
    assert.equal(worstCaseSegments(a(60), [{ maxLength: 10 }]), 1);
    assert.equal(worstCaseSegments(a(60), [{ maxLength: 11 }]), 2);
    assert.equal(worstCaseSegments(a(100), [{ maxLength: 32 }]), 2);
    assert.equal(worstCaseSegments(a(100), [{ maxLength: 33 }]), 3);
    // A text that is already UCS-2 just grows by the field lengths.
    assert.equal(worstCaseSegments('☃'.repeat(60), [{ maxLength: 10 }]), 1);
  });

  test('the bound is never below a real fill, and real fills reach it', () => {
    const rest = a(130);
    const fields = [{ maxLength: 4 }];
    const bound = worstCaseSegments(rest, fields);
    assert.equal(bound, 3);
    let worst = 0;
    for (const fill of ['abcd', '€€€€', '☃☃☃☃', '🐳🐳', 'x🐳x']) {
      for (let at = 0; at <= rest.length; at++) {
        const segments = smsInfo(rest.slice(0, at) + fill + rest.slice(at)).segments;
        assert.ok(segments <= bound, `${fill} at ${at}: ${segments} > ${bound}`);
        worst = Math.max(worst, segments);
      }
    }
    assert.equal(worst, bound);
  });

  test('rejects a negative or fractional maxLength', () => {
    assert.throws(() => worstCaseSegments('x', [{ maxLength: -1 }]), RangeError);
    assert.throws(() => worstCaseSegments('x', [{ maxLength: 1.5 }]), RangeError);
  });
});

/*
 * Agreement with public test suites, re-expressed as input -> expected values (no code copied).
 * Only auto-detection with the default alphabet applies: neither library has national tables.
 */

/** Twilio's body strings: '1234567890' repeated, optionally starting with other characters. */
const digits = (n: number): string => cycle('1234567890', n);
const digitsFrom2 = (n: number): string => cycle('2345678901', n);

// TwilioDevEd/message-segment-calculator @a50230f, tests/index.test.js, describe 'Basic tests'.
// Their messageSize is units × 7 (GSM-7) or × 16 (UCS-2) bits; totalSize adds a 48-bit UDH per
// segment when there is more than one. Their `characters` counts grapheme clusters in UCS-2; we
// report UTF-16 code units instead (by design: the SMSC bills code units), so it is not compared.
const TWILIO_BASIC: [name: string, body: string, encoding: SmsInfo['encoding'], segments: number, messageSize: number, totalSize: number][] = [
  ['GSM-7 in one segment', digits(160), 'GSM-7', 1, 1120, 1120],
  ['GSM-7 in two segments', digits(161), 'GSM-7', 2, 1127, 1223],
  ['GSM-7 in three segments', digits(307), 'GSM-7', 3, 2149, 2293],
  ['UCS-2 message in one segment', `😜${digitsFrom2(68)}`, 'UCS-2', 1, 1120, 1120],
  ['UCS-2 message in two segments', `😜${digitsFrom2(69)}`, 'UCS-2', 2, 1136, 1232],
  ['UCS-2 message in three segments', `😜${digitsFrom2(133)}`, 'UCS-2', 3, 2160, 2304],
  ['UCS-2 with two bytes extended characters in one segments boundary', `🇮🇹${digitsFrom2(66)}`, 'UCS-2', 1, 1120, 1120],
  ['UCS-2 with extended characters in two segments boundary', `🇮🇹${digitsFrom2(67)}`, 'UCS-2', 2, 1136, 1232],
  ['UCS-2 with four bytes extended characters in one segments boundary', `🏳️‍🌈${digitsFrom2(64)}`, 'UCS-2', 1, 1120, 1120],
  ['UCS-2 with four bytes extended characters in two segments boundary', `🏳️‍🌈${digitsFrom2(65)}`, 'UCS-2', 2, 1136, 1232],
];

function twilioSizes(text: string): { messageSize: number; totalSize: number } {
  const info = smsInfo(text);
  const messageSize = info.units * (info.encoding === 'GSM-7' ? 7 : 16);
  return { messageSize, totalSize: messageSize + (info.segments > 1 ? 48 * info.segments : 0) };
}

describe('agreement: TwilioDevEd/message-segment-calculator', () => {
  test('tests/index.test.js "Basic tests" (10 cases)', () => {
    for (const [name, body, encoding, segments, messageSize, totalSize] of TWILIO_BASIC) {
      check(body, { encoding, segments }, undefined, name);
      assert.deepEqual(twilioSizes(body), { messageSize, totalSize }, name);
    }
  });

  test('tests/index.test.js "GSM-7 Escape Characters" (9 characters × one/two segments)', () => {
    // They list 9 escape characters; form feed is the tenth (encoding.md §2), covered above.
    for (const char of ['|', '^', '€', '{', '}', '[', ']', '~', '\\']) {
      const one = `${char}${digits(158)}`;
      const two = `${char}${digits(159)}`;
      check(one, { encoding: 'GSM-7', segments: 1, units: 160 }, undefined, 'One segment with escape character');
      assert.deepEqual(twilioSizes(one), { messageSize: 1120, totalSize: 1120 });
      check(two, { encoding: 'GSM-7', segments: 2, units: 161 }, undefined, 'Two segments with escape character');
      assert.deepEqual(twilioSizes(two), { messageSize: 1127, totalSize: 1223 });
    }
  });

  test('tests/index.test.js "One grapheme UCS-2 characters" (8 characters × 70/71)', () => {
    for (const char of ['Á', 'Ú', 'ú', 'ç', 'í', 'Í', 'ó', 'Ó']) {
      check(char, { encoding: 'UCS-2', segments: 1 }, undefined, 'isGSM7 false');
      check(char.repeat(70), { encoding: 'UCS-2', segments: 1 }, undefined, 'One segment, 70 characters');
      check(char.repeat(71), { encoding: 'UCS-2', segments: 2 }, undefined, 'Two segments, 71 characters');
    }
  });

  test('tests/index.test.js "Special tests" (issue #18: ] in a UCS-2 message costs 1 unit)', () => {
    check(`😀${']'.repeat(68)}`, { encoding: 'UCS-2', segments: 1, units: 70 }, undefined, 'one segment');
    check(`😀${']'.repeat(69)}`, { encoding: 'UCS-2', segments: 2, units: 71 }, undefined, 'two segment');
  });

  test('tests/index.test.js "Line break styles tests"', () => {
    // numberOfCharacters 11 and 12: in GSM-7 that is septets, CRLF counting 2.
    check('\rabcde\r\n123', { encoding: 'GSM-7', segments: 1, units: 11 }, undefined, 'CRLF');
    check('\nabcde\n\n123\n', { encoding: 'GSM-7', segments: 1, units: 12 }, undefined, 'LF');
    // 'Triple accents characters - Unicode test': numberOfCharacters 1 (one grapheme) and
    // numberOfUnicodeScalars 4. By design we report units = 4 UTF-16 code units (e + 3 × U+0301).
    check('e\u0301\u0301\u0301', { encoding: 'UCS-2', segments: 1, units: 4 }, undefined, 'triple accent');
    check(`e\u0301\u0301\u0301${a(66)}`, { encoding: 'UCS-2', segments: 1, units: 70 }, undefined, 'One Segment test');
    check(`e\u0301\u0301\u0301${a(67)}`, { encoding: 'UCS-2', segments: 2, units: 71 }, undefined, 'Two Segments test');
  });

  test('tests/segments.test.js: every segment of a 3-part message has a UDH, the last holds 1 character', () => {
    check(digits(307), { encoding: 'GSM-7', segments: 3, parts: [153, 153, 1], remaining: 152 }, undefined, 'GSM-7 Segements analysis');
    check(`😜${digitsFrom2(133)}`, { encoding: 'UCS-2', segments: 3, parts: [67, 67, 1], remaining: 66 }, undefined, 'UCS-2 Segements analysis');
  });

  test('tests/methods.test.js getNonGsmCharacters(): in "más" only á is non-GSM', () => {
    check('más', { encoding: 'UCS-2', segments: 1 });
    check('á', { encoding: 'UCS-2', segments: 1 });
    check('ms', { encoding: 'GSM-7', segments: 1 });
  });
});

/** split-sms's test/testdata/gsm.test.json messages: blocks like '0--------<1--------<'. */
function ruler(length: number): string {
  let text = '';
  for (let block = 0; text.length < length; block++) text += `${block}`.padEnd(9, '-') + '<';
  return text.slice(0, length);
}

/** The ten extension characters in the order split-sms's data files use them. */
const SPLIT_SMS_EXTENSION = '\f|^€{}[~]\\';

// split-sms reports GSM `bytes` in septets and Unicode `bytes` in octets (2 per code unit);
// the parts below are those numbers as our units.
// Codesleuth/split-sms @20b271e (npm 0.1.7), test/testdata/gsm.test.json + unicode.test.json via
// test/splitter.test.js ('GSM Message', 'Unicode Message' and their 'Summary' twins, same numbers).
const SPLIT_SMS_DATA: [description: string, message: string, encoding: SmsInfo['encoding'], parts: number[]][] = [
  ['Split 160 character message', ruler(160), 'GSM-7', [160]],
  ['Split 161 character message', ruler(161), 'GSM-7', [153, 8]],
  ['Split 306 character message', ruler(153) + ruler(153), 'GSM-7', [153, 153]],
  ['Split 307 character message', ruler(153) + ruler(154), 'GSM-7', [153, 153, 1]],
  ['Split 160 character message ending with an extended character', `${ruler(159)}€`, 'GSM-7', [153, 8]],
  ['Split 160 character message with an extended character at the 153rd index', `${ruler(152)}€${ruler(160).slice(153)}`, 'GSM-7', [152, 9]],
  ['Split 80 character message with all extended characters', cycle(SPLIT_SMS_EXTENSION, 80), 'GSM-7', [160]],
  // Their 304 characters are a slightly different mix of the same ten; every one costs 2.
  ['Split 304 character message with all extended characters', cycle(SPLIT_SMS_EXTENSION, 304), 'GSM-7', [152, 152, 152, 152]],
  ['Split 1 character message of 4-byte characters', '🐳', 'UCS-2', [2]],
  ['Split 3 character message of 4-byte and 2-byte characters', '🐳☃🐳', 'UCS-2', [5]],
  ['Split full single message of 2-byte Basic Multilingual Plane characters', '☃'.repeat(70), 'UCS-2', [70]],
  ['Split full single message of 4-byte Supplementary Multilingual Plane characters', '🐳'.repeat(35), 'UCS-2', [70]],
  ['Split full single message of mixed Supplementary Multilingual Plane and Basic Multilingual Plane characters', `${'☃🐳'.repeat(23)}☃`, 'UCS-2', [70]],
  ['Split 71 char multipart message of 2-byte Basic Multilingual Plane characters', '☃'.repeat(71), 'UCS-2', [67, 4]],
  ['Split 70 char multipart message … one 4-part Supplementary Multilingual Plane character at the 67th index', `${'☃'.repeat(66)}🐳☃☃☃`, 'UCS-2', [66, 5]],
  ['Split 35 char multipart message … one 2-part Basic Multilingual Plane character at the 34th index', `${'🐳'.repeat(33)}☃🐳`, 'UCS-2', [69]],
  ['Split 36 char multipart message … one 2-part Basic Multilingual Plane character at the 34th index', `${'🐳'.repeat(33)}☃🐳🐳`, 'UCS-2', [67, 4]],
];

// The acceptance tests use random strings; these are deterministic strings from the same pools.
const GSM_POOL = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** BMP symbols above € (U+20AD..U+297F), as their randomNonGsmString draws. */
const nonGsm = (n: number): string => Array.from({ length: n }, (_, i) => String.fromCharCode(0x20ad + ((i * 97) % (0x297f - 0x20ad + 1)))).join('');
/** Valid surrogate pairs (high U+D800..U+DB7F, low U+DC00..U+DFFF), as their randomSurrogatePairString. */
const astral = (n: number): string => Array.from({ length: n }, (_, i) => String.fromCharCode(0xd800 + ((i * 31) % 0x380), 0xdc00 + ((i * 53) % 0x400))).join('');

// Codesleuth/split-sms @20b271e, test/acceptance.test.js, auto-detected character set.
const SPLIT_SMS_ACCEPTANCE: [description: string, message: string, encoding: SmsInfo['encoding'], parts: number[], remaining: number][] = [
  ['Single part message of all GSM characters', cycle(GSM_POOL, 160), 'GSM-7', [160], 0],
  ['Multipart message of all GSM characters (also "with summary option")', cycle(GSM_POOL, 306), 'GSM-7', [153, 153], 0],
  ['Single part message of all GSM Extended characters', cycle(EXTENSION, 80), 'GSM-7', [160], 0],
  ['Multipart message of all GSM Extended characters', cycle(EXTENSION, 152), 'GSM-7', [152, 152], 1],
  ['Single part message of all non-GSM characters', nonGsm(70), 'UCS-2', [70], 0],
  ['Multipart message of all non-GSM characters (also "with summary option")', nonGsm(134), 'UCS-2', [67, 67], 0],
  ['Single part message of all surrogate-pair characters', astral(35), 'UCS-2', [70], 0],
  ['Multipart message of all surrogate-pair characters', astral(66), 'UCS-2', [66, 66], 1],
];

describe('agreement: Codesleuth/split-sms', () => {
  test('test/testdata/gsm.test.json + unicode.test.json (17 entries)', () => {
    for (const [description, message, encoding, parts] of SPLIT_SMS_DATA) {
      const units = parts.reduce((sum, part) => sum + part, 0);
      check(message, { encoding, segments: parts.length, units, parts }, undefined, description);
    }
  });

  test('test/acceptance.test.js (10 cases, random strings made deterministic)', () => {
    for (const [description, message, encoding, parts, remaining] of SPLIT_SMS_ACCEPTANCE) {
      const units = parts.reduce((sum, part) => sum + part, 0);
      check(message, { encoding, segments: parts.length, units, parts, remaining }, undefined, description);
    }
  });

  test('test/index.test.js remainingInPart (stubbed splitter results rebuilt as real texts)', () => {
    check('1234', { encoding: 'GSM-7', segments: 1, remaining: 156 }, undefined, 'Split GSM single part message');
    check('', { encoding: 'GSM-7', segments: 0, remaining: 160 }, undefined, 'Split empty message');
    check(`${'\f'.repeat(5)}${a(150)}`, { encoding: 'GSM-7', segments: 1, units: 160, remaining: 0 }, undefined, 'Split full GSM single part message');
    // A last part of 4 septets needs more than 160 in all: 153 + 153 + 4.
    check(a(310), { encoding: 'GSM-7', segments: 3, parts: [153, 153, 4], remaining: 149 }, undefined, 'Split for GSM multipart message');
    check('☃☃☃☃', { encoding: 'UCS-2', segments: 1, remaining: 66 }, undefined, 'Split Unicode single part message');
    check('☃'.repeat(70), { encoding: 'UCS-2', segments: 1, remaining: 0 }, undefined, 'Split full Unicode single part message');
    check('☃'.repeat(71), { encoding: 'UCS-2', segments: 2, parts: [67, 4], remaining: 63 }, undefined, 'Split Unicode multipart message');
  });

  test('test/gsmvalidator.test.js: the GSM alphabet and non-GSM characters', () => {
    const everyGsm = '@Δ 0¡P¿p£_!1AQaq$Φ"2BRbr¥Γ#3CScsèΛ¤4DTdtéΩ%5EUeuùΠ&6FVfvìΨ\'7GWgwòΣ(8HXhxÇΘ)9IYiy\nΞ*:JZjzØ+;KÄkäøÆ,<LÖlö\ræ-=MÑmñÅß.>NÜnüåÉ/?O§oà|^€{}[~]\\\f';
    // 'Validating a message of every valid GSM characters': 127 default + 10 extension characters.
    check(everyGsm, { encoding: 'GSM-7', segments: 1, units: 127 + 2 * 10 });
    // 'Validating a message of one GSM character' / 'Validating all GSM characters'.
    for (const char of everyGsm) check(char, { encoding: 'GSM-7', segments: 1 });
    // 'Validating a message of one non-GSM characters' / 'a non-GSM character': '\u1F433' is U+1F43 + '3'.
    check('\u1F433', { encoding: 'UCS-2', segments: 1, units: 2 });
    // 'Validating a GSM character with more than one character beginning with a (non-)GSM character'.
    check('EUe', { encoding: 'GSM-7', segments: 1 });
    check('ȅUe', { encoding: 'UCS-2', segments: 1 });
  });

  test('cases where split-sms answers differently by design', () => {
    // acceptance + testdata 'Empty message' / 'Split empty message': they return 1 part of 0
    // characters; we return 0 segments (an empty body is rejected before sending). Remaining agrees.
    check('', { encoding: 'GSM-7', segments: 0, units: 0, remaining: 160 });
    // testdata/gsm.test.json 'Split 160 two-byte character message' and 'Split 160 surrogate-pairs
    // character message' feed non-GSM text to the GSM splitter directly (1 part of 160 spaces).
    // We always detect the encoding: UCS-2.
    check('☃'.repeat(160), { encoding: 'UCS-2', segments: 3, units: 160, parts: [67, 67, 26] });
    check('🐳'.repeat(160), { encoding: 'UCS-2', segments: 5, units: 320, parts: [66, 66, 66, 66, 56] });
    // acceptance.test.js '… with Unicode/GSM character set option' (5 cases + forced-Unicode empty):
    // forcing a character set is not something smsInfo does; auto-detection gives these.
    check(cycle(GSM_POOL, 70), { encoding: 'GSM-7', segments: 1, units: 70 }); // they: Unicode, 1 part of 70
    check(cycle(GSM_POOL, 71), { encoding: 'GSM-7', segments: 1, units: 71 }); // they: Unicode, 67 + 4
    check(astral(160), { encoding: 'UCS-2', segments: 5, units: 320 }); // they: GSM, 160 spaces
    check(nonGsm(160), { encoding: 'UCS-2', segments: 3, units: 160 }); // they: GSM, 160 spaces
    check(astral(306), { encoding: 'UCS-2', segments: 10, units: 612 }); // they: GSM, 153 + 153 spaces
  });
});
