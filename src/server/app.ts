import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ServerContext } from './context.ts';
import { lazyRequestLogger } from './lazy-request-logger.ts';
import { activityRoutes } from './routes/activities.ts';
import { adminRoutes } from './routes/admin.ts';
import { activityUiRoutes } from './routes/activity-ui.ts';
import { configAppRoutes } from './routes/config-app.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/** Webhook URLs carry their tenant's token: never let one reach a log line. */
export function redactUrl(url: string): string {
  return url.replace(/\/hooks\/[^/?]+/, '/hooks/[token]');
}

/** `trustProxy` (ConnectorConfig) decides what `req.ip`, the key of the failure limits, is. */
export function buildServer(ctx: ServerContext, log: Logger, trustProxy: boolean | string = false): FastifyInstance {
  const app = Fastify({
    trustProxy,
    loggerInstance: log as FastifyBaseLogger,
    // One log line per request would cost more than execute itself, and request URLs hold webhook tokens.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: 1024 * 1024,
    // Journey Builder and Infobip keep connections open; keep them alive longer than they do.
    keepAliveTimeout: 65_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error.validation) {
      const first = error.validation[0];
      const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
      const extra = params?.additionalProperty;
      const path = [first?.instancePath.replace(/^\//, '').replaceAll('/', '.'), params?.missingProperty ?? extra].filter(Boolean).join('.');
      const message = extra
        ? `${path} is not an accepted property`
        : params?.missingProperty
          ? `${path} is required`
          : `${path || 'body'} ${first?.message ?? 'is invalid'}`;
      return reply.code(400).send({ error: 'invalid_request', field: path || undefined, message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) req.log.error({ err: error, url: redactUrl(req.url) }, 'request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'invalid_request', message: status >= 500 ? 'internal error' : error.message });
  });

  app.register(async (scope) => activityRoutes(scope, ctx));
  app.register(async (scope) => activityUiRoutes(scope, ctx));
  app.register(async (scope) => webhookRoutes(scope, ctx));
  app.register(async (scope) => adminRoutes(scope, ctx), { prefix: '/admin' });
  app.register(async (scope) => healthRoutes(scope, ctx));
  app.register(async (scope) => configAppRoutes(scope, ctx));
  app.register(async (scope) => metricsRoutes(scope, ctx));
  return app;
}
