// The simulator's own control API under /__sim/ — not part of Infobip's contract. It lets the
// sandbox and tests in another process inspect and steer the simulator over HTTP. No auth: the
// simulator listens on loopback by default.
import type { FastifyPluginAsync } from 'fastify';
import type { ReplyRequest } from './engagement.ts';
import type { Subscription } from './subscriptions.ts';
import type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimMessage } from './types.ts';

export interface SimulatorControl {
  stats(): InfobipStats;
  faults(): InfobipFaults;
  setFaults(patch: Partial<InfobipFaults>): void;
  outcomes(): DeliveryOutcomeMix;
  setOutcomes(mix: DeliveryOutcomeMix): void;
  sentMessages(): Map<string, SimMessage>;
  reset(): void;
  subscribe(subscription: Subscription): void;
  subscriptions(): Subscription[];
  /** The recipient of a message clicks its link; answers where the click report goes. */
  click(messageId: string, url?: string): { url: string; notifyUrls: string[] };
  /** An end user replies; answers the inbound message's id and where it goes. */
  reply(reply: ReplyRequest): { messageId: string; notifyUrl: string };
}

export function controlRoutes(sim: SimulatorControl): FastifyPluginAsync {
  return async (app) => {
    // Invalid settings come back as 400 with the reason instead of silently doing nothing.
    app.setErrorHandler((error: { statusCode?: number; message: string }, _req, reply) =>
      reply.code(error.statusCode && error.statusCode < 500 ? error.statusCode : 400).send({ error: error.message }),
    );

    app.get('/__sim/stats', async () => sim.stats());
    app.get('/__sim/messages', async () => [...sim.sentMessages().values()]);
    app.get('/__sim/faults', async () => sim.faults());
    app.put('/__sim/faults', async (req) => {
      sim.setFaults(req.body as Partial<InfobipFaults>);
      return sim.faults();
    });
    app.get('/__sim/outcomes', async () => sim.outcomes());
    app.put('/__sim/outcomes', async (req) => {
      sim.setOutcomes(req.body as DeliveryOutcomeMix);
      return sim.outcomes();
    });
    app.get('/__sim/subscriptions', async () => sim.subscriptions());
    app.post('/__sim/subscriptions', async (req, reply) => {
      sim.subscribe(req.body as Subscription);
      return reply.code(201).send(sim.subscriptions());
    });
    app.post('/__sim/click', async (req) => {
      const body = (req.body ?? {}) as { messageId?: unknown; url?: unknown };
      if (typeof body.messageId !== 'string') throw Object.assign(new Error('messageId must be the id of a message the simulator accepted'), { statusCode: 400 });
      return sim.click(body.messageId, typeof body.url === 'string' ? body.url : undefined);
    });
    app.post('/__sim/reply', async (req) => sim.reply((req.body ?? {}) as ReplyRequest));
    app.post('/__sim/reset', async (_req, reply) => {
      sim.reset();
      return reply.code(204).send();
    });
  };
}
