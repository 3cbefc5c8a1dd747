// Bearer-token check for the REST host. The token's business unit travels with the request so
// every route works inside that BU only (tenant isolation).
import type { FastifyRequest } from 'fastify';
import type { TokenInfo, TokenStore } from './token-store.ts';

const authenticated = new WeakMap<FastifyRequest, TokenInfo>();

/** Validates `Authorization: Bearer …`; remembers the token for tokenOf(). */
export function authenticate(req: FastifyRequest, tokens: TokenStore): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const info = m ? tokens.check(m[1]) : undefined;
  if (info) authenticated.set(req, info);
  return info !== undefined;
}

/** The token of a request that passed authenticate(). */
export function tokenOf(req: FastifyRequest): TokenInfo {
  const info = authenticated.get(req);
  if (!info) throw new Error('tokenOf() called on an unauthenticated request');
  return info;
}
