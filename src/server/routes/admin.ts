import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { digits } from '../../reports/inbound-webhook.ts';
import { deleteSuppression } from '../../store/sql/deleteSuppression.ts';
import { insertSuppressions } from '../../store/sql/insertSuppressions.ts';
import { listTenants } from '../../store/sql/listTenants.ts';
import { selectSuppressions } from '../../store/sql/selectSuppressions.ts';
import { selectWritebackProblems } from '../../store/sql/selectWritebackProblems.ts';
import { AddInfobipAccountBody, addInfobipAccount } from '../../tenants/add-infobip-account.ts';
import { CreateTenantBody, createTenant } from '../../tenants/create-tenant.ts';
import { describeTenant } from '../../tenants/describe-tenant.ts';
import { UpdateReportSettingsBody } from '../../tenants/report-settings.ts';
import { updateReportSettings } from '../../tenants/update-report-settings.ts';
import type { ServerContext } from '../context.ts';

/** Compares digests so the comparison takes the same time whatever the guess. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The operator's API, under /admin, authenticated with the bearer token MC_RELAY_ADMIN_TOKEN. */
export async function adminRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // onRequest, before the body is read or validated: a caller without the token learns nothing, not even the schema.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ctx.adminToken) return reply.code(503).send({ error: 'admin_disabled', message: 'set MC_RELAY_ADMIN_TOKEN to enable the admin API' });
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !sameToken(given, ctx.adminToken)) return reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <MC_RELAY_ADMIN_TOKEN>' });
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
}
