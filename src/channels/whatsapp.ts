/**
 * WhatsApp: a registered template sent with `POST /whatsapp/1/message/template` (infobip.md §3.6,
 * spec `infobip-whatsapp-openapi.json`, schema `BulkMessage`). That endpoint is the older, flat
 * generation: `from`/`to`/`messageId` per message, `notifyUrl` (delivery AND seen reports),
 * `urlOptions` per message, `bulkId` at the top, and its own 200 answer.
 *
 * inArguments (besides the shared ones: channel, phone.*, sender, URL tracking, callbackData.*):
 *   templateName       registered name: lowercase letters, digits, underscores (≤ 512)
 *   language           language/locale exactly as registered ("en", "en_GB", "pt_BR")
 *   placeholders       JSON list of strings: the body placeholders in registered order ([] if none)
 *   headerType         TEXT | IMAGE | VIDEO | DOCUMENT | LOCATION, only when the template's header has a variable or media
 *   headerPlaceholder  TEXT: the header placeholder's value
 *   headerMediaUrl     IMAGE / VIDEO / DOCUMENT: http(s) URL of the media (≤ 2048)
 *   headerFilename     DOCUMENT: the file name shown (≤ 240)
 *   headerLatitude     LOCATION: -90…90
 *   headerLongitude    LOCATION: -180…180
 *   buttons            JSON list, in registered order, of {type, parameter}: QUICK_REPLY (payload ≤ 128),
 *                      URL (the dynamic URL's suffix), COPY_CODE (the code, ≤ 15)
 */
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ProviderStatus } from '../infobip/send.ts';
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed, OutboundMessage, RequestContext } from './channel.ts';

/** The spec: "Should only contain lowercase alphanumeric characters and underscores", ≤ 512. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
/** WhatsApp's template languages are "xx", "xxx" or "xx_YY" ("en", "fil", "en_GB", "zh_HK"). */
const LANGUAGE = /^[a-z]{2,3}(?:_[A-Z]{2})?$/;
/** A registered WhatsApp number in international format, without or with "+" (E.164: ≤ 15 digits). */
const WHATSAPP_SENDER = /^\+?[1-9]\d{5,14}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
const MAX_MEDIA_URL = 2048;
const MAX_FILENAME = 240;
/**
 * WhatsApp's (Meta's) parameter limits: a header text variable ≤ 60 characters, a body variable
 * ≤ 1,024 characters, or ≤ 32,768 when the body is the template's only component.
 */
const MAX_HEADER_TEXT = 60;
const MAX_BODY_TEXT = 1024;
const MAX_BODY_ONLY_TEXT = 32768;
/**
 * The spec's button rules: ≤ 10 buttons, ≤ 2 dynamic URL, 1 copy code; payload ≤ 128, code ≤ 15.
 * The spec gives no limit for a URL suffix; WhatsApp caps a button URL at 2,000 characters.
 */
const MAX_BUTTONS = 10;
const BUTTON_RULES: Record<string, { max: number; maxLength: number }> = {
  QUICK_REPLY: { max: MAX_BUTTONS, maxLength: 128 },
  URL: { max: 2, maxLength: 2000 },
  COPY_CODE: { max: 1, maxLength: 15 },
};
const HEADER_TYPES = new Set(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);

/** Lengths as JSON Schema counts them (code points), so our limits and Infobip's agree. */
const length = (s: string) => [...s].length;
const invalid = (problem: string): Composed => ({ ok: false, messageStatus: `${messageStatus.invalidRequest}: ${problem}` });

type Header =
  | { type: 'TEXT'; placeholder: string }
  | { type: 'IMAGE' | 'VIDEO'; mediaUrl: string }
  | { type: 'DOCUMENT'; mediaUrl: string; filename: string }
  | { type: 'LOCATION'; latitude: number; longitude: number };
interface WhatsAppContent {
  templateName: string;
  language: string;
  placeholders: string[];
  header?: Header;
  buttons?: { type: string; parameter: string }[];
}

