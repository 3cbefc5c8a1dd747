import type { FastifyInstance, FastifyReply } from 'fastify';
import { activityConfig, findActivity, lifecycleCalls } from '../../journey/activity-config.ts';
import { cancelOnJourneyStop, isStopCall } from '../../journey/journey-stop.ts';
import { verifyTenantJwt } from '../../journey/jwt.ts';
import { executeMessage } from '../../journey/message-execute.ts';
import { executeReports } from '../../journey/reports-execute.ts';
import { executeSplit } from '../../journey/split-execute.ts';
import { activityBaseUrl } from '../../tenants/describe-tenant.ts';
import type { ServerContext } from '../context.ts';
import { activityIcon } from './activity-assets.ts';
import { activityPage, uiSecurityHeaders } from './activity-ui.ts';

interface ActivityParams {
  tenantKey: string;
  activity: string;
}

const unauthorized = (reply: FastifyReply) =>
  reply.code(401).send({ error: 'unauthorized', message: 'the body must be a JWT signed with this tenant\'s JWT signing secret (HS256)' });

/**
 * The Journey Builder side of the activities, under /t/{tenantKey}/activities/{activity}/:
 * config.json and the UI assets, execute, and the lifecycle calls.
 */
export async function activityRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const optedOut = (tenantId: string, to: string) => ctx.suppressions.has(tenantId, to);
  // Journey Builder sends signed bodies as raw compact JWS text.
  app.addContentTypeParser('application/jwt', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const resolve = async (params: ActivityParams) => {
    const activity = findActivity(params.activity);
    const tenant = activity ? await ctx.tenants.byUrlKey(params.tenantKey) : undefined;
    return activity && tenant ? { activity, tenant } : undefined;
  };

  app.get<{ Params: ActivityParams }>('/t/:tenantKey/activities/:activity/config.json', async (req, reply) => {
    const found = await resolve(req.params);
    if (!found) return reply.code(404).send({ error: 'not_found' });
    return activityConfig(found.activity, activityBaseUrl(ctx.publicUrl, found.tenant, found.activity.id));
  });

  for (const path of ['/t/:tenantKey/activities/:activity/', '/t/:tenantKey/activities/:activity/index.html']) {
    app.get<{ Params: ActivityParams }>(path, async (req, reply) => {
      const found = await resolve(req.params);
      if (!found) return reply.code(404).send({ error: 'not_found' });
      return uiSecurityHeaders(reply, ctx.frameAncestors).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(await activityPage(found.activity.id));
    });
  }

  app.get<{ Params: ActivityParams }>('/t/:tenantKey/activities/:activity/icon.svg', async (req, reply) => {
    if (!(await resolve(req.params))) return reply.code(404).send({ error: 'not_found' });
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(activityIcon);
  });

  app.post<{ Params: ActivityParams; Body: unknown }>('/t/:tenantKey/activities/:activity/execute', async (req, reply) => {
    const found = await resolve(req.params);
    const decoded = found && typeof req.body === 'string' ? verifyTenantJwt(req.body.trim(), found.tenant) : undefined;
    if (!found || !decoded) return unauthorized(reply);
    try {
      if (found.activity.id === 'message') return await executeMessage(found.tenant, decoded, ctx.outbox, optedOut);
      if (found.activity.id === 'split') return await executeSplit(ctx.store.db, found.tenant, decoded);
      return await executeReports(ctx.store.db, found.tenant, decoded);
    } catch (error) {
      // Nothing was stored: a 5xx makes Journey Builder retry instead of moving the contact on.
      req.log.error({ err: error }, 'execute could not store its work');
      return reply.code(503).send({ error: 'unavailable', message: 'the message could not be stored; Journey Builder will retry' });
    }
  });

  app.post<{ Params: ActivityParams & { call: string }; Body: unknown }>('/t/:tenantKey/activities/:activity/:call', async (req, reply) => {
    if (!(lifecycleCalls as readonly string[]).includes(req.params.call)) return reply.code(404).send({ error: 'not_found' });
    const found = await resolve(req.params);
    if (!found) return unauthorized(reply);
    // Journey Builder signs lifecycle calls only sometimes (sfmc.md §1.4); when it does, we verify.
    const decoded = typeof req.body === 'string' ? verifyTenantJwt(req.body.trim(), found.tenant) : req.body;
    if (typeof req.body === 'string' && !decoded) return unauthorized(reply);
    const { call } = req.params;
    req.log.info({ tenantId: found.tenant.id, activity: found.activity.id, call }, 'activity lifecycle call');
    if (found.activity.id !== 'message' || !isStopCall(call)) return {};
    // Journey Builder only needs a 200; what happened to the waiting messages is logged.
    const outcome = await cancelOnJourneyStop({ db: ctx.store.db, sfmc: ctx.sfmc }, found.tenant, call, decoded, typeof req.body === 'string');
    const log = outcome.kind === 'cancelled' ? req.log.info.bind(req.log) : req.log.warn.bind(req.log);
    log({ tenantId: found.tenant.id, call, outcome }, outcome.kind === 'cancelled' ? 'waiting messages cancelled' : 'journey stop did not cancel messages; the admin API can');
    return {};
  });
}

