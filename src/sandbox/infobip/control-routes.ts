// The simulator's own control API under /__sim/ — not part of Infobip's contract. It lets the
// sandbox and tests in another process inspect and steer the simulator over HTTP. No auth: the
// simulator listens on loopback by default.
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimMessage } from './types.ts';

export interface SimulatorControl {
  stats(): InfobipStats;
  faults(): InfobipFaults;
  setFaults(patch: Partial<InfobipFaults>): void;
  outcomes(): DeliveryOutcomeMix;
  setOutcomes(mix: DeliveryOutcomeMix): void;
  sentMessages(): Map<string, SimMessage>;
  reset(): void;
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
    app.post('/__sim/reset', async (_req, reply) => {
      sim.reset();
      return reply.code(204).send();
    });
  };
}
