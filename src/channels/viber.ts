/**
 * Viber Business Messages through `POST /viber/2/messages` (spec infobip-viber-openapi.json,
 * `ViberRequest`): the guide's message types (text, image, text + button, image + text + button)
 * and what the spec's TEXT/IMAGE/VIDEO/FILE contents add (image + text, video, file), the
 * promotional/transactional label, and an optional SMS failover. A sender is required; seen
 * reports are asked for.
 *
 * Scenario keys: the guide's "Error: Invalid scenario key" row is the older connector's, which sent
 * Viber through OMNI failover (`/omni/1/advanced`), where a scenario key names a Viber → SMS
 * scenario set up beforehand. `/viber/2` carries the failover SMS inline (`options.smsFailover`),
 * so no scenario key is valid here: an activity that still carries one (`scenarioKey`, e.g. one
 * copied from the older connector) answers that status, telling the marketer to use
 * smsFailoverText instead of silently sending without the failover they expect.
 *
 * inArguments (besides what every channel shares: channel, phone, sender, URL tracking, callback data):
 *   messageType            optional  TEXT | TEXT_BUTTON | IMAGE | IMAGE_TEXT | IMAGE_TEXT_BUTTON | VIDEO |
 *                                    VIDEO_TEXT | VIDEO_TEXT_BUTTON | FILE, also as the guide writes them
 *                                    ("Image + Text + Button"); when absent, read from the fields given
 *   text                   1–1,000 characters (required by the types naming TEXT)
 *   imageUrl               http(s) URL of a .jpg/.jpeg/.png image, ≤ 1,000
 *   showImageInFullScreen  optional flag (image types): the image opens full screen instead of following the button
 *   buttonText             1–30 characters
 *   buttonUrl              URL the button opens, ≤ 1,000 (optional for video buttons)
 *   videoUrl               http(s) URL of a .3gp/.m4v/.mov/.mp4 video, ≤ 1,000
 *   videoDuration          ISO 8601 duration ("PT45S") or whole seconds
 *   thumbnailUrl           http(s) image URL shown before the video plays, ≤ 1,000
 *   fileUrl                http(s) URL of the document
 *   fileName               optional, the document's name with one of the spec's extensions (.pdf, .docx, .xlsx, .csv, …);
 *                          taken from fileUrl when absent
 *   label                  optional PROMOTIONAL | TRANSACTIONAL (the guide's "promotional flag", spec `options.label`)
 *   smsFailoverText        optional SMS sent when Viber cannot deliver (the SMS length limit applies)
 *   smsFailoverSender      optional SMS sender of the failover
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';
import { SMS_SENDER, smsTextFits } from './sms.ts';

const TEXT_MAX = 1000;
const URL_MAX = 1000;
const BUTTON_TEXT_MAX = 30;
/** Printable, no surrounding blanks: Infobip checks the name against the account's Viber senders. */
const VIBER_SENDER = /^[^\s\p{C}](?:[^\p{C}]{0,98}[^\s\p{C}])?$/u;
/** The spec's `fileName` pattern, verbatim (so case-sensitive, as Infobip checks it). */
const FILE_NAME = /^.*\.(docx?|dotx?|xlsx?|f?ods|f?odt|rtf|odf|txt|info|pdf|xps|pdax|eps|csv|xlsm|xltx)$/;
/** ISO 8601 duration as JSON Schema's `duration` format (the spec's `mediaDuration`) reads it. */
const DURATION = /^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$/;

/** The message types: which medium, and whether text and a button are part of it. */
const TYPES = ['TEXT', 'TEXT_BUTTON', 'IMAGE', 'IMAGE_TEXT', 'IMAGE_TEXT_BUTTON', 'VIDEO', 'VIDEO_TEXT', 'VIDEO_TEXT_BUTTON', 'FILE'];

const isHttpUrl = (url: string | undefined, max = URL_MAX): url is string => url !== undefined && url.length <= max && /^https?:\/\/\S+$/i.test(url) && URL.canParse(url);
/** A button may open any URI (https:, viber:, tel: …). */
const isUri = (url: string | undefined): url is string => url !== undefined && url.length <= URL_MAX && /^[a-z][a-z0-9+.-]*:\S+$/i.test(url);
const fail = (status: string): Composed => ({ ok: false, messageStatus: status });
const invalid = (problem: string) => fail(`${messageStatus.invalidRequest}: ${problem}`);

const WORDS = ['IMAGE', 'VIDEO', 'FILE', 'TEXT', 'BUTTON'];

/**
 * The canonical type: "Image + Text + Button", "image_text_button" → IMAGE_TEXT_BUTTON (an unknown
 * name is returned as given). Without messageType it is read from the fields given; a button
 * brings text along, which Viber requires with an image button.
 */
function messageTypeOf(args: ActivityArguments): string {
  const given = args.text('messageType');
  if (given) {
    const words = new Set(given.toUpperCase().split(/[^A-Z]+/));
    const name = WORDS.filter((w) => words.has(w)).join('_');
    return TYPES.includes(name) ? name : given;
  }
  const medium = args.text('imageUrl') ? 'IMAGE' : args.text('videoUrl') ? 'VIDEO' : args.text('fileUrl') ? 'FILE' : 'TEXT';
  if (medium === 'FILE') return medium;
  const button = args.text('buttonText') !== undefined;
  const text = medium !== 'TEXT' && (button || args.text('text') !== undefined);
  return [medium, ...(text ? ['TEXT'] : []), ...(button ? ['BUTTON'] : [])].join('_');
}

