// One simulated send endpoint (endpoints.ts), answered as Infobip answers it: API faults first
// (latency, hang, 429, 500, as an overloaded gateway would produce them before looking at the
// request), then `Authorization: App`, then the body against the endpoint's own OpenAPI request
// schema plus its documented extra rules. Accepted messages get the status the spec's 200 example
// shows now, a delivery report later and, for channels that have them, sometimes a seen report:
// to the URLs the message names, or else to the sending account's subscriptions whose criteria it
// matches.
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { loadInfobipSpec, requestBodyValidator, responseExample, toViolations, type Violation } from '../openapi.ts';
import { errorBody, type ApiErrorStatus } from './api-errors.ts';
import type { ReportSubject } from './delivery-report.ts';
import { parseInfobipTime } from './infobip-time.ts';
import type { AcceptedMessage, Ledger } from './ledger.ts';
import { generateBulkId, generateMessageId, type Random } from './random.ts';
import type { ReadMessage, SimulatedEndpoint } from './simulated-endpoint.ts';
import type { MessageStatus } from './statuses.ts';
import { type Platform, type Subscription, subscriptionTarget } from './subscriptions.ts';
import type { DeliveryOutcomeMix, InfobipFaults, SimChannel } from './types.ts';
import type { WebhookDispatcher, WebhookTarget } from './webhook-dispatcher.ts';

export interface SendDeps {
  apiKeys: ReadonlySet<string>;
  random: Random;
  faults: () => InfobipFaults;
  outcomes: () => DeliveryOutcomeMix;
  /** Draws the pause between acceptance and the final report. */
  deliveryDelayMs: () => number;
  /** 0..1 share of delivered messages (that asked for seen reports) the recipient reads. */
  seenRate: () => number;
  /** Draws the pause between the final (DELIVERED) report and the seen report. */
  seenDelayMs: () => number;
  ledger: Ledger;
  dispatcher: WebhookDispatcher;
  /** The account's (API key's) subscriptions to an event on a channel that take messages sent with `platform`. */
  subscribed(apiKey: string, channel: SimChannel, event: 'DELIVERY' | 'SEEN', platform: Platform | undefined): Subscription[];
  /** Sockets of requests swallowed by the timeout fault; destroyed when the simulator closes. */
  hungSockets: Set<Socket>;
}

// Share of messages that get a stale intermediate report after the final one when reorder is on.
const LATE_INTERMEDIATE_SHARE = 0.5;

/** The status an endpoint answers accepted messages with: the one of its documented 200 example. */
export function acceptedStatus(endpoint: SimulatedEndpoint): MessageStatus {
  const example = responseExample(loadInfobipSpec(endpoint.specFile), endpoint.path, 'post', 200) as { messages?: { status?: MessageStatus }[] };
  const status = example.messages?.[0]?.status;
  if (!status) throw new Error(`${endpoint.specFile}: the 200 example of POST ${endpoint.path} shows no message status`);
  return status;
}

