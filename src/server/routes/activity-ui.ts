import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { request } from 'undici';
import { allChannels } from '../../channels/registry.ts';
import { executeMessage } from '../../journey/message-execute.ts';
import { messageStatus } from '../../journey/message-status.ts';
import { lookupDeliveryReport } from '../../reports/report-lookup.ts';
import { UserTokenVerifier } from '../../sfmc/user-token.ts';
import { defaultAccount, type Tenant } from '../../tenants/tenant.ts';
import { outboundAgent } from '../../security/outbound-url.ts';
import { NO_CHANNELS } from '../config-app/tenant-config.ts';
import { RateLimiter, tooManyAttempts } from '../../security/rate-limit.ts';
import { browserModule } from '../../web/browser-modules.ts';
import type { ServerContext } from '../context.ts';

const webRoot = fileURLToPath(new URL('../../web/activities/', import.meta.url));
const sldsRoot = fileURLToPath(new URL('../../../node_modules/@salesforce-ux/design-system/assets/', import.meta.url));
/** WhatsApp and Zalo template listings call the tenant's Infobip base URL, a user-given URL. */
const templatesAgent = outboundAgent({ connections: 4 });
const postmongerFile = fileURLToPath(new URL('../../../node_modules/postmonger/postmonger.js', import.meta.url));

/**
 * No inline script or style anywhere in the UI: every script and style sheet is a file we serve.
 * Framed only from `frameAncestors` (ServerContext), and no X-Frame-Options (it would stop Journey Builder).
 */
export function uiSecurityHeaders(reply: FastifyReply, frameAncestors: string): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

/** An activity's index.html (the Endpoint URL Journey Builder frames). */
export async function activityPage(activityId: string): Promise<string> {
  return readFile(`${webRoot}${activityId}/index.html`, 'utf8');
}

const InArguments = Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 500 });
const ValidateBody = Type.Object({ inArguments: InArguments }, { additionalProperties: false });
const TestSendBody = Type.Object({ inArguments: InArguments, to: Type.String({ minLength: 3, maxLength: 32 }) }, { additionalProperties: false });
const TemplatesQuery = Type.Object({ accountId: Type.Optional(Type.String({ maxLength: 100 })), sender: Type.String({ pattern: '^\\+?[1-9]\\d{5,14}$' }) });
/** A Zalo sender is the Official Account's numeric id (the spec's int64). */
const ZaloTemplatesQuery = Type.Object({ accountId: Type.Optional(Type.String({ maxLength: 100 })), sender: Type.String({ pattern: '^\\d{1,19}$' }) });

/** Refused user tokens one client address may send per tenant and minute before it must wait. */
export const UI_TOKEN_FAILURES_PER_MINUTE = 30;

interface TenantParams {
  tenantKey: string;
}

/** The messageStatus → the inArgument (form field) it is about, so the UI shows the error next to it. */
const FIELD_OF_STATUS: Record<string, string> = {
  [messageStatus.missingTrackClicks]: 'trackClicks',
  [messageStatus.missingShortenUrl]: 'shortenUrl',
  [messageStatus.missingPhone]: 'phone',
  [messageStatus.invalidPhone]: 'phone',
  [messageStatus.invalidTrackingUrlLength]: 'trackingUrl',
  [messageStatus.invalidTextLength]: 'text',
  [messageStatus.invalidTemplateName]: 'templateName',
  [messageStatus.invalidScenarioKey]: 'scenarioKey',
  [messageStatus.invalidPromotionalFlag]: 'label',
  [messageStatus.invalidImageUrlLength]: 'imageUrl',
  [messageStatus.invalidFrom]: 'sender',
  [messageStatus.invalidCustomDomainLength]: 'customDomain',
  [messageStatus.invalidButtonsFieldLength]: 'buttons',
  [messageStatus.invalidButtonUrlLength]: 'buttonUrl',
  [messageStatus.invalidButtonTextLength]: 'buttonText',
  [messageStatus.invalidSchemeLength]: 'buttons',
  [messageStatus.unknownChannel]: 'channel',
  [messageStatus.unknownAccount]: 'accountId',
  [messageStatus.invalidCallbackDataField]: 'callbackData',
  [messageStatus.invalidCallbackDataLength]: 'callbackData',
  [messageStatus.missingMergeField]: 'text',
};

