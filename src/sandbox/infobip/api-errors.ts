// ApiError bodies (the new-generation error shape used by /sms/3/messages, infobip.md §1.3). The
// wording is taken from the examples the spec documents for each status of the operation, so an
// E401 from the simulator reads exactly like one from Infobip.
import { componentResponseExample, hasResponse, responseExample, type Violation } from '../openapi.ts';
import { SEND_SMS_PATH, smsSpec } from './sms-spec.ts';

export interface ApiError {
  errorCode: string;
  description: string;
  action: string;
  violations: Violation[];
  resources: { name: string; url: string }[];
}

export type ApiErrorStatus = 400 | 401 | 429 | 500;

/** The documented ApiError for `status`; for 400 the example's placeholder violations are replaced. */
export function apiError(status: ApiErrorStatus, violations: Violation[] = []): ApiError {
  const spec = smsSpec();
  // POST /sms/3/messages documents no 429 (Infobip publishes no rate limit for it); when it does
  // throttle, it answers like every ApiError endpoint: the shared `components.responses.ApiError429`.
  const example = hasResponse(spec, SEND_SMS_PATH, 'post', status)
    ? responseExample(spec, SEND_SMS_PATH, 'post', status)
    : componentResponseExample(spec, `ApiError${status}`);
  return { ...(example as unknown as ApiError), violations };
}
