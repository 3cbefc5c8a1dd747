// The message-logs endpoints (`GET /sms/3/logs?messageId=a,b,c` and the like), answered from the
// messages the simulator accepted (sentMessages()), as Infobip answers them: the API faults first
// (as send-route.ts applies them), then `Authorization: App`, then the query against the
// operation's own parameters (names, types, `limit` maximum, the `messageId` length the prose
// documents), then the logs in the shape of the operation's 200 schema. The connector asks them
// whether a message whose send had an unknown outcome already reached Infobip.
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { componentResponseExample, hasResponse, loadInfobipSpec, type OpenApiSpec, responseExample, schemaValidator, toViolations, type Violation } from '../openapi.ts';
import { type ApiError, type ApiException, type ErrorShape, errorFromExample } from './api-errors.ts';
import { formatInfobipTime, parseInfobipTime } from './infobip-time.ts';
import type { Ledger } from './ledger.ts';
import type { Random } from './random.ts';
import { FINAL, pricePerMessage } from './statuses.ts';
import type { InfobipFaults, SimChannel, SimMessage } from './types.ts';

/** One simulated logs endpoint: which accepted messages it lists, and in which of the two log shapes. */
export interface SimulatedLogsEndpoint {
  readonly path: string;
  readonly specFile: string;
  /** Messages accepted on this channel's send endpoint are listed. */
  readonly channel: SimChannel;
  /** A send endpoint of the same spec, whose documented 400 is the example when the logs operation documents none. */
  readonly sendPath: string;
  readonly errorShape: ErrorShape;
  /** `envelope`: the new-generation log (`sender`, `destination`, `messageCount`); `legacy`: Zalo's (`from`, `to`, `smsCount`). */
  readonly shape: 'envelope' | 'legacy';
}

const logs = (path: string, specFile: string, channel: SimChannel, sendPath: string, shape: 'envelope' | 'legacy' = 'envelope', errorShape: ErrorShape = 'ApiError'): SimulatedLogsEndpoint => ({
  path,
  specFile,
  channel,
  sendPath,
  shape,
  errorShape,
});

/** Every logs endpoint of a channel the simulator sends; WhatsApp has none. */
export const SIMULATED_LOGS_ENDPOINTS: readonly SimulatedLogsEndpoint[] = [
  logs('/sms/3/logs', 'infobip-sms-openapi.json', 'SMS', '/sms/3/messages'),
  logs('/mms/2/logs', 'infobip-mms-openapi.json', 'MMS', '/mms/2/messages'),
  logs('/rcs/2/logs', 'infobip-rcs-openapi.json', 'RCS', '/rcs/2/messages'),
  logs('/viber/2/logs', 'infobip-viber-openapi.json', 'VIBER', '/viber/2/messages'),
  logs('/kakao-alim/1/logs', 'infobip-kakao-openapi.json', 'KAKAO_ALIM', '/kakao-alim/1/messages'),
  logs('/kakao-chingu/1/logs', 'infobip-kakao-openapi.json', 'KAKAO_CHINGU', '/kakao-chingu/1/messages'),
  // The Zalo logs are the older API generation: legacy field names, ApiException errors (its 400 is documented).
  logs('/zalo/1/logs', 'infobip-zalo-openapi.json', 'ZALO', '/zalo/2/messages', 'legacy', 'ApiException'),
];

export interface LogsDeps {
  apiKeys: ReadonlySet<string>;
  random: Random;
  faults: () => InfobipFaults;
  ledger: Ledger;
  hungSockets: Set<Socket>;
}

/** `messageId`: "May contain multiple comma-separated values. Maximum length 2048 characters." */
const MESSAGE_ID_MAX_LENGTH = 2048;

interface QueryParameter {
  name: string;
  type: string;
  validate: (value: unknown) => boolean;
  errors: () => Violation[];
}

type Query = Record<string, unknown>;

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The operation's query parameters, each with the validator of its own schema. */
function queryParameters(spec: OpenApiSpec, path: string): QueryParameter[] {
  const operation = (spec.doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string; schema: { type?: string } }[] }>>)[path]?.get;
  if (!operation) throw new Error(`${spec.file} has no GET ${path}`);
  return (operation.parameters ?? []).flatMap((p, i) => {
    if (p.in !== 'query') return [];
    const validate = schemaValidator(spec, `/paths/${escapePointer(path)}/get/parameters/${i}/schema`);
    return [{ name: p.name, type: p.schema.type ?? 'string', validate: (v: unknown) => validate(v), errors: () => toViolations(validate.errors).map((e) => ({ property: p.name, violation: e.violation })) }];
  });
}

