import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJson } from '../../http/parse-json.ts';
import { parseClickWebhook } from '../../reports/click-webhook.ts';
import { parseInboundWebhook } from '../../reports/inbound-webhook.ts';
import { recordClicks } from '../../reports/record-clicks.ts';
import { recordInbound } from '../../reports/record-inbound.ts';
import { recordDeliveryReports, recordSeenReports } from '../../reports/record-reports.ts';
import { parseReportWebhook } from '../../reports/report-webhook.ts';
import { webhookRequestAllowed } from '../../reports/webhook-security.ts';
import { reportSettings } from '../../tenants/report-settings.ts';
import type { Tenant } from '../../tenants/tenant.ts';
import type { ServerContext } from '../context.ts';

/**
 * A subscription's notification profile may batch up to 2,000 reports per POST (`maxBucketSize`),
 * about 1.6 MB; the server-wide 1 MB limit would refuse such a batch forever.
 */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

type HookRequest = FastifyRequest<{ Params: { token: string }; Body: Buffer }>;

/**
 * Infobip's webhooks. Per-message webhook URLs carry no signature (infobip.md §5.8), so each
 * tenant's URLs contain an unguessable token; the token identifies the tenant. Clicks and inbound
 * messages reach us through Infobip subscriptions (CLICK) and inbound configurations, which a
 * tenant may secure (Basic or HMAC): that is checked there too. Delivery and seen reports come
 * to the URLs we put on every message, which Infobip never signs: the token alone guards them.
 * Whatever fails: 401, with nothing stored and nothing said about why.
 */
export async function webhookRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Bodies are kept raw: an HMAC signature is over the exact bytes, and nothing is parsed before the caller is known.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  /** The tenant a request authenticates as, and its body; undefined once the answer is sent. */
  const authenticate = async (req: HookRequest, reply: FastifyReply, secured: boolean): Promise<{ tenant: Tenant; body: unknown } | undefined> => {
    const tenant = await ctx.tenants.byWebhookToken(req.params.token);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!tenant || (secured && !webhookRequestAllowed(tenant.secrets.webhookSecurity, req.headers, raw))) {
      reply.code(401).send({ error: 'unauthorized' });
      return undefined;
    }
    const body = parseJson(raw.toString('utf8'));
    if (body === undefined) {
      reply.code(400).send({ error: 'invalid_request', message: 'the body must be JSON' });
      return undefined;
    }
    return { tenant, body };
  };
  /** `secured`: fed by subscriptions, so the tenant's subscription security applies. */
  const route = (path: string, secured: boolean, handle: (tenant: Tenant, body: unknown, req: HookRequest, reply: FastifyReply) => Promise<unknown>) =>
    app.post<{ Params: { token: string }; Body: Buffer }>(path, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
      const known = await authenticate(req, reply, secured);
      return known ? handle(known.tenant, known.body, req, reply) : reply;
    });

  // Delivery and seen reports share one handler: WhatsApp sends both to its notifyUrl.
  for (const path of ['/hooks/:token/delivery-reports', '/hooks/:token/seen-reports']) {
    route(path, false, async (tenant, body, req, reply) => {
      const parsed = parseReportWebhook(body);
      if (!parsed.ok) return reply.code(400).send({ error: 'invalid_request', message: parsed.problem });
      if (parsed.invalid.length > 0) req.log.warn({ tenantId: tenant.id, invalid: parsed.invalid }, 'report entries skipped');
      // Stored durably before we answer: a failure here is a 5xx, and Infobip sends the batch again.
      const delivered = await recordDeliveryReports(ctx.store.db, tenant.id, parsed.deliveries);
      const seen = await recordSeenReports(ctx.store.db, tenant.id, parsed.seen);
      warnUnknown(req, tenant, [...delivered.unknownMessageIds, ...seen.unknownMessageIds]);
      if (delivered.changed + seen.changed > 0) ctx.reportsStored();
      return {};
    });
  }

  route('/hooks/:token/clicks', true, async (tenant, body, req, reply) => {
    const parsed = parseClickWebhook(body);
    if (!parsed.ok) return reply.code(400).send({ error: 'invalid_request', message: parsed.problem });
    const recorded = await recordClicks(ctx.store.db, tenant.id, parsed.clicks);
    warnUnknown(req, tenant, recorded.unknownMessageIds);
    if (recorded.changed > 0) ctx.reportsStored();
    return {};
  });

  route('/hooks/:token/inbound', true, async (tenant, body, req, reply) => {
    const parsed = parseInboundWebhook(body);
    if (!parsed.ok) return reply.code(400).send({ error: 'invalid_request', message: parsed.problem });
    if (parsed.invalid.length > 0) req.log.warn({ tenantId: tenant.id, invalid: parsed.invalid }, 'inbound entries skipped');
    const recorded = await recordInbound(ctx.store.db, tenant.id, reportSettings(tenant.settings), parsed.messages);
    ctx.suppressions.add(tenant.id, recorded.optedOut);
    if (recorded.optedOut.length > 0) req.log.info({ tenantId: tenant.id, count: recorded.optedOut.length }, 'numbers opted out');
    if (recorded.stored > 0) ctx.reportsStored();
    if (recorded.eventsQueued > 0) ctx.journeyEventsQueued();
    return {};
  });
}

function warnUnknown(req: FastifyRequest, tenant: Tenant, unknown: string[]): void {
  // Answered 200 all the same: Infobip would otherwise retry a report we can never place.
  if (unknown.length > 0) req.log.warn({ tenantId: tenant.id, messageIds: unknown.slice(0, 20), count: unknown.length }, 'reports for unknown messages');
}
