/**
 * Kakao ChinguTalk (FriendTalk): free-form text, optionally with an image, sent with
 * `POST /kakao-chingu/1/messages` (infobip.md §3.8, spec `infobip-kakao-openapi.json`,
 * `KakaoChinguRequest`). The spec deprecates the old content types in favour of Brand Message
 * ("use only new content types that include _FREE_FORM or _VARIABLE"), so the guide's form maps
 * to `TEXT_FREE_FORM` or, with an image, `IMAGE_FREE_FORM`. Its request options have `tracking`:
 * the guide's URL shortening & tracking applies.
 *
 * inArguments (besides the shared ones: channel, phone.*, sender, URL tracking, callbackData.*):
 *   text       the message, merge fields filled (≤ 1300)
 *   imageUrl   http(s) URL of a JPG/PNG image (≤ 250); makes it an image message
 *   imageLink  http(s) URL opened when the image is tapped (≤ 250; needs imageUrl)
 *   buttons    JSON list of ≤ 5 buttons, the guide's web link and app link, with the spec's field names:
 *              {type: "URL", name, urlMobile, urlPc?, target?: "OUT"}
 *              {type: "APP_LINK", name, schemeAndroid?, schemeIos?, urlMobile?, urlPc?} (two of the first three)
 *              Names are ≤ 14 characters; "Web Link" / "App Link" are accepted as types.
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed, OutboundMessage, RequestContext } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';
import { HTTP_URL, KAKAO_SENDER, type KakaoButton, type KakaoButtonRules, length, MAX_KAKAO_IMAGE_URL, readKakaoButtons } from './kakao-alim.ts';

const MAX_TEXT = 1300;

/** The brand message free-form buttons the guide offers for ChinguTalk (`TextAndImageFreeFormButton`). */
const CHINGU_BUTTONS: KakaoButtonRules = {
  maxButtons: 5,
  maxName: 14,
  fields: {
    URL: ['urlMobile', 'urlPc', 'target'],
    APP_LINK: ['schemeAndroid', 'schemeIos', 'urlMobile', 'urlPc'],
  },
  target: { accepts: (t) => t === 'OUT', described: 'OUT' },
};

interface ChinguContent {
  text: string;
  image?: { url: string; link?: string };
  buttons?: KakaoButton[];
}

export function composeKakaoChingu(args: ActivityArguments): Composed {
  const text = args.text('text');
  if (text === undefined || length(text) > MAX_TEXT) return { ok: false, messageStatus: messageStatus.invalidTextLength };
  const imageUrl = args.text('imageUrl')?.trim();
  const imageLink = args.text('imageLink')?.trim();
  const badUrl = (url: string) => length(url) > MAX_KAKAO_IMAGE_URL || !HTTP_URL.test(url);
  if (imageUrl !== undefined && badUrl(imageUrl)) return { ok: false, messageStatus: messageStatus.invalidImageUrlLength };
  if (imageLink !== undefined) {
    if (imageUrl === undefined) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: imageLink needs imageUrl` };
    if (badUrl(imageLink)) return { ok: false, messageStatus: `${messageStatus.invalidRequest}: imageLink must be an http(s) URL of at most ${MAX_KAKAO_IMAGE_URL} characters` };
  }
  const buttons = readKakaoButtons(args.json('buttons'), CHINGU_BUTTONS);
  if (!buttons.ok) return buttons;
  const content: ChinguContent = {
    text,
    ...(imageUrl ? { image: { url: imageUrl, ...(imageLink ? { link: imageLink } : {}) } } : {}),
    ...(buttons.buttons.length > 0 ? { buttons: buttons.buttons } : {}),
  };
  return { ok: true, content: { ...content } };
}

function chinguMessage(m: OutboundMessage, context: RequestContext) {
  const content = m.content as unknown as ChinguContent;
  return envelopeMessage(m, context, { content: { type: content.image ? 'IMAGE_FREE_FORM' : 'TEXT_FREE_FORM', ...content } });
}

export const kakaoChingu: Channel = {
  id: 'kakao-chingu',
  name: 'Kakao ChinguTalk',
  aliases: ['kakaoChingu', 'chingu', 'friendtalk', 'Kakao FriendTalk', 'brand message', 'Kakao Brand Message'],
  endpoint: '/kakao-chingu/1/messages',
  logsPath: '/kakao-chingu/1/logs',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'kakao',
  senderRequired: true,
  isValidSender: (sender) => KAKAO_SENDER.test(sender),
  urlTracking: true,
  compose: composeKakaoChingu,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => chinguMessage(m, context)),
    options: envelopeRequestOptions(context),
  }),
  readResponse: readEnvelopeResponse,
};
