// A local stand-in for Infobip's SMS API (POST /sms/3/messages + delivery-report webhooks) that
// follows the published OpenAPI document, with injectable faults, so the connector can be run
// and tested end to end without an Infobip account.
import type { AddressInfo, Socket } from 'node:net';
import Fastify from 'fastify';
import { controlRoutes } from './control-routes.ts';
import { DEFAULT_OUTCOMES, NO_FAULTS, checkOutcomes, mergeFaults } from './faults.ts';
import { Ledger } from './ledger.ts';
import { createRandom } from './random.ts';
import { sendSmsRoute } from './send-sms-route.ts';
import { deliveryReportsValidator, sendSmsRequestValidator } from './sms-spec.ts';
import type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimMessage } from './types.ts';
import { WebhookDispatcher, type WebhookRetry } from './webhook-dispatcher.ts';

export type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimMessage } from './types.ts';
export type { WebhookRetry } from './webhook-dispatcher.ts';

export interface InfobipSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Keys accepted in `Authorization: App <key>`. */
  apiKeys: string[];
  /** Pause before the delivery report is POSTed, fixed or a [min, max] range (default [50, 300]). */
  deliveryDelayMs?: number | [number, number];
  /** Default { delivered: 90, undeliverable: 5, expired: 3, rejected: 2 }. */
  outcomes?: DeliveryOutcomeMix;
  faults?: Partial<InfobipFaults>;
  /** Deterministic randomness when given. */
  seed?: number;
  /** Webhook retry policy (default 5 attempts, 200 ms × n² before retry n). */
  webhookRetry?: Partial<WebhookRetry>;
  /** Results per webhook POST (default 100, Infobip's default bucket size). */
  webhookBatchSize?: number;
}

export interface InfobipSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  setFaults(f: Partial<InfobipFaults>): void;
  setOutcomes(o: DeliveryOutcomeMix): void;
  stats(): InfobipStats;
  /** By messageId; `timesReceived > 1` means the same messageId was sent again. */
  sentMessages(): Map<string, SimMessage>;
  /** Resolves when every scheduled report has been delivered or given up. */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export async function startInfobipSimulator(opts: InfobipSimulatorOptions): Promise<InfobipSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const random = createRandom(opts.seed);
  let faults = mergeFaults({ ...NO_FAULTS }, opts.faults ?? {});
  let outcomes = checkOutcomes(opts.outcomes ?? DEFAULT_OUTCOMES);
  const [minDelay, maxDelay] = typeof opts.deliveryDelayMs === 'number' ? [opts.deliveryDelayMs, opts.deliveryDelayMs] : (opts.deliveryDelayMs ?? [50, 300]);
  const ledger = new Ledger();
  const dispatcher = new WebhookDispatcher({
    random,
    faults: () => faults,
    ledger,
    batchSize: opts.webhookBatchSize ?? 100,
    retry: { maxAttempts: 5, backoffMs: 200, ...opts.webhookRetry },
  });
  const hungSockets = new Set<Socket>();

  // Compile the spec validators up front: a broken spec file fails start-up, not the first call.
  sendSmsRequestValidator();
  deliveryReportsValidator();

  const control = {
    stats: () => ledger.snapshot(),
    faults: () => ({ ...faults }),
    setFaults: (patch: Partial<InfobipFaults>) => void (faults = mergeFaults(faults, patch)),
    outcomes: () => ({ ...outcomes }),
    setOutcomes: (mix: DeliveryOutcomeMix) => void (outcomes = checkOutcomes(mix)),
    sentMessages: () => new Map(ledger.messages),
    reset: () => ledger.reset(),
  };

  // forceCloseConnections: close() drops every open connection instead of waiting for clients to
  // let go of idle keep-alive sockets (undici even opens a spare one after an aborted request).
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });
  await app.register(
    sendSmsRoute({
      apiKeys: new Set(opts.apiKeys),
      random,
      faults: () => faults,
      outcomes: () => outcomes,
      deliveryDelayMs: () => random.int(minDelay, maxDelay),
      ledger,
      dispatcher,
      hungSockets,
    }),
  );
  await app.register(controlRoutes(control));
  await app.listen({ host, port: opts.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    setFaults: control.setFaults,
    setOutcomes: control.setOutcomes,
    stats: control.stats,
    sentMessages: control.sentMessages,
    flushWebhooks: () => dispatcher.idle(),
    async close() {
      // Hung requests would keep the server from closing; their clients see a dropped socket.
      for (const socket of hungSockets) socket.destroy();
      hungSockets.clear();
      await dispatcher.close();
      await app.close();
    },
  };
}
