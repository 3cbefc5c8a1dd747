// Error bodies in the two shapes Infobip uses (infobip.md §1.3): the new-generation `ApiError`
// (/sms/3, /mms/2, /rcs/2, /viber/2, /kakao-*, /zalo/2) and the legacy `ApiException`
// (`requestError.serviceException`, e.g. /whatsapp/1/message/template). The wording is taken from
// the examples each endpoint's own spec documents for the status, so an E401 or an UNAUTHORIZED
// from the simulator reads exactly like one from Infobip.
import { componentResponseExample, hasResponse, responseExample, type OpenApiSpec, type Violation } from '../openapi.ts';

export interface ApiError {
  errorCode: string;
  description: string;
  action: string;
  violations: Violation[];
  resources: { name: string; url: string }[];
}

export interface ApiException {
  requestError: {
    serviceException: {
      messageId: string;
      text: string;
      /** Property → messages; only on 400. */
      validationErrors?: Record<string, string[]>;
    };
  };
}

/** Which of the two shapes an endpoint answers errors in (also the prefix of its shared responses). */
export type ErrorShape = 'ApiError' | 'ApiException';

export type ApiErrorStatus = 400 | 401 | 429 | 500;

/**
 * The example the operation documents for `status`; a status it does not document (e.g. 429 on
 * POST /sms/3/messages, where Infobip publishes no rate limit) is answered like every endpoint of
 * that shape answers it: with the spec's shared `components.responses.<shape><status>`.
 */
function documented(spec: OpenApiSpec, path: string, shape: ErrorShape, status: ApiErrorStatus): unknown {
  return hasResponse(spec, path, 'post', status)
    ? responseExample(spec, path, 'post', status)
    : componentResponseExample(spec, `${shape}${status}`);
}

/** The documented error body for `status` of POST `path`; for 400 the example's placeholder violations are replaced. */
export function errorBody(spec: OpenApiSpec, path: string, shape: ErrorShape, status: ApiErrorStatus, violations: Violation[] = []): ApiError | ApiException {
  return errorFromExample(documented(spec, path, shape, status), shape, violations);
}

/** A documented error example of `shape`, carrying `violations` in that shape's own form. */
export function errorFromExample(example: unknown, shape: ErrorShape, violations: Violation[] = []): ApiError | ApiException {
  if (shape === 'ApiError') return { ...(example as ApiError), violations };
  const exception = { ...(example as ApiException).requestError.serviceException };
  delete exception.validationErrors;
  if (violations.length > 0) {
    // Legacy `validationErrors` is a map property → messages; the property paths are the same
    // `messages[0].content.templateName` form the ApiError violations use.
    const validationErrors: Record<string, string[]> = {};
    for (const { property, violation } of violations) (validationErrors[property] ??= []).push(violation);
    exception.validationErrors = validationErrors;
  }
  return { requestError: { serviceException: exception } };
}
