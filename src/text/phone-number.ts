import { type CountryCode, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * SFMC keeps phone numbers in many shapes: "+41 79 302 67 27", "0041793026727", "41793026727",
 * "079 302 67 27". We read each number twice, as a national number of the tenant's default
 * country and as an international number, and prefer the reading that is a valid mobile
 * number, then any valid one. The result is international format without "+", as Infobip wants.
 */
export function normalisePhoneNumber(raw: string, defaultCountry: CountryCode | undefined): string | undefined {
  const cleaned = raw.trim().replace(/^00/, '+');
  const readings: PhoneNumber[] = [];
  const asGiven = parsePhoneNumberFromString(cleaned, defaultCountry);
  // Parsing costs tens of microseconds per execute: a valid mobile reading needs no second one.
  if (asGiven?.isValid() && isMobile(asGiven)) return asGiven.number.slice(1);
  if (asGiven) readings.push(asGiven);
  if (!cleaned.startsWith('+')) {
    const asInternational = parsePhoneNumberFromString(`+${cleaned.replace(/\D/g, '')}`);
    if (asInternational) readings.push(asInternational);
  }
  const valid = readings.filter((r) => r.isValid());
  const best = valid.find(isMobile) ?? valid[0];
  return best ? best.number.slice(1) : undefined;
}

function isMobile(reading: PhoneNumber): boolean {
  const type = reading.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
