import type { CountryCode } from 'libphonenumber-js';
import { normalisePhoneNumber } from '../text/phone-number.ts';
import type { ActivityArguments } from './activity-arguments.ts';
import { messageStatus } from './message-status.ts';

/** An inArgument named `phone` or `phone.<Field>` binds a phone field of the contact. */
function isPhoneArgument(name: string): boolean {
  return name === 'phone' || name.startsWith('phone.');
}

/**
 * The recipient is the first populated phone field in the order the activity lists them
 * (the guide's "Multiple phone fields"), normalised to international format.
 */
export function recipientFromArguments(
  args: ActivityArguments,
  defaultCountry: CountryCode | undefined,
): { ok: true; to: string } | { ok: false; messageStatus: string } {
  for (const [, value] of args.matching(isPhoneArgument)) {
    const raw = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (raw === '') continue;
    const to = normalisePhoneNumber(raw, defaultCountry);
    return to ? { ok: true, to } : { ok: false, messageStatus: messageStatus.invalidPhone };
  }
  return { ok: false, messageStatus: messageStatus.missingPhone };
}