function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

function compose(args: ActivityArguments): Composed {
  if (args.text('scenarioKey') !== undefined) return { ok: false, messageStatus: messageStatus.invalidScenarioKey };
  const type = messageTypeOf(args);
  if (!TYPES.includes(type)) return invalid(`messageType must be one of ${TYPES.join(', ')}`);
  const [medium, ...parts] = type.split('_') as [string, ...string[]];
  const withText = medium === 'TEXT' || parts.includes('TEXT');
  const withButton = parts.includes('BUTTON');

  const label = args.text('label')?.trim().toUpperCase();
  if (label !== undefined && label !== 'PROMOTIONAL' && label !== 'TRANSACTIONAL') return fail(messageStatus.invalidPromotionalFlag);

  const text = args.text('text');
  if (withText && (!text || text.length > TEXT_MAX)) return fail(messageStatus.invalidTextLength);
  let button: { title: string; action?: string } | undefined;
  if (withButton) {
    const title = args.text('buttonText');
    if (!title || title.length > BUTTON_TEXT_MAX) return fail(messageStatus.invalidButtonTextLength);
    const action = args.text('buttonUrl')?.trim();
    // A video button may have no action (spec `ButtonWithOptionalAction`); the others need one.
    if (action !== undefined ? !isUri(action) : medium !== 'VIDEO') return fail(messageStatus.invalidButtonUrlLength);
    button = { title, ...(action !== undefined ? { action } : {}) };
  }
  const extras = { ...(withText ? { text } : {}), ...(button ? { button } : {}) };

  let content: Record<string, unknown>;
  if (medium === 'TEXT') content = { type: 'TEXT', ...extras };
  else if (medium === 'IMAGE') {
    const mediaUrl = args.text('imageUrl')?.trim();
    if (!isHttpUrl(mediaUrl)) return fail(messageStatus.invalidImageUrlLength);
    const fullScreen = args.flag('showImageInFullScreen');
    if (fullScreen === null) return invalid('showImageInFullScreen must be true or false');
    content = { type: 'IMAGE', mediaUrl, ...extras, ...(fullScreen !== undefined ? { showImageInFullScreen: fullScreen } : {}) };
  } else if (medium === 'VIDEO') {
    const mediaUrl = args.text('videoUrl')?.trim();
    if (!isHttpUrl(mediaUrl)) return invalid(`videoUrl must be an http(s) URL of at most ${URL_MAX} characters`);
    const thumbnailUrl = args.text('thumbnailUrl')?.trim();
    if (!isHttpUrl(thumbnailUrl)) return fail(messageStatus.invalidImageUrlLength);
    const duration = args.text('videoDuration')?.trim().toUpperCase();
    const mediaDuration = duration && /^\d+$/.test(duration) && Number(duration) > 0 ? `PT${Number(duration)}S` : duration;
    if (!mediaDuration || !DURATION.test(mediaDuration)) return invalid('videoDuration must be an ISO 8601 duration (PT45S) or a number of seconds');
    content = { type: 'VIDEO', mediaUrl, mediaDuration, thumbnailUrl, ...extras };
  } else {
    const mediaUrl = args.text('fileUrl')?.trim();
    if (!isHttpUrl(mediaUrl, 2048)) return invalid('fileUrl must be an http(s) URL of at most 2048 characters');
    const fileName = args.text('fileName')?.trim() ?? fileNameOf(mediaUrl);
    if (!FILE_NAME.test(fileName)) return invalid('fileName must end in a document extension Viber takes (.pdf, .docx, .xlsx, .csv, .txt …)');
    content = { type: 'FILE', mediaUrl, fileName };
  }

  const failoverText = args.text('smsFailoverText');
  const failoverSender = args.text('smsFailoverSender')?.trim();
  if (failoverSender !== undefined && !SMS_SENDER.test(failoverSender)) return fail(messageStatus.invalidFrom);
  if (failoverText !== undefined && !smsTextFits(failoverText)) return fail(messageStatus.invalidTextLength);
  const smsFailover = failoverText !== undefined ? { ...(failoverSender ? { sender: failoverSender } : {}), text: failoverText } : undefined;

  return { ok: true, content: { message: content, ...(label ? { label } : {}), ...(smsFailover ? { smsFailover } : {}) } };
}

interface ViberContent {
  message: Record<string, unknown>;
  label?: string;
  smsFailover?: { sender?: string; text: string };
}

export const viber: Channel = {
  id: 'viber',
  name: 'Viber',
  aliases: ['Viber Business Messages'],
  endpoint: '/viber/2/messages',
  logsPath: '/viber/2/logs',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'viber',
  senderRequired: true,
  isValidSender: (sender) => VIBER_SENDER.test(sender),
  urlTracking: true,
  compose,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => {
      const { message, label, smsFailover } = m.content as unknown as ViberContent;
      const options = { ...(label ? { label } : {}), ...(smsFailover ? { smsFailover } : {}) };
      return envelopeMessage(m, context, { content: message, options, seen: true });
    }),
    options: envelopeRequestOptions(context),
  }),
  readResponse: readEnvelopeResponse,
};
