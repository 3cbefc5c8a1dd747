// Journey versions and `GET /interaction/v1/interactions/{id}?versionNumber=` (getInteractionById in
// specs/sfmc/sfmc-rest-swagger.json): the connector asks it whether a journey version really
// stopped before it cancels messages on an unsigned lifecycle call. Journeys exist per business
// unit; tests and the sandbox set them through /__sim/journeys.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import { tokenOf } from './rest-auth.ts';
import { restError } from './sfmc-errors.ts';

/** The swagger's journey statuses (getInteractions `status` filter). */
export const JOURNEY_STATUSES = ['Draft', 'Published', 'ScheduledToPublish', 'Stopped', 'Unpublished', 'Deleted'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export interface SimJourney {
  id: string;
  key: string;
  name: string;
  version: number;
  status: JourneyStatus;
  /** Activity ids (activityObjectID) of this version. */
  activityIds: string[];
}

export class JourneyStore {
  readonly #versions = new Map<string, SimJourney>();

  set(accountId: string, journey: SimJourney): void {
    this.#versions.set(JSON.stringify([accountId, journey.id, journey.version]), { ...journey });
  }

  get(accountId: string, id: string, version: number): SimJourney | undefined {
    return this.#versions.get(JSON.stringify([accountId, id, version]));
  }
}

export function registerJourneyRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get<{ Params: { id: string }; Querystring: { versionNumber?: string } }>('/interaction/v1/interactions/:id', async (req, reply) => {
    const versionText = req.query.versionNumber ?? '1';
    if (!/^\d+$/.test(versionText)) return reply.code(400).send(restError('versionNumber must be a number.', 10001));
    const journey = ctx.journeys.get(tokenOf(req).accountId, req.params.id, Number(versionText));
    if (!journey) return reply.code(404).send(restError(`Interaction ${req.params.id} version ${versionText} was not found.`, 30003));
    return {
      id: journey.id,
      key: journey.key,
      name: journey.name,
      version: journey.version,
      workflowApiVersion: 1,
      status: journey.status,
      activities: journey.activityIds.map((id) => ({ id, key: `REST-${id.slice(0, 4)}`, type: 'REST' })),
    };
  });
}
