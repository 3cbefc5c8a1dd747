import { type CountryCode, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * SFMC keeps phone numbers in many shapes: "+41 79 302 67 27", "0041793026727", "41793026727",
 * "079 302 67 27". We read each number twice, as a national number of the tenant's default
 * country and as an international number, and prefer the reading that is a valid mobile
 * number, then any valid one. The result is international format without "+", as Infobip wants.
 */
export function normalisePhoneNumber(raw: string, defaultCountry: CountryCode | undefined): string | undefined {
  const cleaned = raw.trim().replace(/^00/, '+');
  const asGiven = parsePhoneNumberFromString(cleaned, defaultCountry);
  // Parsing costs tens of microseconds per execute, and asking a reading's type as much again:
  // an international number has one reading, so its type decides nothing.
  if (cleaned.startsWith('+')) return asGiven?.isValid() ? asGiven.number.slice(1) : undefined;
  const asInternational = parsePhoneNumberFromString(`+${cleaned.replace(/\D/g, '')}`);
  const valid = [asGiven, asInternational].filter((r): r is PhoneNumber => r?.isValid() === true);
  // Two valid readings (a national number that is also an international one): prefer a mobile.
  const best = valid.length > 1 ? (valid.find(isMobile) ?? valid[0]) : valid[0];
  return best ? best.number.slice(1) : undefined;
}

function isMobile(reading: PhoneNumber): boolean {
  const type = reading.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