/** `Error: Invalid request: card.title must …` names its argument first; other statuses are mapped. */
export function fieldOfStatus(status: string): string | undefined {
  const detail = status.startsWith(`${messageStatus.invalidRequest}: `) ? status.slice(messageStatus.invalidRequest.length + 2) : undefined;
  if (detail) return /^([A-Za-z][\w.]*)/.exec(detail)?.[1];
  const base = Object.keys(FIELD_OF_STATUS).find((s) => status === s || status.startsWith(`${s}:`));
  return base ? FIELD_OF_STATUS[base] : undefined;
}

/** WhatsApp's template listing, reduced to what the form needs; only approved templates can be sent. */
interface TemplateSummary {
  name: string;
  language: string;
  category: string;
  body: string;
  bodyPlaceholders: number;
  header?: { format: string; text?: string; placeholders: number };
  buttons: { type: string; text: string; url?: string; dynamic: boolean }[];
}

const placeholderCount = (text: unknown) => (typeof text === 'string' ? new Set(text.match(/\{\{\d+\}\}/g) ?? []).size : 0);

function summariseTemplate(t: Record<string, any>): TemplateSummary {
  const s = (t.structure ?? {}) as Record<string, any>;
  const header = s.header as Record<string, any> | undefined;
  return {
    name: String(t.name),
    language: String(t.language),
    category: String(t.category ?? ''),
    body: String(s.body?.text ?? ''),
    bodyPlaceholders: placeholderCount(s.body?.text),
    ...(header ? { header: { format: String(header.format), ...(header.text ? { text: String(header.text) } : {}), placeholders: placeholderCount(header.text) } } : {}),
    buttons: ((s.buttons ?? []) as Record<string, any>[]).map((b) => ({
      type: String(b.type),
      text: String(b.text ?? ''),
      ...(b.url ? { url: String(b.url) } : {}),
      dynamic: b.type === 'QUICK_REPLY' || b.type === 'COPY_CODE' || (b.type === 'URL' && placeholderCount(b.url) > 0),
    })),
  };
}

/**
 * The activity UIs' static files (`/ui/…`: pages' scripts, SLDS, Postmonger, the shared counting
 * modules) and the Message activity UI's backend, `/t/{tenantKey}/activities/message/api/…`:
 * the tenant's channels and accounts, WhatsApp and Zalo templates, validation with execute's own rules,
 * and test sends. API calls carry the Journey Builder user's token (`Authorization: Bearer
 * <fuel2token>`), verified against SFMC for the tenant's MID.
 */
