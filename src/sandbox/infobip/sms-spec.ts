// The parts of Infobip's SMS OpenAPI document the simulator is built on. Everything that decides
// whether a request or a report is valid comes from the loaded document, never from our own copy.
import type { ValidateFunction } from 'ajv/dist/2020.js';
import {
  loadInfobipSpec,
  requestBodyValidator,
  responseBodyValidator,
  webhookBodyValidator,
  type OpenApiSpec,
} from '../openapi.ts';

export const SMS_SPEC_FILE = 'infobip-sms-openapi.json';
export const SEND_SMS_PATH = '/sms/3/messages';
export const DELIVERY_REPORTS_WEBHOOK = 'receive-outbound-sms-message-reports-v3';

export const smsSpec = (): OpenApiSpec => loadInfobipSpec(SMS_SPEC_FILE);

/** `SmsRequestEnvelope`, the body of POST /sms/3/messages. */
export const sendSmsRequestValidator = (): ValidateFunction => requestBodyValidator(smsSpec(), SEND_SMS_PATH, 'post');

/** `SmsResponseEnvelope`, its 200 answer. */
export const sendSmsResponseValidator = (): ValidateFunction => responseBodyValidator(smsSpec(), SEND_SMS_PATH, 'post', 200);

/** `DeliveryReports`, what Infobip POSTs to `webhooks.delivery.url`. */
export const deliveryReportsValidator = (): ValidateFunction => webhookBodyValidator(smsSpec(), DELIVERY_REPORTS_WEBHOOK);
