import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Kysely } from 'kysely';
import { cancelWaiting } from '../dispatch/cancellation.ts';
import type { SfmcClient } from '../sfmc/client.ts';
import type { Database } from '../store/schema.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** The body of save/validate/publish/stop/unpublish (sfmc.md §1.4); other fields are ignored. */
const LifecycleBody = Type.Object({
  activityObjectID: Type.String({ minLength: 1 }),
  interactionId: Type.String({ minLength: 1 }),
  interactionVersion: Type.Union([Type.String({ pattern: '^\\d+$' }), Type.Integer({ minimum: 1 })]),
});
type LifecycleBody = Static<typeof LifecycleBody>;
const checkLifecycleBody = TypeCompiler.Compile(LifecycleBody);

/** What SFMC says about a version that really was stopped (or unpublished) — getInteractions' statuses. */
const confirmingStatuses = {
  stop: new Set(['Stopped', 'Deleted']),
  unpublish: new Set(['Unpublished', 'Stopped', 'Deleted']),
} as const;

export type StopCall = keyof typeof confirmingStatuses;

export const isStopCall = (call: string): call is StopCall => call in confirmingStatuses;

export type StopOutcome =
  | { kind: 'cancelled'; messages: number }
  /** The body names no journey version: nothing to cancel. */
  | { kind: 'unreadable'; problem: string }
  /** Unsigned, and SFMC does not confirm the version stopped: maybe forged, nothing cancelled. */
  | { kind: 'not_confirmed'; reason: string };

/**
 * `stop` and `unpublish` cancel the version's waiting messages of this activity (those whose
 * activity keeps "cancel", the default). Journey Builder usually sends these calls unsigned
 * (sfmc.md §1.4), and anyone who knows the URL could forge one: a signed call (verified by the
 * route) is trusted as it is, an unsigned one only once SFMC itself says the version is stopped
 * (or unpublished), through the tenant's own API integration.
 */
export async function cancelOnJourneyStop(
  deps: { db: Kysely<Database>; sfmc: SfmcClient },
  tenant: Tenant,
  call: StopCall,
  body: unknown,
  signed: boolean,
): Promise<StopOutcome> {
  if (!checkLifecycleBody.Check(body)) {
    const error = checkLifecycleBody.Errors(body).First();
    return { kind: 'unreadable', problem: `${error?.path.replace(/^\//, '') || 'body'} ${error?.message.toLowerCase() ?? 'is invalid'}` };
  }
  const target = body as LifecycleBody;
  const version = Number(target.interactionVersion);
  if (!signed) {
    const status = await deps.sfmc.journeyStatus(tenant, target.interactionId, version);
    if (status.kind !== 'ok') return { kind: 'not_confirmed', reason: `SFMC could not confirm the journey version's status: ${status.reason}` };
    if (!confirmingStatuses[call].has(status.value)) return { kind: 'not_confirmed', reason: `SFMC says journey version ${version} is ${status.value}` };
  }
  const cancelled = await cancelWaiting(deps.db, {
    tenantId: tenant.id,
    journeyId: target.interactionId,
    activityId: target.activityObjectID,
    reason: call === 'stop' ? 'JOURNEY_STOPPED' : 'JOURNEY_UNPUBLISHED',
  });
  return { kind: 'cancelled', messages: cancelled.length };
}
