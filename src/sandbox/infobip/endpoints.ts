// The registry of simulated Infobip send endpoints: every channel the connector sends on, and
// the only place a channel is described. Adding one = adding an entry here: its path, its spec file
// in specs/infobip/ (the request is validated against that operation's request body, errors are
// worded like its documented examples, the 200 status is the one its documented example shows),
// how to read a request message (envelope APIs share `envelopeEndpoint`), its response, and the
// spec webhooks its reports are shaped as. Faults, auth, bookkeeping, batching and retries of
// webhooks are shared (send-route.ts, webhook-dispatcher.ts).
import {
  buildRcsReport,
  buildReport,
  buildWhatsAppReport,
  buildZaloReport,
} from './delivery-report.ts';
import { envelopeEndpoint, type EnvelopeMessage } from './envelope.ts';
import { clipIds, nonEmptyMessages } from './request-rules.ts';
import { buildSeenReport, buildWhatsAppSeenReport } from './seen-report.ts';
import type { SimulatedEndpoint } from './simulated-endpoint.ts';
import { binarySegmentCount, smsSegmentCount } from './sms-segments.ts';

/** The channels the simulator serves, one per entry of SIMULATED_ENDPOINTS below. */
export type SimChannel = 'SMS' | 'MMS' | 'RCS' | 'VIBER' | 'WHATSAPP' | 'KAKAO_ALIM' | 'KAKAO_CHINGU' | 'ZALO';

// ---------------------------------------------------------------- SMS (and Korean LMS)

const smsMessageCount = (message: EnvelopeMessage): number => {
  const { text, hex } = message.content;
  return typeof text === 'string' ? smsSegmentCount(text) : binarySegmentCount(typeof hex === 'string' ? hex : '');
};

/**
 * POST /sms/3/messages. Korean LMS has no endpoint of its own: it is an SMS with
 * `options.regional.southKorea` (infobip.md §3.2), validated by the same schema.
 */
export const SMS = envelopeEndpoint({
  channel: 'SMS',
  path: '/sms/3/messages',
  specFile: 'infobip-sms-openapi.json',
  prepare: clipIds,
  messageCount: smsMessageCount,
  // `details.messageCount` only with `options.includeSmsCountInResponse: true`.
  responseDetails: (body, m) => (body.options?.includeSmsCountInResponse === true ? { messageCount: m.messageCount } : undefined),
  delivery: { webhook: 'receive-outbound-sms-message-reports-v3', build: buildReport },
});

// ---------------------------------------------------------------- MMS

/** POST /mms/2/messages; a `{group: […]}` destination is accepted as one message per member. */
export const MMS = envelopeEndpoint({
  channel: 'MMS',
  path: '/mms/2/messages',
  specFile: 'infobip-mms-openapi.json',
  delivery: { webhook: 'receive-outbound-mms-message-delivery-reports', build: buildReport },
});

// ---------------------------------------------------------------- RCS

export const RCS = envelopeEndpoint({
  channel: 'RCS',
  path: '/rcs/2/messages',
  specFile: 'infobip-rcs-openapi.json',
  delivery: { webhook: 'receive-outbound-rcs-message-delivery-reports', build: buildRcsReport },
  seen: { webhook: 'receive-rcs-seen-reports', build: buildSeenReport },
});

// ---------------------------------------------------------------- Viber Business Messages

export const VIBER = envelopeEndpoint({
  channel: 'VIBER',
  path: '/viber/2/messages',
  specFile: 'infobip-viber-openapi.json',
  delivery: { webhook: 'receive-outbound-viber-message-delivery-reports', build: buildReport },
  seen: { webhook: 'receive-viber-seen-reports', build: buildSeenReport },
});

// ---------------------------------------------------------------- WhatsApp template (legacy generation)

/** The fields of a (schema-valid) `BulkMessage` the simulator reads. */
export interface WhatsAppBulkRequest {
  messages: WhatsAppMessage[];
  bulkId?: string;
}