function readHeader(args: ActivityArguments): { ok: true; header: Header | undefined } | { ok: false; composed: Composed } {
  const fail = (composed: Composed) => ({ ok: false as const, composed });
  const type = args.text('headerType')?.trim().toUpperCase();
  if (type === undefined) {
    const stray = ['headerPlaceholder', 'headerMediaUrl', 'headerFilename', 'headerLatitude', 'headerLongitude'].find((n) => args.text(n) !== undefined);
    return stray ? fail(invalid(`${stray} needs headerType`)) : { ok: true, header: undefined };
  }
  if (!HEADER_TYPES.has(type)) return fail(invalid('headerType must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION'));
  if (type === 'TEXT') {
    const placeholder = args.text('headerPlaceholder');
    if (placeholder === undefined || length(placeholder) > MAX_HEADER_TEXT) return fail({ ok: false, messageStatus: messageStatus.invalidTextLength });
    return { ok: true, header: { type, placeholder } };
  }
  if (type === 'LOCATION') {
    const latitude = Number(args.text('headerLatitude') ?? NaN);
    const longitude = Number(args.text('headerLongitude') ?? NaN);
    if (!Number.isFinite(latitude) || Math.abs(latitude) > 90) return fail(invalid('headerLatitude must be a number from -90 to 90'));
    if (!Number.isFinite(longitude) || Math.abs(longitude) > 180) return fail(invalid('headerLongitude must be a number from -180 to 180'));
    return { ok: true, header: { type, latitude, longitude } };
  }
  const mediaUrl = args.text('headerMediaUrl')?.trim();
  if (mediaUrl === undefined || length(mediaUrl) > MAX_MEDIA_URL || !HTTP_URL.test(mediaUrl)) {
    return fail(invalid(`headerMediaUrl must be an http(s) URL of at most ${MAX_MEDIA_URL} characters`));
  }
  if (type !== 'DOCUMENT') return { ok: true, header: { type: type as 'IMAGE' | 'VIDEO', mediaUrl } };
  const filename = args.text('headerFilename')?.trim();
  if (filename === undefined || length(filename) > MAX_FILENAME) return fail(invalid(`headerFilename is required for a DOCUMENT header, at most ${MAX_FILENAME} characters`));
  return { ok: true, header: { type, mediaUrl, filename } };
}

function readButtons(value: unknown): { ok: true; buttons: { type: string; parameter: string }[] | undefined } | { ok: false; composed: Composed } {
  const fail = (problem: string) => ({ ok: false as const, composed: invalid(problem) });
  if (value === undefined) return { ok: true, buttons: undefined };
  if (!Array.isArray(value) || value.length > MAX_BUTTONS) return fail(`buttons must be a list of at most ${MAX_BUTTONS} {type, parameter}`);
  const buttons: { type: string; parameter: string }[] = [];
  const counts = new Map<string, number>();
  for (const [i, item] of value.entries()) {
    const { type, parameter } = (item ?? {}) as { type?: unknown; parameter?: unknown };
    const rule = typeof type === 'string' ? BUTTON_RULES[type.trim().toUpperCase()] : undefined;
    if (typeof type !== 'string' || !rule) return fail(`buttons[${i}].type must be QUICK_REPLY, URL or COPY_CODE`);
    const kind = type.trim().toUpperCase();
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (counts.get(kind)! > rule.max) return fail(`a template has at most ${rule.max} ${kind} button${rule.max > 1 ? 's' : ''}`);
    const text = typeof parameter === 'number' ? String(parameter) : typeof parameter === 'string' ? parameter : '';
    if (text.trim() === '' || length(text) > rule.maxLength) return fail(`buttons[${i}].parameter must be 1 to ${rule.maxLength} characters`);
    buttons.push({ type: kind, parameter: text });
  }
  return { ok: true, buttons: buttons.length > 0 ? buttons : undefined };
}

