import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import { RateLimiter, tooManyAttempts } from '../../security/rate-limit.ts';
import { ADMIN_FAILURES_PER_MINUTE, sameToken } from './admin.ts';
import type { ServerContext } from '../context.ts';

/**
 * Prometheus metrics. Open unless MC_RELAY_METRICS_TOKEN is set: scrapers often cannot send the
 * admin token, and the admin token opens far more than counters. With the token set, the scraper
 * sends `Authorization: Bearer <token>` (Prometheus `authorization.credentials`).
 */
export async function metricsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // An operator-chosen token, limited as the admin token is: wrong ones per client address.
  const failures = new RateLimiter(ADMIN_FAILURES_PER_MINUTE, 60_000);
  app.get('/metrics', async (req, reply) => {
    if (ctx.metricsToken) {
      const wait = failures.retryAfter(req.ip);
      if (wait > 0) return tooManyAttempts(reply, wait, 'Too many requests with a wrong metrics token from this address. Wait a minute and try again.');
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!given || !sameToken(given, ctx.metricsToken)) {
        failures.count(req.ip);
        return reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <MC_RELAY_METRICS_TOKEN>' });
      }
    }
    const registry = ctx.backgroundMetrics
      ? AggregatorRegistry.aggregate([await ctx.metrics.registry.getMetricsAsJSON(), await ctx.backgroundMetrics()])
      : ctx.metrics.registry;
    return reply.type(ctx.metrics.registry.contentType).send(await registry.metrics());
  });
}
