// A local stand-in for Infobip's send APIs — every channel endpoint the connector uses (SMS/LMS,
// MMS, RCS, Viber, WhatsApp template, Kakao Alim/Chingu, Zalo; registry in endpoints.ts) with their
// delivery and seen report webhooks — that follows each channel's published OpenAPI document, with
// injectable faults, so the connector can be run and tested end to end without an Infobip account.
import type { AddressInfo, Socket } from 'node:net';
import Fastify from 'fastify';
import { hasRequestBody, hasWebhook, loadInfobipSpec } from '../openapi.ts';
import { controlRoutes } from './control-routes.ts';
import { buildClick, buildInbound, firstLink, type ReplyRequest, trackingUrlOf } from './engagement.ts';
import { matchesCriteria, type Subscription, subscriptionProblem, subscriptionTarget } from './subscriptions.ts';
import { DEFAULT_OUTCOMES, NO_FAULTS, checkOutcomes, mergeFaults } from './faults.ts';
import { Ledger } from './ledger.ts';
import { logsRoute, SIMULATED_LOGS_ENDPOINTS } from './logs-route.ts';
import { createRandom } from './random.ts';
import { SIMULATED_ENDPOINTS } from './endpoints.ts';
import { accountSubscriptions, MANAGEMENT_ENDPOINTS, newSimAccount, type SimAccount, type SimNumber } from './management-endpoints.ts';
import { managementRoute, operationScopes } from './management-route.ts';
import { acceptedStatus, sendRoute } from './send-route.ts';
import type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimMessage } from './types.ts';
import { WebhookDispatcher, type WebhookRetry } from './webhook-dispatcher.ts';
import { whatsappTemplatesRoute } from './whatsapp-templates.ts';
import { zaloTemplatesRoute } from './zalo-templates.ts';

export type { DeliveryOutcomeMix, InfobipFaults, InfobipStats, SimChannel, SimMessage } from './types.ts';
export { SIMULATED_ENDPOINTS } from './endpoints.ts';
export type { SimulatedEndpoint } from './simulated-endpoint.ts';
export type { SimAccount, SimInboundConfiguration, SimNumber } from './management-endpoints.ts';
export type { WebhookRetry } from './webhook-dispatcher.ts';

export interface InfobipSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Keys accepted in `Authorization: App <key>`. */
  apiKeys: string[];
  /**
   * The API scopes of some keys (e.g. `numbers:manage`); a key not listed has every scope.
   * Management endpoints answer 403 to a key without one of their operation's `x-scopes`.
   */
  apiKeyScopes?: Record<string, string[]>;
  /** The numbers each account (API key) owns; default: one number in each state the app shows. */
  numbers?: SimNumber[];
  /** Pause before the delivery report is POSTed, fixed or a [min, max] range (default [50, 300]). */
  deliveryDelayMs?: number | [number, number];
  /**
   * 0..1 share of delivered messages that are read, for messages that asked for seen reports
   * (RCS/Viber `webhooks.seen.url`, WhatsApp `notifyUrl`). Default 0.6.
   */
  seenRate?: number;
  /** Pause between the DELIVERED report and the seen report, fixed or [min, max] (default [50, 300]). */
  seenDelayMs?: number | [number, number];
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
  /** By messageId, every channel; `timesReceived > 1` means the same messageId was sent again. */
  sentMessages(): Map<string, SimMessage>;
  /** The management state (numbers, configurations, subscriptions…) of the account behind an API key. */
  account(apiKey: string): SimAccount;
  /** Resolves when every scheduled report has been delivered or given up. */
  flushWebhooks(): Promise<void>;
  /** A Subscriptions Management subscription for CLICK and/or INBOUND_MESSAGE events (criteria apply to clicks). */
  subscribe(subscription: Subscription): void;
  /** The recipient of a message clicks its link (or `url`); answers where the click report goes, once per URL. */
  click(messageId: string, url?: string): { url: string; notifyUrls: string[] };
  /** An end user sends a message (a reply) to one of our numbers or senders. */
  reply(reply: ReplyRequest): { messageId: string; notifyUrl: string };
  close(): Promise<void>;
}

