/**
 * RCS through `POST /rcs/2/messages` (spec infobip-rcs-openapi.json, `RcsMessageRequest`): the
 * guide's content types text, file, card and carousel, with suggestions on the message and on
 * each card. A registered sender (RCS agent) is required; seen reports are asked for.
 *
 * inArguments (besides what every channel shares: channel, phone, sender, URL tracking, callback data):
 *   messageType      optional  TEXT (default) | FILE | CARD | CAROUSEL
 *   text             TEXT      1–3,072 characters
 *   fileUrl          FILE      http(s) URL of the file (image, audio, video or PDF), ≤ 2,048
 *   thumbnailUrl     FILE      optional, http(s) image URL; for video files only
 *   card             CARD      JSON object, see "card" below
 *   cardOrientation  CARD      optional, VERTICAL (default) | HORIZONTAL
 *   cardAlignment    CARD      optional, LEFT (default) | RIGHT: image side of a horizontal card
 *   cards            CAROUSEL  JSON array of 2–10 cards
 *   cardWidth        CAROUSEL  optional, MEDIUM (default) | SMALL
 *   suggestions      optional  JSON array of at most 11 suggestions on the whole message
 *
 * card: {"title": ≤ 200, "description": ≤ 2,000, "mediaUrl": "https://…", "thumbnailUrl": "https://…",
 *        "mediaHeight": "SHORT"|"MEDIUM" (default)|"TALL", "suggestions": [≤ 4]}; a card needs a title or media.
 *
 * suggestion: {"type", "text": 1–25 characters, "postbackData": 1–2,024 (default: the text), …} with type
 *   REPLY
 *   OPEN_URL               "url" (http(s), ≤ 2,048), "application": BROWSER|WEBVIEW, "webviewViewMode": FULL|HALF|TALL (WEBVIEW only, required there)
 *   DIAL_PHONE             "phoneNumber" (+ and up to 15 digits)
 *   SHOW_LOCATION          "latitude", "longitude", "label" (optional, ≤ 100)
 *   REQUEST_LOCATION
 *   CREATE_CALENDAR_EVENT  "startTime", "endTime" (ISO 8601 with offset, in the future, start before end), "title" ≤ 100, "description" ≤ 500 (optional)
 * Type names may be written as the guide does ("Open URL", "Calendar event").
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';

const TEXT_MAX = 3072;
const URL_MAX = 2048;
const MESSAGE_SUGGESTIONS_MAX = 11;
const CARD_SUGGESTIONS_MAX = 4;
const CAROUSEL_CARDS: [number, number] = [2, 10];
/** An RCS agent name, as Infobip registered it: printable, no surrounding blanks. */
const RCS_SENDER = /^[^\s\p{C}](?:[^\p{C}]{0,98}[^\s\p{C}])?$/u;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?(?:Z|[+-]\d\d:?\d\d)$/;

type Json = Record<string, unknown>;
type Result<T> = { ok: true; value: T } | { ok: false; messageStatus: string };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (status: string): { ok: false; messageStatus: string } => ({ ok: false, messageStatus: status });
const invalid = (problem: string) => fail(`${messageStatus.invalidRequest}: ${problem}`);

const isHttpUrl = (url: unknown): url is string => typeof url === 'string' && url.length <= URL_MAX && /^https?:\/\/\S+$/i.test(url) && URL.canParse(url);
const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined);
const withinLength = (value: string | undefined, max: number) => value === undefined || value.length <= max;
/** A name as the guide or the spec writes it: "Open URL", "open_url", "OPEN_URL". */
const enumName = (value: unknown) => (typeof value === 'string' ? value.trim().toUpperCase().replace(/[\s-]+/g, '_') : '');
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T | undefined => {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return fallback;
  const name = enumName(value);
  return (allowed as readonly string[]).includes(name) ? (name as T) : undefined;
};

/** Infobip's `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, in UTC (the instant is kept; devices show local time). */
const infobipTime = (date: Date) => date.toISOString().replace('Z', '+0000');

const SUGGESTION_TYPES: Record<string, string> = {
  REPLY: 'REPLY',
  OPEN_URL: 'OPEN_URL',
  DIAL_PHONE: 'DIAL_PHONE',
  SHOW_LOCATION: 'SHOW_LOCATION',
  REQUEST_LOCATION: 'REQUEST_LOCATION',
  CREATE_CALENDAR_EVENT: 'CREATE_CALENDAR_EVENT',
  CALENDAR_EVENT: 'CREATE_CALENDAR_EVENT',
};

function readCoordinate(value: unknown, limit: number): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

