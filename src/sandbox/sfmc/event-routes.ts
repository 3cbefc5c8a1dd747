// interaction/v1/events: fires a journey API event (postEvent.md, how-to-fire-an-event.md,
// sfmc.md §3.6): 201 {eventInstanceId}; 400 for an unknown event definition key or a Data field
// the event's data extension does not have.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import { tokenOf } from './rest-auth.ts';
import { restError } from './sfmc-errors.ts';

/** The REST error code SFMC uses for validation failures (sfmc.md §3.7). */
const VALIDATION_ERROR = 10000;

export function registerEventRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/interaction/v1/events', async (req, reply) => {
    const { accountId } = tokenOf(req);
    if (!ctx.validators.postEvent(req.body)) return reply.code(400).send(restError(ctx.validators.postEvent.lastError(), VALIDATION_ERROR));
    const body = req.body as { ContactKey: string; EventDefinitionKey: string; Data?: Record<string, unknown> };
    const definition = ctx.eventDefinitions.get(accountId)?.get(body.EventDefinitionKey);
    if (!definition) return reply.code(400).send(restError(`Event definition key ${body.EventDefinitionKey} was not found.`, VALIDATION_ERROR));
    const data = body.Data ?? {};
    const de = definition.dataExtensionKey ? ctx.des.byKey(accountId, definition.dataExtensionKey) : undefined;
    const unknown = de ? Object.keys(data).find((field) => !de.field(field)) : undefined;
    if (unknown) return reply.code(400).send(restError(`Validation exception: ${unknown} is not a field of the event's data extension.`, VALIDATION_ERROR));
    const eventInstanceId = randomUUID();
    ctx.events.push({ eventInstanceId, accountId, ContactKey: body.ContactKey, EventDefinitionKey: body.EventDefinitionKey, Data: data, firedAt: new Date() });
    return reply.code(201).send({ eventInstanceId });
  });
}
