/**
 * Kakao Alim (AlimTalk): a template registered with Kakao, sent with `POST /kakao-alim/1/messages`
 * (infobip.md §3.7, spec `infobip-kakao-openapi.json`, `KakaoAlimRequest`). The guide's form
 * repeats the template: its name and body are mandatory, title, image and buttons optional, and
 * they must match what Kakao approved. Kakao Alim has no URL shortening (no `options.tracking`).
 *
 * inArguments (besides the shared ones: channel, phone.*, sender, callbackData.*):
 *   templateName  the template code registered with Kakao (the guide's "Template name"; ≤ 30)
 *   text          the message body, merge fields filled (≤ 1000)
 *   title         the template's emphasised title (≤ 50)
 *   imageUrl      the template's image URL: checked (http(s), ≤ 250) but not sent — the image is
 *                 part of the registered template and the send API has no field for it
 *   buttons       JSON list of ≤ 5 buttons, with the spec's field names:
 *                 {type: "APP_LINK", name, schemeAndroid?, schemeIos?, urlMobile?, urlPc?} (two of the first three)
 *                 {type: "URL", name, urlMobile, urlPc?, target?}
 *                 {type: "CHATBOT_SWITCH", name, chatExtra?, chatEvent?}
 *                 {type: "DELIVERY_TRACKING" | "BOT_KEYWORD" | "MESSAGE_DELIVERY" | "ADD_CHANNEL", name}
 *                 The guide's names ("App Link", "Web Link", "Delivery Tracking", …) are accepted as types.
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed, OutboundMessage, RequestContext } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';

const MAX_TEMPLATE_CODE = 30;
const MAX_TEXT = 1000;
const MAX_TITLE = 50;
/** Kakao's image URL limit (the spec's `Image.url` for brand messages: ≤ 250). */
export const MAX_KAKAO_IMAGE_URL = 250;
/** A Kakao channel's sender (profile) key, e.g. a 40-character hex key or an account id. */
export const KAKAO_SENDER = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;
export const HTTP_URL = /^https?:\/\/\S+$/i;

/** Lengths as JSON Schema counts them (code points), so our limits and Infobip's agree. */
export const length = (s: string) => [...s].length;
const invalid = (problem: string): Composed => ({ ok: false, messageStatus: `${messageStatus.invalidRequest}: ${problem}` });

// ---------------------------------------------------------------- buttons (shared with ChinguTalk)

export type KakaoButton = { type: string; name: string } & Record<string, string>;

/** Which button types a Kakao content takes, and their limits. */
export interface KakaoButtonRules {
  maxButtons: number;
  maxName: number;
  /** The fields (besides type and name) each accepted type may have. */
  fields: Record<string, readonly string[]>;
  /** Accepted values of a URL button's `target`, as the error words them. */
  target: { accepts: (value: string) => boolean; described: string };
}

/** Spec limits shared by both Kakao APIs: links and schemes ≤ 500, chatbot fields ≤ 50. */
const MAX_LINK = 500;
const MAX_CHATBOT_FIELD = 50;
const URL_FIELDS = new Set(['urlMobile', 'urlPc']);
const SCHEME_FIELDS = new Set(['schemeAndroid', 'schemeIos']);

/** "Web Link" → URL, "App Link" → APP_LINK: the guide's names read as the spec's types. */
const buttonType = (type: string) => {
  const key = type.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return key === 'WEB_LINK' ? 'URL' : key;
};

/**
 * Reads the `buttons` argument against a Kakao content's button rules, answering the guide's
 * Kakao statuses: the list itself (count, shape) → "Invalid buttons field length", a name →
 * "Invalid button text length", an app scheme → "Invalid androidScheme and iosScheme length",
 * a link → "Invalid button url length".
 */
