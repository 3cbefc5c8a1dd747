// Infobip writes timestamps as `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, e.g. `2019-11-09T16:00:00.000+0000`
// (offset without a colon), both in what it sends (reports) and what it accepts (sendAt).

/** Formats in UTC the way Infobip does: `2019-11-09T16:00:00.000+0000`. */
export function formatInfobipTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Parses Infobip's format and RFC 3339 alike; undefined when it is not a timestamp. */
export function parseInfobipTime(text: string): Date | undefined {
  const normalised = text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
