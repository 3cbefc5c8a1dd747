/**
 * Korean carriers take an LMS of up to 2,000 bytes, counting a Korean (any non-ASCII) character as
 * 2 bytes and ASCII as 1 (their EUC-KR reckoning; a carrier rule, Infobip publishes no other).
 * Its own module (no imports) so the activity UI's counter runs exactly this in the browser.
 */
export const LMS_MAX_BYTES = 2000;

export function lmsBytes(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += ch.codePointAt(0)! <= 0x7f ? 1 : 2;
  return bytes;
}
