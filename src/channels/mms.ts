/**
 * MMS through `POST /mms/2/messages` (spec infobip-mms-openapi.json, `MmsUnificationRequest`):
 * a title and ordered segments, text and media by URL (spec `LINK` segments).
 *
 * inArguments (besides what every channel shares: channel, phone, sender, URL tracking, callback data):
 *   title     optional  at most 66 characters
 *   segments  required  JSON array, in display order, at least one of:
 *               {"type": "TEXT", "text": "…"}                         text of 1–4,096 characters
 *               {"type": "IMAGE"|"VIDEO"|"AUDIO"|"DOCUMENT", "url": "https://…", "contentType": "image/jpeg"}
 *               {"type": "LINK", "url": "https://…", "contentType": "…"}   (the kind read from contentType)
 *             `contentType` may be left out when the URL ends in a known extension (.jpg, .mp4, .pdf …).
 *
 * Media size: the guide says all operators take MMS up to 300 KB and most US/Canadian carriers up
 * to about 1 MB. Execute does no network I/O (media is fetched by Infobip when it sends), so the
 * size cannot be checked here: `mmsSizeGuidance` is the text the activity UI shows instead.
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';
import { smsFamily } from './sms.ts';

export const mmsSizeGuidance =
  'All operators handle MMS messages of up to 300 KB of data; most US and Canadian carriers handle up to 1 MB. ' +
  'Media is fetched from its URL when the message is sent, so its size is not checked when the journey runs: send a test message before saving.';

const TITLE_MAX = 66;
const TEXT_MAX = 4096;
/** The spec sets no limit on `contentUrl`; 2,048 is what browsers and the other channels' specs take. */
const URL_MAX = 2048;

type MediaKind = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'DOCUMENT';
/** Content types by kind: image/*, video/*, audio/*; a document is any application/* or text/* file. */
const KIND_OF_TYPE: [RegExp, MediaKind][] = [
  [/^image\/[\w.+-]+$/i, 'IMAGE'],
  [/^video\/[\w.+-]+$/i, 'VIDEO'],
  [/^audio\/[\w.+-]+$/i, 'AUDIO'],
  [/^(?:application|text)\/[\w.+-]+$/i, 'DOCUMENT'],
];
const TYPE_OF_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp',
  mp4: 'video/mp4', '3gp': 'video/3gpp', mov: 'video/quicktime',
  mp3: 'audio/mpeg', aac: 'audio/aac', amr: 'audio/amr', wav: 'audio/wav', ogg: 'audio/ogg',
  pdf: 'application/pdf', vcf: 'text/vcard', ics: 'text/calendar', txt: 'text/plain',
};

const isHttpUrl = (url: string) => url.length <= URL_MAX && /^https?:\/\/\S+$/i.test(url) && URL.canParse(url);
const kindOf = (contentType: string) => KIND_OF_TYPE.find(([pattern]) => pattern.test(contentType))?.[1];
const extensionType = (url: string) => TYPE_OF_EXTENSION[/\.(\w+)$/.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? ''];

type Segment = { type: 'TEXT'; text: string } | { type: 'LINK'; contentUrl: string; contentType: string };
type Read = { ok: true; segment: Segment } | { ok: false; messageStatus: string };

const invalid = (problem: string): { ok: false; messageStatus: string } => ({ ok: false, messageStatus: `${messageStatus.invalidRequest}: ${problem}` });

function readSegment(item: unknown, at: string): Read {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return invalid(`${at} must be an object`);
  const s = item as Record<string, unknown>;
  const type = typeof s.type === 'string' ? s.type.trim().toUpperCase() : '';
  if (type === 'TEXT') {
    const text = s.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > TEXT_MAX) return { ok: false, messageStatus: messageStatus.invalidTextLength };
    return { ok: true, segment: { type: 'TEXT', text } };
  }
  if (type !== 'LINK' && !['IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT'].includes(type)) return invalid(`${at}.type must be TEXT, IMAGE, VIDEO, AUDIO, DOCUMENT or LINK`);
  const url = typeof s.url === 'string' ? s.url.trim() : typeof s.contentUrl === 'string' ? s.contentUrl.trim() : '';
  if (!isHttpUrl(url)) {
    // The guide's row for image URLs; other media get the field named.
    return type === 'IMAGE' ? { ok: false, messageStatus: messageStatus.invalidImageUrlLength } : invalid(`${at}.url must be an http(s) URL of at most ${URL_MAX} characters`);
  }
  const contentType = typeof s.contentType === 'string' && s.contentType.trim() !== '' ? s.contentType.trim().toLowerCase() : extensionType(url);
  if (contentType === undefined) return invalid(`${at}.contentType is required (e.g. image/jpeg)`);
  const kind = kindOf(contentType);
  if (!kind || (type !== 'LINK' && kind !== type)) return invalid(`${at}.contentType ${contentType} is not ${type === 'LINK' ? 'an image, video, audio or document type' : `of type ${type}`}`);
  return { ok: true, segment: { type: 'LINK', contentUrl: url, contentType } };
}

function compose(args: ActivityArguments): Composed {
  const title = args.text('title');
  if (title !== undefined && title.length > TITLE_MAX) return invalid(`title must be at most ${TITLE_MAX} characters`);
  const input = args.json('segments');
  if (!Array.isArray(input) || input.length === 0) return invalid('segments must be a JSON array of at least one segment');
  const messageSegments: Segment[] = [];
  for (const [i, item] of input.entries()) {
    const read = readSegment(item, `segments[${i}]`);
    if (!read.ok) return read;
    messageSegments.push(read.segment);
  }
  // Stored as the spec's `MmsOutboundContent`.
  return { ok: true, content: { ...(title !== undefined ? { title } : {}), messageSegments } };
}

export const mms: Channel = {
  id: 'mms',
  name: 'MMS',
  aliases: [],
  endpoint: '/mms/2/messages',
  logsPath: '/mms/2/logs',
  ...smsFamily,
  compose,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => envelopeMessage(m, context, { content: m.content })),
    options: envelopeRequestOptions(context),
  }),
  readResponse: readEnvelopeResponse,
};
