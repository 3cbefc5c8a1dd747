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
 * `platform`) and the legacy v2 shape (`from`, `smsCount`, flat `entityId`) are both read.
 */
const DeliveryResult = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  to: Type.Optional(Type.String()),
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

const Envelope = Type.Object({ results: Type.Array(Type.Unknown()) });
const checkEnvelope = TypeCompiler.Compile(Envelope);
const checkResult = TypeCompiler.Compile(DeliveryResult);

export type ParsedDeliveryWebhook =
  | { ok: true; reports: DeliveryReport[]; invalid: { index: number; problem: string }[] }
  | { ok: false; problem: string };

/**
 * Parses a delivery-report webhook body. A body that is not `{"results": [...]}` is refused;
 * single results that do not parse are reported back as `invalid` (and logged by the caller)
 * while the others are kept, so one odd entry cannot make Infobip retry a whole batch forever.
 */
export function parseDeliveryWebhook(body: unknown): ParsedDeliveryWebhook {
  if (!checkEnvelope.Check(body)) return { ok: false, problem: 'body must be an object with a "results" array' };
  const reports: DeliveryReport[] = [];
  const invalid: { index: number; problem: string }[] = [];
  body.results.forEach((result, index) => {
    if (checkResult.Check(result)) reports.push(toDeliveryReport(result));
    else {
      const error = checkResult.Errors(result).First();
      invalid.push({ index, problem: `results[${index}]${error?.path.replaceAll('/', '.') ?? ''} ${error?.message ?? 'is invalid'}` });
    }
  });
  return { ok: true, reports, invalid };
}

function toDeliveryReport(r: DeliveryResult): DeliveryReport {
  return {
    messageId: r.messageId,
    to: r.to,
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
