import { type Static, Type } from '@sinclair/typebox';
import { WebhookSecurity } from '../reports/webhook-security.ts';

/**
 * The guide's "messages delivery tracking option" per report family: Native writes rows to the
 * data extension, External POSTs the reports to the tenant's notification URL.
 */
const Sink = Type.Union([
  Type.Object({ mode: Type.Literal('native') }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('external'), url: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
]);

const Keywords = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 });

/** Non-secret report settings, kept in the tenant's settings JSON. */
export const ReportSettings = Type.Object(
  {
    /** SMS, LMS and MMS delivery reports ("SMS Notification URL"). */
    sms: Sink,
    /** Viber, WhatsApp, RCS, Kakao and Zalo delivery and seen reports ("OMNI Notification URL"). */
    omni: Sink,
    /** How long after a message a reply from its recipient counts as a reply to it. */
    replyWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90 }),
    /** Opt-out keywords by language; a reply that is one of them (any case) suppresses the number. */
    optOutKeywords: Type.Record(Type.String({ pattern: '^[a-z]{2,3}$' }), Keywords),
  },
  { additionalProperties: false },
);
export type ReportSettings = Static<typeof ReportSettings>;

/** STOP-style keywords in the languages our tenants' markets speak most; tenants change them. */
export const DEFAULT_OPT_OUT_KEYWORDS: Record<string, string[]> = {
  en: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT'],
  de: ['STOPP', 'ABMELDEN', 'ENDE'],
  fr: ['ARRET', 'ARRÊT', 'DESABONNER'],
  es: ['BAJA', 'PARAR', 'CANCELAR'],
  it: ['ANNULLA', 'CANCELLA', 'FERMA'],
  nl: ['AFMELDEN', 'STOPPEN'],
  pt: ['PARAR', 'SAIR', 'CANCELAR'],
};

export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  sms: { mode: 'native' },
  omni: { mode: 'native' },
  replyWindowHours: 72,
  optOutKeywords: DEFAULT_OPT_OUT_KEYWORDS,
};

export function reportSettings(settings: { reports?: ReportSettings | undefined }): ReportSettings {
  return { ...DEFAULT_REPORT_SETTINGS, ...settings.reports };
}

/** The admin API's body to change report settings: any subset, and the webhook security (null removes it). */
export const UpdateReportSettingsBody = Type.Object(
  {
    sms: Type.Optional(Sink),
    omni: Type.Optional(Sink),
    replyWindowHours: Type.Optional(ReportSettings.properties.replyWindowHours),
    optOutKeywords: Type.Optional(ReportSettings.properties.optOutKeywords),
    webhookSecurity: Type.Optional(Type.Union([WebhookSecurity, Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateReportSettingsBody = Static<typeof UpdateReportSettingsBody>;