function readSuggestion(input: unknown, at: string, now: number): Result<Json> {
  if (!isObject(input)) return invalid(`${at} must be an object`);
  const type = SUGGESTION_TYPES[enumName(input.type)];
  if (!type) return invalid(`${at}.type must be REPLY, OPEN_URL, DIAL_PHONE, SHOW_LOCATION, REQUEST_LOCATION or CREATE_CALENDAR_EVENT`);
  // A suggestion is the RCS button: the guide's button rows apply to its text and URL.
  const text = str(input.text);
  if (!text || text.length > 25) return fail(messageStatus.invalidButtonTextLength);
  const postbackData = str(input.postbackData) ?? text;
  if (postbackData.length > 2024) return invalid(`${at}.postbackData must be at most 2024 characters`);
  const base = { type, text, postbackData };
  switch (type) {
    case 'OPEN_URL': {
      if (!isHttpUrl(input.url)) return fail(messageStatus.invalidButtonUrlLength);
      const application = oneOf(input.application, ['BROWSER', 'WEBVIEW'] as const, 'BROWSER');
      if (!application) return invalid(`${at}.application must be BROWSER or WEBVIEW`);
      if (application === 'BROWSER') return ok({ ...base, url: input.url, application });
      // The spec requires a view mode with a webview; there is no default.
      const webviewViewMode = enumName(input.webviewViewMode);
      if (!['FULL', 'HALF', 'TALL'].includes(webviewViewMode)) return invalid(`${at}.webviewViewMode must be FULL, HALF or TALL with a WEBVIEW`);
      return ok({ ...base, url: input.url, application, webviewViewMode });
    }
    case 'DIAL_PHONE': {
      const phoneNumber = str(input.phoneNumber)?.replace(/[\s()-]/g, '');
      if (!phoneNumber || !/^\+?[0-9]\d{1,14}$/.test(phoneNumber)) return invalid(`${at}.phoneNumber must be a phone number (+ and up to 15 digits)`);
      return ok({ ...base, phoneNumber });
    }
    case 'SHOW_LOCATION': {
      const latitude = readCoordinate(input.latitude, 90);
      const longitude = readCoordinate(input.longitude, 180);
      if (latitude === undefined || longitude === undefined) return invalid(`${at} needs a latitude (-90 to 90) and a longitude (-180 to 180)`);
      const label = str(input.label);
      if (!withinLength(label, 100)) return invalid(`${at}.label must be at most 100 characters`);
      return ok({ ...base, latitude, longitude, ...(label ? { label } : {}) });
    }
    case 'CREATE_CALENDAR_EVENT': {
      const start = str(input.startTime)?.trim();
      const end = str(input.endTime)?.trim();
      const startAt = start && ISO_TIME.test(start) ? Date.parse(start) : NaN;
      const endAt = end && ISO_TIME.test(end) ? Date.parse(end) : NaN;
      // The spec: both in the future, the start before the end.
      if (!(startAt > now && endAt > startAt)) return invalid(`${at} needs a startTime and a later endTime, in the future, as yyyy-MM-ddTHH:mm:ss.SSS+hh:mm`);
      const title = str(input.title);
      if (!title || title.length > 100) return invalid(`${at}.title must be 1–100 characters`);
      const description = str(input.description);
      if (!withinLength(description, 500)) return invalid(`${at}.description must be at most 500 characters`);
      return ok({ ...base, startTime: infobipTime(new Date(startAt)), endTime: infobipTime(new Date(endAt)), title, ...(description ? { description } : {}) });
    }
    default:
      return ok(base);
  }
}

function readSuggestions(input: unknown, at: string, max: number, now: number): Result<Json[]> {
  if (input === undefined) return ok([]);
  if (!Array.isArray(input) || input.length > max) return invalid(`${at} must be a JSON array of at most ${max} suggestions`);
  const out: Json[] = [];
  for (const [i, item] of input.entries()) {
    const read = readSuggestion(item, `${at}[${i}]`, now);
    if (!read.ok) return read;
    out.push(read.value);
  }
  return ok(out);
}

