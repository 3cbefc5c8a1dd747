// Defaults and checked updates for the fault knobs and the outcome mix. The same checks guard the
// programmatic setters and the /__sim/ control API, so a typo in a test fails loudly instead of
// silently running without the fault it meant to inject.
import type { DeliveryOutcomeMix, InfobipFaults } from './types.ts';

export const NO_FAULTS: Readonly<InfobipFaults> = {
  latencyMs: 0,
  rate429: 0,
  retryAfterSeconds: 1,
  rate5xx: 0,
  timeoutRate: 0,
  webhookDropRate: 0,
  webhookDuplicateRate: 0,
  webhookReorder: false,
  failingManagementCalls: [],
};

export const DEFAULT_OUTCOMES: Readonly<DeliveryOutcomeMix> = { delivered: 90, undeliverable: 5, expired: 3, rejected: 2 };

const PROBABILITIES = ['rate429', 'rate5xx', 'timeoutRate', 'webhookDropRate', 'webhookDuplicateRate'] as const;
const NON_NEGATIVE = ['latencyMs', 'retryAfterSeconds'] as const;

const MANAGEMENT_CALL = /^(GET|POST|PUT|PATCH|DELETE) \/[^\s?]*$/;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Returns `current` updated with `patch`; throws on unknown keys or out-of-range values. */
export function mergeFaults(current: InfobipFaults, patch: unknown): InfobipFaults {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new Error('faults must be an object');
  const next: InfobipFaults = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if ((PROBABILITIES as readonly string[]).includes(key)) {
      if (!isNumber(value) || value < 0 || value > 1) throw new Error(`${key} must be a number between 0 and 1`);
    } else if ((NON_NEGATIVE as readonly string[]).includes(key)) {
      if (!isNumber(value) || value < 0) throw new Error(`${key} must be a non-negative number`);
    } else if (key === 'webhookReorder') {
      if (typeof value !== 'boolean') throw new Error('webhookReorder must be a boolean');
    } else if (key === 'failingManagementCalls') {
      if (!Array.isArray(value) || !value.every((call) => typeof call === 'string' && MANAGEMENT_CALL.test(call))) {
        throw new Error('failingManagementCalls must be a list of "METHOD /path" strings, e.g. "POST /subscriptions/1/subscription/RCS"');
      }
    } else {
      throw new Error(`unknown fault ${key}`);
    }
    Object.assign(next, { [key]: value });
  }
  return next;
}

/** Validates a complete outcome mix (non-negative weights, at least one positive). */
export function checkOutcomes(mix: unknown): DeliveryOutcomeMix {
  if (typeof mix !== 'object' || mix === null) throw new Error('outcomes must be an object');
  const m = mix as Record<string, unknown>;
  const keys = Object.keys(DEFAULT_OUTCOMES) as (keyof DeliveryOutcomeMix)[];
  const unknown = Object.keys(m).filter((k) => !(keys as string[]).includes(k));
  if (unknown.length) throw new Error(`unknown outcome ${unknown.join(', ')}`);
  const out = {} as DeliveryOutcomeMix;
  for (const key of keys) {
    const w = m[key];
    if (!isNumber(w) || w < 0) throw new Error(`${key} must be a non-negative number`);
    out[key] = w;
  }
  if (keys.every((k) => out[k] === 0)) throw new Error('at least one outcome weight must be positive');
  return out;
}
