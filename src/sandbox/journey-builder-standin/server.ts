// A Journey Builder stand-in: hosts an activity UI in an iframe and plays Journey Builder's side
// of Postmonger, answering with the shapes a live Journey Builder answers (captures/, recorded
// from one; see captures/README.txt), filled with this sandbox's journey. What the UI saves is
// kept as the journey's activities and can be executed for a sample contact, signed as Journey
// Builder signs. It runs on its own origin, as Journey Builder does, so the UI meets the same
// cross-origin framing and postMessage rules it meets in Marketing Cloud.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { ExecuteSigner, postExecute } from '../journey-builder.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const capture = (name: string): any => JSON.parse(readFileSync(here(`captures/${name}.json`), 'utf8'));

export interface StandInOptions {
  host: string;
  /** The activity Endpoint URLs (ending in `/`), by activity id. */
  activityUrls: Record<string, string>;
  jwtSecret: string;
  /** The business unit's API integration: the stand-in gets the user token (fuel2token) from it. */
  sfmc: { authBaseUrl: string; restBaseUrl: string; clientId: string; clientSecret: string; accountId: string };
}

export interface JourneyBuilderStandIn {
  url: string;
  close(): Promise<void>;
}

/** The entry source's data extension fields: two phone fields (the guide's "Multiple phone fields"). */
export const ENTRY_FIELDS = [
  { name: 'ContactKey', type: 'Text', length: 50, isPrimaryKey: true, default: null },
  { name: 'FirstName', type: 'Text', length: 40, isPrimaryKey: null, default: null },
  { name: 'MobilePhone', type: 'Phone', length: 20, isPrimaryKey: null, default: null },
  { name: 'HomePhone', type: 'Phone', length: 20, isPrimaryKey: null, default: null },
  { name: 'OrderNumber', type: 'Text', length: 12, isPrimaryKey: null, default: 'A-1001' },
  { name: 'Email', type: 'EmailAddress', length: 254, isPrimaryKey: null, default: null },
];
export const DEFAULT_EVENT_KEY = 'DEAudience-2f6c1a0e-54b1-4c1e-9d27-5a1b7e0c9d11';

interface Journey {
  id: string;
  definitionId: string;
  eventKey: string;
  /** Saved activities by key (REST-1, REST-2 …), as the UIs saved them. */
  activities: Map<string, any>;
  /** outArguments of the last execute, by activity key, for `{{Interaction.<key>.<name>}}`. */
  outArguments: Map<string, Record<string, unknown>>;
}

