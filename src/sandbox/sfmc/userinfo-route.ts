// GET v2/userinfo on the auth host (swagger `YOUR_SUBDOMAIN.auth.marketingcloudapis.com/v2/userinfo`,
// sfmc.md §2.2): who the bearer token belongs to. The activity UI's backend asks it to check
// that the token Journey Builder gave the UI (`fuel2token`) is of the tenant's business unit.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import { oauthError } from './sfmc-errors.ts';

/** The simulated enterprise: every business unit of the simulator belongs to one. */
const ENTERPRISE_ID = 500000000;

export function registerUserinfoRoute(app: FastifyInstance, ctx: SimContext): void {
  app.get('/v2/userinfo', async (req, reply) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return reply.code(400).send(oauthError('invalid_request', "Make sure that the authorization header isn't empty or null."));
    const info = ctx.tokens.check(token);
    if (!info) {
      return reply
        .code(401)
        .send(oauthError('invalid_token', 'Invalid access token or not authorized to use this authentication base URI. Use your authentication base URI found in Marketing Cloud Installed Packages.'));
    }
    return {
      exp: Math.floor(info.expiresAt / 1000),
      iss: ctx.urls.rest.replace(/\/rest\/$/, '/auth/'),
      user: { sub: `user-${info.clientId}`, name: 'Sandbox user', preferred_username: 'sandbox.user', email: 'sandbox.user@example.com', locale: 'en-US', zoneinfo: 'Europe/Berlin' },
      organization: { member_id: Number(info.accountId), enterprise_id: ENTERPRISE_ID, enterprise_name: 'Sandbox enterprise', account_type: 'enterprise', stack_key: 'S0', region: 'EU1', locale: 'en-US' },
      rest: { rest_instance_url: ctx.urls.rest, soap_instance_url: ctx.urls.soap },
      application: { id: info.clientId, name: 'mc-relay sandbox', redirectUrl: [], appScopes: info.scope.split(' ') },
      permissions: [],
    };
  });
}