export interface WhatsAppMessage {
  from: string;
  to: string;
  messageId?: string;
  content: Record<string, unknown>;
  callbackData?: string;
  /** "The URL on your callback server to which delivery and seen reports will be sent." */
  notifyUrl?: string;
  entityId?: string;
  applicationId?: string;
}

/**
 * POST /whatsapp/1/message/template: the older flat shape (one `to` per message, `from`,
 * `notifyUrl`, flat `applicationId`/`entityId`), legacy `ApiException` errors and the legacy
 * response `{messages: [{to, messageCount, messageId, status}], bulkId}`. Delivery and seen
 * reports both go to the message's `notifyUrl` (without one, to the account's subscriptions).
 */
export const WHATSAPP_TEMPLATE: SimulatedEndpoint<WhatsAppBulkRequest> = {
  channel: 'WHATSAPP',
  path: '/whatsapp/1/message/template',
  specFile: 'infobip-whatsapp-openapi.json',
  errorShape: 'ApiException',
  rules: nonEmptyMessages,
  read: (body) => ({
    bulkId: body.bulkId,
    messages: body.messages.map((message) => {
      const notifyUrl = message.notifyUrl || undefined;
      const platform = {
        ...(message.entityId !== undefined ? { entityId: message.entityId } : {}),
        ...(message.applicationId !== undefined ? { applicationId: message.applicationId } : {}),
      };
      return {
        request: message,
        sender: message.from,
        destinations: [{ to: message.to, messageId: message.messageId }],
        messageCount: 1,
        callbackData: message.callbackData,
        deliveryUrl: notifyUrl,
        notify: true,
        intermediateReport: false,
        seenUrl: notifyUrl,
        platform: Object.keys(platform).length > 0 ? platform : undefined,
      };
    }),
  }),
  respond: ({ bulkId, status, messages }) => ({
    messages: messages.map((m) => ({ to: m.to, messageCount: m.messageCount, messageId: m.messageId, status: { ...status } })),
    bulkId,
  }),
  reports: {
    delivery: { webhook: 'receive-whatsapp-delivery-reports', build: buildWhatsAppReport },
    seen: { webhook: 'receive-whatsapp-seen-reports', build: buildWhatsAppSeenReport },
  },
};

// ---------------------------------------------------------------- Kakao

// The Kakao document defines no seen webhook for Alim or Chingu (only delivery reports, plus
// Sangdam inbound), so these channels send none.

export const KAKAO_ALIM = envelopeEndpoint({
  channel: 'KAKAO_ALIM',
  path: '/kakao-alim/1/messages',
  specFile: 'infobip-kakao-openapi.json',
  delivery: { webhook: 'receive-outbound-kakao-alim-message-delivery-reports', build: buildReport },
});

/** Kakao Chingu, being replaced by Brand Message (the `*_FREE_FORM` / `*_VARIABLE` content types). */
export const KAKAO_CHINGU = envelopeEndpoint({
  channel: 'KAKAO_CHINGU',
  path: '/kakao-chingu/1/messages',
  specFile: 'infobip-kakao-openapi.json',
  delivery: { webhook: 'receive-outbound-kakao-chingu-message-delivery-reports', build: buildReport },
});

// ---------------------------------------------------------------- Zalo

/** ZNS templates and OA messages. The Zalo document defines no seen webhook, so none is sent. */
export const ZALO = envelopeEndpoint({
  channel: 'ZALO',
  path: '/zalo/2/messages',
  specFile: 'infobip-zalo-openapi.json',
  delivery: { webhook: 'receive-outbound-zalo-delivery-reports', build: buildZaloReport },
});

// ---------------------------------------------------------------- the registry

/** Every endpoint the simulator serves, each at its own path. */
export const SIMULATED_ENDPOINTS: readonly SimulatedEndpoint[] = [SMS, MMS, RCS, VIBER, WHATSAPP_TEMPLATE, KAKAO_ALIM, KAKAO_CHINGU, ZALO];
