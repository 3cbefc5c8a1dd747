// POST /sms/3/messages as Infobip answers it: API faults first (latency, hang, 429, 500, as an
// overloaded gateway would produce them before looking at the request), then `Authorization: App`,
// then the body against the spec's SmsRequestEnvelope plus the documented extra rules. Accepted
// destinations get PENDING_ACCEPTED now and a delivery report later.
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { toViolations, type Violation } from '../openapi.ts';
import { apiError, type ApiErrorStatus } from './api-errors.ts';
import { buildReport, type ReportSubject } from './delivery-report.ts';
import { parseInfobipTime } from './infobip-time.ts';
import type { AcceptedMessage, Ledger } from './ledger.ts';
import { generateBulkId, generateMessageId, type Random } from './random.ts';
import { clipIds, ruleViolations, type SmsMessage, type SmsRequest } from './request-rules.ts';
import { binarySegmentCount, smsSegmentCount } from './sms-segments.ts';
import { SEND_SMS_PATH, sendSmsRequestValidator } from './sms-spec.ts';
import { PENDING_ACCEPTED } from './statuses.ts';
import type { DeliveryOutcomeMix, InfobipFaults } from './types.ts';
import type { WebhookDispatcher } from './webhook-dispatcher.ts';

export interface SendSmsDeps {
  apiKeys: ReadonlySet<string>;
  random: Random;
  faults: () => InfobipFaults;
  outcomes: () => DeliveryOutcomeMix;
  /** Draws the pause between acceptance and the final report. */
  deliveryDelayMs: () => number;
  ledger: Ledger;
  dispatcher: WebhookDispatcher;
  /** Sockets of requests swallowed by the timeout fault; destroyed when the simulator closes. */
  hungSockets: Set<Socket>;
}

// Share of messages that get a stale intermediate report after the final one when reorder is on.
const LATE_INTERMEDIATE_SHARE = 0.5;

export function sendSmsRoute(deps: SendSmsDeps): FastifyPluginAsync {
  return async (app) => {
    const { ledger, random } = deps;

    // Take the body as text whatever its content type: a malformed body must become an Infobip
    // E400, and faults must strike before the body is even looked at.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.addHook('onRequest', async () => void ledger.stats.requests++);
    app.setErrorHandler((error: { statusCode?: number; message: string }, _req, reply) =>
      (error.statusCode ?? 500) < 500
        ? reject(reply, 400, [{ property: '', violation: error.message }])
        : reject(reply, 500),
    );

    function reject(reply: FastifyReply, status: ApiErrorStatus, violations: Violation[] = []) {
      ledger.rejected(status);
      return reply.code(status).type('application/json').send(apiError(status, violations));
    }

    app.post(SEND_SMS_PATH, async (req, reply) => {
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
      clipIds(body);
      const validate = sendSmsRequestValidator();
      if (!validate(body)) return reject(reply, 400, toViolations(validate.errors));
      const request = body as SmsRequest;
      const now = new Date();
      const violations = ruleViolations(request, now);
      if (violations.length > 0) return reject(reply, 400, violations);

      return reply.code(200).send(accept(request, now));
    });

    function accept(request: SmsRequest, now: Date) {
      const bulkId = request.options?.schedule?.bulkId ?? generateBulkId(random);
      const includeCount = request.options?.includeSmsCountInResponse === true;
      // A scheduled message is only "sent" at sendAt; its report follows from there.
      const sendAt = parseInfobipTime(request.options?.schedule?.sendAt ?? '');
      const sentAt = sendAt && sendAt > now ? sendAt : now;
      const accepted: AcceptedMessage[] = [];
      const messages = [];
      for (const message of request.messages) {
        const messageCount = message.content.text !== undefined ? smsSegmentCount(message.content.text) : binarySegmentCount(message.content.hex ?? '');
        const delivery = message.webhooks?.delivery;
        const webhookUrl = delivery?.url && delivery.notify !== false ? delivery.url : undefined;
        for (const destination of message.destinations) {
          const subject = describe(message, bulkId, destination.messageId ?? generateMessageId(random), destination.to, messageCount);
          accepted.push({
            messageId: subject.messageId,
            bulkId,
            destination: destination.to,
            sender: message.sender,
            text: message.content.text,
            hex: message.content.hex,
            callbackData: subject.callbackData,
            webhookUrl,
            messageCount,
            outcome: subject.outcome,
          });
          messages.push({
            messageId: subject.messageId,
            status: { ...PENDING_ACCEPTED },
            destination: destination.to,
            ...(includeCount ? { details: { messageCount } } : {}),
          });
          if (webhookUrl) scheduleReports(webhookUrl, subject, delivery?.intermediateReport === true, now, sentAt);
        }
      }
      ledger.accepted(accepted, now);
      return { bulkId, messages };
    }

    function describe(message: SmsMessage, bulkId: string, messageId: string, to: string, messageCount: number): ReportSubject {
      return {
        bulkId,
        messageId,
        to,
        sender: message.sender,
        messageCount,
        outcome: random.weighted(deps.outcomes()),
        callbackData: message.webhooks?.callbackData,
        platform: message.options?.platform,
        campaignReferenceId: message.options?.campaignReferenceId,
      };
    }

    function scheduleReports(url: string, subject: ReportSubject, intermediate: boolean, now: Date, sentAt: Date) {
      const wait = deps.deliveryDelayMs();
      const offset = sentAt.getTime() - now.getTime();
      const at = (ms: number) => new Date(sentAt.getTime() + ms);
      // Requested intermediate report (`intermediateReport: true`): halfway to the final one.
      if (intermediate) deps.dispatcher.enqueue(url, buildReport(subject, 'intermediate', sentAt, at(wait / 2)), offset + wait / 2);
      const late =
        deps.faults().webhookReorder && random.chance(LATE_INTERMEDIATE_SHARE)
          ? buildReport(subject, 'intermediate', sentAt, at(wait / 2))
          : undefined;
      deps.dispatcher.enqueue(url, buildReport(subject, 'final', sentAt, at(wait)), offset + wait, late);
    }
  };
}
