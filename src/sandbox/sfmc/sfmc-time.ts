// Date formats SFMC uses on the wire. They differ per API, and none carries a UTC offset, so a
// client that assumes ISO-with-Z will break; the simulator reproduces them to catch that.

const CST_OFFSET_MS = -6 * 3600_000;

/** ".980" → ".98", ".000" → "": .NET trims trailing zeros, as in "2017-10-27T16:00:38.98". */
function trimFraction(isoNoZ: string): string {
  return isoNoZ.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * Async status timestamps are in SFMC's system time zone, Central Standard Time (UTC-6, no
 * daylight saving), with no offset suffix (getStatusDataExtensionAsync.md example).
 */
export function sfmcSystemTime(ms: number): string {
  return trimFraction(new Date(ms + CST_OFFSET_MS).toISOString().slice(0, -1));
}

/** `tokenExpireDateUtc` of customobjectdata: UTC, but also without a "Z" [CODE, sfmc.md §3.3]. */
export function utcWithoutSuffix(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1);
}

/** customobjectdata renders Date columns US-style, "5/23/2013 2:32:00 PM" [CODE]. */
export function usDateTime(iso: string): string {
  const d = new Date(iso);
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${mm}:${ss} ${h24 < 12 ? 'AM' : 'PM'}`;
}

/** Date.UTC/Date.parse roll 2/30 over into March; SQL Server rejects it, so do we. */
function isRealDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the date inputs SFMC accepts (ISO 8601, with or without offset, and its own US format)
 * into epoch ms. A value without an offset is a wall-clock time; it is kept as that wall clock
 * (read as UTC) so the simulator does not depend on the host's time zone.
 */
export function parseSfmcDate(input: string): number | undefined {
  const s = input.trim();
  const us = US_DATE.exec(s);
  if (us) {
    const [, mo, d, y, h = '0', mi = '0', sec = '0', ampm] = us;
    let hour = Number(h);
    if (ampm) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    }
    if (!isRealDay(Number(y), Number(mo), Number(d)) || hour > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(sec));
  }
  const iso = ISO_DATE.exec(s);
  if (!iso || !isRealDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))) return undefined;
  const t = s.replace(' ', 'T');
  const withZone = iso[1] ? t : t.length === 10 ? `${t}T00:00:00Z` : `${t}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}
