import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cancelWaiting } from '../../dispatch/cancellation.ts';
import { listTenants } from '../../store/sql/listTenants.ts';
import { AddInfobipAccountBody, addInfobipAccount } from '../../tenants/add-infobip-account.ts';
import { CreateTenantBody, createTenant } from '../../tenants/create-tenant.ts';
import { describeTenant } from '../../tenants/describe-tenant.ts';
import type { ServerContext } from '../context.ts';

/** Compares digests so the comparison takes the same time whatever the guess. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The operator's API, under /admin, authenticated with the bearer token MC_RELAY_ADMIN_TOKEN. */
export async function adminRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
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
    return tenant ? describeTenant(ctx.publicUrl, tenant) : reply.code(404).send({ error: 'not_found' });
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
