import type { SpeedLimit } from '../channels/channel.ts';
import type { ActivityArguments } from './activity-arguments.ts';
import { messageStatus } from './message-status.ts';

const TIME_UNITS = new Set(['MINUTE', 'HOUR', 'DAY']);
/** Journey Builder event definition keys: no periods (postEvent.md), URL-safe. */
const EVENT_DEFINITION_KEY = /^[A-Za-z0-9_\-]{1,200}$/;
/** Infobip's validityPeriod is in minutes, at most 48 hours, which is also its default (infobip.md). */
export const MAX_VALIDITY_MINUTES = 48 * 60;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Quiet hours: messages go only between `from` and `to` (recipient's local time, minutes after
 * midnight; `from > to` spans midnight). Outside it they wait for the next opening, or are
 * reported and skipped. The zone is `timeZone` (a bound contact field) or the phone's country's.
 */
export interface SendWindow {
  from: number;
  to: number;
  outside: 'wait' | 'skip';
  timeZone?: string;
}

export type ActivityOptions = {
  speedLimit?: SpeedLimit;
  triggerEvent?: { eventDefinitionKey: string };
  /** Minutes after execute within which the message must be sent (Infobip's validityPeriod). */
  validityPeriod?: number;
  /** What stopping or unpublishing the journey version does to the message while it waits. */
  onJourneyStop?: 'cancel' | 'keepSending';
  sendWindow?: SendWindow;
};

type Read<T> = { ok: true; value: T } | { ok: false; messageStatus: string };
const invalid = (problem: string) => ({ ok: false as const, messageStatus: `${messageStatus.invalidRequest}: ${problem}` });

/**
 * Activity settings that act after execute: the sending speed limit (1–100,000 messages per
 * minute, hour or day, as the guide allows), "Trigger Event on Response", the validity period,
 * what a journey stop does, and quiet hours. They are validated here, so a misconfigured
 * activity is told at once, and stored with each message.
 */
export function readActivityOptions(args: ActivityArguments): { ok: true; options: ActivityOptions } | { ok: false; messageStatus: string } {
  const options: ActivityOptions = {};
  if (args.flag('speedLimit.enabled') === true) {
    const amount = args.integer('speedLimit.amount');
    const timeUnit = args.text('speedLimit.timeUnit')?.toUpperCase();
    if (typeof amount !== 'number' || amount < 1 || amount > 100_000) return invalid('speedLimit.amount must be a whole number from 1 to 100000');
    if (!timeUnit || !TIME_UNITS.has(timeUnit)) return invalid('speedLimit.timeUnit must be MINUTE, HOUR or DAY');
    options.speedLimit = { amount, timeUnit: timeUnit as SpeedLimit['timeUnit'] };
  }
  if (args.flag('triggerEventOnResponse') === true) {
    const eventDefinitionKey = args.text('eventDefinitionKey')?.trim();
    if (!eventDefinitionKey || !EVENT_DEFINITION_KEY.test(eventDefinitionKey)) return invalid("eventDefinitionKey must be the Wait Until Event's event definition key");
    options.triggerEvent = { eventDefinitionKey };
  }
  const validity = args.integer('validityPeriod');
  if (validity !== undefined) {
    if (validity === null || validity < 1 || validity > MAX_VALIDITY_MINUTES) return invalid(`validityPeriod must be a whole number of minutes from 1 to ${MAX_VALIDITY_MINUTES}`);
    options.validityPeriod = validity;
  }
  const onStop = args.text('onJourneyStop')?.trim();
  if (onStop !== undefined) {
    if (onStop !== 'cancel' && onStop !== 'keepSending') return invalid('onJourneyStop must be cancel or keepSending');
    options.onJourneyStop = onStop;
  }
  const window = readSendWindow(args);
  if (!window.ok) return window;
  if (window.value) options.sendWindow = window.value;
  return { ok: true, options };
}

function readSendWindow(args: ActivityArguments): Read<SendWindow | undefined> {
  if (args.flag('sendWindow.enabled') !== true) return { ok: true, value: undefined };
  const from = clockMinutes(args.text('sendWindow.from'));
  const to = clockMinutes(args.text('sendWindow.to'));
  if (from === undefined || to === undefined || from === to) return invalid('sendWindow.from and sendWindow.to must be different times as HH:MM (24 h)');
  const outside = args.text('sendWindow.outside')?.trim() ?? 'wait';
  if (outside !== 'wait' && outside !== 'skip') return invalid('sendWindow.outside must be wait or skip');
  const timeZone = args.text('sendWindow.timeZone')?.trim();
  if (timeZone !== undefined && !isTimeZone(timeZone)) return invalid('sendWindow.timeZone must be an IANA time zone such as Europe/Berlin');
  return { ok: true, value: { from, to, outside, ...(timeZone ? { timeZone } : {}) } };
}

function clockMinutes(text: string | undefined): number | undefined {
  const match = text?.trim().match(CLOCK_TIME);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
