import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { SendWindow } from '../journey/activity-options.ts';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const clocks = new Map<string, Intl.DateTimeFormat>();

/**
 * When a message may go under its activity's quiet hours: undefined when now is inside the send
 * window, else the next opening (epoch ms). The recipient's zone is the window's bound
 * `timeZone`, else the zones of the phone number's country; a country spanning several zones
 * (US, RU, BR…) opens only when it is inside the window in all of them, or, when they share no
 * window, in its middle zone. A number whose country is unknown is not held.
 */
export function nextOpening(window: SendWindow, destination: string, now: number): number | undefined {
  const zones = window.timeZone ? [window.timeZone] : countryZones(destination);
  if (zones.length === 0) return undefined;
  const insideAll = (t: number) => zones.every((z) => isInside(window, localMinutes(z, t)));
  if (insideAll(now)) return undefined;
  const candidates = zones.map((z) => openingIn(window, z, now)).sort((a, b) => a - b);
  const common = candidates.find(insideAll);
  if (common !== undefined) return common;
  const middle = [...zones].sort((a, b) => offsetMinutes(a, now) - offsetMinutes(b, now))[Math.floor(zones.length / 2)]!;
  return isInside(window, localMinutes(middle, now)) ? undefined : openingIn(window, middle, now);
}

function isInside(window: SendWindow, minutes: number): boolean {
  return window.from < window.to ? minutes >= window.from && minutes < window.to : minutes >= window.from || minutes < window.to;
}

/** The next time (≥ now) the clock in `zone` shows `window.from`. */
function openingIn(window: SendWindow, zone: string, now: number): number {
  const startOfMinute = now - (now % MINUTE_MS);
  const ahead = (window.from - localMinutes(zone, now) + DAY_MINUTES) % DAY_MINUTES;
  return startOfMinute + ahead * MINUTE_MS;
}

function localMinutes(zone: string, t: number): number {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(zone, clock);
  }
  const parts = clock.formatToParts(t);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

function offsetMinutes(zone: string, t: number): number {
  const utc = new Date(t).getUTCHours() * 60 + new Date(t).getUTCMinutes();
  return ((localMinutes(zone, t) - utc + DAY_MINUTES * 1.5) % DAY_MINUTES) - DAY_MINUTES / 2;
}

function countryZones(destination: string): string[] {
  const country = parsePhoneNumberFromString(`+${destination.replace(/^\+/, '')}`)?.country;
  return country ? (getCountry(country)?.timezones ?? []) : [];
}
