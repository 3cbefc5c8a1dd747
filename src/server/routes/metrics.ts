import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import { sameToken } from './admin.ts';
import type { ServerContext } from '../context.ts';

/**
 * Prometheus metrics. Open unless MC_RELAY_METRICS_TOKEN is set: scrapers often cannot send the
 * admin token, and the admin token opens far more than counters. With the token set, the scraper
 * sends `Authorization: Bearer <token>` (Prometheus `authorization.credentials`).
 */
export async function metricsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/metrics', async (req, reply) => {
    if (ctx.metricsToken) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!given || !sameToken(given, ctx.metricsToken)) return reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <MC_RELAY_METRICS_TOKEN>' });
    }
    const registry = ctx.backgroundMetrics
      ? AggregatorRegistry.aggregate([await ctx.metrics.registry.getMetricsAsJSON(), await ctx.backgroundMetrics()])
      : ctx.metrics.registry;
    return reply.type(ctx.metrics.registry.contentType).send(await registry.metrics());
  });
}