export async function startInfobipSimulator(opts: InfobipSimulatorOptions): Promise<InfobipSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const random = createRandom(opts.seed);
  let faults = mergeFaults({ ...NO_FAULTS }, opts.faults ?? {});
  let outcomes = checkOutcomes(opts.outcomes ?? DEFAULT_OUTCOMES);
  const [minDelay, maxDelay] = range(opts.deliveryDelayMs, 'deliveryDelayMs');
  const [minSeen, maxSeen] = range(opts.seenDelayMs, 'seenDelayMs');
  const seenRate = opts.seenRate ?? 0.6;
  if (!(typeof seenRate === 'number' && seenRate >= 0 && seenRate <= 1)) throw new Error('seenRate must be a number between 0 and 1');
  const ledger = new Ledger(SIMULATED_ENDPOINTS.map((e) => e.path));
  const dispatcher = new WebhookDispatcher({
    random,
    faults: () => faults,
    ledger,
    batchSize: opts.webhookBatchSize ?? 100,
    retry: { maxAttempts: 5, backoffMs: 200, ...opts.webhookRetry },
  });
  const hungSockets = new Set<Socket>();

  // Load every spec and look up what the registry names in it (the operation's request body, its
  // documented 200 status, the report webhooks): a missing spec file or a misspelt path or webhook
  // fails start-up, not the first call. Request validators are compiled on each endpoint's first
  // call (all eight take seconds to compile; most runs use one or two channels).
  for (const endpoint of SIMULATED_ENDPOINTS) {
    const spec = loadInfobipSpec(endpoint.specFile);
    if (!hasRequestBody(spec, endpoint.path, 'post')) throw new Error(`${endpoint.specFile} has no request body for POST ${endpoint.path}`);
    acceptedStatus(endpoint);
    for (const report of [endpoint.reports.delivery, endpoint.reports.seen]) {
      if (report && !hasWebhook(spec, report.webhook)) throw new Error(`${endpoint.specFile} has no webhook ${report.webhook}`);
    }
  }

  // Management state lives per API key: one key, one Infobip account.
  const accounts = new Map<string, SimAccount>();
  const accountOf = (apiKey: string) => {
    let account = accounts.get(apiKey);
    if (!account) accounts.set(apiKey, (account = newSimAccount(opts.numbers)));
    return account;
  };
  let subscriptions: Subscription[] = [];
  const subscribed = (event: 'CLICK' | 'INBOUND_MESSAGE') => subscriptions.find((sub) => sub.events.includes(event));
  /**
   * The control API's CLICK subscription, and every one made through the Subscriptions API for the
   * message's channel, that the message matches the criteria of. The ledger does not say which key
   * sent a message, so every account's count: a test that clicks uses one account.
   */
  const clickSubscriptionsOf = (message: SimMessage): Subscription[] =>
    [...[subscribed('CLICK')].filter((s) => s !== undefined), ...[...accounts.values()].flatMap((account) => accountSubscriptions(account, message.channel, 'CLICK'))].filter((s) =>
      matchesCriteria(s, message.platform),
    );
  const fail = (message: string) => Object.assign(new Error(message), { statusCode: 400 });
  /** The latest message accepted for a destination: what a recipient replies to. */
  const latestTo = (destination: string) =>
    [...ledger.messages.values()].filter((m) => m.destination === destination).sort((a, b) => b.lastReceivedAt.getTime() - a.lastReceivedAt.getTime())[0];

  const control = {
    stats: () => ledger.snapshot(),
    faults: () => ({ ...faults }),
    setFaults: (patch: Partial<InfobipFaults>) => void (faults = mergeFaults(faults, patch)),
    outcomes: () => ({ ...outcomes }),
    setOutcomes: (mix: DeliveryOutcomeMix) => void (outcomes = checkOutcomes(mix)),
    sentMessages: () => new Map(ledger.messages),
    reset: () => ledger.reset(),
    subscribe: (subscription: Subscription) => {
      const problem = subscriptionProblem(subscription);
      if (problem) throw fail(problem);
      // A later subscription for an event replaces the earlier one, as one notification profile would.
      subscriptions = [...subscriptions.map((s) => ({ ...s, events: s.events.filter((e) => !subscription.events.includes(e)) })).filter((s) => s.events.length > 0), structuredClone(subscription)];
    },
    subscriptions: () => structuredClone(subscriptions),
    click: (messageId: string, url?: string) => {
      const message = ledger.messages.get(messageId);
      if (!message) throw fail(`no message ${messageId} was accepted`);
      const clicked = url ?? firstLink(message.text) ?? 'https://www.infobip.com';
      const own = trackingUrlOf(message);
      const targets = own ? [{ url: own, stream: 'receive-sms-tracking-notification', unwrapped: true }] : clickSubscriptionsOf(message).map((s) => subscriptionTarget(s, 'receive-sms-tracking-notification', true));
      if (targets.length === 0) throw fail('the message has no trackingUrl and no CLICK subscription takes it (none exists, or none has criteria it matches)');
      const click = buildClick(message, clicked, new Date());
      for (const target of targets) dispatcher.enqueue(target, click, 0);
      return { url: clicked, notifyUrls: targets.map((t) => t.url) };
    },
    reply: (reply: ReplyRequest) => {
      if (typeof reply?.from !== 'string' || !/^\d{5,20}$/.test(reply.from)) throw fail('from must be the replying number, digits only');
      const subscription = subscribed('INBOUND_MESSAGE');
      if (!subscription) throw fail('no INBOUND_MESSAGE subscription exists');
      const latest = latestTo(reply.from);
      const to = reply.to ?? latest?.sender;
      if (!to) throw fail('to is required when no message was sent to this number');
      const format = subscription.format ?? 'MO_JSON_2';
      const stream = format === 'MO_JSON_2' ? 'receive-inbound-sms-messages' : 'receive-messages-api-incoming-messages';
      const built = buildInbound(format, { ...reply, to, channel: reply.channel ?? latest?.channel ?? 'SMS' }, random, new Date());
      dispatcher.enqueue(subscriptionTarget(subscription, stream), built.result, 0);
      return { messageId: built.messageId, notifyUrl: subscription.profile.webhook.notifyUrl };
    },
  };

  // forceCloseConnections: close() drops every open connection instead of waiting for clients to
  // let go of idle keep-alive sockets (undici even opens a spare one after an aborted request).
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });
  const deps = {
    apiKeys: new Set(opts.apiKeys),
    random,
    faults: () => faults,
    outcomes: () => outcomes,
    deliveryDelayMs: () => random.int(minDelay, maxDelay),
    seenRate: () => seenRate,
    seenDelayMs: () => random.int(minSeen, maxSeen),
    ledger,
    dispatcher,
    hungSockets,
    subscribed: (apiKey: string, channel: string, event: 'DELIVERY' | 'SEEN', platform: SimMessage['platform']) =>
      accountSubscriptions(accountOf(apiKey), channel, event).filter((s) => matchesCriteria(s, platform)),
  };
  // One encapsulated plugin per endpoint: each has its own error shape in its error handler.
  for (const endpoint of SIMULATED_ENDPOINTS) await app.register(sendRoute(endpoint, deps));
  for (const endpoint of SIMULATED_LOGS_ENDPOINTS) await app.register(logsRoute(endpoint, deps));
  await app.register(whatsappTemplatesRoute(deps.apiKeys));
  await app.register(zaloTemplatesRoute(deps.apiKeys));
  for (const endpoint of MANAGEMENT_ENDPOINTS) {
    operationScopes(endpoint); // a misspelt path fails start-up
    await app.register(managementRoute(endpoint, { apiKeys: deps.apiKeys, scopesOf: (key) => opts.apiKeyScopes?.[key], accountOf, subscribe: control.subscribe, failingCalls: () => faults.failingManagementCalls }));
  }
  await app.register(controlRoutes(control));
  await app.listen({ host, port: opts.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    setFaults: control.setFaults,
    setOutcomes: control.setOutcomes,
    stats: control.stats,
    sentMessages: control.sentMessages,
    account: accountOf,
    flushWebhooks: () => dispatcher.idle(),
    subscribe: control.subscribe,
    click: control.click,
    reply: control.reply,
    async close() {
      // Hung requests would keep the server from closing; their clients see a dropped socket.
      for (const socket of hungSockets) socket.destroy();
      hungSockets.clear();
      await dispatcher.close();
      await app.close();
    },
  };
}

/** A fixed delay or a [min, max] range; default [50, 300]. */
function range(value: number | [number, number] | undefined, name: string): [number, number] {
  const [min, max] = typeof value === 'number' ? [value, value] : (value ?? [50, 300]);
  if (!(min >= 0 && max >= min)) throw new Error(`${name} must be a non-negative number or a [min, max] range`);
  return [min, max];
}
