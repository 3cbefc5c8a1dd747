// Quiet hours in the recipient's local time: when a window opens for a number, from the bound
// time zone or the phone number's country (all of a multi-zone country's zones), or at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextOpening } from '../src/dispatch/send-window.ts';

const at = (iso: string) => Date.parse(iso);
const window = (from: string, to: string, extra: { timeZone?: string } = {}) => {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return { from: minutes(from), to: minutes(to), outside: 'wait' as const, ...extra };
};

describe('send window', () => {
  test("a German number follows Berlin time: inside the window it goes now, outside it waits for the next 09:00 in Berlin", () => {
    const nine = window('09:00', '20:00');
    // 12:00 UTC in January is 13:00 in Berlin.
    assert.equal(nextOpening(nine, '4915112345678', at('2026-01-15T12:00:00Z')), undefined);
    // 21:30 UTC is 22:30 in Berlin: next opening 09:00 Berlin = 08:00 UTC the next day.
    assert.equal(nextOpening(nine, '4915112345678', at('2026-01-15T21:30:00Z')), at('2026-01-16T08:00:00Z'));
    // Summer time: 09:00 Berlin is 07:00 UTC.
    assert.equal(nextOpening(nine, '4915112345678', at('2026-07-15T05:10:30Z')), at('2026-07-15T07:00:00Z'));
  });

  test('a bound time zone wins over the phone number', () => {
    assert.equal(nextOpening(window('09:00', '20:00', { timeZone: 'Asia/Tokyo' }), '4915112345678', at('2026-01-15T12:00:00Z')), at('2026-01-16T00:00:00Z'));
  });

  test('a window across midnight (22:00–06:00) is open at 23:00 and at 05:00, closed at 12:00', () => {
    const night = window('22:00', '06:00', { timeZone: 'UTC' });
    assert.equal(nextOpening(night, '4915112345678', at('2026-01-15T23:00:00Z')), undefined);
    assert.equal(nextOpening(night, '4915112345678', at('2026-01-15T05:00:00Z')), undefined);
    assert.equal(nextOpening(night, '4915112345678', at('2026-01-15T12:00:00Z')), at('2026-01-15T22:00:00Z'));
  });

  test("a US number opens only when it is inside the window in every US zone", () => {
    // 13:00 UTC in January: 08:00 in New York, 03:00 in Honolulu.
    const opening = nextOpening(window('09:00', '21:00'), '12025550123', at('2026-01-15T13:00:00Z'))!;
    assert.ok(opening > at('2026-01-15T13:00:00Z'));
    for (const zone of ['America/New_York', 'America/Los_Angeles', 'America/Anchorage']) {
      const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(opening));
      assert.ok(hour >= 9 && hour < 21, `${zone} at ${hour}:00`);
    }
  });

  test('a number whose country is unknown is not held', () => {
    assert.equal(nextOpening(window('09:00', '10:00'), '999', at('2026-01-15T12:00:00Z')), undefined);
  });
});