export function readKakaoButtons(value: unknown, rules: KakaoButtonRules): { ok: true; buttons: KakaoButton[] } | { ok: false; messageStatus: string } {
  const fail = (status: string) => ({ ok: false as const, messageStatus: status });
  if (value === undefined) return { ok: true, buttons: [] };
  if (!Array.isArray(value) || value.length > rules.maxButtons) return fail(messageStatus.invalidButtonsFieldLength);
  const buttons: KakaoButton[] = [];
  for (const [i, item] of value.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return fail(messageStatus.invalidButtonsFieldLength);
    const { type: rawType, name, ...rest } = item as Record<string, unknown>;
    const type = typeof rawType === 'string' ? buttonType(rawType) : '';
    const allowed = rules.fields[type];
    if (!allowed) return fail(`${messageStatus.invalidRequest}: buttons[${i}].type must be one of ${Object.keys(rules.fields).join(', ')}`);
    if (typeof name !== 'string' || name.trim() === '' || length(name) > rules.maxName) return fail(messageStatus.invalidButtonTextLength);
    const button: KakaoButton = { type, name };
    for (const [field, raw] of Object.entries(rest)) {
      if (!allowed.includes(field)) return fail(`${messageStatus.invalidRequest}: buttons[${i}].${field} is not a field of a ${type} button`);
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (raw === undefined || raw === null || (typeof raw === 'string' && text === '')) continue; // an empty form field
      if (URL_FIELDS.has(field)) {
        if (length(text) > MAX_LINK || !HTTP_URL.test(text)) return fail(messageStatus.invalidButtonUrlLength);
      } else if (SCHEME_FIELDS.has(field)) {
        if (length(text) > MAX_LINK) return fail(messageStatus.invalidSchemeLength);
      } else if (field === 'target') {
        if (!rules.target.accepts(text)) return fail(`${messageStatus.invalidRequest}: buttons[${i}].target must be ${rules.target.described}`);
      } else if (text === '' || length(text) > MAX_CHATBOT_FIELD) {
        return fail(`${messageStatus.invalidRequest}: buttons[${i}].${field} must be a text of at most ${MAX_CHATBOT_FIELD} characters`);
      }
      button[field] = text;
    }
    // Kakao's own rules beyond the schema: a web link needs its mobile URL, an app link two ways to open.
    if (type === 'URL' && button.urlMobile === undefined) return fail(messageStatus.invalidButtonUrlLength);
    if (type === 'APP_LINK' && ['schemeAndroid', 'schemeIos', 'urlMobile'].filter((f) => button[f] !== undefined).length < 2) {
      return fail(`${messageStatus.invalidRequest}: buttons[${i}] (APP_LINK) needs at least two of schemeAndroid, schemeIos and urlMobile`);
    }
    buttons.push(button);
  }
  return { ok: true, buttons };
}

// ---------------------------------------------------------------- Kakao Alim

const ALIM_BUTTONS: KakaoButtonRules = {
  maxButtons: 5,
  maxName: 28,
  fields: {
    APP_LINK: ['schemeAndroid', 'schemeIos', 'urlMobile', 'urlPc'],
    DELIVERY_TRACKING: [],
    URL: ['urlMobile', 'urlPc', 'target'],
    CHATBOT_SWITCH: ['chatExtra', 'chatEvent'],
    BOT_KEYWORD: [],
    MESSAGE_DELIVERY: [],
    ADD_CHANNEL: [],
  },
  target: { accepts: (t) => length(t) <= 3, described: 'at most 3 characters (e.g. "out")' },
};

interface AlimContent {
  templateCode: string;
  text: string;
  title?: string;
  buttons?: KakaoButton[];
}

export function composeKakaoAlim(args: ActivityArguments): Composed {
  const templateCode = args.text('templateName')?.trim();
  if (templateCode === undefined || length(templateCode) > MAX_TEMPLATE_CODE) return { ok: false, messageStatus: messageStatus.invalidTemplateName };
  const text = args.text('text');
  if (text === undefined || length(text) > MAX_TEXT) return { ok: false, messageStatus: messageStatus.invalidTextLength };
  const title = args.text('title');
  if (title !== undefined && length(title) > MAX_TITLE) return invalid(`title must be at most ${MAX_TITLE} characters`);
  const imageUrl = args.text('imageUrl')?.trim();
  if (imageUrl !== undefined && (length(imageUrl) > MAX_KAKAO_IMAGE_URL || !HTTP_URL.test(imageUrl))) return { ok: false, messageStatus: messageStatus.invalidImageUrlLength };
  const buttons = readKakaoButtons(args.json('buttons'), ALIM_BUTTONS);
  if (!buttons.ok) return buttons;
  const content: AlimContent = { templateCode, text, ...(title ? { title } : {}), ...(buttons.buttons.length > 0 ? { buttons: buttons.buttons } : {}) };
  return { ok: true, content: { ...content } };
}

function alimMessage(m: OutboundMessage, context: RequestContext) {
  const content = m.content as unknown as AlimContent;
  return envelopeMessage(m, context, { content: { type: 'TEMPLATE', ...content } });
}

export const kakaoAlim: Channel = {
  id: 'kakao-alim',
  name: 'Kakao Alim',
  aliases: ['kakaoAlim', 'KakaoAlim', 'alimtalk', 'Kakao AlimTalk'],
  endpoint: '/kakao-alim/1/messages',
  logsPath: '/kakao-alim/1/logs',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'kakao',
  senderRequired: true,
  isValidSender: (sender) => KAKAO_SENDER.test(sender),
  urlTracking: false,
  compose: composeKakaoAlim,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => alimMessage(m, context)),
    // Alim's request options have no `tracking`: never send one, whatever the group carries.
    options: envelopeRequestOptions({ ...context, tracking: undefined }),
  }),
  readResponse: readEnvelopeResponse,
};
