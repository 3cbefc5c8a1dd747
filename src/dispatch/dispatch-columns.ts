import type { SpeedLimit } from '../channels/channel.ts';
import { type ActivityOptions, MAX_VALIDITY_MINUTES } from '../journey/activity-options.ts';
import type { MessagesTable } from '../store/schema.ts';

const UNIT_US: Record<SpeedLimit['timeUnit'], number> = { MINUTE: 60e6, HOUR: 3600e6, DAY: 86_400e6 };

export type DispatchColumns = Pick<MessagesTable, 'flow_key' | 'pace_interval_us' | 'cancel_on_stop' | 'expires_at'>;

/**
 * A message's flow: its tenant, journey version and activity. The guide sets the sending speed
 * limit "per journey version and activity"; Journey Builder's execute `journeyId` names the
 * version (the lifecycle calls' `interactionId`), so a new version starts a new flow.
 */
export function flowKey(tenantId: string, journeyId: string | null, activityId: string): string {
  return JSON.stringify([tenantId, journeyId ?? '', activityId]);
}

/** The even spacing a speed limit asks for: 500 per hour is one message every 7.2 s. */
export function paceIntervalUs(limit: SpeedLimit): number {
  return Math.round(UNIT_US[limit.timeUnit] / limit.amount);
}

/** What the dispatcher needs of a message's activity options, as columns it can claim and cancel on. */
export function dispatchColumns(tenantId: string, journeyId: string | null, activityId: string, options: Pick<ActivityOptions, 'speedLimit' | 'validityPeriod' | 'onJourneyStop'>, now: number): DispatchColumns {
  return {
    flow_key: flowKey(tenantId, journeyId, activityId),
    pace_interval_us: options.speedLimit ? paceIntervalUs(options.speedLimit) : null,
    cancel_on_stop: options.onJourneyStop === 'keepSending' ? 0 : 1,
    expires_at: now + (options.validityPeriod ?? MAX_VALIDITY_MINUTES) * 60_000,
  };
}
