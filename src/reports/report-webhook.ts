import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseInfobipTime } from './infobip-time.ts';
import type { DeliveryReport } from './report.ts';

const Status = Type.Object({
  groupId: Type.Number(),
  groupName: Type.String(),
  id: Type.Number(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
});

/**
 * One delivery report as Infobip POSTs it: the SMS v3 shape (`sender`, `messageCount`,
 * `platform`, also MMS, RCS, Viber, Kakao, Zalo, WhatsApp), the legacy v2 shape (`from`,
 * `smsCount`, flat `entityId`) and the Messages API shape (`destination`, numeric `mccMnc`) are read.
 */
const DeliveryResult = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  to: Type.Optional(Type.String()),
  destination: Type.Optional(Type.String()),
  sender: Type.Optional(Type.String()),
  from: Type.Optional(Type.String()),
  sentAt: Type.Optional(Type.String()),
  doneAt: Type.Optional(Type.String()),
  messageCount: Type.Optional(Type.Number()),
  smsCount: Type.Optional(Type.Number()),
  mccMnc: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  callbackData: Type.Optional(Type.String()),
  price: Type.Optional(Type.Object({ pricePerMessage: Type.Optional(Type.Number()), currency: Type.Optional(Type.String()) })),
  status: Status,
  error: Type.Optional(Type.Composite([Status, Type.Object({ permanent: Type.Optional(Type.Boolean()) })])),
});
type DeliveryResult = Static<typeof DeliveryResult>;

/** A seen report (RCS, Viber, WhatsApp, Messages API): `from` is the end user there. */
const SeenResult = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  seenAt: Type.String({ minLength: 1 }),
});

const Envelope = Type.Object({ results: Type.Array(Type.Unknown()) });
const checkEnvelope = TypeCompiler.Compile(Envelope);
const checkDelivery = TypeCompiler.Compile(DeliveryResult);
const checkSeen = TypeCompiler.Compile(SeenResult);

export interface SeenReport {
  messageId: string;
  seenAt: string;
}

export type ParsedReportWebhook =
  | { ok: true; deliveries: DeliveryReport[]; seen: SeenReport[]; invalid: { index: number; problem: string }[] }
  | { ok: false; problem: string };

/**
 * Parses a report webhook body: delivery reports (they have a `status`) and seen reports (a
 * `seenAt` and no status) may come to the same URL — WhatsApp sends both to its notifyUrl. A body
 * that is not `{"results": [...]}` is refused; single results that do not parse are reported back
 * as `invalid` (and logged by the caller) while the others are kept, so one odd entry cannot make
 * Infobip retry a whole batch forever.
 */
export function parseReportWebhook(body: unknown): ParsedReportWebhook {
  if (!checkEnvelope.Check(body)) return { ok: false, problem: 'body must be an object with a "results" array' };
  const deliveries: DeliveryReport[] = [];
  const seen: SeenReport[] = [];
  const invalid: { index: number; problem: string }[] = [];
  body.results.forEach((result, index) => {
    const isSeen = typeof result === 'object' && result !== null && !('status' in result) && 'seenAt' in result;
    const check = isSeen ? checkSeen : checkDelivery;
    if (!check.Check(result)) {
      const error = check.Errors(result).First();
      invalid.push({ index, problem: `results[${index}]${error?.path.replaceAll('/', '.') ?? ''} ${error?.message ?? 'is invalid'}` });
    } else if (isSeen) {
      const seenAt = parseInfobipTime((result as SeenReport).seenAt);
      if (seenAt) seen.push({ messageId: (result as SeenReport).messageId, seenAt });
      else invalid.push({ index, problem: `results[${index}].seenAt is not a time` });
    } else deliveries.push(toDeliveryReport(result as DeliveryResult));
  });
  return { ok: true, deliveries, seen, invalid };
}

function toDeliveryReport(r: DeliveryResult): DeliveryReport {
  return {
    messageId: r.messageId,
    to: r.to ?? r.destination,
    sender: r.sender ?? r.from,
    status: r.status,
    error: r.error,
    price: r.price,
    messageCount: r.messageCount ?? r.smsCount,
    mccMnc: r.mccMnc === undefined ? undefined : String(r.mccMnc),
    callbackData: r.callbackData,
    sentAt: parseInfobipTime(r.sentAt),
    doneAt: parseInfobipTime(r.doneAt),
  };
}
