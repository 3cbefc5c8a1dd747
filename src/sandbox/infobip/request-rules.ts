// What the send endpoints do beyond their JSON schemas, per the specs' prose and infobip.md
// §1.5/§2: SMS clips over-long ids rather than rejecting them, and a few documented constraints of
// the shared envelope (same wording in every envelope spec) that the schema cannot express are
// rejected with a violation like any schema error.
import type { Violation } from '../openapi.ts';
import type { EnvelopeRequest, TimeOfDay } from './envelope.ts';
import { parseInfobipTime } from './infobip-time.ts';

const BULK_ID_MAX = 100;
const MESSAGE_ID_MAX = 200;
const SEND_AT_MAX_DAYS = 180;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Lengths are in characters (code points), like JSON Schema's maxLength.
const clip = (s: string, max: number) => ([...s].length > max ? [...s].slice(0, max).join('') : s);

/**
 * SMS: "Anything above 100 (bulkId) / 200 (messageId) characters passed in the request will be
 * clipped during processing and returned in response, reports and logs." The v3 schema declares
 * the same limits as maxLength, so clip first (in place, on the raw body) and validate afterwards.
 * No other channel's spec says so: there the maxLength is enforced.
 */
export function clipIds(body: unknown): void {
  if (!isObject(body)) return;
  const schedule = isObject(body.options) ? body.options.schedule : undefined;
  if (isObject(schedule) && typeof schedule.bulkId === 'string') schedule.bulkId = clip(schedule.bulkId, BULK_ID_MAX);
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    for (const destination of isObject(message) && Array.isArray(message.destinations) ? message.destinations : []) {
      if (isObject(destination) && typeof destination.messageId === 'string') {
        destination.messageId = clip(destination.messageId, MESSAGE_ID_MAX);
      }
    }
  }
}

/** A request must carry at least one message (every channel). */
export function nonEmptyMessages(request: { messages: unknown[] }): Violation[] {
  return request.messages.length === 0 ? [{ property: 'messages', violation: 'must not be empty' }] : [];
}

/** Documented envelope constraints the schema does not encode; call on a schema-valid request. */
export function envelopeRuleViolations(request: EnvelopeRequest, now: Date): Violation[] {
  const violations: Violation[] = nonEmptyMessages(request);
  const add = (property: string, violation: string) => violations.push({ property, violation });

  request.messages.forEach((message, i) => {
    // "An array of destination objects … A valid destination is required."
    if (message.destinations.length === 0) add(`messages[${i}].destinations`, 'must not be empty');
    const window = message.options?.deliveryTimeWindow;
    if (window) {
      const at = `messages[${i}].options.deliveryTimeWindow`;
      // "At least one day must be provided."
      if (window.days.length === 0) add(`${at}.days`, 'must not be empty');
      // "Properties from and to should be both provided with the minimum 1 hour difference or omitted."
      if ((window.from === undefined) !== (window.to === undefined)) add(at, 'from and to must be both provided or both omitted');
      else if (window.from && window.to) {
        const minutes = (t: TimeOfDay) => t.hour * 60 + t.minute;
        const gap = (minutes(window.to) - minutes(window.from) + 1440) % 1440;
        if (gap < 60) add(at, 'from and to must be at least 1 hour apart');
      }
    }
  });

  // sendAt "can only be scheduled for no later than 180 days in advance".
  const sendAt = request.options?.schedule?.sendAt;
  if (sendAt !== undefined) {
    const when = parseInfobipTime(sendAt);
    if (!when) add('options.schedule.sendAt', "must match format yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    else if (when.getTime() - now.getTime() > SEND_AT_MAX_DAYS * 86_400_000) {
      add('options.schedule.sendAt', `must not be more than ${SEND_AT_MAX_DAYS} days in the future`);
    }
  }
  return violations;
}