/** One card as the spec's `CardContent`. */
function readCard(input: unknown, at: string, now: number): Result<Json> {
  if (!isObject(input)) return invalid(`${at} must be a JSON object`);
  const title = str(input.title);
  if (!withinLength(title, 200)) return invalid(`${at}.title must be at most 200 characters`);
  const description = str(input.description);
  if (!withinLength(description, 2000)) return invalid(`${at}.description must be at most 2000 characters`);
  let media: Json | undefined;
  if (input.mediaUrl !== undefined && input.mediaUrl !== '') {
    if (!isHttpUrl(input.mediaUrl)) return invalid(`${at}.mediaUrl must be an http(s) URL of at most ${URL_MAX} characters`);
    const thumbnail = str(input.thumbnailUrl);
    if (thumbnail !== undefined && !isHttpUrl(thumbnail)) return fail(messageStatus.invalidImageUrlLength);
    const height = oneOf(input.mediaHeight, ['SHORT', 'MEDIUM', 'TALL'] as const, 'MEDIUM');
    if (!height) return invalid(`${at}.mediaHeight must be SHORT, MEDIUM or TALL`);
    media = { file: { url: input.mediaUrl }, ...(thumbnail ? { thumbnail: { url: thumbnail } } : {}), height };
  }
  if (!title && !media) return invalid(`${at} needs a title or a mediaUrl`);
  const suggestions = readSuggestions(input.suggestions, `${at}.suggestions`, CARD_SUGGESTIONS_MAX, now);
  if (!suggestions.ok) return suggestions;
  return ok({
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    ...(media ? { media } : {}),
    ...(suggestions.value.length > 0 ? { suggestions: suggestions.value } : {}),
  });
}

/** The message's content as the spec's `RcsOutbound*Content`, without its suggestions. */
function readContent(args: ActivityArguments, type: string, now: number): Result<Json> {
  switch (type) {
    case 'TEXT': {
      const text = args.text('text');
      return !text || text.length > TEXT_MAX ? fail(messageStatus.invalidTextLength) : ok({ type, text });
    }
    case 'FILE': {
      const url = args.text('fileUrl')?.trim();
      if (!isHttpUrl(url)) return invalid(`fileUrl must be an http(s) URL of at most ${URL_MAX} characters`);
      const thumbnail = args.text('thumbnailUrl')?.trim();
      if (thumbnail !== undefined && !isHttpUrl(thumbnail)) return fail(messageStatus.invalidImageUrlLength);
      return ok({ type, file: { url }, ...(thumbnail ? { thumbnail: { url: thumbnail } } : {}) });
    }
    case 'CARD': {
      const orientation = oneOf(args.text('cardOrientation'), ['VERTICAL', 'HORIZONTAL'] as const, 'VERTICAL');
      if (!orientation) return invalid('cardOrientation must be VERTICAL or HORIZONTAL');
      const alignment = oneOf(args.text('cardAlignment'), ['LEFT', 'RIGHT'] as const, 'LEFT');
      if (!alignment) return invalid('cardAlignment must be LEFT or RIGHT');
      const card = readCard(args.json('card'), 'card', now);
      return card.ok ? ok({ type, orientation, alignment, content: card.value }) : card;
    }
    default: {
      const cardWidth = oneOf(args.text('cardWidth'), ['SMALL', 'MEDIUM'] as const, 'MEDIUM');
      if (!cardWidth) return invalid('cardWidth must be SMALL or MEDIUM');
      const cards = args.json('cards');
      const [min, max] = CAROUSEL_CARDS;
      if (!Array.isArray(cards) || cards.length < min || cards.length > max) return invalid(`cards must be a JSON array of ${min} to ${max} cards`);
      const contents: Json[] = [];
      for (const [i, item] of cards.entries()) {
        const card = readCard(item, `cards[${i}]`, now);
        if (!card.ok) return card;
        contents.push(card.value);
      }
      return ok({ type, cardWidth, contents });
    }
  }
}

function compose(args: ActivityArguments): Composed {
  const now = Date.now();
  const type = oneOf(args.text('messageType'), ['TEXT', 'FILE', 'CARD', 'CAROUSEL'] as const, 'TEXT');
  if (!type) return invalid('messageType must be TEXT, FILE, CARD or CAROUSEL');
  const content = readContent(args, type, now);
  if (!content.ok) return content;
  const suggestions = readSuggestions(args.json('suggestions'), 'suggestions', MESSAGE_SUGGESTIONS_MAX, now);
  if (!suggestions.ok) return suggestions;
  // Stored as the spec's content object, sent as is.
  return { ok: true, content: { ...content.value, ...(suggestions.value.length > 0 ? { suggestions: suggestions.value } : {}) } };
}

export const rcs: Channel = {
  id: 'rcs',
  name: 'RCS',
  aliases: [],
  endpoint: '/rcs/2/messages',
  logsPath: '/rcs/2/logs',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'rcs',
  senderRequired: true,
  isValidSender: (sender) => RCS_SENDER.test(sender),
  urlTracking: true,
  compose,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => envelopeMessage(m, context, { content: m.content, seen: true })),
    // `messageOrdering.respectOrder` defaults to true, which requires 2–10 messages to ONE
    // destination; our requests are independent messages to many contacts.
    options: envelopeRequestOptions(context, { messageOrdering: { respectOrder: false } }),
  }),
  readResponse: readEnvelopeResponse,
};
