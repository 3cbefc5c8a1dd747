import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CountryCode } from 'libphonenumber-js';
import { normalisePhoneNumber } from '../src/text/phone-number.ts';

/** Each case: what SFMC stored, the tenant default country, what Infobip gets (international, no "+"). */
type Case = [raw: string, defaultCountry: CountryCode | undefined, expected: string | undefined];

function check(cases: Case[]): void {
  for (const [raw, country, expected] of cases) {
    assert.equal(normalisePhoneNumber(raw, country), expected, `${JSON.stringify(raw)} with default country ${country ?? 'none'}`);
  }
}

describe('normalisePhoneNumber', () => {
  test('international with +, with or without separators', () => {
    check([
      ['+41 79 302 67 27', undefined, '41793026727'],
      ['+41793026727', 'DE', '41793026727'],
      ['+4915112345678', undefined, '4915112345678'],
      ['+49-151-12345678', undefined, '4915112345678'],
      ['+49.151.12345678', undefined, '4915112345678'],
      ['+49 (0)151 12345678', 'DE', '4915112345678'],
      ['+1 202 555 0143', 'DE', '12025550143'],
    ]);
  });

  test('00 international prefix, with or without spaces', () => {
    check([
      ['0041793026727', undefined, '41793026727'],
      ['0041 79 302 67 27', 'DE', '41793026727'],
      ['00 49 151 12345678', 'DE', '4915112345678'],
      ['004915112345678', 'CH', '4915112345678'],
    ]);
  });

  test('surrounding and inner whitespace', () => {
    check([
      [' +49 151 12345678 ', 'DE', '4915112345678'],
      ['\t0151 1234 5678\n', 'DE', '4915112345678'],
      ['0151\u00a012345678', 'DE', '4915112345678'],
    ]);
  });

  test('national numbers are read with the default country', () => {
    check([
      ['079 302 67 27', 'CH', '41793026727'],
      ['0151 12345678', 'DE', '4915112345678'],
      ['(0151) 1234-5678', 'DE', '4915112345678'],
      ['030 1234567', 'DE', '49301234567'],
      ['0612345678', 'FR', '33612345678'],
      // A German mobile without its trunk 0 is valid only nationally.
      ['15112345678', 'DE', '4915112345678'],
    ]);
  });

  test('the same national digits differ by default country', () => {
    check([
      ['079 302 67 27', 'CH', '41793026727'],
      ['079 302 67 27', 'FR', '33793026727'],
    ]);
  });

  test('a national number without a default country cannot be read', () => {
    check([
      ['079 302 67 27', undefined, undefined],
      ['0151 12345678', undefined, undefined],
    ]);
  });

  test('digits without a prefix are also read as international', () => {
    check([
      // Valid only as international.
      ['12025550143', 'DE', '12025550143'],
      ['4915112345678', undefined, '4915112345678'],
      ['41793026727', undefined, '41793026727'],
    ]);
  });

  test('when both readings are valid, the mobile one wins', () => {
    // Each of these is also a valid German landline read nationally.
    check([
      ['41793026727', 'DE', '41793026727'],
      ['41 79 302 67 27', 'DE', '41793026727'],
      ['4915112345678', 'DE', '4915112345678'],
      ['33612345678', 'DE', '33612345678'],
      ['393123456789', 'DE', '393123456789'],
    ]);
  });

  test('when neither reading is a mobile, a valid one is still used', () => {
    check([
      ['4930123456', 'DE', '4930123456'],
      ['+49 30 1234567', undefined, '49301234567'],
    ]);
  });

  test('what is no valid number in any reading', () => {
    check([
      ['', 'DE', undefined],
      ['   ', 'DE', undefined],
      ['abc', 'DE', undefined],
      ['12', 'DE', undefined],
      ['+49 151 1234567890123', 'DE', undefined],
      ['++4915112345678', 'DE', undefined],
      ['+0151 12345678', 'DE', undefined],
    ]);
  });
});