/** Query strings are text: arrays are comma-separated, numbers and booleans are read as such. */
function typed(type: string, raw: string): unknown {
  if (type === 'array') return raw.split(',').filter((s) => s !== '');
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function readQuery(parameters: QueryParameter[], raw: Record<string, string | string[] | undefined>): { query: Query; violations: Violation[] } {
  const query: Query = {};
  const violations: Violation[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const parameter = parameters.find((p) => p.name === name);
    if (!parameter) {
      violations.push({ property: name, violation: 'is not a parameter of this operation' });
      continue;
    }
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    if (name === 'messageId' && text.length > MESSAGE_ID_MAX_LENGTH) violations.push({ property: name, violation: `must be at most ${MESSAGE_ID_MAX_LENGTH} characters` });
    const typedValue = typed(parameter.type, text);
    if (!parameter.validate(typedValue)) violations.push(...parameter.errors());
    else query[name] = typedValue;
  }
  return { query, violations };
}

const DEFAULT_LIMIT = 50;

/** The accepted messages of the endpoint's channel that match the query, newest first, up to `limit`. */
function select(endpoint: SimulatedLogsEndpoint, messages: Iterable<SimMessage>, query: Query): SimMessage[] {
  const list = (name: string) => (Array.isArray(query[name]) ? new Set(query[name] as string[]) : undefined);
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const ids = list('messageId');
  const bulkIds = list('bulkId');
  const sender = text('sender') ?? text('from');
  const destination = text('destination') ?? text('to');
  const since = parseInfobipTime(text('sentSince') ?? '');
  const until = parseInfobipTime(text('sentUntil') ?? '');
  const generalStatus = text('generalStatus');
  return [...messages]
    .filter(
      (m) =>
        m.channel === endpoint.channel &&
        (!ids || ids.has(m.messageId)) &&
        (!bulkIds || bulkIds.has(m.bulkId)) &&
        (sender === undefined || m.sender === sender) &&
        (destination === undefined || m.destination === destination) &&
        (!since || m.lastReceivedAt >= since) &&
        (!until || m.lastReceivedAt < until) &&
        (generalStatus === undefined || FINAL[m.outcome].status.groupName === generalStatus),
    )
    .sort((a, b) => b.lastReceivedAt.getTime() - a.lastReceivedAt.getTime())
    .slice(0, typeof query.limit === 'number' ? query.limit : DEFAULT_LIMIT);
}

/** One log entry; the status is the final one the simulator drew for the message when it accepted it. */
function logEntry(endpoint: SimulatedLogsEndpoint, m: SimMessage) {
  const { status, error } = FINAL[m.outcome];
  const common = {
    bulkId: m.bulkId,
    messageId: m.messageId,
    sentAt: formatInfobipTime(m.lastReceivedAt),
    doneAt: formatInfobipTime(m.lastReceivedAt),
    price: { pricePerMessage: pricePerMessage(m.outcome), currency: 'EUR' },
    status: { ...status },
    error: { ...error },
  };
  if (endpoint.shape === 'legacy') {
    return { ...common, to: m.destination, ...(m.sender !== undefined ? { from: m.sender } : {}), ...(m.text !== undefined ? { text: m.text } : {}), smsCount: m.messageCount };
  }
  return { ...common, destination: m.destination, ...(m.sender !== undefined ? { sender: m.sender } : {}), messageCount: m.messageCount };
}

/** The example the operation documents for `status`, else the spec's shared one, else the send endpoint's. */
function errorExample(spec: OpenApiSpec, endpoint: SimulatedLogsEndpoint, status: number): unknown {
  if (hasResponse(spec, endpoint.path, 'get', status)) return responseExample(spec, endpoint.path, 'get', status);
  try {
    return componentResponseExample(spec, `${endpoint.errorShape}${status}`);
  } catch {
    return responseExample(spec, endpoint.sendPath, 'post', status);
  }
}

function errorBody(spec: OpenApiSpec, endpoint: SimulatedLogsEndpoint, status: number, violations: Violation[] = []): ApiError | ApiException {
  return errorFromExample(errorExample(spec, endpoint, status), endpoint.errorShape, violations);
}

export function logsRoute(endpoint: SimulatedLogsEndpoint, deps: LogsDeps): FastifyPluginAsync {
  return async (app) => {
    const spec = loadInfobipSpec(endpoint.specFile);
    const parameters = queryParameters(spec, endpoint.path);
    const reject = (reply: FastifyReply, status: number, violations: Violation[] = []) => reply.code(status).type('application/json').send(errorBody(spec, endpoint, status, violations));

    app.get(endpoint.path, async (req, reply) => {
      const faults = deps.faults();
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (deps.random.chance(faults.timeoutRate)) {
        reply.hijack();
        const socket = req.raw.socket;
        deps.hungSockets.add(socket);
        socket.once('close', () => deps.hungSockets.delete(socket));
        return;
      }
      if (deps.random.chance(faults.rate429)) {
        reply.header('retry-after', String(faults.retryAfterSeconds));
        return reject(reply, 429);
      }
      if (deps.random.chance(faults.rate5xx)) return reject(reply, 500);
      const key = /^App\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (key === undefined || !deps.apiKeys.has(key)) return reject(reply, 401);
      const { query, violations } = readQuery(parameters, req.query as Record<string, string | string[] | undefined>);
      if (violations.length > 0) return reject(reply, 400, violations);
      return reply.code(200).send({ results: select(endpoint, deps.ledger.messages.values(), query).map((m) => logEntry(endpoint, m)) });
    });
  };
}