export function sendRoute(endpoint: SimulatedEndpoint, deps: SendDeps): FastifyPluginAsync {
  return async (app) => {
    const { ledger, random, dispatcher } = deps;
    const spec = loadInfobipSpec(endpoint.specFile);
    // Compiled on the first call that gets this far (see startInfobipSimulator).
    const validator = () => requestBodyValidator(spec, endpoint.path, 'post');
    const status = acceptedStatus(endpoint);
    const { delivery, seen } = endpoint.reports;

    // Take the body as text whatever its content type: a malformed body must become an Infobip
    // 400, and faults must strike before the body is even looked at.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    // Infobip's clock for a message is when its request arrived, not when this process got round to
    // reading and validating the body: under load those differ by the simulator's own stalls.
    const arrivals = new WeakMap<object, { at: Date; number: number }>();
    app.addHook('onRequest', async (req) => {
      arrivals.set(req, { at: new Date(), number: ledger.received(endpoint.path) });
    });
    app.setErrorHandler((error: { statusCode?: number; message: string }, _req, reply) =>
      (error.statusCode ?? 500) < 500
        ? reject(reply, 400, [{ property: '', violation: error.message }])
        : reject(reply, 500),
    );

    function reject(reply: FastifyReply, code: ApiErrorStatus, violations: Violation[] = []) {
      ledger.rejected(code);
      return reply.code(code).type('application/json').send(errorBody(spec, endpoint.path, endpoint.errorShape, code, violations));
    }

    app.post(endpoint.path, async (req, reply) => {
      const faults = deps.faults();
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (random.chance(faults.timeoutRate)) {
        // Never answer; the client has to give up on its own.
        ledger.stats.hungRequests++;
        reply.hijack();
        const socket = req.raw.socket;
        deps.hungSockets.add(socket);
        socket.once('close', () => deps.hungSockets.delete(socket));
        return;
      }
      if (random.chance(faults.rate429)) {
        reply.header('retry-after', String(faults.retryAfterSeconds));
        return reject(reply, 429);
      }
      if (random.chance(faults.rate5xx)) return reject(reply, 500);

      const key = /^App\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (key === undefined || !deps.apiKeys.has(key)) return reject(reply, 401);

      let body: unknown;
      try {
        body = JSON.parse(typeof req.body === 'string' ? req.body : '');
      } catch (e) {
        return reject(reply, 400, [{ property: '', violation: `must be a JSON document (${(e as Error).message})` }]);
      }
      endpoint.prepare?.(body);
      const validate = validator();
      if (!validate(body)) return reject(reply, 400, toViolations(validate.errors));
      const arrival = arrivals.get(req)!;
      const now = arrival.at;
      const violations = endpoint.rules(body, now);
      if (violations.length > 0) return reject(reply, 400, violations);

      return reply.code(200).send(accept(body, now, arrival.number, key));
    });

    function accept(body: unknown, now: Date, requestNumber: number, apiKey: string) {
      const request = endpoint.read(body);
      const bulkId = request.bulkId ?? generateBulkId(random);
      // A scheduled message is only "sent" at sendAt; its reports follow from there.
      const sendAt = parseInfobipTime(request.sendAt ?? '');
      const sentAt = sendAt && sendAt > now ? sendAt : now;
      const accepted: AcceptedMessage[] = [];
      const answered = [];
      for (const message of request.messages) {
        for (const destination of message.destinations) {
          const subject: ReportSubject = {
            bulkId,
            messageId: destination.messageId ?? generateMessageId(random),
            to: destination.to,
            sender: message.sender,
            messageCount: message.messageCount,
            outcome: random.weighted(deps.outcomes()),
            callbackData: message.callbackData,
            platform: message.platform,
            campaignReferenceId: message.campaignReferenceId,
          };
          accepted.push({
            messageId: subject.messageId,
            bulkId,
            channel: endpoint.channel,
            path: endpoint.path,
            destination: destination.to,
            sender: message.sender,
            text: message.text,
            hex: message.hex,
            callbackData: message.callbackData,
            webhookUrl: message.deliveryUrl,
            seenUrl: seen ? message.seenUrl : undefined,
            ...(message.platform ? { platform: { ...message.platform } } : {}),
            messageCount: message.messageCount,
            outcome: subject.outcome,
            request: message.request,
            requestOptions: (body as { options?: unknown }).options,
          });
          answered.push({ messageId: subject.messageId, to: destination.to, messageCount: message.messageCount });
          scheduleReports(subject, message, now, sentAt, apiKey);
        }
      }
      ledger.accepted(accepted, now, requestNumber);
      return endpoint.respond({ body, bulkId, status, messages: answered });
    }

    /**
     * Where a message's reports of one kind go: the URL the request names, or else every
     * subscription of the account to that event whose criteria the message matches.
     */
    function reportTargets(url: string | undefined, event: 'DELIVERY' | 'SEEN', stream: string, subject: ReportSubject, apiKey: string): WebhookTarget[] {
      if (url) return [{ url, stream }];
      return deps.subscribed(apiKey, endpoint.channel, event, subject.platform).map((s) => subscriptionTarget(s, stream));
    }

    function scheduleReports(subject: ReportSubject, message: ReadMessage, now: Date, sentAt: Date, apiKey: string) {
      const deliveryTargets = message.notify ? reportTargets(message.deliveryUrl, 'DELIVERY', delivery.webhook, subject, apiKey) : [];
      const seenTargets = seen ? reportTargets(message.seenUrl, 'SEEN', seen.webhook, subject, apiKey) : [];
      if (deliveryTargets.length === 0 && seenTargets.length === 0) return;
      const wait = deps.deliveryDelayMs();
      const offset = sentAt.getTime() - now.getTime();
      const at = (ms: number) => new Date(sentAt.getTime() + ms);

      for (const target of deliveryTargets) {
        // Requested intermediate report (`intermediateReport: true`): halfway to the final one.
        if (message.intermediateReport) dispatcher.enqueue(target, delivery.build(subject, 'intermediate', sentAt, at(wait / 2)), offset + wait / 2);
        const late =
          deps.faults().webhookReorder && random.chance(LATE_INTERMEDIATE_SHARE)
            ? delivery.build(subject, 'intermediate', sentAt, at(wait / 2))
            : undefined;
        dispatcher.enqueue(target, delivery.build(subject, 'final', sentAt, at(wait)), offset + wait, late);
      }

      // The recipient reads some delivered messages a while after the DELIVERED report. Whether
      // that report itself reached the client (drop fault) does not matter: it was delivered.
      if (seen && seenTargets.length > 0 && subject.outcome === 'delivered' && random.chance(deps.seenRate())) {
        const after = wait + deps.seenDelayMs();
        for (const target of seenTargets) dispatcher.enqueue(target, seen.build(subject, sentAt, at(after)), offset + after);
      }
    }
  };
}