export async function activityUiRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const verifier = new UserTokenVerifier();
  // Refused user tokens per client address and tenant (unknown tenant keys count under one key).
  // Only refusals count: a marketer's form calls the API often, and an expired token costs one
  // refusal per call before the page asks Journey Builder for a fresh one.
  const failures = new RateLimiter(UI_TOKEN_FAILURES_PER_MINUTE, 60_000);
  const cspOnFiles = (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    uiSecurityHeaders(reply, ctx.frameAncestors);
    done(null, payload);
  };

  await app.register(async (scope) => {
    scope.addHook('onSend', cspOnFiles);
    await scope.register(fastifyStatic, { root: webRoot, prefix: '/ui/activities/', index: false, maxAge: 0 });
    await scope.register(fastifyStatic, { root: sldsRoot, prefix: '/ui/slds/', decorateReply: false, maxAge: '1d' });
    scope.get('/ui/postmonger.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(await readFile(postmongerFile, 'utf8')));
    scope.get<{ Params: { name: string } }>('/ui/shared/:name', async (req, reply) => {
      const module = browserModule(req.params.name);
      if (!module) return reply.code(404).send({ error: 'not_found' });
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(await module);
    });
  });

  await app.register(
    async (api) => {
      api.decorateRequest('tenant', null);
      // onRequest, before the body is read or validated: without a user token nothing is parsed and no schema is revealed.
      api.addHook('onRequest', async (req: FastifyRequest<{ Params: TenantParams }>, reply) => {
        const tenant = await ctx.tenants.byUrlKey(req.params.tenantKey);
        // Checked before SFMC is asked: refused tokens cannot make us call SFMC at speed.
        const client = `${req.ip} ${tenant?.id ?? '-'}`;
        const wait = failures.retryAfter(client);
        if (wait > 0) return tooManyAttempts(reply, wait, 'Too many requests with a refused Marketing Cloud token. Wait a minute, then reopen the activity from Journey Builder.');
        const token = /^Bearer\s+(\S{8,2048})$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!tenant || !token || !(await verifier.belongsTo(tenant, token))) {
          failures.count(client);
          return reply.code(401).send({ error: 'unauthorized', message: "open this activity from Journey Builder: the user's Marketing Cloud token was missing, expired or of another business unit" });
        }
        (req as FastifyRequest & { tenant: Tenant }).tenant = tenant;
      });
      const tenantOf = (req: FastifyRequest) => (req as FastifyRequest & { tenant: Tenant }).tenant;

      api.get('/context', async (req) => {
        const tenant = tenantOf(req);
        return {
          tenant: { name: tenant.name, defaultCountry: tenant.settings.defaultCountry ?? null },
          // A channel is offered when the tenant can send on it: it has the channel's sender, or the channel needs none.
          channels: allChannels()
            .filter((c) => !c.senderRequired || tenant.settings.senders[c.senderKind] !== undefined)
            .map((c) => ({ id: c.id, name: c.name, urlTracking: c.urlTracking, senderKind: c.senderKind, defaultSender: tenant.settings.senders[c.senderKind] ?? null })),
          // Per account, what the Configuration app's channel step saved: custom domains and sender names by sender kind.
          accounts: tenant.accounts.map((a) => {
            const { customDomains, senders } = tenant.settings.channels?.[a.id] ?? NO_CHANNELS;
            return { id: a.id, name: a.name, isDefault: a.id === defaultAccount(tenant)?.id, customDomains, senders };
          }),
        };
      });

      /** GET `path` of the chosen (or default) Infobip account; its JSON body, or the reply already sent. */
      const infobipGet = async (req: FastifyRequest<{ Querystring: { accountId?: string } }>, reply: FastifyReply, path: string, what: string): Promise<Record<string, any> | undefined> => {
        const tenant = tenantOf(req);
        const account = req.query.accountId ? tenant.accounts.find((a) => a.id === req.query.accountId) : defaultAccount(tenant);
        if (!account) {
          void reply.code(400).send({ error: 'invalid_request', field: 'accountId', message: 'accountId is not an Infobip account of this tenant' });
          return undefined;
        }
        try {
          const response = await request(new URL(path, account.baseUrl), {
            dispatcher: templatesAgent,
            headers: { authorization: `App ${account.apiKey}`, accept: 'application/json' },
            headersTimeout: 15_000,
            bodyTimeout: 15_000,
          });
          const body = (await response.body.json().catch(() => undefined)) as Record<string, any> | undefined;
          if (response.statusCode === 200 && body && typeof body === 'object') return body;
          void reply.code(502).send({ error: 'infobip_error', field: 'templateName', message: `Infobip answered ${response.statusCode} to ${what}` });
        } catch {
          void reply.code(502).send({ error: 'infobip_unreachable', field: 'templateName', message: `Infobip could not be reached for ${what}; try again` });
        }
        return undefined;
      };

      api.get<{ Querystring: Static<typeof TemplatesQuery> }>('/whatsapp-templates', { schema: { querystring: TemplatesQuery } }, async (req, reply) => {
        const sender = req.query.sender.replace(/^\+/, '');
        const what = `the template list of sender ${sender}`;
        const body = await infobipGet(req, reply, `/whatsapp/2/senders/${encodeURIComponent(sender)}/templates`, what);
        if (!body) return reply;
        if (!Array.isArray(body.templates)) return reply.code(502).send({ error: 'infobip_error', field: 'templateName', message: `Infobip answered no templates to ${what}` });
        return { templates: (body.templates as Record<string, any>[]).filter((t) => t.status === 'APPROVED').map(summariseTemplate) };
      });

      // Zalo: the sender's enabled templates, then one template's registered placeholders (the guide:
      // the template data must hold only those).
      api.get<{ Querystring: Static<typeof ZaloTemplatesQuery> }>('/zalo-templates', { schema: { querystring: ZaloTemplatesQuery } }, async (req, reply) => {
        const what = `the template list of Zalo sender ${req.query.sender}`;
        const body = await infobipGet(req, reply, `/zalo/1/sender/${req.query.sender}/templates?status=ENABLED&size=100`, what);
        if (!body) return reply;
        if (!Array.isArray(body.results)) return reply.code(502).send({ error: 'infobip_error', field: 'templateName', message: `Infobip answered no templates to ${what}` });
        return { templates: (body.results as Record<string, any>[]).map((t) => ({ id: String(t.templateName), name: String(t.displayName ?? t.templateName) })) };
      });
      api.get<{ Params: TenantParams & { id: string }; Querystring: Static<typeof ZaloTemplatesQuery> }>(
        '/zalo-templates/:id',
        { schema: { params: Type.Object({ tenantKey: Type.String(), id: Type.String({ pattern: '^\\d{1,10}$' }) }), querystring: ZaloTemplatesQuery } },
        async (req, reply) => {
          const body = await infobipGet(req, reply, `/zalo/1/sender/${req.query.sender}/templates/${req.params.id}`, `Zalo template ${req.params.id}`);
          if (!body) return reply;
          const properties = Array.isArray(body.templateProperties) ? (body.templateProperties as Record<string, any>[]) : [];
          return { id: req.params.id, name: String(body.displayName ?? req.params.id), status: String(body.status ?? ''), placeholders: properties.map((p) => ({ name: String(p.name), maxLength: typeof p.maxLength === 'number' ? p.maxLength : null })) };
        },
      );

      api.post<{ Body: Static<typeof ValidateBody> }>('/validate', { schema: { body: ValidateBody } }, async (req) => {
        // Execute itself, with a store that keeps nothing: the UI gets exactly the answer a contact would.
        let stored: { payload: string } | undefined;
        const answer = await executeMessage(tenantOf(req), executeBody(req.body.inArguments, 'validate'), {
          store: async (row) => {
            stored = row;
            return row.id;
          },
        }, () => false);
        if (!answer.messageId) return { ok: false, messageStatus: answer.messageStatus, field: fieldOfStatus(answer.messageStatus) ?? null };
        return { ok: true, messageStatus: answer.messageStatus, payload: stored ? JSON.parse(stored.payload) : null };
      });

      api.post<{ Body: Static<typeof TestSendBody> }>('/test-send', { schema: { body: TestSendBody } }, async (req) => {
        // The typed number replaces the contact's phone fields; the rest goes through the real pipeline.
        const inArguments = [{ phone: req.body.to }, ...req.body.inArguments.filter((entry) => !Object.keys(entry).some((k) => k === 'phone' || k.startsWith('phone.')))];
        const answer = await executeMessage(tenantOf(req), executeBody(inArguments, `test-send-${randomUUID()}`), ctx.outbox, (tenantId, to) => ctx.suppressions.has(tenantId, to));
        if (!answer.messageId) return { ok: false, messageStatus: answer.messageStatus, field: fieldOfStatus(answer.messageStatus) ?? null };
        return { ok: true, messageId: answer.messageId, messageStatus: answer.messageStatus };
      });

      api.get<{ Params: TenantParams & { messageId: string } }>('/test-send/:messageId', async (req) => lookupDeliveryReport(ctx.store.db, tenantOf(req).id, req.params.messageId));
    },
    { prefix: '/t/:tenantKey/activities/message/api' },
  );
}

/** An execute body as Journey Builder would send it, for one sample contact. */
function executeBody(inArguments: Record<string, unknown>[], activityId: string) {
  return { inArguments, activityId, keyValue: 'activity-ui-sample-contact' };
}
