// /__sim/: a side door for tests and the sandbox CLI (stats, faults, data extensions). It is not
// part of SFMC, needs no token, ignores faults, and answers only callers on the loopback interface.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import type { DataExtensionDefinition, SfmcFaults } from './types.ts';
import { DefinitionError, DuplicateDataExtensionError } from './data-extension-store.ts';
import { FaultError } from './faults.ts';
import { JOURNEY_STATUSES, type SimJourney } from './journeys.ts';

export function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

export function registerControlRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!isLoopback(req.socket.remoteAddress)) return reply.code(403).send({ message: '/__sim/ is loopback-only' });
  });

  app.get('/stats', async () => ctx.stats.snapshot());

  app.put<{ Body: Partial<SfmcFaults> }>('/faults', async (req, reply) => {
    try {
      ctx.faults.set(req.body);
    } catch (e) {
      if (e instanceof FaultError) return reply.code(400).send({ message: e.message });
      throw e;
    }
    return ctx.faults.get();
  });

  app.post<{ Params: { accountId: string }; Body: DataExtensionDefinition }>('/dataextensions/:accountId', async (req, reply) => {
    try {
      const de = ctx.des.create(req.params.accountId, req.body);
      return reply.code(201).send({ id: de.id, key: de.def.key, accountId: req.params.accountId });
    } catch (e) {
      if (e instanceof DefinitionError) return reply.code(400).send({ message: e.message });
      if (e instanceof DuplicateDataExtensionError) return reply.code(409).send({ message: e.message });
      throw e;
    }
  });

  app.post<{ Params: { accountId: string }; Body: { key?: unknown; dataExtensionKey?: unknown } }>('/eventdefinitions/:accountId', async (req, reply) => {
    const { key, dataExtensionKey } = req.body ?? {};
    if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(key)) return reply.code(400).send({ message: 'key must be an event definition key (no periods)' });
    const definitions = ctx.eventDefinitions.get(req.params.accountId) ?? new Map();
    definitions.set(key, { key, ...(typeof dataExtensionKey === 'string' ? { dataExtensionKey } : {}) });
    ctx.eventDefinitions.set(req.params.accountId, definitions);
    return reply.code(201).send({ key });
  });

  app.get<{ Params: { accountId: string } }>('/events/:accountId', async (req) => ctx.events.filter((e) => e.accountId === req.params.accountId));

  app.put<{ Params: { accountId: string }; Body: SimJourney }>('/journeys/:accountId', async (req, reply) => {
    const j = req.body;
    if (typeof j?.id !== 'string' || !Number.isInteger(j.version) || !(JOURNEY_STATUSES as readonly string[]).includes(j.status)) {
      return reply.code(400).send({ message: `a journey needs id, an integer version and a status among ${JOURNEY_STATUSES.join(', ')}` });
    }
    ctx.journeys.set(req.params.accountId, { id: j.id, key: j.key ?? j.id, name: j.name ?? j.id, version: j.version, status: j.status, activityIds: j.activityIds ?? [] });
    return reply.code(204).send();
  });

  app.get<{ Params: { accountId: string; key: string } }>('/dataextensions/:accountId/:key/rows', async (req, reply) => {
    const de = ctx.des.byKey(req.params.accountId, req.params.key);
    if (!de) return reply.code(404).send({ message: `no data extension '${req.params.key}' in MID ${req.params.accountId}` });
    return [...de.rows.values()];
  });
}
