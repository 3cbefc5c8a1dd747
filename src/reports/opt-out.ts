/**
 * Whether a reply asks to opt out: its whole text (any case, surrounding spaces and punctuation
 * ignored) is one of the tenant's keywords in any of its languages. "Stop the delivery on Monday"
 * is a message, not an opt-out, so a keyword inside a longer text does not count.
 */
export function isOptOut(text: string | undefined, keywordsByLanguage: Record<string, string[]>): boolean {
  if (!text) return false;
  const said = normalise(text);
  return said.length > 0 && Object.values(keywordsByLanguage).some((keywords) => keywords.some((k) => normalise(k) === said));
}

function normalise(text: string): string {
  return text.trim().replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '').toLocaleUpperCase('en-US');
}
