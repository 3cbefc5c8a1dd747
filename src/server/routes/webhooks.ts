import type { FastifyInstance } from 'fastify';
import { parseDeliveryWebhook } from '../../reports/delivery-webhook.ts';
import { recordDeliveryReports } from '../../reports/record-reports.ts';
import type { ServerContext } from '../context.ts';

/**
 * Infobip's webhooks. Per-message webhook URLs carry no signature (infobip.md §5.8), so each
 * tenant's URLs contain an unguessable token; the token alone identifies the tenant.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post<{ Params: { token: string }; Body: unknown }>('/hooks/:token/delivery-reports', async (req, reply) => {
    const tenant = await ctx.tenants.byWebhookToken(req.params.token);
    if (!tenant) return reply.code(401).send({ error: 'unauthorized' });
    const parsed = parseDeliveryWebhook(req.body);
    if (!parsed.ok) return reply.code(400).send({ error: 'invalid_request', message: parsed.problem });
    if (parsed.invalid.length > 0) req.log.warn({ tenantId: tenant.id, invalid: parsed.invalid }, 'delivery report entries skipped');
    // Stored durably before we answer: a failure here is a 5xx, and Infobip sends the batch again.
    const outcome = await recordDeliveryReports(ctx.store.db, tenant.id, parsed.reports);
    if (outcome.unknownMessageIds.length > 0) {
      // Answered 200 all the same: Infobip would otherwise retry a report we can never place.
      req.log.warn({ tenantId: tenant.id, messageIds: outcome.unknownMessageIds.slice(0, 20), count: outcome.unknownMessageIds.length }, 'delivery reports for unknown messages');
    }
    if (outcome.changed > 0) ctx.reportsStored();
    return {};
  });
}
