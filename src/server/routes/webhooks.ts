import type { FastifyInstance } from 'fastify';
import { recordDeliveryReports, recordSeenReports } from '../../reports/record-reports.ts';
import { parseReportWebhook } from '../../reports/report-webhook.ts';
import type { ServerContext } from '../context.ts';

/**
 * A subscription's notification profile may batch up to 2,000 reports per POST (`maxBucketSize`),
 * about 1.6 MB; the server-wide 1 MB limit would refuse such a batch forever.
 */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Infobip's webhooks. Per-message webhook URLs carry no signature (infobip.md §5.8), so each
 * tenant's URLs contain an unguessable token; the token alone identifies the tenant.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Delivery and seen reports share one handler: WhatsApp sends both to its notifyUrl.
  for (const path of ['/hooks/:token/delivery-reports', '/hooks/:token/seen-reports']) {
    app.post<{ Params: { token: string }; Body: unknown }>(path, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
      const tenant = await ctx.tenants.byWebhookToken(req.params.token);
      if (!tenant) return reply.code(401).send({ error: 'unauthorized' });
      const parsed = parseReportWebhook(req.body);
      if (!parsed.ok) return reply.code(400).send({ error: 'invalid_request', message: parsed.problem });
      if (parsed.invalid.length > 0) req.log.warn({ tenantId: tenant.id, invalid: parsed.invalid }, 'report entries skipped');
      // Stored durably before we answer: a failure here is a 5xx, and Infobip sends the batch again.
      const delivered = await recordDeliveryReports(ctx.store.db, tenant.id, parsed.deliveries);
      const seen = await recordSeenReports(ctx.store.db, tenant.id, parsed.seen);
      const unknown = [...delivered.unknownMessageIds, ...seen.unknownMessageIds];
      if (unknown.length > 0) {
        // Answered 200 all the same: Infobip would otherwise retry a report we can never place.
        req.log.warn({ tenantId: tenant.id, messageIds: unknown.slice(0, 20), count: unknown.length }, 'reports for unknown messages');
      }
      if (delivered.changed + seen.changed > 0) ctx.reportsStored();
      return {};
    });
  }
}
