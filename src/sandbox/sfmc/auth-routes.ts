// The auth host: POST v2/token with grant_type client_credentials (access-token-s2s.md, sfmc.md §3.1).
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import { INVALID_CLIENT, oauthError } from './sfmc-errors.ts';

/** Scopes a package typically grants the connector (sfmc.md §3.1); returned when none is requested. */
const DEFAULT_SCOPE = 'data_extensions_read data_extensions_write journeys_read list_and_subscribers_read';

export function registerAuthRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post('/v2/token', async (req, reply) => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return reply.code(400).send(oauthError('invalid_request', 'The request body must be a JSON object.'));
    }
    const fields = body as Record<string, unknown>;
    if (typeof fields.grant_type === 'string' && fields.grant_type !== 'client_credentials') {
      return reply
        .code(400)
        .send(oauthError('unsupported_grant_type', 'Use "client_credentials" as the grant type for server-to-server integrations.'));
    }
    // The swagger types account_id as a number; the docs' own example sends "12345". Accept both.
    const normalized = { ...fields };
    if (typeof normalized.account_id === 'string' && /^\d+$/.test(normalized.account_id)) {
      normalized.account_id = Number(normalized.account_id);
    }
    if (!ctx.validators.tokenRequest(normalized)) {
      return reply.code(400).send(oauthError('invalid_request', ctx.validators.tokenRequest.lastError()));
    }

    const grants = ctx.clients.filter((c) => c.clientId === fields.client_id && c.clientSecret === fields.client_secret);
    if (grants.length === 0) return reply.code(401).send(INVALID_CLIENT);

    // Without account_id the token is for the BU that created the integration (access-token-s2s.md).
    const mid = normalized.account_id === undefined ? grants[0].accountId : String(normalized.account_id);
    if (!grants.some((g) => g.accountId === mid)) {
      // sfmc.md §3.1: 401 when the integration is not enabled for that BU. Wording [INFERRED].
      return reply
        .code(401)
        .send(
          oauthError(
            'unauthorized_client',
            `The client is not authorized for account ${mid}. Enable the API integration for this business unit in Installed Packages.`,
          ),
        );
    }

    const scope = typeof fields.scope === 'string' ? fields.scope : DEFAULT_SCOPE;
    const { token } = ctx.tokens.issue(grants[0].clientId, mid, scope);
    ctx.stats.tokenIssued();
    return reply.send({
      access_token: token,
      token_type: 'Bearer',
      expires_in: ctx.tokenTtlSeconds,
      scope,
      soap_instance_url: ctx.urls.soap,
      rest_instance_url: ctx.urls.rest,
    });
  });
}
