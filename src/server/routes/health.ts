import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ServerContext } from '../context.ts';

export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  /** Ready means the store answers: without it execute cannot accept anything. */
  app.get('/health', async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: 'ok', database: ctx.store.dialect };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: ctx.store.dialect });
    }
  });
}