export async function startJourneyBuilderStandIn(options: StandInOptions): Promise<JourneyBuilderStandIn> {
  const journey: Journey = { id: randomUUID(), definitionId: randomUUID(), eventKey: DEFAULT_EVENT_KEY, activities: new Map(), outArguments: new Map() };
  const signer = new ExecuteSigner(options.jwtSecret);
  const app = Fastify({ logger: false });
  await app.register(async (scope) => routes(scope, options, journey, signer));
  await app.listen({ host: options.host, port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${options.host}:${port}/dev/journey-builder`, close: () => app.close() };
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src http: https:; img-src 'self' data:; base-uri 'none'";

async function routes(app: FastifyInstance, options: StandInOptions, journey: Journey, signer: ExecuteSigner): Promise<void> {
  const file = (name: string, type: string) => async (_req: unknown, reply: any) => reply.header('content-security-policy', CSP).type(type).send(readFileSync(here(name), 'utf8'));
  app.get('/dev/journey-builder', file('page.html', 'text/html; charset=utf-8'));
  app.get('/dev/journey-builder/standin.js', file('standin.js', 'text/javascript; charset=utf-8'));
  app.get('/dev/journey-builder/standin.css', file('standin.css', 'text/css; charset=utf-8'));
  app.get('/dev/journey-builder/postmonger.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(readFileSync(fileURLToPath(new URL('../../../node_modules/postmonger/postmonger.js', import.meta.url)), 'utf8')),
  );

  /**
   * Everything the page answers the activity with, for one opening: `activity` (a new one from
   * config.json) or `key` (a saved one). `eventKey` changes the entry source, as copying a
   * journey does (stale `{{Event.<old key>…}}` bindings).
   */
  app.get<{ Querystring: { activity?: string; key?: string; eventKey?: string } }>('/dev/journey-builder/api/session', async (req, reply) => {
    if (req.query.eventKey) journey.eventKey = req.query.eventKey;
    const saved = req.query.key ? journey.activities.get(req.query.key) : undefined;
    const activityId = saved ? activityIdOf(saved, options) : req.query.activity ?? 'message';
    const baseUrl = options.activityUrls[activityId];
    if (!baseUrl || (req.query.key && !saved)) return reply.code(404).send({ error: 'no such activity' });
    const config = (await (await fetch(`${baseUrl}config.json`)).json()) as Record<string, any>;
    return {
      iframeUrl: `${baseUrl}index.html`,
      steps: config.wizardSteps ?? [],
      payloads: {
        initActivity: saved ?? newActivity(config, nextKey(journey)),
        requestedTokens: await tokens(options),
        requestedEndpoints: endpoints(options),
        requestedSchema: schema(journey.eventKey),
        requestedInteraction: interaction(journey),
        requestedTriggerEventDefinition: triggerEventDefinition(journey.eventKey),
        requestedCulture: capture('requestCulture').culture,
        requestedInteractionDefaults: capture('requestInteractionDefaults'),
      },
    };
  });

  /** updateActivity: the activity is saved into the journey (the canvas). */
  app.post<{ Body: { key: string } }>('/dev/journey-builder/api/activities', async (req) => {
    const activity = req.body;
    journey.activities.set(String(activity.key), activity);
    return { saved: activity.key };
  });

  app.get('/dev/journey-builder/api/journey', async () => ({ eventKey: journey.eventKey, activities: [...journey.activities.values()] }));

  /** Executes a saved activity for one contact of the entry source, signed as Journey Builder signs. */
  app.post<{ Body: { key: string; contact: Record<string, string> } }>('/dev/journey-builder/api/execute', async (req, reply) => {
    const activity: any = journey.activities.get(req.body.key);
    if (!activity) return reply.code(404).send({ error: `no saved activity ${req.body.key}` });
    const unresolved = new Set<string>();
    const inArguments = (activity.arguments.execute.inArguments as Record<string, unknown>[]).map((entry) =>
      Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, typeof v === 'string' ? bind(v, journey, req.body.contact, unresolved) : v])),
    );
    if (unresolved.size > 0) return reply.code(400).send({ error: 'unresolved bindings', bindings: [...unresolved] });
    const contactKey = req.body.contact.ContactKey ?? 'sample-contact';
    const body = {
      inArguments,
      outArguments: [],
      activityObjectID: activity.id,
      journeyId: journey.definitionId,
      activityId: activity.id,
      definitionInstanceId: journey.id,
      activityInstanceId: randomUUID(),
      keyValue: contactKey,
      mode: 0,
    };
    const answer = await postExecute(activity.arguments.execute.url.replace(/execute$/, ''), await signer.sign(body));
    if (answer.status === 200) journey.outArguments.set(activity.key, answer.body);
    return { status: answer.status, body: answer.body, inArguments };
  });
}

const activityIdOf = (activity: any, options: StandInOptions) =>
  Object.keys(options.activityUrls).find((id) => String(activity.arguments?.execute?.url ?? '').startsWith(options.activityUrls[id]!)) ?? 'message';

const nextKey = (journey: Journey) => `REST-${journey.activities.size + 1}`;

/** A dropped activity: config.json's structure with the identity Journey Builder gives it (ready.json's shape). */
function newActivity(config: Record<string, any>, key: string) {
  const shape = capture('ready');
  return {
    name: '',
    id: randomUUID(),
    key,
    type: config.type ?? shape.type,
    arguments: { ...shape.arguments, ...config.arguments, execute: { ...config.arguments.execute } },
    configurationArguments: config.configurationArguments,
    metaData: { ...config.metaData, isConfigured: false },
    schema: config.schema ?? shape.schema,
    editable: shape.editable,
    outcomes: [{ key: randomUUID(), next: 'WAITBYDURATION-1', arguments: {}, metaData: { invalid: false } }],
    errors: null,
  };
}

/** `{{Event.<key>.Field}}`, `{{Event.<key>."Field"}}` and `{{Interaction.<activityKey>.<out>}}`, as Journey Builder evaluates them. */
function bind(value: string, journey: Journey, contact: Record<string, string>, unresolved: Set<string>): string {
  return value.replace(/\{\{([^{}]+)\}\}/g, (whole, expression: string) => {
    const event = /^Event\.([^.]+)\."?([^".]+)"?$/.exec(expression);
    if (event && event[1] === journey.eventKey && event[2]! in contact) return contact[event[2]!]!;
    const interaction = /^Interaction\.([^.]+)\.(\w+)$/.exec(expression);
    const out = interaction ? journey.outArguments.get(interaction[1]!)?.[interaction[2]!] : undefined;
    if (out !== undefined) return String(out);
    if (/^Context\./.test(expression)) return whole;
    unresolved.add(whole);
    return whole;
  });
}

/** requestedTokens: a real user token of the business unit, as Journey Builder's fuel2token is. */
async function tokens(options: StandInOptions) {
  const response = await fetch(new URL('v2/token', options.sfmc.authBaseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: options.sfmc.clientId, client_secret: options.sfmc.clientSecret, account_id: options.sfmc.accountId }),
  });
  const token = (await response.json()) as { access_token: string; expires_in: number };
  const shape = capture('requestTokens');
  return { ...shape, token: token.access_token, fuel2token: token.access_token, expires: Date.now() + token.expires_in * 1000, stackKey: 'S0' };
}

function endpoints(options: StandInOptions) {
  const rest = new URL(options.sfmc.restBaseUrl);
  return { ...capture('requestEndpoints'), restHost: rest.host, stackKey: 'S0', fuelapiRestHost: rest.href };
}

function schema(eventKey: string) {
  const [shape] = capture('requestSchema').schema as Record<string, unknown>[];
  return {
    schema: ENTRY_FIELDS.map((f) => ({ ...shape, key: `Event.${eventKey}.${f.name}`, type: f.type, length: f.length, default: f.default, isNullable: f.isPrimaryKey ? null : true, isPrimaryKey: f.isPrimaryKey })),
  };
}

function interaction(journey: Journey) {
  const shape = capture('requestInteraction');
  return {
    ...shape,
    id: journey.id,
    name: 'mc-relay sandbox journey',
    definitionId: journey.definitionId,
    activities: [...journey.activities.values()],
    triggers: shape.triggers.map((t: any) => ({ ...t, metaData: { ...t.metaData, eventDefinitionKey: journey.eventKey } })),
    defaults: { ...shape.defaults, email: [`{{Event.${journey.eventKey}."Email"}}`] },
  };
}

function triggerEventDefinition(eventKey: string) {
  const { eventDefinition } = capture('requestTriggerEventDefinition');
  return { eventDefinition: { ...eventDefinition, eventDefinitionKey: eventKey, arguments: { ...eventDefinition.arguments, eventDefinitionKey: eventKey } } };
}
