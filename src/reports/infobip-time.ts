/**
 * Infobip writes times as `2019-11-09T16:00:00.000+0100` (no colon in the offset), which
 * `Date.parse` does not read everywhere. Answers the instant as ISO 8601 UTC, or undefined.
 */
export function parseInfobipTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const withColon = value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const ms = Date.parse(withColon);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
