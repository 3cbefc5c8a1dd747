// The management endpoints of management-endpoints.ts, answered as Infobip answers them:
// `Authorization: App <key>` (401), the scopes the operation's `x-scopes` list (403 when the key
// has none of them), the request body against the operation's schema (400), then the endpoint.
// Errors are the legacy `ApiException` these APIs document.
import type { Subscription } from './subscriptions.ts';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { componentResponseExample, hasRequestBody, loadInfobipSpec, requestBodyValidator, schemaValidator, toViolations, type OpenApiSpec } from '../openapi.ts';
import type { ManagementEndpoint, SimAccount } from './management-endpoints.ts';

export interface ManagementDeps {
  apiKeys: ReadonlySet<string>;
  /** The scopes of a key; undefined means every scope (a key the test did not restrict). */
  scopesOf(apiKey: string): readonly string[] | undefined;
  accountOf(apiKey: string): SimAccount;
  /** Where the simulator posts clicks and replies from now on (see ManagementCall.subscribe). */
  subscribe(subscription: Subscription): void;
  /** `METHOD /path` of the calls the test made fail (InfobipFaults.failingManagementCalls). */
  failingCalls(): readonly string[];
}

const MESSAGE_IDS: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 500: 'GENERAL_ERROR' };

function exception(spec: OpenApiSpec, status: number, text?: string, validationErrors?: Record<string, string[]>) {
  let documented: { requestError?: { serviceException?: { messageId?: string; text?: string } } } | undefined;
  try {
    documented = componentResponseExample(spec, `ApiException${status}`) as typeof documented;
  } catch {
    documented = undefined;
  }
  const base = documented?.requestError?.serviceException ?? { messageId: MESSAGE_IDS[status] ?? 'GENERAL_ERROR', text: 'Request failed.' };
  return { requestError: { serviceException: { messageId: base.messageId, text: text ?? base.text, ...(validationErrors ? { validationErrors } : {}) } } };
}

export function operationScopes(endpoint: ManagementEndpoint): string[] {
  const spec = loadInfobipSpec(endpoint.specFile) as unknown as { doc: { paths: Record<string, Record<string, { 'x-scopes'?: string[] }>> } };
  const operation = spec.doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
  if (!operation) throw new Error(`${endpoint.specFile} has no ${endpoint.method} ${endpoint.path}`);
  return operation['x-scopes'] ?? [];
}

export function managementRoute(endpoint: ManagementEndpoint, deps: ManagementDeps): FastifyPluginAsync {
  return async (app) => {
    const spec = loadInfobipSpec(endpoint.specFile);
    const scopes = operationScopes(endpoint);
    const method = endpoint.method.toLowerCase();
    const schemas = Object.keys((spec.doc.components as { schemas: Record<string, unknown> }).schemas);
    const validatorFor = (params: Record<string, string>) => {
      if (!hasRequestBody(spec, endpoint.path, method)) return undefined;
      if (!endpoint.bodySchema) return requestBodyValidator(spec, endpoint.path, method);
      // Component names carry a hash prefix (`<hash>.SmsSubscriptionRequest`).
      const wanted = endpoint.bodySchema(params);
      const name = schemas.find((n) => n === wanted || n.endsWith(`.${wanted}`));
      return name ? schemaValidator(spec, `/components/schemas/${name}`) : requestBodyValidator(spec, endpoint.path, method);
    };
    const reject = (reply: FastifyReply, status: number, text?: string, validationErrors?: Record<string, string[]>) =>
      reply.code(status).type('application/json').send(exception(spec, status, text, validationErrors));

    app.route({
      method: endpoint.method,
      url: endpoint.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (req, reply) => {
        const apiKey = /^App\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!apiKey || !deps.apiKeys.has(apiKey)) return reject(reply, 401);
        const granted = deps.scopesOf(apiKey);
        if (granted && !scopes.some((s) => granted.includes(s))) return reject(reply, 403);
        if (deps.failingCalls().includes(`${req.method} ${req.url.split('?')[0]}`)) return reject(reply, 500);
        const validator = validatorFor(req.params as Record<string, string>);
        if (validator && !validator(req.body)) {
          const errors: Record<string, string[]> = {};
          for (const { property, violation } of toViolations(validator.errors)) (errors[property] ??= []).push(violation);
          return reject(reply, 400, 'Bad request', errors);
        }
        const answer = endpoint.handle({
          account: deps.accountOf(apiKey),
          params: req.params as Record<string, string>,
          query: req.query as Record<string, string | undefined>,
          body: req.body,
          subscribe: deps.subscribe,
        });
        if (answer.error !== undefined) return reject(reply, answer.status, answer.error);
        return answer.body === undefined ? reply.code(answer.status).send() : reply.code(answer.status).send(answer.body);
      },
    });
  };
}
