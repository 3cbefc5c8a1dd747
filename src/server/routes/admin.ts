import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { digits } from '../../reports/inbound-webhook.ts';
import { RateLimiter, tooManyAttempts } from '../../security/rate-limit.ts';
import { deleteSuppression } from '../../store/sql/deleteSuppression.ts';
import { insertSuppressions } from '../../store/sql/insertSuppressions.ts';
import { tenantToken } from '../../sfmc/oauth.ts';
import { buildPackage } from '../../sfmc/package.ts';
import { provisionDataExtensions } from '../../sfmc/provision-data-extensions.ts';
import { cancelWaiting } from '../../dispatch/cancellation.ts';
import { listTenants } from '../../store/sql/listTenants.ts';
import { selectSuppressions } from '../../store/sql/selectSuppressions.ts';
import { selectWritebackProblems } from '../../store/sql/selectWritebackProblems.ts';
import { updateInfobipApiKey } from '../../store/sql/updateInfobipApiKey.ts';
import { AddInfobipAccountBody, addInfobipAccount } from '../../tenants/add-infobip-account.ts';
import { CreateTenantBody, createTenant } from '../../tenants/create-tenant.ts';
import { describeTenant } from '../../tenants/describe-tenant.ts';
import { RotateSecretsBody, rotateSecrets } from '../../tenants/rotate-secrets.ts';
import { UpdateReportSettingsBody } from '../../tenants/report-settings.ts';
import { updateReportSettings } from '../../tenants/update-report-settings.ts';
import type { ServerContext } from '../context.ts';

/** Compares digests so the comparison takes the same time whatever the guess. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Wrong admin tokens one client address may send per minute before it must wait. */
export const ADMIN_FAILURES_PER_MINUTE = 10;

