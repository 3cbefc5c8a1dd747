import type { SpeedLimit } from '../channels/channel.ts';
import type { ActivityArguments } from './activity-arguments.ts';
import { messageStatus } from './message-status.ts';

const TIME_UNITS = new Set(['MINUTE', 'HOUR', 'DAY']);
/** Journey Builder event definition keys: no periods (postEvent.md), URL-safe. */
const EVENT_DEFINITION_KEY = /^[A-Za-z0-9_\-]{1,200}$/;

export type ActivityOptions = { speedLimit?: SpeedLimit; triggerEvent?: { eventDefinitionKey: string } };

/**
 * Activity settings that act after execute: the sending speed limit (1–100,000 messages per
 * minute, hour or day, as the guide allows) and "Trigger Event on Response". They are validated
 * here, so a misconfigured activity is told at once, and stored with each message.
 */
export function readActivityOptions(args: ActivityArguments): { ok: true; options: ActivityOptions } | { ok: false; messageStatus: string } {
  const options: ActivityOptions = {};
  if (args.flag('speedLimit.enabled') === true) {
    const amount = args.integer('speedLimit.amount');
    const timeUnit = args.text('speedLimit.timeUnit')?.toUpperCase();
    if (typeof amount !== 'number' || amount < 1 || amount > 100_000) {
      return { ok: false, messageStatus: `${messageStatus.invalidRequest}: speedLimit.amount must be a whole number from 1 to 100000` };
    }
    if (!timeUnit || !TIME_UNITS.has(timeUnit)) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: speedLimit.timeUnit must be MINUTE, HOUR or DAY` };
    options.speedLimit = { amount, timeUnit: timeUnit as SpeedLimit['timeUnit'] };
  }
  if (args.flag('triggerEventOnResponse') === true) {
    const eventDefinitionKey = args.text('eventDefinitionKey')?.trim();
    if (!eventDefinitionKey || !EVENT_DEFINITION_KEY.test(eventDefinitionKey)) {
      return { ok: false, messageStatus: `${messageStatus.invalidRequest}: eventDefinitionKey must be the Wait Until Event's event definition key` };
    }
    options.triggerEvent = { eventDefinitionKey };
  }
  return { ok: true, options };
}
