/**
 * Zalo: a ZNS template, sent with `POST /zalo/2/messages` (infobip.md §3.9, spec
 * `infobip-zalo-openapi.json`, `ZaloRequest` with `ZaloOutboundTemplateContent`). The guide: the
 * template "name" is its registered numeric id (the spec's `templateName` is an int32), and the
 * template data must hold exactly the placeholders registered for that template. URL shortening
 * & tracking is not among Zalo's features in the guide, so it is off here.
 *
 * inArguments (besides the shared ones: channel, phone.*, sender, callbackData.*):
 *   templateName          the registered template id, digits only ("322307")
 *   templatePlaceholders  JSON list of the template's registered placeholder names, written by the
 *                         activity UI from the template listing (["customer_name", "date"]; [] if none)
 *   templateData.<name>   the value of each registered placeholder, merge fields filled
 */
import type { ActivityArguments } from '../journey/activity-arguments.ts';
import { messageStatus } from '../journey/message-status.ts';
import type { Channel, Composed, OutboundMessage, RequestContext } from './channel.ts';
import { envelopeMessage, envelopeRequestOptions, readEnvelopeResponse } from './envelope.ts';

/** The spec's `templateName` is `integer, format int32`: 1 … 2,147,483,647. */
const MAX_TEMPLATE_ID = 2 ** 31 - 1;
/** A Zalo Official Account id used as sender. */
const ZALO_SENDER = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;
/** ZNS placeholder names are identifiers ("customer_name", "order_code"). */
const PLACEHOLDER_NAME = /^[A-Za-z0-9_]{1,100}$/;

const invalid = (problem: string): Composed => ({ ok: false, messageStatus: `${messageStatus.invalidRequest}: ${problem}` });

interface ZaloContent {
  templateName: number;
  templateData: Record<string, string>;
}

export function composeZalo(args: ActivityArguments): Composed {
  const id = args.text('templateName')?.trim();
  const templateName = id !== undefined && /^\d{1,10}$/.test(id) ? Number(id) : NaN;
  if (!(templateName >= 1 && templateName <= MAX_TEMPLATE_ID)) return { ok: false, messageStatus: messageStatus.invalidTemplateName };

  const registered = args.json('templatePlaceholders');
  if (!Array.isArray(registered) || !registered.every((n) => typeof n === 'string' && PLACEHOLDER_NAME.test(n)) || new Set(registered).size !== registered.length) {
    return invalid(`templatePlaceholders must list the placeholder names registered for template ${templateName}`);
  }
  const names = new Set(registered as string[]);
  const templateData: Record<string, string> = {};
  for (const [name] of args.withPrefix('templateData.')) {
    if (!names.has(name)) return invalid(`templateData.${name} is not a placeholder of template ${templateName}`);
  }
  for (const name of names) {
    // A blank value (an empty merge field) is as good as missing: Zalo refuses empty parameters.
    const value = args.text(`templateData.${name}`);
    if (value === undefined) return invalid(`templateData.${name} is missing (a placeholder of template ${templateName})`);
    templateData[name] = value;
  }
  const content: ZaloContent = { templateName, templateData };
  return { ok: true, content: { ...content } };
}

function zaloMessage(m: OutboundMessage, context: RequestContext) {
  const content = m.content as unknown as ZaloContent;
  return envelopeMessage(m, context, {
    content: { type: 'TEMPLATE', templateName: content.templateName, ...(Object.keys(content.templateData).length > 0 ? { templateData: content.templateData } : {}) },
  });
}

export const zalo: Channel = {
  id: 'zalo',
  name: 'Zalo',
  aliases: ['Zalo ZNS', 'zns'],
  endpoint: '/zalo/2/messages',
  logsPath: '/zalo/1/logs',
  maxMessagesPerRequest: 1000,
  deliveryReportType: 'omniDelivery',
  senderKind: 'zalo',
  senderRequired: true,
  isValidSender: (sender) => ZALO_SENDER.test(sender),
  urlTracking: false,
  compose: composeZalo,
  buildRequest: (messages, context) => ({
    messages: messages.map((m) => zaloMessage(m, context)),
    // URL tracking is off for Zalo (see above): never send it, whatever the group carries.
    options: envelopeRequestOptions({ ...context, tracking: undefined }),
  }),
  readResponse: readEnvelopeResponse,
};