export function composeWhatsApp(args: ActivityArguments): Composed {
  const templateName = args.text('templateName')?.trim();
  if (templateName === undefined || !TEMPLATE_NAME.test(templateName)) return { ok: false, messageStatus: messageStatus.invalidTemplateName };
  const language = args.text('language')?.trim();
  if (language === undefined || !LANGUAGE.test(language)) return invalid('language must be the template\'s registered language code, e.g. en or en_GB');

  const header = readHeader(args);
  if (!header.ok) return header.composed;
  const buttons = readButtons(args.json('buttons'));
  if (!buttons.ok) return buttons.composed;

  // A template without body placeholders still sends `placeholders: []` (the spec requires body).
  const given = args.json('placeholders');
  const list = given === undefined ? [] : given;
  if (!Array.isArray(list)) return invalid('placeholders must be a JSON list of texts');
  // Static headers and footers are not sent, so "body only" can only mean "nothing else sent".
  const maxBody = header.header || buttons.buttons ? MAX_BODY_TEXT : MAX_BODY_ONLY_TEXT;
  const placeholders: string[] = [];
  for (const value of list) {
    // "Values within the array must not be null or empty."
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    if (text.trim() === '' || length(text) > maxBody) return { ok: false, messageStatus: messageStatus.invalidTextLength };
    placeholders.push(text);
  }
  const content: WhatsAppContent = {
    templateName,
    language,
    placeholders,
    ...(header.header ? { header: header.header } : {}),
    ...(buttons.buttons ? { buttons: buttons.buttons } : {}),
  };
  return { ok: true, content: { ...content } };
}

function templateMessage(m: OutboundMessage, context: RequestContext) {
  const content = m.content as unknown as WhatsAppContent;
  return {
    // Infobip wants the number without "+" ("441134960000").
    from: (m.sender ?? '').replace(/^\+/, ''),
    to: m.destination,
    messageId: m.id,
    content: {
      templateName: content.templateName,
      templateData: {
        body: { placeholders: content.placeholders },
        ...(content.header ? { header: content.header } : {}),
        ...(content.buttons ? { buttons: content.buttons } : {}),
      },
      language: content.language,
    },
    ...(m.callbackData ? { callbackData: m.callbackData } : {}),
    // Flat in this generation (`options.platform` in the envelope APIs).
    ...(context.applicationId ? { applicationId: context.applicationId } : {}),
    // One URL for delivery and seen reports: the report webhook tells them apart.
    notifyUrl: context.deliveryReportUrl,
    // URL options are per message in this generation (`options.tracking` elsewhere).
    ...(context.tracking ? { urlOptions: context.tracking } : {}),
  };
}

const Status = Type.Object({ groupId: Type.Number(), groupName: Type.String(), id: Type.Number(), name: Type.String(), description: Type.Optional(Type.String()) });
const checkResponse = TypeCompiler.Compile(
  Type.Object({ messages: Type.Array(Type.Object({ messageId: Type.Optional(Type.String()), status: Type.Optional(Status) })) }),
);

/** The legacy answer `{messages: [{to, messageCount, messageId, status}], bulkId}`. */
export function readWhatsAppResponse(body: unknown): Map<string, ProviderStatus> | undefined {
  if (!checkResponse.Check(body)) return undefined;
  const statuses = new Map<string, ProviderStatus>();
  for (const m of body.messages) {
    if (m.messageId === undefined || m.status === undefined) continue;
    const { groupId, groupName, id, name, description } = m.status;
    statuses.set(m.messageId, { groupId, groupName, id, name, ...(description !== undefined ? { description } : {}) });
  }
  return statuses;
}

export const whatsapp: Channel = {
  id: 'whatsapp',
  name: 'WhatsApp',
  aliases: ['WhatsApp template'],
  endpoint: '/whatsapp/1/message/template',
  // The WhatsApp API has no message logs: a message whose outcome is unknown is sent again.
  logsPath: undefined,
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'whatsapp',
  senderRequired: true,
  isValidSender: (sender) => WHATSAPP_SENDER.test(sender),
  urlTracking: true,
  compose: composeWhatsApp,
  buildRequest: (messages, context) => ({ messages: messages.map((m) => templateMessage(m, context)), bulkId: context.bulkId }),
  readResponse: readWhatsAppResponse,
};
