/**
 * The messageStatus outArgument. Business errors answer 200 with one of these exact strings
 * (the connector guide's "Error handling" table) so the contact continues the journey and a
 * decision split can route on it; a non-200 would eject the contact.
 */
export const messageStatus = {
  pending: 'Success: Message pending',
  missingTrackClicks: 'Error: Missing trackClicks flag',
  missingShortenUrl: 'Error: Missing shortenUrl flag',
  missingPhone: 'Error: Missing phone number in request',
  invalidTrackingUrlLength: 'Error: Invalid tracking url length',
  invalidTextLength: 'Error: Invalid text length',
  invalidTemplateName: 'Error: Invalid template name',
  invalidScenarioKey: 'Error: Invalid scenario key',
  invalidPromotionalFlag: 'Error: Invalid promotional flag',
  invalidImageUrlLength: 'Error: Invalid image url length',
  invalidFrom: 'Error: Invalid from field',
  invalidCustomDomainLength: 'Error: Invalid custom domain length',
  invalidButtonsFieldLength: 'Error: Invalid buttons field length',
  invalidButtonUrlLength: 'Error: Invalid button url length',
  invalidButtonTextLength: 'Error: Invalid button text length',
  invalidSchemeLength: 'Error: Invalid androidScheme and iosScheme length',
  // Not in the guide's table: cases it does not cover, worded the same way.
  invalidPhone: 'Error: Invalid phone number in request',
  unknownChannel: 'Error: Unknown channel',
  unknownAccount: 'Error: Unknown Infobip account',
  invalidRequest: 'Error: Invalid request',
  invalidCallbackDataField: 'Error: Invalid callback data field name',
  invalidCallbackDataLength: 'Error: Invalid callback data length',
  missingMergeField: 'Error: Missing merge field',
  /** The recipient opted out (a STOP keyword, or the operator): nothing is sent. */
  optedOut: 'Error: Recipient opted out',
} as const;

export type MessageStatus = (typeof messageStatus)[keyof typeof messageStatus];