/** The operator's API, under /admin, authenticated with the bearer token MC_RELAY_ADMIN_TOKEN. */
export async function adminRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Wrong tokens per client address: past the limit, every request of that address waits, the
  // right token included (else a 429 for wrong and a 200 for right would keep guessing open).
  const failures = new RateLimiter(ADMIN_FAILURES_PER_MINUTE, 60_000);
  // onRequest, before the body is read or validated: a caller without the token learns nothing, not even the schema.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ctx.adminToken) return reply.code(503).send({ error: 'admin_disabled', message: 'set MC_RELAY_ADMIN_TOKEN to enable the admin API' });
    const wait = failures.retryAfter(req.ip);
    if (wait > 0) return tooManyAttempts(reply, wait, 'Too many requests with a wrong admin token from this address. Wait a minute and try again.');
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !sameToken(given, ctx.adminToken)) {
      failures.count(req.ip);
      return reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <MC_RELAY_ADMIN_TOKEN>' });
    }
  });

  app.post<{ Body: CreateTenantBody }>('/tenants', { schema: { body: CreateTenantBody } }, async (req, reply) => {
    const created = await createTenant(ctx.store.db, ctx.box, req.body, ctx.allowPrivateUrls);
    if (!created.ok) return reply.code(400).send({ error: 'invalid_request', field: created.field, message: `${created.field} ${created.problem}` });
    const tenant = await ctx.tenants.byId(created.tenantId);
    return reply.code(201).send(describeTenant(ctx.publicUrl, tenant!));
  });

  app.get('/tenants', async () => {
    const rows = await listTenants(ctx.store.db);
    const tenants = await Promise.all(rows.map((r) => ctx.tenants.byId(r.id)));
    return { tenants: tenants.filter((t) => t !== undefined).map((t) => describeTenant(ctx.publicUrl, t)) };
  });

  app.post<{ Params: { id: string }; Body: AddInfobipAccountBody }>('/tenants/:id/infobip-accounts', { schema: { body: AddInfobipAccountBody } }, async (req, reply) => {
    if (!(await ctx.tenants.byId(req.params.id))) return reply.code(404).send({ error: 'not_found' });
    const added = await addInfobipAccount(ctx.store.db, ctx.box, req.params.id, req.body, ctx.allowPrivateUrls);
    if (!added.ok) return reply.code(400).send({ error: 'invalid_request', field: added.field, message: `${added.field} ${added.problem}` });
    ctx.tenants.forget(req.params.id);
    return reply.code(201).send(describeTenant(ctx.publicUrl, (await ctx.tenants.byId(req.params.id))!));
  });

  // Rotation (SECURITY.md): the replaced JWT secret and webhook token keep working for graceHours.
  app.post<{ Params: { id: string }; Body: RotateSecretsBody }>('/tenants/:id/secrets/rotate', { schema: { body: RotateSecretsBody } }, async (req, reply) => {
    const tenant = await ctx.tenants.byId(req.params.id);
    if (!tenant) return reply.code(404).send({ error: 'not_found' });
    await rotateSecrets(ctx.store.db, ctx.box, tenant, req.body);
    ctx.tenants.forget(tenant.id);
    return describeTenant(ctx.publicUrl, (await ctx.tenants.byId(tenant.id))!);
  });

  app.put<{ Params: { id: string; accountId: string }; Body: { apiKey: string } }>(
    '/tenants/:id/infobip-accounts/:accountId/api-key',
    { schema: { body: Type.Object({ apiKey: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }) } },
    async (req, reply) => {
      if (!(await updateInfobipApiKey(ctx.store.db, req.params.id, req.params.accountId, ctx.box.seal(req.body.apiKey)))) return reply.code(404).send({ error: 'not_found' });
      ctx.tenants.forget(req.params.id);
      return reply.code(204).send();
    },
  );
  /** The SFMC package's data extensions (as `mc-relay package` prints them), under a tenant's keys with `?tenant=<id>`. */
  app.get<{ Querystring: { tenant?: string } }>('/package', async (req, reply) => {
    const tenant = req.query.tenant ? await ctx.tenants.byId(req.query.tenant) : undefined;
    if (req.query.tenant && !tenant) return reply.code(404).send({ error: 'not_found' });
    return reply.header('content-disposition', 'attachment; filename="sfmc-package.json"').send(buildPackage(tenant?.settings.dataExtensions));
  });

  /** "Create / update data extensions" for one tenant: creates missing ones, adds missing fields, reports what it did. */
  app.post<{ Params: { id: string } }>('/tenants/:id/data-extensions', async (req, reply) => {
    const tenant = await ctx.tenants.byId(req.params.id);
    if (!tenant) return reply.code(404).send({ error: 'not_found' });
    const token = await tenantToken(tenant);
    if (!token.ok) return reply.code(400).send({ error: 'invalid_request', field: `sfmc.${token.problem.field}`, message: token.problem.message });
    return { outcomes: await provisionDataExtensions(token.token, tenant.settings.dataExtensions) };
  });

  app.get<{ Params: { id: string } }>('/tenants/:id', async (req, reply) => {
    const tenant = await ctx.tenants.byId(req.params.id);
    return tenant ? describeTenant(ctx.publicUrl, tenant, await selectWritebackProblems(ctx.store.db, tenant.id)) : reply.code(404).send({ error: 'not_found' });
  });

  // Delivery tracking (Native / External), reply window, opt-out keywords, callback data columns, webhook security.
  app.patch<{ Params: { id: string }; Body: UpdateReportSettingsBody }>('/tenants/:id/reports', { schema: { body: UpdateReportSettingsBody } }, async (req, reply) => {
    const tenant = await ctx.tenants.byId(req.params.id);
    if (!tenant) return reply.code(404).send({ error: 'not_found' });
    const updated = await updateReportSettings(ctx.store.db, ctx.box, tenant, req.body, ctx.allowPrivateUrls);
    if (!updated.ok) return reply.code(400).send({ error: 'invalid_request', field: updated.field, message: `${updated.field} ${updated.problem}` });
    ctx.tenants.forget(tenant.id);
    return describeTenant(ctx.publicUrl, (await ctx.tenants.byId(tenant.id))!);
  });

  app.get<{ Params: { id: string } }>('/tenants/:id/suppressions', async (req, reply) => {
    if (!(await ctx.tenants.byId(req.params.id))) return reply.code(404).send({ error: 'not_found' });
    const rows = await selectSuppressions(ctx.store.db, req.params.id);
    return { suppressions: rows.map((r) => ({ destination: r.destination, reason: r.reason, createdAt: new Date(r.created_at).toISOString() })) };
  });

  app.post<{ Params: { id: string }; Body: { destination: string } }>(
    '/tenants/:id/suppressions',
    { schema: { body: Type.Object({ destination: Type.String({ pattern: '^\\+?[0-9 ()-]{5,30}$' }) }, { additionalProperties: false }) } },
    async (req, reply) => {
      if (!(await ctx.tenants.byId(req.params.id))) return reply.code(404).send({ error: 'not_found' });
      const destination = digits(req.body.destination);
      await insertSuppressions(ctx.store.db, [{ tenant_id: req.params.id, destination, reason: 'admin', created_at: Date.now() }]);
      ctx.suppressions.add(req.params.id, [destination]);
      return reply.code(201).send({ destination });
    },
  );

  app.delete<{ Params: { id: string; destination: string } }>('/tenants/:id/suppressions/:destination', async (req, reply) => {
    const destination = digits(req.params.destination);
    if (!(await deleteSuppression(ctx.store.db, req.params.id, destination))) return reply.code(404).send({ error: 'not_found', message: `${destination} is not suppressed` });
    ctx.suppressions.remove(req.params.id, destination);
    return reply.code(204).send();
  });

  // Cancels a journey version's waiting messages, of one activity or all: whatever the activity's
  // "keep sending" choice, since the operator asks explicitly. Each cancelled message is reported.
  // The body is optional (no activityId: every activity of the version), so it is read here.
  app.post<{ Params: { id: string; journeyId: string }; Body: unknown }>('/tenants/:id/journeys/:journeyId/cancel', async (req, reply) => {
    if (!(await ctx.tenants.byId(req.params.id))) return reply.code(404).send({ error: 'not_found' });
    const activityId = (req.body as { activityId?: unknown } | undefined)?.activityId;
    if (activityId !== undefined && (typeof activityId !== 'string' || activityId === '')) {
      return reply.code(400).send({ error: 'invalid_request', field: 'activityId', message: 'activityId must be the activity id (execute activityId, lifecycle activityObjectID)' });
    }
    const cancelled = await cancelWaiting(ctx.store.db, {
      tenantId: req.params.id,
      journeyId: req.params.journeyId,
      ...(activityId ? { activityId } : {}),
      reason: 'CANCELLED_BY_OPERATOR',
    });
    return { cancelledMessages: cancelled.length };
  });
}
