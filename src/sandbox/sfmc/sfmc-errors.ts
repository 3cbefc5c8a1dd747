// Error bodies exactly as SFMC shapes them. SFMC uses three different families, and a client has to
// cope with all of them, so the simulator reproduces each one where the real API uses it:
//  - the auth host speaks OAuth (`error`, `error_description`, `error_uri`): access-token-s2s.md;
//  - most REST routes use `{message, errorcode, documentation}`: sfmc.md §3.7 (error-handling.md);
//  - the data/v1/async family answers with `resultMessages`: insertDataExtensionIDAsync.md et al.
import { randomUUID } from 'node:crypto';

export const ERROR_DOC_URL =
  'https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm';

export interface OAuthError {
  error: string;
  error_description: string;
  error_uri: string;
}

export function oauthError(error: string, description: string): OAuthError {
  return { error, error_description: description, error_uri: 'https://developer.salesforce.com' };
}

export const INVALID_CLIENT = oauthError(
  'invalid_client',
  'Invalid client ID. Use the client ID in Marketing Cloud Installed Packages.',
);

export interface RestError {
  message: string;
  errorcode: number;
  documentation: string;
  additionalErrors?: RestError[];
}

export function restError(message: string, errorcode: number, additionalErrors?: RestError[]): RestError {
  const body: RestError = { message, errorcode, documentation: ERROR_DOC_URL };
  if (additionalErrors) body.additionalErrors = additionalErrors;
  return body;
}

/** 401 for a missing, unknown or expired token (sfmc.md §3.7: errorcode 0). Key order as SFMC sends it. */
export function notAuthorized(): Record<string, unknown> {
  return { documentation: ERROR_DOC_URL, errorcode: 0, message: 'Not Authorized' };
}

/** 429 errorcode 50100 (sfmc.md §3.7, rate-limiting-errors.md); goes with a Retry-After header. */
export function rateLimited(retryAfterSeconds: number): Record<string, unknown> {
  return {
    message: 'Rate limit exceeded',
    errorcode: 50100,
    retryAfter: retryAfterSeconds,
    documentation: ERROR_DOC_URL,
  };
}

export interface ResultMessage {
  resultType: string;
  resultClass: string;
  resultCode: string;
  message: string;
}

/** `{requestId, resultMessages:[…]}`; requestId is a fresh id for this call, as in the docs' examples. */
export function resultMessages(resultCode: string, message: string, resultType = 'Operational') {
  const msg: ResultMessage = { resultType, resultClass: 'Error', resultCode, message };
  return { requestId: randomUUID(), resultMessages: [msg] };
}
